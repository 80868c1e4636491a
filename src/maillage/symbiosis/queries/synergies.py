"""Reads of synergies shared by the pages, the API and the exports: which synergies one sees,
each declaration as the viewer may read it, and the monthly exchanges with their totals.

A private field group is filled only when `confidentiality.readable` lets this viewer read it;
otherwise the field is None and only the public facts are given. A coordinator's reads are
returned as `PrivateRead`s for `log_private_reads`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext

from maillage.symbiosis.confidentiality import Viewer, logged, order_of_magnitude, readable
from maillage.symbiosis.models import ResourceDeclaration, Synergy, SynergyExchange
from maillage.symbiosis.queries.visibility import Audience, PrivateRead, audience_of

GROUPS = ("quantity", "price", "composition", "site")


def unit_symbol(unit: str) -> str:
    """The unit as people read it after a number: "t", "kg", "m³", "units"."""
    return {"t": "t", "kg": "kg", "m3": "m³"}.get(unit) or gettext("units")


def visible_synergies(user: Any, audience: Audience | None = None) -> QuerySet[Synergy]:
    """Coordinators see every synergy; members, those of their organisations; visitors none."""
    audience = audience or audience_of(user)
    qs = Synergy.objects.select_related(
        "offer__organisation",
        "offer__site__commune",
        "offer__waste_code",
        "demand__organisation",
        "demand__site__commune",
        "demand__waste_code",
    )
    if audience.is_coordinator:
        return qs
    if not audience.organisation_ids:
        return qs.none()
    return qs.filter(
        Q(offer__organisation_id__in=audience.organisation_ids)
        | Q(demand__organisation_id__in=audience.organisation_ids)
    )


def levels_of(declaration: ResourceDeclaration) -> dict[str, str]:
    return {
        "quantity": declaration.quantity_visibility,
        "price": declaration.price_visibility,
        "composition": declaration.composition_visibility,
        "site": declaration.site_visibility,
    }


@dataclass
class DeclarationView:
    """A declaration as one viewer may read it: private fields None when not readable."""

    id: int
    direction: str
    direction_label: str
    title: str
    organisation: str
    organisation_id: int
    code: str
    category: str
    category_label: str
    commune: str
    unit: str
    period: str
    magnitude: tuple[float, float]
    readable: frozenset[str]
    quantity_min: Decimal | None = None
    quantity_max: Decimal | None = None
    price: Decimal | None = None
    current_cost: Decimal | None = None
    composition: str | None = None
    site_name: str | None = None
    address: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    read_log: PrivateRead | None = field(default=None, repr=False)

    @property
    def magnitude_text(self) -> str:
        low, high = self.magnitude
        return f"{_number(low)}–{_number(high)}"


def _number(value: float) -> str:
    return f"{value:,.0f}".replace(",", "\u202f")


def commune_point(declaration: ResourceDeclaration) -> tuple[float, float] | None:
    """Where a declaration shows when its exact site is private: its commune's reference point."""
    commune = declaration.site.commune
    if commune is not None:
        return (commune.latitude, commune.longitude)
    return None


def read_declaration(declaration: ResourceDeclaration, viewer: Viewer) -> DeclarationView:
    """The declaration's public facts, and each private group this viewer may read."""
    levels = levels_of(declaration)
    groups = frozenset(readable(levels, viewer))
    site = declaration.site
    view = DeclarationView(
        id=declaration.pk,
        direction=declaration.direction,
        direction_label=str(declaration.get_direction_display()),
        title=declaration.title,
        organisation=declaration.organisation.name,
        organisation_id=declaration.organisation_id,
        code=declaration.waste_code_id or "",
        category=declaration.category,
        category_label=str(declaration.get_category_display()),
        commune=site.place_name(),
        unit=declaration.unit,
        period=declaration.period,
        magnitude=order_of_magnitude(float(declaration.quantity_max)),
        readable=groups,
    )
    if "quantity" in groups:
        view.quantity_min, view.quantity_max = declaration.quantity_min, declaration.quantity_max
    if "price" in groups:
        view.price, view.current_cost = declaration.price, declaration.current_cost
    if "composition" in groups:
        view.composition = declaration.composition
    if "site" in groups:
        view.site_name, view.address = site.name, site.address
        view.latitude, view.longitude = site.latitude, site.longitude
    read = logged(levels, viewer)
    if read:
        view.read_log = PrivateRead(
            kind="resource",
            object_id=declaration.pk,
            organisation_id=declaration.organisation_id,
            fields=frozenset(read),
        )
    return view


def sides_views(synergy: Synergy, audience: Audience) -> tuple[DeclarationView, DeclarationView]:
    offer, demand = synergy.offer, synergy.demand
    return (
        read_declaration(offer, audience.viewer(offer.organisation_id, offer.pk)),
        read_declaration(demand, audience.viewer(demand.organisation_id, demand.pk)),
    )


def reads_of(*views: DeclarationView) -> list[PrivateRead]:
    return [view.read_log for view in views if view.read_log is not None]


def is_party(synergy: Synergy, audience: Audience) -> bool:
    return bool(
        {synergy.offer.organisation_id, synergy.demand.organisation_id} & audience.organisation_ids
    )


def exact_quantity_readable(
    synergy: Synergy, audience: Audience, offer: DeclarationView, demand: DeclarationView
) -> bool:
    """The synergy's planned and exchanged quantities come from both sides' private quantities:
    exact for coordinators, for the sides once both accepted, or when both quantities are
    readable anyway; an order of magnitude otherwise."""
    if audience.is_coordinator:
        return True
    if synergy.both_accepted and is_party(synergy, audience):
        return True
    return "quantity" in offer.readable and "quantity" in demand.readable


def estimates_readable(synergy: Synergy, audience: Audience) -> bool:
    """The € and CO2 estimates, the exact distance and the reasons were computed from both
    sides' private prices, costs, quantities and sites: coordinators read them, and the sides
    once both accepted; before that they would let one side work the other's figures out."""
    return audience.is_coordinator or (synergy.both_accepted and is_party(synergy, audience))


# Before both sides accept, a distance is shown to the nearest 5 km, as candidates are.
DISTANCE_STEP_KM = 5.0


def shown_distance(synergy: Synergy, audience: Audience) -> float | None:
    if synergy.distance_km is None or estimates_readable(synergy, audience):
        return synergy.distance_km
    return max(DISTANCE_STEP_KM, round(synergy.distance_km / DISTANCE_STEP_KM) * DISTANCE_STEP_KM)


@dataclass(frozen=True)
class ExchangeTotals:
    rows: list[SynergyExchange]
    total: Decimal
    months: int


def exchanges_of(synergy: Synergy) -> ExchangeTotals:
    rows = list(SynergyExchange.objects.filter(synergy=synergy).order_by("month"))
    total = sum((row.quantity for row in rows), Decimal(0))
    return ExchangeTotals(rows=rows, total=total, months=len(rows))


def exchanged_per_synergy(synergy_ids: list[int]) -> dict[int, Decimal]:
    """The total exchanged by synergy, for lists and flows (one query)."""
    rows = (
        SynergyExchange.objects.filter(synergy_id__in=synergy_ids)
        .values("synergy_id")
        .annotate(total=Sum("quantity"))
    )
    return {row["synergy_id"]: row["total"] for row in rows}
