"""Deposit-return loops in plain numbers: the loop's indicators and the reusable bottle's carbon.

Indicators, from the counts of a period (see docs/symbiosis/containers.md):

- return rate = returned / sold;
- breakage rate = broken / returned (returned bottles discarded at the washing centre);
- rotations per year = bottles filled per year / containers in circulation;
- average number of uses of a bottle = 1 / (1 − p), p = return rate × (1 − breakage rate), the
  chance a filled bottle is filled again (a geometric number of uses).

Carbon per use, the content left out (the same in both systems), over a one-way distance d between
the filling site and the shops:

- reusable: (production + end of life) / n + washing + d × 2 × (glass + crate share) × transport
  (the full bottle goes out, the empty comes back with its crate);
- single-use: production + end of life + d × glass × transport.

The factors are data, `data/container_factors.csv`, with their sources: orders of magnitude of
ADEME's 2018 life-cycle assessment of the reused glass bottle. With them reuse wins from 2 to
4 uses (the more so the shorter the trip) and loses beyond about 600 km.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

FACTORS_CSV = Path(__file__).parent / "data" / "container_factors.csv"
FACTOR_KEYS = (
    "glass_production",
    "glass_end_of_life",
    "washing",
    "transport",
    "crate_per_container",
)


@dataclass(frozen=True, slots=True)
class Factor:
    key: str
    value: float
    unit: str
    source: str


@dataclass(frozen=True, slots=True)
class ContainerFactors:
    """kg CO2e per kg of glass made and thrown, per wash, per t.km; kg of crate per bottle."""

    glass_production: float
    glass_end_of_life: float
    washing: float
    transport: float
    crate_per_container: float


def read_factors(path: Path = FACTORS_CSV) -> list[Factor]:
    """The factor table with units and sources; ValueError naming the line that is wrong."""
    rows: list[Factor] = []
    with path.open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            try:
                value = float(row["value"])
            except (TypeError, ValueError):
                raise ValueError(f"line {line}: value must be a number") from None
            if not math.isfinite(value) or value < 0:
                raise ValueError(f"line {line}: value must be zero or more")
            rows.append(Factor(row["key"], value, row["unit"], row["source"]))
    missing = set(FACTOR_KEYS) - {r.key for r in rows}
    if missing:
        raise ValueError(f"missing factors: {', '.join(sorted(missing))}")
    return rows


def load_factors(path: Path = FACTORS_CSV) -> ContainerFactors:
    values = {r.key: r.value for r in read_factors(path)}
    return ContainerFactors(**{key: values[key] for key in FACTOR_KEYS})


# --- the loop's indicators ---


@dataclass(frozen=True, slots=True)
class LoopCounts:
    """Counts over `months` months: bottles filled, sold, returned, broken."""

    filled: int
    sold: int
    returned: int
    broken: int
    months: int


@dataclass(frozen=True, slots=True)
class LoopIndicators:
    return_rate: float | None
    breakage_rate: float | None
    rotations_per_year: float | None
    average_uses: float | None
    filled_per_year: float | None


def _ratio(part: float, whole: float) -> float | None:
    return part / whole if whole > 0 else None


def average_uses(return_rate: float, breakage_rate: float) -> float:
    """Expected number of fills of a bottle: 1 / (1 − return × (1 − breakage)), ∞ when p = 1."""
    if not (0 <= return_rate <= 1 and 0 <= breakage_rate <= 1):
        raise ValueError("return_rate and breakage_rate must lie between 0 and 1")
    p = return_rate * (1 - breakage_rate)
    return math.inf if p >= 1 else 1 / (1 - p)


def loop_indicators(counts: LoopCounts, containers_in_circulation: int) -> LoopIndicators:
    """The loop's indicators over a period; None where a count it divides by is zero."""
    if min(counts.filled, counts.sold, counts.returned, counts.broken, counts.months) < 0:
        raise ValueError("counts cannot be negative")
    return_rate = _ratio(counts.returned, counts.sold)
    breakage = _ratio(counts.broken, counts.returned)
    if return_rate is not None:
        return_rate = min(return_rate, 1.0)  # returns of bottles sold before the period
    if breakage is not None:
        breakage = min(breakage, 1.0)
    per_year = counts.filled * 12 / counts.months if counts.months else None
    rotations = (
        per_year / containers_in_circulation
        if per_year is not None and containers_in_circulation > 0
        else None
    )
    uses = None
    if return_rate is not None:
        uses = average_uses(return_rate, breakage or 0.0)
    return LoopIndicators(return_rate, breakage, rotations, uses, per_year)


