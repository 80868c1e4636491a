"""Reliability of a machine from its history (plain Python).

- MTBF: operating hours (recorded usage) divided by the number of failures in the period;
- MTTR: mean time from failure to restoration, in clock hours, over the restored failures;
- availability: the share of the period's clock time the machine was not down for a failure
  (a shared machine sits idle most of the time, so MTBF/(MTBF+MTTR), which mixes operating
  and clock hours, would say little);
- failures per 1,000 h: failures per 1,000 operating hours.

A failure still open at the end of the period counts as a failure and as down time up to the
end, not in MTTR (it has no restoration yet). Any figure without a denominator is `None`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

HOUR = 3600.0


@dataclass(frozen=True, slots=True)
class Failure:
    failed_at: dt.datetime
    restored_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class Totals:
    """What the figures are made from; sums of several machines add up field by field."""

    operating_hours: float
    failures: int
    repair_hours: float
    repairs: int
    down_hours: float
    period_hours: float

    def __add__(self, other: Totals) -> Totals:
        return Totals(
            self.operating_hours + other.operating_hours,
            self.failures + other.failures,
            self.repair_hours + other.repair_hours,
            self.repairs + other.repairs,
            self.down_hours + other.down_hours,
            self.period_hours + other.period_hours,
        )


@dataclass(frozen=True, slots=True)
class Reliability:
    operating_hours: float
    failures: int
    mtbf_hours: float | None
    mttr_hours: float | None
    availability: float | None
    failures_per_1000_hours: float | None


def figures(totals: Totals) -> Reliability:
    ops, failures = totals.operating_hours, totals.failures
    return Reliability(
        operating_hours=ops,
        failures=failures,
        mtbf_hours=ops / failures if failures else None,
        mttr_hours=totals.repair_hours / totals.repairs if totals.repairs else None,
        availability=(
            max(0.0, 1 - totals.down_hours / totals.period_hours) if totals.period_hours else None
        ),
        failures_per_1000_hours=failures * 1000 / ops if ops else None,
    )


def totals(
    usage_hours: Iterable[float],
    failures: Iterable[Failure],
    start: dt.datetime,
    end: dt.datetime,
) -> Totals:
    """The totals of one machine over [start, end): usage and failures are those of the period."""
    if end <= start:
        raise ValueError("end must come after start")
    count = repairs = 0
    repair = down = 0.0
    for failure in failures:
        if failure.restored_at is not None and failure.restored_at < failure.failed_at:
            raise ValueError("restored_at must not come before failed_at")
        if not start <= failure.failed_at < end:
            if failure.failed_at < start and (
                failure.restored_at is None or failure.restored_at > start
            ):
                down += _hours(start, min(failure.restored_at or end, end))
            continue
        count += 1
        if failure.restored_at is not None:
            repairs += 1
            repair += _hours(failure.failed_at, failure.restored_at)
        down += _hours(failure.failed_at, min(failure.restored_at or end, end))
    hours = [float(value) for value in usage_hours]
    if any(value < 0 for value in hours):
        raise ValueError("usage_hours cannot be negative")
    return Totals(
        operating_hours=sum(hours),
        failures=count,
        repair_hours=repair,
        repairs=repairs,
        down_hours=down,
        period_hours=_hours(start, end),
    )


def reliability(
    usage_hours: Iterable[float],
    failures: Iterable[Failure],
    start: dt.datetime,
    end: dt.datetime,
) -> Reliability:
    return figures(totals(usage_hours, failures, start, end))


def _hours(start: dt.datetime, end: dt.datetime) -> float:
    return (end - start).total_seconds() / HOUR
