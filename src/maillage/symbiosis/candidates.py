"""Which declarations fit one declaration, and why: a score and its reasons, as plain data.

A candidate pair (an offer and a demand) is scored on four things, multiplied:

- what it is: `codes.closeness` (same entry 1.0, same section 0.8, substitution rule 0.7,
  same chapter 0.5, same material category 0.4), no fit at all excludes the pair;
- how far: road distance (great circle × 1.3), weight 0.4 + 0.6 · exp(−d / 50 km);
- how much: each range converted to a quantity per year over the months both share (tonnes for
  t and kg, otherwise the declared unit), the smaller middle over the larger, weight
  0.5 + 0.5 · fit; units that cannot be compared (tonnes against m³) count as a fit of 0.5;
- when: months both are available (bit masks), weight 0.5 + 0.5 · shared / demand's months;
  no month in common excludes the pair.

A minimum lot larger than all the other side can give or take in a year halves the score.
The reasons are keys and numbers (`Reason`) that pages render in the reader's language.
Rows handed in must already hold only what the reader may read (public ranges for others).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from maillage.core.geo import haversine_km_many
from maillage.symbiosis.codes import Closeness, Substitution, closeness

__all__ = [
    "DISTANCE_SCALE_KM",
    "Match",
    "Reason",
    "Side",
    "months_count",
    "rank",
    "score_pair",
    "yearly",
]

DISTANCE_SCALE_KM = 50.0
COARSE_KM = 5.0
DETOUR = 1.3
PERIODS_PER_YEAR = {"week": 52.0, "month": 12.0, "year": 1.0}
TONNES_PER_UNIT = {"t": 1.0, "kg": 0.001}


@dataclass(frozen=True, slots=True)
class Side:
    """One declaration as plain numbers: quantities in its unit per its period."""

    id: int
    organisation_id: int
    code: str
    category: str
    latitude: float
    longitude: float
    quantity_min: float
    quantity_max: float
    unit: str
    period: str
    months: int
    minimum_lot: float | None = None


@dataclass(frozen=True, slots=True)
class Reason:
    """One part of an explanation: a key ("same_entry", "distance"...) and its numbers."""

    key: str
    values: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Match:
    """The other declaration of a pair, its score in (0, 1] and the parts of the explanation.

    `quantity_per_year` is the flow both can exchange in the shared months (middle of the
    ranges), in `base_unit` ("t", "m3", "unit"), None when the units cannot be compared.
    """

    other_id: int
    score: float
    closeness: Closeness
    distance_km: float
    shared_months: int
    quantity_per_year: float | None
    base_unit: str
    reasons: tuple[Reason, ...]


def months_count(mask: int) -> int:
    return bin(mask & 0xFFF).count("1")


def _base(unit: str) -> tuple[str, float]:
    """The unit quantities are compared in, and the factor to it: tonnes for masses."""
    if unit in TONNES_PER_UNIT:
        return "t", TONNES_PER_UNIT[unit]
    return unit, 1.0


def yearly(side: Side) -> tuple[float, float]:
    """The declared range per year, in the base unit, over the months it is available."""
    _, to_base = _base(side.unit)
    per = PERIODS_PER_YEAR[side.period]
    if side.period != "year":
        per *= months_count(side.months) / 12.0
    return side.quantity_min * per * to_base, side.quantity_max * per * to_base


def score_pair(
    offer: Side, demand: Side, substitutions: Sequence[Substitution] = ()
) -> Match | None:
    """The match of one offer with one demand, seen from the demand (other = offer)."""
    found = rank(demand, [offer], own_is_offer=False, substitutions=substitutions, limit=1)
    return found[0] if found else None


def rank(
    own: Side,
    others: Sequence[Side],
    *,
    own_is_offer: bool,
    substitutions: Sequence[Substitution] = (),
    limit: int = 20,
    coarse: Sequence[bool] | None = None,
) -> list[Match]:
    """The `others` (opposite direction) that fit `own`, best first, at most `limit`.

    `coarse[i]` true rounds the distance to `others[i]` to 5 km before anything uses it (its
    exact site is not for this reader): the score and the reasons then cannot give it away.
    """
    if not others:
        return []
    fits: list[Closeness | None] = []
    memo: dict[tuple[str, str], Closeness | None] = {}
    for other in others:
        key = (other.code, other.category)
        if key not in memo:
            offer, demand = (own, other) if own_is_offer else (other, own)
            memo[key] = closeness(
                offer.code, offer.category, demand.code, demand.category, substitutions
            )
        fits.append(memo[key])
    code_score = np.array([f.score if f else 0.0 for f in fits])
    lats = np.array([o.latitude for o in others], dtype=np.float64)
    lons = np.array([o.longitude for o in others], dtype=np.float64)
    km = haversine_km_many(own.latitude, own.longitude, lats, lons) * DETOUR
    if coarse is not None:
        km = np.where(np.asarray(coarse, dtype=bool), COARSE_KM * np.round(km / COARSE_KM), km)
    masks = np.array([o.months & own.months for o in others], dtype=np.int64)
    shared = np.array([months_count(int(m)) for m in masks], dtype=np.float64)
    own_months = float(months_count(own.months))
    other_months = np.array([months_count(o.months) for o in others], dtype=np.float64)
    demand_months = other_months if own_is_offer else np.full(len(others), own_months)

    own_unit, own_to_base = _base(own.unit)
    own_low, own_high = yearly(own)
    other_ranges = np.array([yearly(o) for o in others], dtype=np.float64)
    comparable = np.array([_base(o.unit)[0] == own_unit for o in others])
    with np.errstate(divide="ignore", invalid="ignore"):
        own_mid = (own_low + own_high) / 2 * shared / max(own_months, 1.0)
        other_mid = other_ranges.mean(axis=1) * shared / np.maximum(other_months, 1.0)
        flow = np.minimum(own_mid, other_mid)
        larger = np.maximum(own_mid, other_mid)
        fit = np.where(larger > 0, flow / np.where(larger > 0, larger, 1.0), 0.0)
    fit = np.where(comparable, fit, 0.5)
    lot_ok = np.ones(len(others), dtype=bool)
    for i, other in enumerate(others):
        if comparable[i]:
            lot_ok[i] = _lots_fit(own, own_to_base, own_high, other, other_ranges[i, 1])
    score = (
        code_score
        * (0.4 + 0.6 * np.exp(-km / DISTANCE_SCALE_KM))
        * (0.5 + 0.5 * fit)
        * (0.5 + 0.5 * shared / np.maximum(demand_months, 1.0))
        * np.where(lot_ok, 1.0, 0.5)
    )
    score = np.where((code_score > 0) & (shared > 0), score, 0.0)
    order = [int(i) for i in np.argsort(-score, kind="stable") if score[i] > 0][:limit]
    matches = []
    for i in order:
        fit_i = fits[i]
        assert fit_i is not None
        quantity = float(flow[i]) if comparable[i] else None
        matches.append(
            Match(
                other_id=others[i].id,
                score=round(float(score[i]), 4),
                closeness=fit_i,
                distance_km=float(km[i]),
                shared_months=int(shared[i]),
                quantity_per_year=quantity,
                base_unit=own_unit,
                reasons=_reasons(
                    own,
                    others[i],
                    own_is_offer,
                    fit_i,
                    float(km[i]),
                    int(masks[i]),
                    quantity,
                    own_unit,
                    bool(lot_ok[i]),
                    substitutions,
                    rounded=bool(coarse[i]) if coarse is not None else False,
                ),
            )
        )
    return matches


def _lots_fit(
    own: Side, own_to_base: float, own_high: float, other: Side, other_high: float
) -> bool:
    """Neither side asks for a lot larger than all the other can give or take in a year."""
    _, other_to_base = _base(other.unit)
    if own.minimum_lot is not None and own.minimum_lot * own_to_base > other_high:
        return False
    return not (other.minimum_lot is not None and other.minimum_lot * other_to_base > own_high)


def _reasons(
    own: Side,
    other: Side,
    own_is_offer: bool,
    fit: Closeness,
    km: float,
    mask: int,
    quantity: float | None,
    unit: str,
    lot_ok: bool,
    substitutions: Sequence[Substitution],
    *,
    rounded: bool = False,
) -> tuple[Reason, ...]:
    offer, demand = (own, other) if own_is_offer else (other, own)
    values: dict[str, object] = {"offer_code": offer.code, "demand_code": demand.code}
    if fit.reason == "same_category":
        values["category"] = offer.category
    if fit.reason == "substitution":
        for rule in substitutions:
            if _rule_fits(rule, offer, demand):
                values.update(note_fr=rule.note_fr, note_en=rule.note_en, source=rule.source)
                break
    parts = [
        Reason(fit.reason, values),
        Reason("distance", {"km": round(km, 1), "rounded": rounded}),
    ]
    months = [m + 1 for m in range(12) if mask >> m & 1]
    parts.append(Reason("season", {"months": months, "count": len(months)}))
    if quantity is None:
        parts.append(Reason("units_differ", {"offer_unit": offer.unit, "demand_unit": demand.unit}))
    else:
        parts.append(Reason("quantity", {"per_year": _rounded(quantity), "unit": unit}))
    if not lot_ok:
        parts.append(Reason("minimum_lot", {}))
    return tuple(parts)


def _rule_fits(rule: Substitution, offer: Side, demand: Side) -> bool:
    fit = closeness(offer.code, offer.category, demand.code, demand.category, [rule])
    return fit is not None and fit.reason == "substitution"


def _rounded(value: float) -> float:
    """Two significant figures: an estimate, not a measure."""
    if value <= 0 or not math.isfinite(value):
        return 0.0
    digits = 1 - math.floor(math.log10(value))
    return round(value, digits)
