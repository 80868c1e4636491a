"""Candidates of a declaration, ranked and explained, as the viewer may read them.

One SQL query prefilters the active declarations of the opposite direction by the keys that
can fit (same chapter, same category, substitution rules) and a bounding box around the site;
`candidates.rank` scores them with NumPy. Each counterpart is handed to the ranking as the
viewer may read it: a quantity the viewer may not read is replaced by the geometric middle of
its public order of magnitude, a cost by the category default, so nothing the page shows (the
estimate, € and CO2) is computed from a private value; a site the viewer may not read gives a
distance rounded to 5 km and its commune only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils.formats import number_format
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from maillage.core.geo import haversine_km
from maillage.symbiosis import candidates as core
from maillage.symbiosis.codes import read_substitutions
from maillage.symbiosis.confidentiality import Viewer, logged, order_of_magnitude, readable
from maillage.symbiosis.models import (
    DeclarationState,
    Direction,
    MaterialCategory,
    ResourceDeclaration,
)
from maillage.symbiosis.queries.visibility import Audience, PrivateRead
from maillage.symbiosis.savings import Savings, flow_savings

MAX_ROAD_KM = 150.0
DEFAULT_LIMIT = 20
SUBSTITUTIONS = read_substitutions()


def levels(declaration: ResourceDeclaration) -> dict[str, str]:
    """The visibility of each private field group of a declaration."""
    return {
        "quantity": declaration.quantity_visibility,
        "price": declaration.price_visibility,
        "composition": declaration.composition_visibility,
        "site": declaration.site_visibility,
    }


def side_of(declaration: ResourceDeclaration, can_read: set[str]) -> core.Side:
    """The declaration as the ranking sees it, holding only what the reader may read."""
    low, high = float(declaration.quantity_min), float(declaration.quantity_max)
    lot = float(declaration.minimum_lot) if declaration.minimum_lot is not None else None
    if "quantity" not in can_read:
        public_low, _public_high = order_of_magnitude(high)
        low = high = public_low * math.sqrt(10) if public_low >= 1 else 0.5
        lot = None
    site = declaration.site
    return core.Side(
        id=declaration.pk,
        organisation_id=declaration.organisation_id,
        code=declaration.waste_code_id or "",
        category=declaration.category,
        latitude=site.latitude,
        longitude=site.longitude,
        quantity_min=low,
        quantity_max=high,
        unit=declaration.unit,
        period=declaration.period,
        months=declaration.months,
        minimum_lot=lot,
    )


def cost_per_tonne(declaration: ResourceDeclaration, can_read: set[str]) -> float | None:
    """The declarer's current cost per tonne when readable and in a mass unit; else None."""
    if "price" not in can_read or declaration.current_cost is None:
        return None
    per_unit = core.TONNES_PER_UNIT.get(declaration.unit)
    return float(declaration.current_cost) / per_unit if per_unit else None


def estimate(
    offer: ResourceDeclaration,
    demand: ResourceDeclaration,
    tonnes: float | None,
    distance_km: float,
    vehicle: str,
    offer_reads: set[str],
    demand_reads: set[str],
) -> Savings | None:
    if tonnes is None:
        return None
    return flow_savings(
        tonnes,
        distance_km,
        vehicle=vehicle,
        offer_category=offer.category,
        demand_category=demand.category,
        disposal_cost_per_t=cost_per_tonne(offer, offer_reads),
        virgin_cost_per_t=cost_per_tonne(demand, demand_reads),
    )


