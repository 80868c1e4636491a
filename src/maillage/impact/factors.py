"""The factor table: every emission factor, lifetime and price a figure uses (plain Python).

Each factor has a value, a unit, a source, a year and a status (`sourced`, `assumption`, or
`override` when the territory's coordinators replaced it). The shipped values are version 0:
`data/factors.csv` here plus the embodied carbon of materials of the maintenance app
(`embodied.<material>`, `embodied.manufacturing_uplift`). Coordinators override a factor for
their territory (one instance is one territory); each override is a new version, so a figure
can name the versions it used and an old report can be read against the factors it was made
with. `FactorSet` records the keys a computation read (`used`), so every figure links to them.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from maillage.maintenance.retrofit import UPLIFT_KEY, load_factors

FACTORS_CSV = Path(__file__).parent / "data" / "factors.csv"
STATUSES = ("sourced", "assumption", "override")


@dataclass(frozen=True, slots=True)
class FactorValue:
    key: str
    value: float
    unit: str
    source: str
    year: int
    status: str
    version: int = 0


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


class FactorSet:
    """The factors in force, shipped values replaced by the territory's overrides."""

    def __init__(self, values: Mapping[str, FactorValue]) -> None:
        self._values = dict(values)
        self.used: dict[str, FactorValue] = {}

    @classmethod
    def with_overrides(cls, overrides: Iterable[FactorValue]) -> FactorSet:
        values = shipped_factors()
        for override in overrides:
            current = values.get(override.key)
            if current is None or override.version >= current.version:
                values[override.key] = override
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
