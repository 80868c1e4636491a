"""Who may read and write a machine's impact; the figures of its impact card.

The card is what the machine page and the machine's impact page show: MCI, repairability,
durability, use, cost and carbon per productive hour. Prices, costs and the owner's own use
are private to the owner's members (and the coordinators); everyone who sees the machine reads
the rest. Each figure says what it lacks, so nothing is shown as known that is not.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.directory import permissions
from maillage.equipment.models import Machine
from maillage.impact import durability, sharing
from maillage.impact.factors import FactorSet
from maillage.impact.models import MachineEconomics, MachineImpact, MaterialShare
from maillage.impact.queries.factors import current_factors
from maillage.maintenance.models import (
    Intervention,
    InterventionKind,
    OwnershipPeriod,
    PassportField,
    RetrofitProject,
    UsageRecord,
)
from maillage.maintenance.queries.passport import private_fields


def can_edit(user: Any, machine: Machine) -> bool:
    """Composition, repairability and economics: the owner's active members (as the machine
    itself, `equipment.actions.update_machine`) and the coordinators."""
    return permissions.can_edit_sites(user, machine.organisation)


def can_see_private(user: Any, machine: Machine) -> bool:
    """Prices, costs and the owner's own use: the owner's active members and the coordinators."""
    return permissions.can_edit_sites(user, machine.organisation)


# --- the impact card ----------------------------------------------------------------------


@dataclass(frozen=True)
class Missing:
    """What a figure lacks, and the page that fixes it (`fix`: composition, repairability,
    economics, machine, usage, or "" when the owner has nothing to add)."""

    text: str
    fix: str = ""


@dataclass(frozen=True)
class PerHour:
    """A figure per productive hour for the owner's own use alone and for the current use."""

    solo: float | None
    shared: float | None
    solo_utilisation: float | None
    shared_utilisation: float | None


@dataclass(frozen=True)
class CostInputs:
    price: float
    residual_value: float
    rate: float
    life_years: float
    fixed_costs_per_year: float
    hours_available: float
    variable_per_hour: float
    coordination_per_hour: float
    price_from_passport: bool


@dataclass
class MachineCard:
    machine: Machine
    impact: MachineImpact
    private: bool
    editable: bool
    materials: int
    show_use: bool
    age_years: int | None
    added_life_years: float
    failures: int
    mtbf: durability.MtbfTrend | None
    carbon: PerHour | None
    cost: PerHour | None = None
    own_hours: float | None = None
    solo_utilisation: float | None = None
    shared_utilisation: float | None = None
    economics: MachineEconomics | None = None
    cost_inputs: CostInputs | None = None
    missing: dict[str, list[Missing]] = field(default_factory=dict)


def passport_price_cents(machine: Machine) -> int | None:
    """The current owner's purchase price from the passport (private like the economics)."""
    return (
        OwnershipPeriod.objects.filter(machine=machine, ended_on__isnull=True)
        .values_list("price_cents", flat=True)
        .first()
    )


def cost_inputs(
    machine: Machine, economics: MachineEconomics | None, factors: FactorSet
) -> CostInputs | None:
    """The owner's economics, the factor table where blank; None without any price."""
    own = economics or MachineEconomics(machine=machine)
    passport = passport_price_cents(machine) if own.price_cents is None else None
    cents = own.price_cents if own.price_cents is not None else passport
    if cents is None:
        return None
    price = cents / 100
    residual = (
        own.residual_value_cents / 100
        if own.residual_value_cents is not None
        else factors.value("residual_value_share") * price
    )
    fixed = (
        own.fixed_costs_cents_per_year / 100
        if own.fixed_costs_cents_per_year is not None
        else factors.value("fixed_costs_share_of_price") * price
        + factors.value("fixed_costs_per_year")
    )
    return CostInputs(
        price=price,
        residual_value=min(residual, price),
        rate=factors.value("discount_rate"),
        life_years=float(own.life_years or factors.value("machine_life_years")),
        fixed_costs_per_year=fixed,
        hours_available=float(
            own.hours_available_per_year or factors.value("hours_available_per_year")
        ),
        variable_per_hour=(
            own.variable_cents_per_hour / 100
            if own.variable_cents_per_hour is not None
            else factors.value("variable_cost_per_hour")
        ),
        coordination_per_hour=factors.value("coordination_cost_per_hour"),
        price_from_passport=passport is not None,
    )


def failure_hours(machine: Machine) -> list[float]:
    """Operating hours on the meter at each recorded failure, oldest first (one query)."""
    used_before = (
        UsageRecord.objects.filter(machine=machine, when__lte=OuterRef("failed_at"))
        .values("machine")
        .annotate(total=Sum("hours"))
        .values("total")
    )
    rows = (
        Intervention.objects.filter(
            machine=machine, kind=InterventionKind.CORRECTIVE, failed_at__isnull=False
        )
        .annotate(hours=Coalesce(Subquery(used_before), Value(Decimal(0))))
        .order_by("failed_at")
        .values_list("hours", flat=True)
    )
    return [float(hours) for hours in rows]


def _utilisations(
    impact: MachineImpact, available: float
) -> tuple[float, float | None, float | None]:
    """Own hours, the owner's own utilisation and the current one when others used it too."""
    own = max(0.0, impact.hours_used - impact.hours_shared)
    solo = min(1.0, own / available) if own > 0 else None
    shared = min(1.0, impact.hours_used / available) if impact.hours_shared > 0 else None
    return own, solo, shared


