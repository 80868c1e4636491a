"""When a machine can be booked: opening windows, exceptions, bookings and rules (plain Python).

Every instant is an aware datetime; weekly windows are local wall-clock times in the host's
time zone (Europe/Paris), turned into instants date by date so that daylight-saving changes
move them correctly. Intervals are half-open: [start, end).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from enum import StrEnum
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


@dataclass(frozen=True, slots=True)
class Interval:
    start: dt.datetime
    end: dt.datetime

    def overlaps(self, other: Interval) -> bool:
        return self.start < other.end and other.start < self.end

    def contains(self, other: Interval) -> bool:
        return self.start <= other.start and other.end <= self.end


@dataclass(frozen=True, slots=True)
class WeeklyWindow:
    """Open every `weekday` (0 = Monday) from `start` to `end`, local time.

    `end` is after `start`, or midnight (00:00) for "until the end of the day".
    """

    weekday: int
    start: dt.time
    end: dt.time


@dataclass(frozen=True, slots=True)
class Rules:
    min_minutes: int = 30
    max_minutes: int = 8 * 60
    buffer_minutes: int = 0
    min_notice_minutes: int = 0
    horizon_days: int = 90


# The booking rules an offer sets, by field name (the same names on `Offer`).
RULE_FIELDS: tuple[str, ...] = tuple(rule.name for rule in fields(Rules))


class Problem(StrEnum):
    END_BEFORE_START = "end_before_start"
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    NOTICE = "notice"
    HORIZON = "horizon"
    CLOSED = "closed"
    BUSY = "busy"


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted union of intervals; touching intervals are joined."""
    result: list[Interval] = []
    for item in sorted(intervals, key=lambda i: (i.start, i.end)):
        if item.end <= item.start:
            continue
        if result and item.start <= result[-1].end:
            last = result[-1]
            result[-1] = Interval(last.start, max(last.end, item.end))
        else:
            result.append(item)
    return result


def subtract(base: Sequence[Interval], holes: Iterable[Interval]) -> list[Interval]:
    """The parts of `base` (merged) outside every hole."""
    remaining = merge(base)
    for hole in merge(holes):
        pieces: list[Interval] = []
        for part in remaining:
            if not part.overlaps(hole):
                pieces.append(part)
                continue
            if part.start < hole.start:
                pieces.append(Interval(part.start, hole.start))
            if hole.end < part.end:
                pieces.append(Interval(hole.end, part.end))
        remaining = pieces
    return remaining


def local_instant(day: dt.date, time: dt.time, tz: ZoneInfo) -> dt.datetime:
    """The instant a wall clock in `tz` shows `time` on `day`, normalised through UTC.

    In the spring-forward gap (02:30 does not exist) this lands just after the gap; in the
    autumn repeat (02:30 happens twice) it takes the first occurrence.
    """
    naive = dt.datetime.combine(day, time)
    # Returned in UTC: aware datetimes sharing one zone compare as wall clocks, which is wrong
    # in the repeated autumn hour.
    return naive.replace(tzinfo=tz).astimezone(dt.UTC)


def opening_intervals(
    windows: Iterable[WeeklyWindow],
    start: dt.datetime,
    end: dt.datetime,
    openings: Iterable[Interval] = (),
    closures: Iterable[Interval] = (),
    tz: ZoneInfo = PARIS,
) -> list[Interval]:
    """Open intervals between start and end: weekly windows, plus openings, minus closures."""
    windows = list(windows)
    found: list[Interval] = []
    day = start.astimezone(tz).date() - dt.timedelta(days=1)
    last_day = end.astimezone(tz).date()
    while day <= last_day:
        for window in windows:
            if window.weekday != day.weekday():
                continue
            if window.end == dt.time(0):
                closes = local_instant(day + dt.timedelta(days=1), dt.time(0), tz)
            elif window.end > window.start:
                closes = local_instant(day, window.end, tz)
            else:
                continue
            found.append(Interval(local_instant(day, window.start, tz), closes))
        day += dt.timedelta(days=1)
    found.extend(openings)
    bounded = [
        Interval(max(i.start, start), min(i.end, end))
        for i in merge(found)
        if i.overlaps(Interval(start, end))
    ]
    return subtract(bounded, closures)


