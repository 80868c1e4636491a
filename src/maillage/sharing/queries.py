"""Reads shared by the sharing pages and the API: bookings of a person or a host, a week's calendar.

Times handed to templates are aware datetimes in Europe/Paris; the calendar splits every
interval at local midnight so that each day lists what happens that day.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core.dates import in_window
from maillage.directory import permissions
from maillage.directory.models import (
    Membership,
    MembershipState,
    Organisation,
    OrganisationStatus,
)
from maillage.equipment.models import Machine, MachineStatus, Process
from maillage.sharing.availability import PARIS, Interval, local_instant
from maillage.sharing.models import (
    LIVE_STATES,
    AvailabilityException,
    Booking,
    BookingState,
    Downtime,
    ExceptionKind,
    Training,
)
from maillage.sharing.schedule import open_intervals

CHECK_IN_EARLY = dt.timedelta(minutes=30)  # as actions.check_in allows
SHOWN_STATES = (*LIVE_STATES, BookingState.COMPLETED)  # what the calendar draws
_WEEK = re.compile(r"^(\d{4})-W(\d{1,2})$")


# --- weeks ---------------------------------------------------------------------------


def parse_week(value: str | None) -> dt.date | None:
    """The Monday of an ISO week written "2026-W48"; None when absent, malformed or too far."""
    match = _WEEK.match((value or "").strip())
    if not match:
        return None
    try:
        monday = dt.date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        return None
    return monday if in_window(monday) else None


def week_label(monday: dt.date) -> str:
    year, week, _day = monday.isocalendar()
    return f"{year}-W{week:02d}"


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def local_today(now: dt.datetime | None = None) -> dt.date:
    return (now or timezone.now()).astimezone(PARIS).date()


def day_bounds(day: dt.date) -> Interval:
    """Local midnight to local midnight (23 or 25 hours on daylight-saving days)."""
    return Interval(
        local_instant(day, dt.time(0), PARIS),
        local_instant(day + dt.timedelta(days=1), dt.time(0), PARIS),
    )


# --- the week calendar ---------------------------------------------------------------


@dataclass
class CalendarEntry:
    """One thing on one day: `kind` is open, closure, opening, downtime or booking."""

    kind: str
    start: dt.datetime
    end: dt.datetime
    label: str = ""
    state: str = ""
    state_label: str = ""
    mine: bool = False
    from_previous_day: bool = False
    to_next_day: bool = False


@dataclass
class CalendarDay:
    date: dt.date
    is_today: bool
    entries: list[CalendarEntry] = field(default_factory=list)

    @property
    def openings(self) -> list[CalendarEntry]:
        return [e for e in self.entries if e.kind == "open"]

    @property
    def events(self) -> list[CalendarEntry]:
        return [e for e in self.entries if e.kind != "open"]


@dataclass
class WeekCalendar:
    machine: Machine
    monday: dt.date
    days: list[CalendarDay]
    is_host: bool

    @property
    def week(self) -> str:
        return week_label(self.monday)

    @property
    def previous_week(self) -> str:
        return week_label(self.monday - dt.timedelta(days=7))

    @property
    def next_week(self) -> str:
        return week_label(self.monday + dt.timedelta(days=7))

    @property
    def sunday(self) -> dt.date:
        return self.monday + dt.timedelta(days=6)


def _split(days: list[CalendarDay], start: dt.datetime, end: dt.datetime, **entry: Any) -> None:
    """Add one entry per day the interval [start, end) touches, clipped to that day."""
    for day in days:
        bounds = day_bounds(day.date)
        if not (start < bounds.end and bounds.start < end):
            continue
        day.entries.append(
            CalendarEntry(
                start=max(start, bounds.start).astimezone(PARIS),
                end=min(end, bounds.end).astimezone(PARIS),
                from_previous_day=start < bounds.start,
                to_next_day=end > bounds.end,
                **entry,
            )
        )


def week_calendar(
    machine: Machine, monday: dt.date, viewer: Any, now: dt.datetime | None = None
) -> WeekCalendar:
    """Openings, closures, downtimes and bookings of a machine for one week, day by day.

    The host sees who booked; the booker sees their own bookings; everyone else sees "busy".
    """
    now = now or timezone.now()
    today = local_today(now)
    days = [CalendarDay(monday + dt.timedelta(days=i), False) for i in range(7)]
    for day in days:
        day.is_today = day.date == today
    week = Interval(day_bounds(days[0].date).start, day_bounds(days[-1].date).end)
    is_host = permissions.can_host(viewer, machine.organisation)
    viewer_id = viewer.pk if viewer.is_authenticated else None

    for interval in open_intervals(machine, week.start, week.end):
        _split(days, interval.start, interval.end, kind="open", label=_("Open"))

    exceptions = AvailabilityException.objects.filter(
        Q(machine=machine) | Q(site_id=machine.site_id), start__lt=week.end, end__gt=week.start
    )
    for exception in exceptions:
        closure = exception.kind == ExceptionKind.CLOSURE
        _split(
            days,
            exception.start,
            exception.end,
            kind="closure" if closure else "opening",
            label=exception.reason or (_("Closed") if closure else _("Exceptional opening")),
        )

    downtimes = Downtime.objects.filter(machine=machine, start__lt=week.end).filter(
        Q(end__isnull=True) | Q(end__gt=week.start)
    )
    for downtime in downtimes:
        _split(
            days,
            downtime.start,
            downtime.end or week.end + dt.timedelta(days=1),
            kind="downtime",
            label=downtime.reason,
        )

    bookings = Booking.objects.filter(
        machine=machine, state__in=SHOWN_STATES, start__lt=week.end, end__gt=week.start
    ).select_related("booker", "booker_organisation")
    for booking in bookings:
        mine = viewer_id is not None and booking.booker_id == viewer_id
        if is_host:
            who = booking.booker.display_name()
            if booking.booker_organisation is not None:
                who = f"{who} ({booking.booker_organisation.name})"
            label = who
        elif mine:
            label = _("Your booking")
        else:
            label = _("Busy")
        _split(
            days,
            booking.start,
            booking.end,
            kind="booking",
            label=label,
            mine=mine,
            state=booking.state if (is_host or mine) else "",
            state_label=booking.get_state_display() if (is_host or mine) else "",
        )

    for day in days:
        day.entries.sort(key=lambda e: (e.start, e.kind != "open", e.end))
    return WeekCalendar(machine=machine, monday=monday, days=days, is_host=is_host)


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


# --- trainings an offer may require --------------------------------------------------


def trainings_for_machine(machine: Machine, also: Iterable[int] = ()) -> QuerySet[Training]:
    """Trainings of the network for this machine, or for one of its processes or a broader one
    (plus the trainings `also` names, e.g. those an offer already requires)."""
    codes: set[str] = set()
    for path in Process.objects.filter(machines=machine).values_list("path", flat=True):
        codes.update(c for c in path.split("|") if c)
    return (
        Training.objects.filter(
            Q(machine=machine) | Q(process__code__in=codes) | Q(pk__in=list(also))
        )
        .select_related("organisation", "process", "machine")
        .order_by("title", "pk")
    )
