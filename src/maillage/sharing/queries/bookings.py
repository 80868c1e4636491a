"""Reads shared by the booking pages and the API: bookings of a person or a host, next steps."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from maillage.directory import permissions
from maillage.directory.models import (
    Membership,
    MembershipState,
    Organisation,
    OrganisationStatus,
)
from maillage.equipment.models import Machine, MachineStatus
from maillage.sharing.models import LIVE_STATES, Booking, BookingState, CalendarToken
from maillage.sharing.queries.calendar import day_bounds, local_today

CHECK_IN_EARLY = dt.timedelta(minutes=30)  # as actions.usage.check_in allows


# --- bookings of a person ------------------------------------------------------------


def bookings_of(user: Any) -> QuerySet[Booking]:
    """Everything this person booked, with what the pages show beside it."""
    return Booking.objects.filter(booker=user).select_related(
        "machine", "host_organisation", "booker_organisation"
    )


def upcoming_bookings(user: Any, now: dt.datetime | None = None) -> QuerySet[Booking]:
    """Live bookings not yet over, soonest first."""
    now = now or timezone.now()
    return bookings_of(user).filter(state__in=LIVE_STATES, end__gte=now).order_by("start")


def past_bookings(user: Any, now: dt.datetime | None = None) -> QuerySet[Booking]:
    """Bookings over or closed (completed, cancelled, refused, no-show), latest first."""
    now = now or timezone.now()
    return (
        bookings_of(user)
        .filter(~Q(state__in=LIVE_STATES) | Q(end__lt=now))
        .order_by("-start", "-pk")
    )


# --- bookings of a host --------------------------------------------------------------


def member_organisations(user: Any) -> list[Organisation]:
    """Organisations where this person is an active member (whatever their status)."""
    if not user.is_authenticated:
        return []
    return list(
        Organisation.objects.filter(
            pk__in=Membership.objects.filter(user=user, state=MembershipState.ACTIVE).values(
                "organisation_id"
            )
        ).order_by("name")
    )


def hosted_organisations(user: Any) -> list[Organisation]:
    """Organisations whose machines this person hosts (admin or host role), by name."""
    if not user.is_authenticated:
        return []
    return list(
        Organisation.objects.filter(pk__in=permissions.hosted_organisation_ids(user)).order_by(
            "name"
        )
    )


def booking_organisations(user: Any) -> list[Organisation]:
    """Organisations a person may book for: active memberships of validated organisations,
    the same list `actions.request_booking` accepts."""
    if not user.is_authenticated:
        return []
    return list(
        Organisation.objects.filter(
            status=OrganisationStatus.VALIDATED,
            pk__in=Membership.objects.filter(user=user, state=MembershipState.ACTIVE).values(
                "organisation_id"
            ),
        ).order_by("name")
    )


def bookings_for_actor(user: Any) -> QuerySet[Booking]:
    """The bookings a person may act on: their own, their organisations' as host; all for
    coordinators."""
    qs = Booking.objects.select_related("machine", "host_organisation", "booker")
    if permissions.is_coordinator(user):
        return qs
    if not user.is_authenticated:
        return qs.none()
    hosts = Membership.objects.filter(user=user, state=MembershipState.ACTIVE).values(
        "organisation_id"
    )
    return qs.filter(Q(booker=user) | Q(host_organisation__in=hosts))


@dataclass
class HostBoard:
    organisation: Organisation
    requests: list[Booking]
    current: list[Booking]
    problems: list[Booking]
    machines: list[Machine]


def host_board(organisation: Organisation, now: dt.datetime | None = None) -> HostBoard:
    """What a host organisation has to act on: requests, today's and upcoming bookings,
    recent problem reports, and its machines."""
    now = now or timezone.now()
    today_start = day_bounds(local_today(now)).start
    hosted = Booking.objects.filter(host_organisation=organisation).select_related(
        "machine", "booker", "booker_organisation"
    )
    requests = hosted.filter(state=BookingState.REQUESTED, end__gte=now).order_by("start")
    current = hosted.filter(
        Q(state=BookingState.CHECKED_IN) | Q(state=BookingState.CONFIRMED, end__gte=today_start)
    ).order_by("start")
    problems = (
        hosted.filter(state=BookingState.COMPLETED, completed_at__gte=now - dt.timedelta(days=90))
        .exclude(problem_report="")
        .order_by("-completed_at")[:20]
    )
    machines = (
        Machine.objects.filter(organisation=organisation)
        .exclude(status=MachineStatus.RETIRED)
        .select_related("offer")
        .order_by("name", "pk")
    )
    return HostBoard(
        organisation=organisation,
        requests=list(requests),
        current=list(current),
        problems=list(problems),
        machines=list(machines),
    )


# --- what can be done with a booking -------------------------------------------------


def booking_steps(
    booking: Booking, *, is_booker: bool, is_host: bool, now: dt.datetime | None = None
) -> set[str]:
    """The steps a person may take now (cancel, move, check_in, check_out, decide), as the
    actions would accept them; the actions check again."""
    now = now or timezone.now()
    steps: set[str] = set()
    state = booking.state
    if state in (BookingState.REQUESTED, BookingState.CONFIRMED) and (
        is_host or booking.start > now
    ):
        steps.add("cancel")
    if is_booker and state in (BookingState.REQUESTED, BookingState.CONFIRMED):
        steps.add("move")
    if (is_booker or is_host) and state == BookingState.CONFIRMED:
        if booking.start - CHECK_IN_EARLY <= now <= booking.end:
            steps.add("check_in")
        if now >= booking.start:
            steps.add("check_out")
    if (is_booker or is_host) and state == BookingState.CHECKED_IN:
        steps.add("check_out")
    if is_host and state == BookingState.REQUESTED:
        steps.add("decide")
    return steps


def has_calendar_feed(user: Any) -> bool:
    """Whether this person has made a feed address (its secret is not kept, only its hash)."""
    return CalendarToken.objects.filter(user=user).exists()