@dataclass
class Candidate:
    """One counterpart as the viewer may see it."""

    declaration: ResourceDeclaration
    match: core.Match
    distance_km: float
    distance_exact: bool
    quantity_exact: bool
    quantity_range: tuple[float, float]
    savings: Savings | None
    reads: set[str] = field(default_factory=set)

    @property
    def reasons(self) -> list[str]:
        return [describe(reason) for reason in self.match.reasons]

    @property
    def distance_text(self) -> str:
        if not self.distance_exact and self.distance_km < 5:
            return _("under 5 km")
        return kilometres(self.distance_km)

    @property
    def quantity_text(self) -> str:
        """The counterpart's declared range, exact or as its public order of magnitude."""
        low, high = self.quantity_range
        places = 0 if self.quantity_exact is False else 3
        text = _("%(low)s to %(high)s") % {
            "low": _trimmed(low, places),
            "high": _trimmed(high, places),
        }
        text = declared(text, self.declaration.unit, self.declaration.period)
        if not self.quantity_exact:
            text = _("%(range)s (order of magnitude)") % {"range": text}
        return text

    @property
    def direction_text(self) -> str:
        return str(DIRECTIONS.get(self.declaration.direction, ""))

    @property
    def euros_text(self) -> str:
        return euros_per_year(self.savings.euros_saved) if self.savings else "—"

    @property
    def co2_text(self) -> str:
        return co2_per_year(self.savings.co2_avoided_kg) if self.savings else "—"


def _prefilter(declaration: ResourceDeclaration) -> Q:
    """Opposite direction, active, another organisation, keys that may fit, near enough."""
    own_is_offer = declaration.direction == Direction.OFFER
    code = declaration.waste_code_id or ""
    keys = Q(category=declaration.category)
    if code:
        keys |= Q(waste_code__code__startswith=code[:2])
    for rule in SUBSTITUTIONS:
        mine, theirs = (rule.offer, rule.demand) if own_is_offer else (rule.demand, rule.offer)
        if core_key_matches(mine, code, declaration.category):
            if theirs[:1].isdigit():
                keys |= Q(waste_code__code__startswith=theirs)
            else:
                keys |= Q(category=theirs)
    site = declaration.site
    lat_span = MAX_ROAD_KM / 1.3 / 111.0
    lon_span = lat_span / max(math.cos(math.radians(site.latitude)), 0.1)
    return Q(
        keys,
        direction=Direction.DEMAND if own_is_offer else Direction.OFFER,
        state=DeclarationState.ACTIVE,
        site__latitude__range=(site.latitude - lat_span, site.latitude + lat_span),
        site__longitude__range=(site.longitude - lon_span, site.longitude + lon_span),
    ) & ~Q(organisation_id=declaration.organisation_id)


def core_key_matches(key: str, code: str, category: str) -> bool:
    if key[:1].isdigit():
        return bool(code) and code.startswith(key)
    return key == category


def candidates_for(
    declaration: ResourceDeclaration,
    audience: Audience,
    limit: int = DEFAULT_LIMIT,
    *,
    vehicle: str = "rigid",
) -> list[Candidate]:
    """The best counterparts of `declaration`, best first, as `audience` may read them.

    `Candidate.reads` holds the private groups a coordinator read (to log with
    `log_private_reads`); a closed or paused declaration has no candidates.
    """
    if declaration.state != DeclarationState.ACTIVE:
        return []
    own_viewer = audience.viewer(declaration.organisation_id, declaration.pk)
    own_reads = readable(levels(declaration), own_viewer)
    own = side_of(declaration, own_reads)
    others = list(
        ResourceDeclaration.objects.filter(_prefilter(declaration))
        .select_related("site")
        .only(
            "id",
            "organisation_id",
            "waste_code_id",
            "category",
            "quantity_min",
            "quantity_max",
            "unit",
            "period",
            "months",
            "minimum_lot",
            "quantity_visibility",
            "price_visibility",
            "composition_visibility",
            "site_visibility",
            "current_cost",
            "direction",
            "title",
            "site__latitude",
            "site__longitude",
        )
    )
    viewers: dict[int, Viewer] = {}
    reads: dict[int, set[str]] = {}
    sides = []
    for other in others:
        viewer = audience.viewer(other.organisation_id, other.pk)
        viewers[other.pk] = viewer
        reads[other.pk] = readable(levels(other), viewer)
        sides.append(side_of(other, reads[other.pk]))
    own_is_offer = declaration.direction == Direction.OFFER
    matches = core.rank(
        own,
        sides,
        own_is_offer=own_is_offer,
        substitutions=SUBSTITUTIONS,
        limit=limit,
        coarse=["site" not in reads[other.pk] for other in others],
    )
    matches = [m for m in matches if m.distance_km <= MAX_ROAD_KM]
    shown = {
        d.pk: d
        for d in ResourceDeclaration.objects.filter(pk__in=[m.other_id for m in matches])
        .select_related("organisation", "site__commune", "waste_code")
    }  # fmt: skip
    found = []
    for match in matches:
        other = shown[match.other_id]
        can = reads[other.pk]
        offer, demand = (declaration, other) if own_is_offer else (other, declaration)
        offer_reads, demand_reads = (own_reads, can) if own_is_offer else (can, own_reads)
        tonnes = match.quantity_per_year if match.base_unit == "t" else None
        exact_site = "site" in can
        km = match.distance_km  # already rounded to 5 km when the site is not readable
        savings = estimate(offer, demand, tonnes, km, vehicle, offer_reads, demand_reads)
        quantity_exact = "quantity" in can
        high = float(other.quantity_max)
        found.append(
            Candidate(
                declaration=other,
                match=match,
                distance_km=km,
                distance_exact=exact_site,
                quantity_exact=quantity_exact,
                quantity_range=(float(other.quantity_min), high)
                if quantity_exact
                else order_of_magnitude(high),
                savings=savings,
                reads=logged(levels(other), viewers[other.pk]),
            )
        )
    return found