# --- carbon of a use ---


@dataclass(frozen=True, slots=True)
class Bottles:
    """Masses in kg of the reusable bottle and of its single-use equivalent."""

    reusable_kg: float
    single_use_kg: float


def _check(bottles: Bottles, uses: float, distance_km: float) -> None:
    if not (bottles.reusable_kg > 0 and bottles.single_use_kg > 0):
        raise ValueError("bottle masses must be above 0")
    if not uses >= 1:
        raise ValueError("uses must be 1 or more")
    if not (math.isfinite(distance_km) and distance_km >= 0):
        raise ValueError("distance_km must be zero or more")


def reusable_per_use(
    bottles: Bottles, uses: float, distance_km: float, f: ContainerFactors
) -> float:
    """kg CO2e per use of a reusable bottle filled `uses` times, `distance_km` from the shops."""
    _check(bottles, uses, distance_km)
    glass = bottles.reusable_kg
    made_and_thrown = glass * (f.glass_production + f.glass_end_of_life)
    round_trip_t = 2 * (glass + f.crate_per_container) / 1000
    per_trip = 0.0 if math.isinf(uses) else made_and_thrown / uses
    return per_trip + f.washing + distance_km * round_trip_t * f.transport


def single_use_per_use(bottles: Bottles, distance_km: float, f: ContainerFactors) -> float:
    """kg CO2e of a single-use glass bottle, made, carried once and thrown."""
    _check(bottles, 1, distance_km)
    glass = bottles.single_use_kg
    return glass * (f.glass_production + f.glass_end_of_life) + (
        distance_km * glass / 1000 * f.transport
    )


@dataclass(frozen=True, slots=True)
class Comparison:
    reusable: float
    single_use: float

    @property
    def saving(self) -> float:
        """Share saved by reuse: 0.6 when a use emits 60 % less; negative when reuse loses."""
        return 1 - self.reusable / self.single_use


def compare(bottles: Bottles, uses: float, distance_km: float, f: ContainerFactors) -> Comparison:
    return Comparison(
        reusable_per_use(bottles, uses, distance_km, f),
        single_use_per_use(bottles, distance_km, f),
    )


def break_even_uses(bottles: Bottles, distance_km: float, f: ContainerFactors) -> float | None:
    """The number of uses from which reuse emits less (a real number); None if it never does."""
    _check(bottles, 1, distance_km)
    made_and_thrown = bottles.reusable_kg * (f.glass_production + f.glass_end_of_life)
    at_infinity = reusable_per_use(bottles, math.inf, distance_km, f)
    margin = single_use_per_use(bottles, distance_km, f) - at_infinity
    if margin <= 0:
        return None
    return max(1.0, made_and_thrown / margin)


def break_even_distance_km(bottles: Bottles, uses: float, f: ContainerFactors) -> float | None:
    """The one-way distance beyond which reuse emits more; None if it never wins, even at 0 km."""
    _check(bottles, uses, 0)
    here = compare(bottles, uses, 0, f)
    gap = here.single_use - here.reusable
    if gap <= 0:
        return None
    extra_per_km = (
        (2 * (bottles.reusable_kg + f.crate_per_container) - bottles.single_use_kg)
        / 1000
        * f.transport
    )
    return math.inf if extra_per_km <= 0 else gap / extra_per_km
