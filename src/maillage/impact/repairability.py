"""Repairability of a machine: an adaptation of the French *indice de réparabilité* (plain Python).

Source: Décret n° 2020-1757 du 29 décembre 2020 relatif à l'indice de réparabilité des
équipements électriques et électroniques, and its arrêtés of 29 December 2020 (general grid):
five criteria, each scored out of 20, summed out of 100 and shown out of 10:

1. documentation — technical documentation available to repairers and users, and for how long;
2. disassembly — ease of disassembly, the tools needed and the fasteners;
3. spare parts availability — how long key parts stay available and how fast they arrive;
4. spare parts price — the price of the key parts relative to the product's;
5. specific criteria — criteria proper to the category (here: usage counter, remote
   diagnosis, software or firmware updates, reset to factory state).

This is **an adaptation to industrial equipment, not the legal index**: the decree's index applies
to a list of consumer products, is computed by the maker and displayed at sale. Here the owner
scores their machine with the guidance below and the evidence they have (documents on the machine
page count for criterion 1). Each criterion keeps the decree's equal weight (20 of 100).
The guidance scales (years, days, price ratio) are Maillage's, stated on the method page.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

CRITERIA = ("documentation", "disassembly", "spare_parts", "parts_price", "specific")
CRITERION_MAX = 20.0
# The decree's grid gives each of the five criteria the same weight: 20 points of 100.
WEIGHTS: Mapping[str, float] = dict.fromkeys(CRITERIA, 1.0)


@dataclass(frozen=True, slots=True)
class Score:
    criteria: Mapping[str, float]

    @property
    def total(self) -> float:
        """Out of 10: the weighted sum out of 100 divided by 10, rounded to one decimal."""
        points = sum(WEIGHTS[key] * self.criteria[key] for key in CRITERIA)
        return round(points / (CRITERION_MAX * sum(WEIGHTS.values())) * 10, 1)


def score(criteria: Mapping[str, float]) -> Score:
    """Check five criteria scored 0–20 and return the score (total out of 10)."""
    missing = [key for key in CRITERIA if key not in criteria]
    if missing:
        raise ValueError(f"missing criteria: {', '.join(missing)}")
    unknown = sorted(set(criteria) - set(CRITERIA))
    if unknown:
        raise ValueError(f"unknown criteria: {', '.join(unknown)}")
    for key in CRITERIA:
        value = criteria[key]
        if not math.isfinite(value) or not 0 <= value <= CRITERION_MAX:
            raise ValueError(f"{key} must be between 0 and {CRITERION_MAX:g}: {value}")
    return Score({key: float(criteria[key]) for key in CRITERIA})


def documentation_guide(*, years_available: float, documents_on_file: int) -> float:
    """Guidance for criterion 1: 2 points a year of documentation promised (up to 7 years, 14
    points) plus 2 points per document already on the machine page (up to 3, 6 points)."""
    years = max(0.0, min(7.0, years_available))
    return round(2 * years + 2 * max(0, min(3, documents_on_file)), 1)


def spare_parts_guide(*, years_available: float, delivery_days: float) -> float:
    """Guidance for criterion 3: up to 10 points for 10 years of availability, and 10 points for
    delivery within 5 working days, falling to 0 at 30 days."""
    years = max(0.0, min(10.0, years_available))
    days = max(0.0, delivery_days)
    delivery = 10.0 if days <= 5 else max(0.0, 10.0 * (30 - days) / 25)
    return round(years + delivery, 1)


def parts_price_guide(price_ratio: float) -> float:
    """Guidance for criterion 4: the most expensive key part's price over the machine's new price;
    20 points at 10 % or less, 0 at 50 % or more, linear between."""
    if not math.isfinite(price_ratio) or price_ratio < 0:
        raise ValueError(f"price_ratio must be zero or more: {price_ratio}")
    if price_ratio <= 0.1:
        return 20.0
    return round(max(0.0, 20.0 * (0.5 - price_ratio) / 0.4), 1)