def private_reads(candidates: list[Candidate]) -> list[PrivateRead]:
    return [
        PrivateRead("resource", c.declaration.pk, c.declaration.organisation_id, frozenset(c.reads))
        for c in candidates
        if c.reads
    ]


@dataclass(frozen=True)
class PairEstimate:
    """A pair with exact values, for a proposal: what fits, how far, how much, € and CO2."""

    match: core.Match | None
    distance_km: float
    quantity_per_year: float  # in the offer's unit
    unit: str
    tonnes_per_year: float | None
    savings: Savings | None
    explanation: str

    def synergy_fields(self) -> dict[str, Any]:
        """The estimate as a synergy stores it, rounded as shown."""
        return {
            "distance_km": round(self.distance_km, 1),
            "euros_saved_per_year": round(self.savings.euros_saved, 2) if self.savings else None,
            "co2_avoided_kg_per_year": (
                round(self.savings.co2_avoided_kg, 1) if self.savings else None
            ),
            "explanation": self.explanation,
        }


def explain_pair(
    offer: ResourceDeclaration,
    demand: ResourceDeclaration,
    *,
    quantity_per_year: float | None = None,
    vehicle: str = "rigid",
) -> PairEstimate:
    """The exact estimate of a pair (both sides read in full: coordinators' or proposers')."""
    everything = {"quantity", "price", "composition", "site"}
    offer_side, demand_side = side_of(offer, everything), side_of(demand, everything)
    found = core.rank(
        demand_side, [offer_side], own_is_offer=False, substitutions=SUBSTITUTIONS, limit=1
    )
    match = found[0] if found else None
    distance = core.DETOUR * _great_circle(offer_side, demand_side)
    to_tonnes = core.TONNES_PER_UNIT.get(offer.unit)
    if quantity_per_year is None:
        flow = match.quantity_per_year if match and match.quantity_per_year is not None else None
        base_to_offer = (1 / to_tonnes) if to_tonnes else 1.0
        quantity_per_year = (
            flow * base_to_offer if flow else sum(core.yearly(offer_side)) / 2 / (to_tonnes or 1)
        )
    tonnes = quantity_per_year * to_tonnes if to_tonnes else None
    savings = estimate(offer, demand, tonnes, distance, vehicle, everything, everything)
    lines = [describe(r) for r in (match.reasons if match else ()) if r.key != "quantity"]
    return PairEstimate(
        match=match,
        distance_km=distance,
        quantity_per_year=quantity_per_year,
        unit=offer.unit,
        tonnes_per_year=tonnes,
        savings=savings,
        explanation="\n".join(lines),
    )


def _great_circle(a: core.Side, b: core.Side) -> float:
    return haversine_km(a.latitude, a.longitude, b.latitude, b.longitude)


# --- figures and reasons in the reader's language ----------------------------------------


def _number(value: float, places: int = 0) -> str:
    return str(number_format(round(value, places), places, force_grouping=True))


