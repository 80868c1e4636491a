"""Material flows of an organisation or of the whole network, for the CTI (`impact/cti.py`).

WBCSD, *Circular Transition Indicators v4.0* (2023): what comes in, how much of it is recycled
or reused, and what goes out, how much of it is recovered. Read from the records, summed by
material in SQL (one query per kind of flow, never a loop over rows):

Inflows
- parts fitted by interventions (retrofits, repairs, maintenance) on its machines: their mass
  by material, recycled at the factor table's `recycled_feedstock.<material>`;
- machines received second-hand, as a donation, on long loan or by a transfer in the network:
  their whole mass (`MaterialShare`) is reused;
- machines bought new or built: recycled at the owner's share where given, else the default.

Outflows
- decommissioned machines: reused or remanufactured, their whole mass is recovered; recycled,
  the materials listed with the decommissioning, recovered at the factor table's
  `collection_efficiency.<material>` (recovery potential 1: metals are recyclable);
- machines transferred out to another organisation: reused, fully recovered.

By-products exchanged through a synergy (`symbiosis.SynergyExchange`, the monthly quantities
the two sides record): a recycled inflow of the receiving organisation (the demand's) and a
recovered outflow of the offering one, by the offer's material category (source "symbiosis").
Only quantities in tonnes or kilograms count; exchanges in m³ or units have no mass and are
left out. They count for the whole network too: the by-product leaves one production and
feeds another instead of virgin material, unlike a machine that only changes hands.

For the whole network (`organisation=None`) a transfer between two of its organisations is
neither an inflow nor an outflow: only machines coming from outside count as received.
A machine whose composition is not recorded has no mass: `uncounted_machines` counts them, so
each figure says its coverage. Materials of a decommissioning with no factor (wood, plastics…)
count as not recovered, so the figure is never overstated.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet, Sum
from django.utils import timezone

from maillage.directory.models import Organisation
from maillage.equipment.models import Machine
from maillage.impact import cti
from maillage.impact.factors import FactorSet
from maillage.impact.models import MaterialShare
from maillage.impact.queries.factors import current_factors
from maillage.maintenance.models import (
    Acquisition,
    DecommissionedMaterial,
    Decommissioning,
    Destination,
    OwnershipPeriod,
    PartReplaced,
    Transfer,
    TransferState,
)
from maillage.symbiosis.models import SynergyExchange

SECOND_LIFE = (Acquisition.SECOND_HAND, Acquisition.DONATION, Acquisition.LONG_LOAN)
NEW = (Acquisition.BOUGHT_NEW, Acquisition.SELF_BUILT)
REUSED = (Destination.REUSE, Destination.REMANUFACTURE)
# The materials of a decommissioning (equipment's list) → the factor table's materials.
FACTOR_MATERIAL = {
    "steel": "steel",
    "stainless": "steel",
    "other_metals": "cast_iron",
    "aluminium": "aluminium",
    "copper_alloys": "copper",
    "electronics": "electronics",
}


@dataclass(frozen=True, slots=True)
class Inflow(cti.Inflow):
    """A CTI inflow, with the material and where it came from (parts, second_life, new)."""

    material: str = ""
    source: str = ""


@dataclass(frozen=True, slots=True)
class Outflow(cti.Outflow):
    """A CTI outflow, with the material and where it went (reuse, remanufacture, recycling,
    transfer)."""

    material: str = ""
    source: str = ""


def _moment(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _between(field: str, start: dt.date | None, end: dt.date | None, *, moment: bool) -> Q:
    """[start, end): dates as they are, datetimes from local midnight."""
    query = Q()
    if start is not None:
        query &= Q(**{f"{field}__gte": _moment(start) if moment else start})
    if end is not None:
        query &= Q(**{f"{field}__lt": _moment(end) if moment else end})
    return query


def _received(organisation: Organisation | None, when: Q) -> QuerySet[OwnershipPeriod]:
    periods = OwnershipPeriod.objects.filter(when, organisation__isnull=False)
    if organisation is None:
        return periods.filter(acquisition__in=SECOND_LIFE, transfer__isnull=True)
    return periods.filter(
        Q(acquisition__in=SECOND_LIFE) | Q(transfer__isnull=False), organisation=organisation
    )


def _bought(organisation: Organisation | None, when: Q) -> QuerySet[OwnershipPeriod]:
    periods = OwnershipPeriod.objects.filter(
        when, organisation__isnull=False, acquisition__in=NEW, transfer__isnull=True
    )
    return periods if organisation is None else periods.filter(organisation=organisation)


def _decommissioned(organisation: Organisation | None, when: Q) -> QuerySet[Decommissioning]:
    rows = Decommissioning.objects.filter(when)
    return rows if organisation is None else rows.filter(organisation=organisation)


def _transferred_out(organisation: Organisation | None, when: Q) -> QuerySet[Transfer]:
    if organisation is None:
        return Transfer.objects.none()
    return Transfer.objects.filter(
        when, from_organisation=organisation, state=TransferState.TRANSFERRED
    )


KG_PER_UNIT = {"t": 1000.0, "kg": 1.0}


def _exchanged(
    side: str, organisation: Organisation | None, start: dt.date | None, end: dt.date | None
) -> list[tuple[str, float]]:
    """Kilograms of by-products exchanged in [start, end) by the offer's category, seen from
    `side` ("offer" gives, "demand" receives); masses only."""
    rows = SynergyExchange.objects.filter(
        _between("month", start, end, moment=False), synergy__unit__in=list(KG_PER_UNIT)
    )
    if organisation is not None:
        rows = rows.filter(**{f"synergy__{side}__organisation": organisation})
    totals: dict[str, float] = {}
    grouped = (
        rows.values("synergy__unit", material=F("synergy__offer__category"))
        .annotate(quantity=Sum("quantity"))
        .order_by("material", "synergy__unit")
    )
    for row in grouped:
        kg = float(row["quantity"]) * KG_PER_UNIT[row["synergy__unit"]]
        totals[row["material"]] = totals.get(row["material"], 0.0) + kg
    return [(material, kg) for material, kg in totals.items() if kg > 0]


def _inflows(
    organisation: Organisation | None,
    start: dt.date | None,
    end: dt.date | None,
    factors: FactorSet,
) -> list[Inflow]:
    found: list[Inflow] = []
    parts = PartReplaced.objects.filter(_between("intervention__done_at", start, end, moment=True))
    if organisation is not None:
        parts = parts.filter(intervention__machine__organisation=organisation)
    for row in parts.values("material").annotate(kg=Sum("mass_kg")).order_by("material"):
        recycled = factors.value(f"recycled_feedstock.{row['material']}")
        found.append(Inflow(float(row["kg"]), recycled, 0.0, 0.0, row["material"], "parts"))
    when = _between("started_on", start, end, moment=False)
    received = _received(organisation, when).values("machine")
    for material, kg in _by_material(MaterialShare.objects.filter(machine__in=received)):
        found.append(Inflow(kg, 0.0, 1.0, 0.0, material, "second_life"))
    bought = _bought(organisation, when).values("machine")
    rows = (
        MaterialShare.objects.filter(machine__in=bought)
        .values("material")
        .annotate(
            kg=Sum("mass_kg"),
            own_kg=Sum("mass_kg", filter=Q(recycled_feedstock__isnull=False)),
            own_recycled=Sum(F("mass_kg") * F("recycled_feedstock")),
        )
        .order_by("material")
    )
    for row in rows:
        default = factors.value(f"recycled_feedstock.{row['material']}")
        kg, own_kg = float(row["kg"]), float(row["own_kg"] or 0)
        recycled_kg = float(row["own_recycled"] or 0) + (kg - own_kg) * default
        found.append(Inflow(kg, min(1.0, recycled_kg / kg), 0.0, 0.0, row["material"], "new"))
    for material, kg in _exchanged("demand", organisation, start, end):
        found.append(Inflow(kg, 1.0, 0.0, 0.0, material, "symbiosis"))
    return found


def _by_material(shares: QuerySet[MaterialShare]) -> list[tuple[str, float]]:
    rows = shares.values("material").annotate(kg=Sum("mass_kg")).order_by("material")
    return [(row["material"], float(row["kg"])) for row in rows]


def _outflows(
    organisation: Organisation | None,
    start: dt.date | None,
    end: dt.date | None,
    factors: FactorSet,
) -> list[Outflow]:
    found: list[Outflow] = []
    ended = _decommissioned(organisation, _between("decommissioned_on", start, end, moment=False))
    reused = (
        MaterialShare.objects.filter(
            machine__decommissioning__in=ended.filter(destination__in=REUSED)
        )
        .values("material", destination=F("machine__decommissioning__destination"))
        .annotate(kg=Sum("mass_kg"))
        .order_by("destination", "material")
    )
    for row in reused:
        found.append(Outflow(float(row["kg"]), 1.0, 1.0, row["material"], row["destination"]))
    recycled = (
        DecommissionedMaterial.objects.filter(
            decommissioning__in=ended.filter(destination=Destination.RECYCLING)
        )
        .values("material")
        .annotate(kg=Sum("mass_kg"))
        .order_by("material")
    )
    for item in recycled:
        key = FACTOR_MATERIAL.get(item["material"])
        actual = factors.value(f"collection_efficiency.{key}") if key else 0.0
        found.append(Outflow(float(item["kg"]), 1.0, actual, item["material"], "recycling"))
    out = _transferred_out(organisation, _between("closed_at", start, end, moment=True))
    for material, kg in _by_material(
        MaterialShare.objects.filter(machine__in=out.values("machine"))
    ):
        found.append(Outflow(kg, 1.0, 1.0, material, "transfer"))
    for material, kg in _exchanged("offer", organisation, start, end):
        found.append(Outflow(kg, 1.0, 1.0, material, "symbiosis"))
    return found


def flows(
    *,
    organisation: Organisation | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    factors: FactorSet | None = None,
) -> tuple[list[Inflow], list[Outflow]]:
    """The inflows and outflows of [start, end) by material and kind (the network when no
    organisation is given); `cti.circularity(*flows(...))` gives the three percentages."""
    factors = factors or current_factors()
    return (
        _inflows(organisation, start, end, factors),
        _outflows(organisation, start, end, factors),
    )


def uncounted_machines(
    *,
    organisation: Organisation | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> dict[str, int]:
    """Machines that moved in [start, end) with no composition recorded, so no mass, by kind
    (received, bought, decommissioned for reuse, transferred out)."""
    when = _between("started_on", start, end, moment=False)
    ended = _decommissioned(organisation, _between("decommissioned_on", start, end, moment=False))
    out = _transferred_out(organisation, _between("closed_at", start, end, moment=True))
    groups = {
        "second_life": Q(pk__in=_received(organisation, when).values("machine")),
        "new": Q(pk__in=_bought(organisation, when).values("machine")),
        "reuse": Q(decommissioning__in=ended.filter(destination__in=REUSED)),
        "transfer": Q(pk__in=out.values("machine")),
    }
    bare = Machine.objects.filter(material_shares__isnull=True)
    return {key: bare.filter(query).distinct().count() for key, query in groups.items()}
