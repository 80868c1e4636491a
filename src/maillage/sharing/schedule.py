"""Load a machine's opening hours and busy time from the database for the availability core."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db.models import Q

from maillage.equipment.models import Machine
from maillage.sharing.availability import Interval, WeeklyWindow, opening_intervals
from maillage.sharing.models import (
    LIVE_STATES,
    AvailabilityException,
    Booking,
    Downtime,
    ExceptionKind,
    OpeningWindow,
)

ALWAYS = [WeeklyWindow(day, dt.time(0), dt.time(0)) for day in range(7)]


def choose_windows(rows: Sequence[tuple[int | None, WeeklyWindow]]) -> list[WeeklyWindow]:
    """The machine's own weekly hours, else its site's, else open at all hours.

    `rows` pairs each window with the machine it belongs to (None for a site's window).
    """
    own = [window for machine_id, window in rows if machine_id is not None]
    site = [window for machine_id, window in rows if machine_id is None]
    return own or site or ALWAYS


def weekly_windows(machine: Machine) -> list[WeeklyWindow]:
    """The machine's own hours, else its site's, else always open (closures still apply)."""
    found = OpeningWindow.objects.filter(
        Q(machine=machine) | Q(machine__isnull=True, site_id=machine.site_id)
    )
    return choose_windows([(r.machine_id, WeeklyWindow(r.weekday, r.start, r.end)) for r in found])


def open_intervals(machine: Machine, start: dt.datetime, end: dt.datetime) -> list[Interval]:
    exceptions = AvailabilityException.objects.filter(
        Q(machine=machine) | Q(site_id=machine.site_id), start__lt=end, end__gt=start
    )
    openings = [Interval(e.start, e.end) for e in exceptions if e.kind == ExceptionKind.OPENING]
    closures = [Interval(e.start, e.end) for e in exceptions if e.kind == ExceptionKind.CLOSURE]
    return opening_intervals(weekly_windows(machine), start, end, openings, closures)


def busy_intervals(
    machine: Machine, start: dt.datetime, end: dt.datetime, exclude_booking: int | None = None
) -> list[Interval]:
    """Other live bookings (with their buffers) and downtimes overlapping [start, end)."""
    bookings = Booking.objects.filter(
        machine=machine, state__in=LIVE_STATES, start__lt=end, blocked_until__gt=start
    )
    if exclude_booking is not None:
        bookings = bookings.exclude(pk=exclude_booking)
    busy = [Interval(b.start, b.blocked_until) for b in bookings]
    far = end + dt.timedelta(days=3650)
    for d in Downtime.objects.filter(machine=machine, start__lt=end).filter(
        Q(end__isnull=True) | Q(end__gt=start)
    ):
        busy.append(Interval(d.start, d.end or far))
    return busy