def _trimmed(value: float, places: int) -> str:
    """Grouped, with no trailing zeros: "1 000", "137,5"."""
    text = _number(value, places)
    if places:
        separator = str(number_format(0.5, 1))[1]
        text = text.rstrip("0").rstrip(separator)
    return text


UNITS = {"t": "t", "kg": "kg", "m3": "m³"}
DIRECTIONS = {
    "offer": gettext_lazy("Offer (by-product going out)"),
    "demand": gettext_lazy("Demand (coming in)"),
}
VEHICLES = {
    "van": gettext_lazy("Van (under 3.5 t)"),
    "rigid": gettext_lazy("Rigid truck (12 to 19 t)"),
    "articulated": gettext_lazy("Articulated truck (40 t)"),
}


def declared(quantity: str, unit: str, period: str) -> str:
    """A declared quantity with its unit and period: "10 to 20 t/yr"."""
    unit_text = str(UNITS.get(unit) or _("units (count)"))
    texts = {
        "week": _("%(quantity)s %(unit)s/week"),
        "month": _("%(quantity)s %(unit)s/month"),
        "year": _("%(quantity)s %(unit)s/yr"),
    }
    return texts.get(period, "%(quantity)s %(unit)s") % {"quantity": quantity, "unit": unit_text}


def kilometres(km: float) -> str:
    return _("%(km)s km") % {"km": _number(km, 0 if km >= 10 else 1)}


def euros_per_year(amount: float) -> str:
    return _("%(amount)s €/yr") % {
        "amount": _number(round(amount, -1) if abs(amount) >= 100 else amount)
    }


def co2_per_year(kg: float) -> str:
    if abs(kg) >= 1000:
        return _("%(value)s t CO2e/yr") % {"value": _number(kg / 1000, 1)}
    return _("%(value)s kg CO2e/yr") % {"value": _number(kg, 0)}


def quantity_per_year(value: float, unit: str) -> str:
    places = 0 if value >= 10 else 1
    labels = {"t": _("%(value)s t/yr"), "m3": _("%(value)s m³/yr"), "unit": _("%(value)s units/yr")}
    return labels.get(unit, "%(value)s") % {"value": _number(value, places)}


def describe(reason: core.Reason) -> str:
    """One reason in the active language."""
    v = reason.values
    if reason.key in FITS:
        return _describe_fit(reason)
    if reason.key == "distance" and v.get("rounded") and float(str(v["km"])) < 5:
        return _("Less than 5 km by road.")
    if reason.key == "distance":
        return _("About %(distance)s by road.") % {"distance": kilometres(float(str(v["km"])))}
    if reason.key == "season":
        count = int(str(v["count"]))
        if count == 12:
            return _("Both are available all year round.")
        return ngettext(
            "Available together %(count)s month a year.",
            "Available together %(count)s months a year.",
            count,
        ) % {"count": count}
    if reason.key == "quantity":
        return _("About %(quantity)s can be exchanged.") % {
            "quantity": quantity_per_year(float(str(v["per_year"])), str(v["unit"]))
        }
    if reason.key == "units_differ":
        return _("The quantities are in different units: no estimate in tonnes.")
    if reason.key == "minimum_lot":
        return _("A minimum lot is larger than what the other side gives or takes in a year.")
    return reason.key


FITS = ("same_entry", "same_section", "same_chapter", "same_category", "substitution")


def _describe_fit(reason: core.Reason) -> str:
    v = reason.values
    if reason.key == "same_entry":
        return _("Same List of Waste entry (%(code)s).") % {"code": v["offer_code"]}
    if reason.key == "same_section":
        return _("Same section of the List of Waste (%(offer)s and %(demand)s).") % {
            "offer": v["offer_code"],
            "demand": v["demand_code"],
        }
    if reason.key == "same_chapter":
        return _("Same chapter of the List of Waste (%(offer)s and %(demand)s).") % {
            "offer": v["offer_code"],
            "demand": v["demand_code"],
        }
    if reason.key == "same_category":
        return _("Same material category: %(category)s.") % {
            "category": MaterialCategory(str(v["category"])).label
        }
    if reason.key == "substitution":
        note = v.get("note_fr") if (get_language() or "fr").startswith("fr") else v.get("note_en")
        return _("Substitution: %(note)s") % {"note": note or ""}
    return reason.key