def _carbon(
    machine: Machine,
    impact: MachineImpact,
    life: float,
    available: float,
    factors: FactorSet,
    utilisations: tuple[float | None, float | None],
) -> PerHour | None:
    if impact.embodied_kgco2e is None:
        return None
    use = 0.0
    if machine.power_kw:
        use = machine.power_kw * factors.value("load_factor") * factors.value("grid_kgco2e_per_kwh")
    solo_u, shared_u = utilisations

    def per_hour(utilisation: float | None) -> float | None:
        if utilisation is None:
            return None
        return sharing.carbon_per_hour(
            embodied_kgco2e=impact.embodied_kgco2e or 0.0,
            life_years=life,
            hours_available=available,
            utilisation=utilisation,
            use_kgco2e_per_hour=use,
        )

    return PerHour(per_hour(solo_u), per_hour(shared_u), solo_u, shared_u)


def _cost(inputs: CostInputs, solo_u: float | None, shared_u: float | None) -> PerHour:
    def per_hour(utilisation: float | None, coordination: float) -> float | None:
        if utilisation is None:
            return None
        return sharing.cost_per_hour(
            price=inputs.price,
            residual_value=inputs.residual_value,
            rate=inputs.rate,
            life_years=inputs.life_years,
            fixed_costs_per_year=inputs.fixed_costs_per_year,
            hours_available=inputs.hours_available,
            utilisation=utilisation,
            variable_per_hour=inputs.variable_per_hour,
            coordination_per_hour=coordination,
        )

    return PerHour(
        per_hour(solo_u, 0.0),
        per_hour(shared_u, inputs.coordination_per_hour),
        solo_u,
        shared_u,
    )


def _missing_figures(card: MachineCard) -> dict[str, list[Missing]]:
    impact, machine = card.impact, card.machine
    notes: dict[str, list[Missing]] = {"mci": [], "repairability": [], "durability": []}
    if not card.materials:
        notes["mci"].append(Missing(_("Composition not recorded: add it."), "composition"))
    if impact.intensity_ratio is None and card.show_use:
        notes["mci"].append(
            Missing(_("No use recorded in the last 12 months: U/U_av is taken as 1."), "usage")
        )
    if impact.repairability is None:
        notes["repairability"].append(Missing(_("Not assessed yet: assess it."), "repairability"))
    if not machine.year:
        notes["durability"].append(
            Missing(_("Year of construction not recorded: add it to the machine."), "machine")
        )
    if card.mtbf is None:
        notes["durability"].append(
            Missing(_("Fewer than four failures recorded: no MTBF trend yet."))
        )
    return notes


def _missing_use(card: MachineCard, life_known: bool) -> list[Missing]:
    impact, machine = card.impact, card.machine
    if not card.show_use:
        return [Missing(_("The owner keeps the hours used private."))]
    notes = []
    if not impact.hours_used:
        notes.append(Missing(_("No use recorded in the last 12 months."), "usage"))
    if card.carbon is None:
        notes.append(
            Missing(
                _("Composition not recorded: no embodied carbon, no carbon per hour."),
                "composition",
            )
        )
    elif not machine.power_kw:
        notes.append(
            Missing(
                _("Power rating not recorded: the electricity of an hour is not counted."),
                "machine",
            )
        )
    if not card.private:
        return notes
    if card.cost_inputs is None:
        notes.append(
            Missing(_("Purchase price not recorded: no cost per hour. Add it."), "economics")
        )
    if impact.hours_used and not impact.hours_shared:
        notes.append(Missing(_("Not shared with other organisations in the last 12 months.")))
    if not life_known:
        notes.append(
            Missing(_("Expected life not recorded: the factor table's is used."), "economics")
        )
    return notes


def machine_card(
    machine: Machine,
    impact: MachineImpact,
    viewer: Any,
    *,
    factors: FactorSet | None = None,
    today: dt.date | None = None,
) -> MachineCard:
    """The card as this viewer may read it (the caller checked the machine is visible)."""
    factors = factors or current_factors()
    today = today or timezone.localdate()
    private = can_see_private(viewer, machine)
    show_use = private or PassportField.HOURS not in private_fields(machine)
    economics = MachineEconomics.objects.filter(machine=machine).first()
    life = float(
        (economics.life_years if economics else None) or factors.value("machine_life_years")
    )
    available = float(
        (economics.hours_available_per_year if economics else None)
        or factors.value("hours_available_per_year")
    )
    own, solo_u, shared_u = _utilisations(impact, available)
    # The solo figure is the owner's own use: others read the current use only, given as the
    # "shared" figure (the owner's use with the others', or the owner's alone).
    seen = (solo_u, shared_u) if private else (None, shared_u or solo_u)
    carbon = _carbon(machine, impact, life, available, factors, seen)
    added = RetrofitProject.objects.filter(machine=machine).aggregate(y=Sum("added_life_years"))
    hours = failure_hours(machine)
    card = MachineCard(
        machine=machine,
        impact=impact,
        private=private,
        editable=can_edit(viewer, machine),
        materials=MaterialShare.objects.filter(machine=machine).count(),
        show_use=show_use,
        age_years=today.year - machine.year
        if machine.year and machine.year <= today.year
        else None,
        added_life_years=float(added["y"] or 0),
        failures=len(hours),
        mtbf=durability.mtbf_trend(hours),
        carbon=carbon if show_use else None,
    )
    if private:
        card.own_hours = own
        card.solo_utilisation, card.shared_utilisation = solo_u, shared_u
        card.economics = economics
        card.cost_inputs = cost_inputs(machine, economics, factors)
        if card.cost_inputs is not None:
            card.cost = _cost(card.cost_inputs, solo_u, shared_u)
    card.missing = _missing_figures(card)
    card.missing["use"] = _missing_use(card, bool(economics and economics.life_years))
    return card
