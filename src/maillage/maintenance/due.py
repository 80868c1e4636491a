"""When a maintenance task falls due, by hours of use, by calendar, or whichever comes first.

A task done at `last_hours` on the meter and on `last_on` falls due `every_hours` later on the
meter and/or `every_days` later on the calendar. Its state today:

- ``ok``: neither limit is within the lead;
- ``planned``: a limit is within the lead (`lead_hours` of use, `lead_days` of calendar);
- ``due``: a limit is reached;
- ``overdue``: a limit is passed by more than the tolerance, a tenth of its interval (at least
  one day on the calendar), the usual slack of maintenance manuals.

With both intervals the worse state wins (whichever comes first). Plain Python.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from enum import StrEnum

TOLERANCE = 0.1


class DueState(StrEnum):
    OK = "ok"
    PLANNED = "planned"
    DUE = "due"
    OVERDUE = "overdue"


RANK = {DueState.OK: 0, DueState.PLANNED: 1, DueState.DUE: 2, DueState.OVERDUE: 3}


@dataclass(frozen=True, slots=True)
class Schedule:
    every_hours: float | None = None
    every_days: int | None = None
    lead_hours: float = 0.0
    lead_days: int = 0

    def __post_init__(self) -> None:
        if self.every_hours is None and self.every_days is None:
            raise ValueError("every_hours or every_days is needed")
        if self.every_hours is not None and not (
            math.isfinite(self.every_hours) and self.every_hours > 0
        ):
            raise ValueError("every_hours must be positive")
        if self.every_days is not None and self.every_days <= 0:
            raise ValueError("every_days must be positive")
        if self.lead_hours < 0:
            raise ValueError("lead_hours cannot be negative")
        if self.lead_days < 0:
            raise ValueError("lead_days cannot be negative")


@dataclass(frozen=True, slots=True)
class Due:
    state: DueState
    due_hours: float | None  # meter reading at which it falls due
    due_on: dt.date | None  # day on which it falls due
    hours_left: float | None  # negative once passed
    days_left: int | None


def limits(
    schedule: Schedule, last_hours: float, last_on: dt.date
) -> tuple[float | None, dt.date | None]:
    """The meter reading and the day at which the task falls due."""
    due_hours = last_hours + schedule.every_hours if schedule.every_hours is not None else None
    due_on = (
        last_on + dt.timedelta(days=schedule.every_days)
        if schedule.every_days is not None
        else None
    )
    return due_hours, due_on


def tolerance_days(every_days: int) -> int:
    return max(1, math.floor(TOLERANCE * every_days))


def _state(left: float, lead: float, tolerance: float) -> DueState:
    if left < -tolerance:
        return DueState.OVERDUE
    if left <= 0:
        return DueState.DUE
    if left <= lead:
        return DueState.PLANNED
    return DueState.OK


def due(
    schedule: Schedule, last_hours: float, last_on: dt.date, meter_hours: float, today: dt.date
) -> Due:
    if meter_hours < 0 or last_hours < 0:
        raise ValueError("meter_hours cannot be negative")
    due_hours, due_on = limits(schedule, last_hours, last_on)
    state = DueState.OK
    hours_left = days_left = None
    if due_hours is not None and schedule.every_hours is not None:
        hours_left = due_hours - meter_hours
        state = _state(hours_left, schedule.lead_hours, TOLERANCE * schedule.every_hours)
    if due_on is not None and schedule.every_days is not None:
        days_left = (due_on - today).days
        by_days = _state(days_left, schedule.lead_days, tolerance_days(schedule.every_days))
        state = max(state, by_days, key=RANK.__getitem__)
    return Due(state, due_hours, due_on, hours_left, days_left)


def thresholds(
    schedule: Schedule, last_hours: float, last_on: dt.date
) -> tuple[float | None, dt.date | None, float | None, dt.date | None]:
    """Where each state starts, for the database to filter on: (planned from hours, planned
    from day, overdue past hours, overdue past day); a task is in the list of things to do
    once the meter or the day reaches its planning threshold, and overdue once the meter or
    the day goes past its overdue threshold."""
    due_hours, due_on = limits(schedule, last_hours, last_on)
    plan_hours = over_hours = None
    plan_on = over_on = None
    if due_hours is not None and schedule.every_hours is not None:
        plan_hours = due_hours - schedule.lead_hours
        over_hours = due_hours + TOLERANCE * schedule.every_hours
    if due_on is not None and schedule.every_days is not None:
        plan_on = due_on - dt.timedelta(days=schedule.lead_days)
        over_on = due_on + dt.timedelta(days=tolerance_days(schedule.every_days))
    return plan_hours, plan_on, over_hours, over_on
