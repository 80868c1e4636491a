"""A machine's week for the calendar page: openings, closures, downtimes and bookings by day.

Times handed to templates are aware datetimes in Europe/Paris; the calendar splits every
interval at local midnight so that each day lists what happens that day.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core.dates import in_window
from maillage.directory import permissions
from maillage.equipment.models import Machine
from maillage.sharing.availability import PARIS, Interval, local_instant
from maillage.sharing.models import (
    LIVE_STATES,
    AvailabilityException,
    Booking,
    BookingState,
    Downtime,
    ExceptionKind,
)
from maillage.sharing.schedule import open_intervals

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
