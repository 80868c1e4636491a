"""The iCalendar feeds (a person's bookings, a machine's bookings) and their settings page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from icalendar import Calendar, Event

from maillage.directory import permissions
from maillage.directory.auth import hash_token
from maillage.sharing.actions import feeds as feed_actions
from maillage.sharing.models import Booking, BookingState, CalendarToken, Offer
from maillage.sharing.queries.bookings import has_calendar_feed
from maillage.sharing.views.common import acting_user

# How far back a feed reaches; everything ahead is included.
FEED_PAST_DAYS = 180

FEED_STATUS = {
    BookingState.REQUESTED: "TENTATIVE",
    BookingState.CONFIRMED: "CONFIRMED",
    BookingState.CHECKED_IN: "CONFIRMED",
    BookingState.COMPLETED: "CONFIRMED",
    # The slot was given back: calendar clients strike these out or hide them.
    BookingState.CANCELLED: "CANCELLED",
    BookingState.REFUSED: "CANCELLED",
    BookingState.NO_SHOW: "CANCELLED",
}


def _uid_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "maillage"


def _location(booking: Booking) -> str:
    site = booking.machine.site
    place = " ".join(p for p in (site.postal_code, site.place_name()) if p)
    parts = [booking.host_organisation.name, site.name, site.address, place]
    return ", ".join(p.strip() for p in parts if p and p.strip())


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC)


def _calendar(name: str, bookings: Iterable[Booking]) -> bytes:
    """An RFC 5545 VCALENDAR with one VEVENT per booking, times in UTC."""
    calendar = Calendar()
    calendar.add("prodid", "-//Maillage//Maillage bookings//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    host = _uid_host()
    for booking in bookings:
        event = Event()
        event.add("uid", f"booking-{booking.pk}@{host}")
        event.add("dtstamp", _utc(booking.updated_at))
        event.add("last-modified", _utc(booking.updated_at))
        event.add("dtstart", _utc(booking.start))
        event.add("dtend", _utc(booking.end))
        event.add("summary", f"{booking.machine.name} — {booking.get_state_display()}")
        event.add("status", FEED_STATUS.get(BookingState(booking.state), "TENTATIVE"))
        event.add("location", _location(booking))
        calendar.add_component(event)
    body: bytes = calendar.to_ical()
    return body


def _feed_bookings(qs: QuerySet[Booking]) -> QuerySet[Booking]:
    since = timezone.now() - dt.timedelta(days=FEED_PAST_DAYS)
    return (
        qs.filter(end__gte=since)
        .select_related("machine__site__commune", "host_organisation")
        .order_by("start", "pk")
    )


def _ics(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
def user_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A person's bookings; the token in the URL is the only credential."""
    found = (
        CalendarToken.objects.filter(token_hash=hash_token(token), user__is_active=True)
        .select_related("user")
        .first()
    )
    if found is None:
        raise Http404
    bookings = _feed_bookings(Booking.objects.filter(booker=found.user))
    return _ics(_calendar(_("Maillage — my bookings"), bookings), "maillage-bookings.ics")


@require_GET
def machine_feed(request: HttpRequest, machine_id: int, token: str) -> HttpResponse:
    """Every booking of one machine, for the host's calendars; the offer's token is the key."""
    offer = (
        Offer.objects.filter(machine_id=machine_id, feed_token_hash=hash_token(token))
        .select_related("machine")
        .first()
    )
    if offer is None:
        raise Http404
    bookings = _feed_bookings(Booking.objects.filter(machine_id=machine_id))
    name = _("Maillage — %(machine)s") % {"machine": offer.machine.name}
    return _ics(_calendar(name, bookings), f"maillage-machine-{machine_id}.ics")


def _feed_links(request: HttpRequest, path: str) -> dict[str, str]:
    """The canonical address (SITE_URL, as in e-mails), and its webcal:// twin."""
    url = settings.SITE_URL.rstrip("/") + path
    return {"https": url, "webcal": "webcal://" + url.split("://", 1)[1]}


@login_required
def calendar_settings(request: HttpRequest) -> HttpResponse:
    """Feed addresses are shown once, when made: only their secrets' hashes are kept."""
    actor = acting_user(request)
    new_links = None
    new_machine: dict[str, Any] | None = None
    if request.method == "POST":
        if "renew" in request.POST:
            secret = feed_actions.renew_calendar_token(actor)
            new_links = _feed_links(request, reverse("statements:user_feed", args=[secret]))
        elif "renew_machine" in request.POST:
            try:
                offer_id = int(request.POST["renew_machine"])
            except ValueError:
                raise Http404 from None
            offer = get_object_or_404(
                Offer.objects.select_related("machine__organisation"), pk=offer_id
            )
            if not permissions.can_host(actor, offer.machine.organisation):
                raise PermissionDenied
            secret = feed_actions.renew_machine_feed_token(actor, offer)
            path = reverse("statements:machine_feed", args=[offer.machine_id, secret])
            new_machine = {"offer_id": offer.pk, "links": _feed_links(request, path)}
    my_orgs = permissions.hosted_organisation_ids(actor)
    offers = (
        Offer.objects.filter(machine__organisation__in=my_orgs)
        .select_related("machine__organisation")
        .order_by("machine__organisation__name", "machine__name")
    )
    machine_feeds = [
        {
            "offer": offer,
            "links": new_machine["links"]
            if new_machine and new_machine["offer_id"] == offer.pk
            else None,
        }
        for offer in offers
    ]
    return render(
        request,
        "sharing/statements/calendar.html",
        {
            "new_links": new_links,
            "has_feed": new_links is not None or has_calendar_feed(actor),
            "machine_feeds": machine_feeds,
        },
    )
