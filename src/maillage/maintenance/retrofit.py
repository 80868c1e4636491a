"""Retrofit or replace: cost per year and carbon over a horizon, method shown (plain Python).

Cost: a price spread over its life at a discount rate with the capital recovery factor,
CRF(i, n) = i(1+i)^n / ((1+i)^n − 1), and 1/n when the rate is zero.
Carbon: embodied carbon (materials × factor × (1 + manufacturing uplift)) plus the electricity
used over the horizon × the grid factor. The break-even is the number of years of the new
machine's electricity savings needed to repay its extra embodied carbon (`None` when it never
does: it saves no electricity).

The factors live in `data/embodied_carbon.csv`, one row per material with its source.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

FACTORS_CSV = Path(__file__).parent / "data" / "embodied_carbon.csv"
# The French average consumption mix, order of magnitude (ADEME Base Empreinte, RTE): editable.
GRID_KGCO2E_PER_KWH = 0.052
GRID_SOURCE = (
    "ADEME Base Empreinte: French electricity, average consumption mix (≈ 0.052 kgCO2e/kWh)"
)
UPLIFT_KEY = "manufacturing_uplift"
MATERIALS = ("cast_iron", "steel", "copper", "aluminium", "electronics")


@dataclass(frozen=True, slots=True)
class Factor:
    key: str
    value: float
    source: str


@dataclass(frozen=True, slots=True)
class Factors:
    """kgCO2e per kg of each material, the manufacturing uplift (a fraction), and their sources."""

    per_kg: Mapping[str, Factor]
    uplift: Factor

    def rows(self) -> list[Factor]:
        return [*self.per_kg.values(), self.uplift]


def load_factors(path: Path = FACTORS_CSV) -> Factors:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [
            Factor(row["material"], float(row["kgco2e_per_kg"]), row["source"])
            for row in csv.DictReader(handle)
        ]
    by_key = {row.key: row for row in rows}
    uplift = by_key.pop(UPLIFT_KEY)
    return Factors(per_kg=by_key, uplift=uplift)


# Beyond these a figure is a typing slip, and the arithmetic would overflow a float.
MAX_YEARS = 200.0
MAX_RATE = 1.0  # 100 % a year
MAX_AMOUNT = 1e12  # euros, kgCO2e, kWh a year


def _check(name: str, value: float, *, positive: bool = False, at_most: float = MAX_AMOUNT) -> None:
    if not math.isfinite(value) or value < 0 or (positive and value == 0):
        raise ValueError(f"{name} must be {'positive' if positive else 'zero or more'}: {value}")
    if value > at_most:
        raise ValueError(f"{name} must be at most {at_most:g}: {value}")


def capital_recovery_factor(rate: float, life_years: float) -> float:
    _check("rate", rate, at_most=MAX_RATE)
    _check("life_years", life_years, positive=True, at_most=MAX_YEARS)
    if rate == 0:
        return 1 / life_years
    growth: float = (1 + rate) ** life_years
    return rate * growth / (growth - 1)


def annualised_cost(price: float, life_years: float, rate: float) -> float:
    """The yearly payment that repays `price` over `life_years` at `rate` (0.05 for 5 %)."""
    _check("price", price)
    return price * capital_recovery_factor(rate, life_years)


@dataclass(frozen=True, slots=True)
class Comparison:
    replace_cost_per_year: float
    retrofit_cost_per_year: float
    replace_kgco2e: float
    retrofit_kgco2e: float
    breakeven_years: float | None
    horizon_years: float

    @property
    def carbon_saving_ratio(self) -> float | None:
        """Retrofit's carbon against replacing, as a signed fraction (−0.564 for −56.4 %)."""
        if self.replace_kgco2e == 0:
            return None
        return (self.retrofit_kgco2e - self.replace_kgco2e) / self.replace_kgco2e

    @property
    def cost_saving_per_year(self) -> float:
        return self.replace_cost_per_year - self.retrofit_cost_per_year


def compare_retrofit_replace(
    *,
    new_price: float,
    new_life_years: float,
    retrofit_price: float,
    retrofit_life_years: float,
    discount_rate: float,
    new_embodied_kgco2e: float,
    retrofit_embodied_kgco2e: float,
    new_kwh_per_year: float,
    retrofit_kwh_per_year: float,
    grid_kgco2e_per_kwh: float,
    horizon_years: float,
) -> Comparison:
    _check("new_life_years", new_life_years, positive=True, at_most=MAX_YEARS)
    _check("retrofit_life_years", retrofit_life_years, positive=True, at_most=MAX_YEARS)
    _check("discount_rate", discount_rate, at_most=MAX_RATE)
    for name, value in (
        ("new_price", new_price),
        ("retrofit_price", retrofit_price),
        ("new_embodied_kgco2e", new_embodied_kgco2e),
        ("retrofit_embodied_kgco2e", retrofit_embodied_kgco2e),
        ("new_kwh_per_year", new_kwh_per_year),
        ("retrofit_kwh_per_year", retrofit_kwh_per_year),
        ("grid_kgco2e_per_kwh", grid_kgco2e_per_kwh),
    ):
        _check(name, value)
    _check("horizon_years", horizon_years, positive=True, at_most=MAX_YEARS)
    replace_cost = annualised_cost(new_price, new_life_years, discount_rate)
    retrofit_cost = annualised_cost(retrofit_price, retrofit_life_years, discount_rate)
    replace_kg = new_embodied_kgco2e + new_kwh_per_year * horizon_years * grid_kgco2e_per_kwh
    retrofit_kg = (
        retrofit_embodied_kgco2e + retrofit_kwh_per_year * horizon_years * grid_kgco2e_per_kwh
    )
    return Comparison(
        replace_cost_per_year=replace_cost,
        retrofit_cost_per_year=retrofit_cost,
        replace_kgco2e=replace_kg,
        retrofit_kgco2e=retrofit_kg,
        breakeven_years=breakeven_years(
            new_embodied_kgco2e - retrofit_embodied_kgco2e,
            (retrofit_kwh_per_year - new_kwh_per_year) * grid_kgco2e_per_kwh,
        ),
        horizon_years=horizon_years,
    )


def breakeven_years(extra_embodied_kg: float, saved_kg_per_year: float) -> float | None:
    """Years for the yearly saving to repay the extra embodied carbon; 0 when nothing to repay."""
    if extra_embodied_kg <= 0:
        return 0.0
    if saved_kg_per_year <= 0:
        return None
    return extra_embodied_kg / saved_kg_per_year


@dataclass(frozen=True, slots=True)
class Part:
    """Something made for the machine: a new machine's material share or a retrofit's part."""

    material: str
    mass_kg: float


def embodied_kgco2e(parts: Iterable[Part], factors: Factors) -> float:
    """Σ mass × factor of its material, plus the manufacturing uplift."""
    total = 0.0
    for part in parts:
        _check("mass_kg", part.mass_kg)
        factor = factors.per_kg.get(part.material)
        if factor is None:
            raise ValueError(f"material has no factor: {part.material}")
        total += part.mass_kg * factor.value
    return total * (1 + factors.uplift.value)


def new_machine_kgco2e(mass_kg: float, mix: Mapping[str, float], factors: Factors) -> float:
    """A new machine of `mass_kg` whose material shares (fractions) are `mix`."""
    _check("mass_kg", mass_kg)
    share = sum(mix.values())
    if any(value < 0 for value in mix.values()) or not math.isclose(share, 1, abs_tol=1e-6):
        raise ValueError(f"mix must be fractions adding up to 1: {share}")
    return embodied_kgco2e((Part(m, mass_kg * f) for m, f in mix.items()), factors)