def blocked(interval: Interval, buffer_minutes: int) -> Interval:
    """What a booking keeps from others: its own time and the buffer after it."""
    return Interval(interval.start, interval.end + dt.timedelta(minutes=buffer_minutes))


def check_request(
    wanted: Interval,
    now: dt.datetime,
    rules: Rules,
    open_intervals: Sequence[Interval],
    busy: Sequence[Interval],
) -> list[Problem]:
    """Every reason the host's rules refuse this slot; an empty list means it may be booked.

    `busy` holds the blocked intervals (buffer included) of the other live bookings and the
    machine's downtimes.
    """
    if wanted.end <= wanted.start:
        return [Problem.END_BEFORE_START]
    problems: list[Problem] = []
    # In UTC: two times in one zone subtract as wall clocks, wrong across a DST change.
    minutes = (wanted.end.astimezone(dt.UTC) - wanted.start.astimezone(dt.UTC)).total_seconds() / 60
    if minutes < rules.min_minutes:
        problems.append(Problem.TOO_SHORT)
    if minutes > rules.max_minutes:
        problems.append(Problem.TOO_LONG)
    if wanted.start < now + dt.timedelta(minutes=rules.min_notice_minutes):
        problems.append(Problem.NOTICE)
    if wanted.end > now + dt.timedelta(days=rules.horizon_days):
        problems.append(Problem.HORIZON)
    if not any(o.contains(wanted) for o in merge(open_intervals)):
        problems.append(Problem.CLOSED)
    mine = blocked(wanted, rules.buffer_minutes)
    if any(mine.overlaps(b) for b in busy):
        problems.append(Problem.BUSY)
    return problems


def free_intervals(
    open_intervals: Sequence[Interval], busy: Sequence[Interval], buffer_minutes: int
) -> list[Interval]:
    """Open time not taken by a booking, shortened so that a booking there keeps its buffer."""
    buffer = dt.timedelta(minutes=buffer_minutes)
    # A booking starting at t blocks [t, end + buffer): it must end `buffer` before the next busy.
    shifted = [Interval(b.start - buffer, b.end) for b in busy]
    return subtract(open_intervals, shifted)


# Proposed starts that are not on a round minute (computed from "now") move up to a quarter hour.
SLOT_STEP = dt.timedelta(minutes=15)


def round_up_start(instant: dt.datetime) -> dt.datetime:
    """`instant` (in UTC) if on a whole minute, else the next quarter hour.

    A start computed from "now" is then still ahead when the person books it, and survives
    being written to the minute in a link. Quarter hours are the same in UTC and in Paris.
    """
    utc = instant.astimezone(dt.UTC)
    if utc.second == 0 and utc.microsecond == 0:
        return utc
    midnight = utc.replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight + (math.floor((utc - midnight) / SLOT_STEP) + 1) * SLOT_STEP


def bookable_span(now: dt.datetime, rules: Rules) -> Interval:
    """Where a slot may lie under the notice and horizon rules, whatever the calendar says."""
    return Interval(
        now + dt.timedelta(minutes=rules.min_notice_minutes),
        now + dt.timedelta(days=rules.horizon_days),
    )


def earliest_slot(
    duration: dt.timedelta,
    after: dt.datetime,
    before: dt.datetime,
    now: dt.datetime,
    rules: Rules,
    open_intervals: Sequence[Interval],
    busy: Sequence[Interval],
) -> Interval | None:
    """The earliest slot of `duration` in [after, before] that `check_request` accepts at `now`.

    Its start is on a whole minute (see `round_up_start`). `busy` is as for `check_request`.
    None when the duration breaks the host's minimum or maximum, or nothing is free in time.
    """
    minutes = duration.total_seconds() / 60
    if not rules.min_minutes <= minutes <= rules.max_minutes:
        return None
    allowed = bookable_span(now, rules)
    # In UTC: adding a duration to a Paris wall clock is wrong across a daylight-saving change.
    earliest = max(after, allowed.start).astimezone(dt.UTC)
    latest = min(before, allowed.end)
    for free in free_intervals(open_intervals, busy, rules.buffer_minutes):
        start = round_up_start(max(free.start, earliest))
        end = start + duration
        if end > latest:
            return None  # later free intervals start later still
        if end <= free.end:
            slot = Interval(start, end)
            # The booking's own check has the last word: what it refuses is never proposed.
            if not check_request(slot, now, rules, open_intervals, busy):
                return slot
    return None
