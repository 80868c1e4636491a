"""The network's events: the list, an event's page with its register button, the calendar
feeds (iCalendar) of the public events and of one event."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.cooperation import ical
from maillage.cooperation.actions import events as actions
from maillage.cooperation.models import Event
from maillage.cooperation.queries import events as queries
from maillage.cooperation.queries.governance import is_network_member
from maillage.cooperation.views.network import the_network
from maillage.core.views import flash_outcome
from maillage.directory.models import User
from maillage.sharing.views.common import acting_user


def events(request: HttpRequest) -> HttpResponse:
    found = the_network()
    visible = queries.visible_events(request.user, found)
    member = is_network_member(request.user, found)
    key = queries.feed_token(request.user) if isinstance(request.user, User) and member else ""
    return render(
        request,
        "cooperation/events.html",
        {
            "network": found,
            "upcoming": queries.upcoming(visible),
            "past": visible.filter(end__lt=timezone.now()).order_by("-start")[:20],
            "is_member": member,
            "private_feed": reverse("cooperation:events_ics") + "?key=" + key if key else "",
        },
    )


def _visible_event(request: HttpRequest, pk: int) -> Event:
    found = the_network()
    return get_object_or_404(queries.visible_events(request.user, found), pk=pk)


def event(request: HttpRequest, pk: int) -> HttpResponse:
    shown = _visible_event(request, pk)
    return render(
        request,
        "cooperation/event.html",
        {
            "event": shown,
            "registration": queries.registration_of(request.user, shown),
            "places_left": queries.places_left(shown),
            "started": shown.start <= timezone.now(),
        },
    )


@login_required
@require_POST
def register(request: HttpRequest, pk: int) -> HttpResponse:
    shown = _visible_event(request, pk)
    flash_outcome(
        request,
        lambda: actions.register(acting_user(request), shown),
        _("You are registered."),
    )
    return redirect("cooperation:event", pk=shown.pk)


@login_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    shown = _visible_event(request, pk)
    flash_outcome(
        request,
        lambda: actions.cancel(acting_user(request), shown),
        _("Your registration is cancelled."),
    )
    return redirect("cooperation:event", pk=shown.pk)


def _calendar(request: HttpRequest, shown: Iterable[Event], name: str) -> HttpResponse:
    host = request.get_host().split(":")[0] or "maillage"
    items = []
    for e in shown:
        place = ", ".join(p for p in (e.place, e.commune.name if e.commune else "") if p)
        items.append(
            ical.CalendarEvent(
                uid=f"event-{e.pk}@{host}",
                start=e.start,
                end=e.end,
                summary=e.title,
                location=place,
                description=e.description,
                url=request.build_absolute_uri(reverse("cooperation:event", args=[e.pk])),
            )
        )
    text = ical.calendar(items, name=name, now=timezone.now())
    response = HttpResponse(text.encode("utf-8"), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="events.ics"'
    return response


def events_ics(request: HttpRequest) -> HttpResponse:
    """The public events, for anyone; with a member's key (a calendar app cannot sign in), the
    members' meetings too."""
    found = the_network()
    shown = found.events.filter(is_public=True)
    token = request.GET.get("key", "")
    if token:
        owner = queries.feed_user(token[:64])
        if owner is None:
            raise Http404
        if is_network_member(owner, found):
            shown = found.events.all()
    return _calendar(request, shown.select_related("commune").order_by("start"), found.name)


def event_ics(request: HttpRequest, pk: int) -> HttpResponse:
    shown = _visible_event(request, pk)
    return _calendar(request, [shown], shown.title)
