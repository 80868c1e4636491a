"""What one flow of a by-product saves, in euros and in CO2e, against a stated counterfactual.

Counterfactual: without the synergy, the offering site sends the resource to its usual
treatment (landfill or incineration, the default of its material category) and pays for it,
and the receiving site buys the same mass of virgin material of its own category. One tonne of
the by-product replaces one tonne of virgin material. The synergy adds a road transport from
one site to the other, by a van, a rigid or an articulated truck.

Per year, for q tonnes over a road distance d (km) by vehicle v:

    transport (€)      = q · d · cost_per_tkm[v]
    euros saved        = q · disposal_cost + q · virgin_cost − transport (€)
    transport (kg CO2e) = q · d · co2_per_tkm[v]
    CO2e avoided       = q · virgin_co2[demand category] + q · treatment_co2[offer category]
                         − transport (kg CO2e)

The road distance is the great-circle distance times a detour factor of 1.3 (`road.detour`).
Every factor is data in `data/symbiosis_factors.csv` with its unit, source and year; the
disposal and virgin costs of a flow are the declarers' own current costs when given, else the
category defaults of that table.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from maillage.core.geo import haversine_km

__all__ = [
    "FACTORS",
    "VEHICLES",
    "Factor",
    "Savings",
    "factor",
    "factors",
    "flow_savings",
    "road_km",
]

FACTORS = Path(__file__).resolve().parent / "data" / "symbiosis_factors.csv"
VEHICLES = ("van", "rigid", "articulated")


@dataclass(frozen=True, slots=True)
class Factor:
    key: str
    value: float
    unit: str
    source: str
    year: int


@cache
def factors(path: Path = FACTORS) -> dict[str, Factor]:
    """The factor table by key ("transport_co2.rigid", "virgin_cost.glass"...)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return {
            row["key"]: Factor(
                row["key"], float(row["value"]), row["unit"], row["source"], int(row["year"])
            )
            for row in csv.DictReader(handle)
        }


def factor(key: str, category: str = "") -> float:
    """A factor's value; `category` picks `key.category`, falling back on `key.other`."""
    table = factors()
    if category:
        found = table.get(f"{key}.{category}") or table[f"{key}.other"]
        return found.value
    return table[key].value


def road_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Road distance estimated as the great-circle distance times the detour factor (1.3)."""
    return haversine_km(lat1, lon1, lat2, lon2) * factor("road.detour")


@dataclass(frozen=True, slots=True)
class Savings:
    """One flow per year: the euros and kg CO2e of each term, and the two totals."""

    tonnes: float
    distance_km: float
    vehicle: str
    transport_eur: float
    disposal_avoided_eur: float
    virgin_avoided_eur: float
    transport_co2_kg: float
    virgin_avoided_co2_kg: float
    treatment_avoided_co2_kg: float

    @property
    def euros_saved(self) -> float:
        return self.disposal_avoided_eur + self.virgin_avoided_eur - self.transport_eur

    @property
    def co2_avoided_kg(self) -> float:
        return self.virgin_avoided_co2_kg + self.treatment_avoided_co2_kg - self.transport_co2_kg


def flow_savings(
    tonnes: float,
    distance_km: float,
    *,
    vehicle: str = "rigid",
    offer_category: str = "other",
    demand_category: str = "other",
    disposal_cost_per_t: float | None = None,
    virgin_cost_per_t: float | None = None,
) -> Savings:
    """The breakdown of one flow of `tonnes` a year over `distance_km` of road.

    Costs per tonne left as None take the category defaults of the factor table.
    """
    if vehicle not in VEHICLES:
        raise ValueError(f"unknown vehicle class: {vehicle!r}")
    if tonnes < 0 or distance_km < 0:
        raise ValueError("a quantity and a distance must be zero or more")
    disposal = (
        factor("disposal_cost", offer_category)
        if disposal_cost_per_t is None
        else disposal_cost_per_t
    )
    virgin = (
        factor("virgin_cost", demand_category) if virgin_cost_per_t is None else virgin_cost_per_t
    )
    tkm = tonnes * distance_km
    return Savings(
        tonnes=tonnes,
        distance_km=distance_km,
        vehicle=vehicle,
        transport_eur=tkm * factor(f"transport_cost.{vehicle}"),
        disposal_avoided_eur=tonnes * disposal,
        virgin_avoided_eur=tonnes * virgin,
        transport_co2_kg=tkm * factor(f"transport_co2.{vehicle}"),
        virgin_avoided_co2_kg=tonnes * factor("virgin_co2", demand_category),
        treatment_avoided_co2_kg=tonnes * factor("treatment_co2", offer_category),
    )
