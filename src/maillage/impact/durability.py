"""Durability of a machine: age, remaining life, life bought by retrofits, MTBF trend.

Sources: the expected life of a machine by kind is a factor (the factor table cites it, e.g.
the fiscal useful lives of the French tax administration's BOI-BIC-AMT-20-20-20-20 for machine
tools); a retrofit's added life is recorded on the retrofit project. L/L_av, the lifetime ratio
of the Material Circularity Indicator (Ellen MacArthur Foundation & Granta, 2015, eq. 11), is
the expected life including retrofits over the average life of its kind.
The MTBF trend compares the mean time between failures of the earlier and the later half of a
machine's failures (operating hours at failure), the simplest form of the reliability-growth
reading of IEC 61164; with fewer than four failures it says nothing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise


def _positive(name: str, value: float) -> float:
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be positive: {value}")
    return value


def age_years(built_year: int, this_year: int) -> int:
    """Whole years since the machine was built (0 for a machine built this year)."""
    if built_year > this_year:
        raise ValueError(f"built_year {built_year} is after {this_year}")
    return this_year - built_year


def remaining_life_years(*, age: float, expected_life: float, extension: float = 0.0) -> float:
    """Expected life plus the years retrofits added, less the age; never below 0."""
    _positive("expected_life", expected_life)
    if age < 0 or extension < 0:
        raise ValueError("age and extension must be zero or more")
    return max(0.0, expected_life + extension - age)


def lifetime_ratio(*, expected_life: float, average_life: float, extension: float = 0.0) -> float:
    """L/L_av: (expected life + retrofit extension) / the average life of its kind."""
    if extension < 0:
        raise ValueError("extension must be zero or more")
    return (_positive("expected_life", expected_life) + extension) / _positive(
        "average_life", average_life
    )


@dataclass(frozen=True, slots=True)
class MtbfTrend:
    earlier_mtbf: float
    recent_mtbf: float

    @property
    def ratio(self) -> float:
        """Recent over earlier MTBF: above 1 the machine fails less often than it used to."""
        return self.recent_mtbf / self.earlier_mtbf


def mtbf_trend(failure_hours: Sequence[float]) -> MtbfTrend | None:
    """Compare the MTBF of the earlier and later half of the failures (operating hours at each
    failure, ascending); None under four failures."""
    hours = sorted(failure_hours)
    if len(hours) < 4:
        return None
    if hours[0] < 0:
        raise ValueError("operating hours must be zero or more")
    gaps = [hours[0]] + [later - earlier for earlier, later in pairwise(hours)]
    half = len(gaps) // 2
    earlier, recent = gaps[:half], gaps[half:]
    earlier_mtbf = sum(earlier) / len(earlier)
    recent_mtbf = sum(recent) / len(recent)
    if earlier_mtbf <= 0:
        return None
    return MtbfTrend(earlier_mtbf=earlier_mtbf, recent_mtbf=recent_mtbf)
