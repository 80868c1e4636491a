"""The factor table: every emission factor, lifetime and price a figure uses (plain Python).

Each factor has a value, a unit, a source, a year and a status (`sourced`, `assumption`, or
`override` when the territory's coordinators replaced it). The shipped values are version 0:
`data/factors.csv` here plus the embodied carbon of materials of the maintenance app
(`embodied.<material>`, `embodied.manufacturing_uplift`). Coordinators override a factor for
their territory (one instance is one territory); each override is a new version, so a figure
can name the versions it used and an old report can be read against the factors it was made
with. `FactorSet` records the keys a computation read (`used`), so every figure links to them.

`limits` says which values a factor may take, so an override cannot break a formula: a share
(unit "fraction…") lies in [0, 1]; a divisor (average utilisation, recycling efficiencies,
hours a year, life, distances, thresholds) must be above 0; a road detour at least 1; anything
else may not be negative.
An override that puts back the shipped value and source (a revert) keeps the shipped status.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from maillage.impact.sharing import MAX_HOURS_PER_YEAR
from maillage.maintenance.retrofit import MAX_AMOUNT, MAX_YEARS, UPLIFT_KEY, load_factors

FACTORS_CSV = Path(__file__).parent / "data" / "factors.csv"
STATUSES = ("sourced", "assumption", "override")
# Factors that divide or scale a figure: zero would break it (a division, an MCI of nothing).
STRICTLY_POSITIVE = (
    "average_utilisation",
    "load_factor",
    "hours_available_per_year",
    "machine_life_years",
    "purchase_threshold_hours",
    "counterfactual_km",
    "local_radius_km",
    "feedstock_efficiency.",
    "collection_efficiency.",
)
UPPER_BOUNDS = {"hours_available_per_year": MAX_HOURS_PER_YEAR, "machine_life_years": MAX_YEARS}
LOWER_BOUNDS = {"road_detour_factor": 1.0}  # a road is never shorter than the straight line


@dataclass(frozen=True, slots=True)
class FactorValue:
    key: str
    value: float
    unit: str
    source: str
    year: int
    status: str
    version: int = 0


@dataclass(frozen=True, slots=True)
class Limits:
    """Where a factor's value may lie: [low, high], low itself excluded when `low_open`."""

    low: float
    high: float
    low_open: bool = False

    def allows(self, value: float) -> bool:
        if not math.isfinite(value) or value > self.high:
            return False
        return value > self.low if self.low_open else value >= self.low


def is_fraction(unit: str) -> bool:
    """A unit such as "fraction" or "fraction of price": a share, between 0 and 1."""
    return unit.split(" ", 1)[0] == "fraction"


def limits(key: str, unit: str) -> Limits:
    """The values a factor may take (module docstring): shares in [0, 1], divisors above 0."""
    positive = any(
        key.startswith(name) if name.endswith(".") else key == name for name in STRICTLY_POSITIVE
    )
    high = 1.0 if is_fraction(unit) else UPPER_BOUNDS.get(key, MAX_AMOUNT)
    return Limits(LOWER_BOUNDS.get(key, 0.0), high, low_open=positive)


def shipped_factors(path: Path = FACTORS_CSV) -> dict[str, FactorValue]:
    """Version 0 of every factor: this app's CSV and the maintenance app's embodied carbon."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = {
            row["key"]: FactorValue(
                key=row["key"],
                value=float(row["value"]),
                unit=row["unit"],
                source=row["source"],
                year=int(row["year"]),
                status=row["status"],
            )
            for row in csv.DictReader(handle)
        }
    carbon = load_factors()
    for factor in carbon.rows():
        key = f"embodied.{factor.key}"
        unit = "fraction" if factor.key == UPLIFT_KEY else "kgCO2e/kg"
        status = "assumption" if factor.source.startswith("Assumption") else "sourced"
        rows[key] = FactorValue(key, factor.value, unit, factor.source, 2011, status)
    return rows


def _reverted(override: FactorValue, shipped: FactorValue | None) -> FactorValue:
    """A version that puts back the shipped value and source keeps the shipped status."""
    if shipped is not None and (override.value, override.source) == (shipped.value, shipped.source):
        return replace(override, status=shipped.status)
    return override


class FactorSet:
    """The factors in force, shipped values replaced by the territory's overrides."""

    def __init__(self, values: Mapping[str, FactorValue]) -> None:
        self._values = dict(values)
        self.used: dict[str, FactorValue] = {}

    @classmethod
    def with_overrides(cls, overrides: Iterable[FactorValue]) -> FactorSet:
        shipped = shipped_factors()
        values = dict(shipped)
        for override in overrides:
            current = values.get(override.key)
            if current is None or override.version >= current.version:
                values[override.key] = _reverted(override, shipped.get(override.key))
        return cls(values)

    def __contains__(self, key: str) -> bool:
        return key in self._values

    def get(self, key: str) -> FactorValue:
        """The factor in force; raises KeyError naming an unknown key. Records it as used."""
        try:
            factor = self._values[key]
        except KeyError:
            raise KeyError(f"unknown factor: {key}") from None
        self.used[key] = factor
        return factor

    def value(self, key: str) -> float:
        return self.get(key).value

    def all(self) -> list[FactorValue]:
        return sorted(self._values.values(), key=lambda factor: factor.key)
