"""Impact API: a machine's impact and an organisation's, as the pages show them.

Everyone who sees the machine or the organisation reads the public figures; its members (and
the coordinators) also read the private part (prices, costs, the owner's own use, its own
bookings and amounts), which is null for anyone else.

No `from __future__ import annotations` here: django-ninja reads the annotations at import.
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema

from maillage.directory.auth import request_user
from maillage.directory.models import Organisation
from maillage.directory.queries import visible_organisations
from maillage.equipment.models import Machine
from maillage.equipment.queries import visible_machines
from maillage.impact.actions.machines import ensure_impact
from maillage.impact.queries.machines import MachineCard, machine_card
from maillage.impact.queries.organisations import OrganisationImpact, organisation_impact

router = Router(tags=["impact"])


class PerHourOut(Schema):
    solo: float | None = Field(None, description="The owner's own use alone")
    shared: float | None = Field(None, description="The current use, others' hours included")
    solo_utilisation: float | None = None
    shared_utilisation: float | None = None


class MachinePrivateOut(Schema):
    own_hours: float = Field(..., description="Hours of the owner's own use, last 12 months")
    hours_shared: float = Field(..., description="Hours other organisations used it")
    price: float | None = Field(None, description="Purchase price, €")
    residual_value: float | None = None
    life_years: float | None = None
    fixed_costs_per_year: float | None = None
    variable_per_hour: float | None = None
    hours_available: float | None = None
    cost_per_hour: PerHourOut | None = Field(None, description="€ per productive hour")
    carbon_per_hour: PerHourOut | None = Field(None, description="kgCO2e per productive hour")


class MachineImpactOut(Schema):
    machine: int
    mci: float | None = Field(None, description="Material Circularity Indicator, 0 to 1")
    lifetime_ratio: float | None = Field(None, description="L/L_av")
    intensity_ratio: float | None = Field(None, description="U/U_av; null when hidden or unknown")
    mass_kg: float | None
    repairability: float | None = Field(None, description="Out of 10 (adapted, not legal)")
    age_years: int | None
    remaining_life_years: float | None
    added_life_years: float = Field(..., description="Years added by retrofits")
    failures: int
    mtbf_trend: float | None = Field(None, description="Recent over earlier MTBF")
    utilisation: float | None = Field(None, description="Last 12 months; null when private")
    organisations_served: int | None
    embodied_kgco2e: float | None
    carbon_per_hour: float | None = Field(None, description="kgCO2e per productive hour now")
    missing: dict[str, list[str]] = Field(..., description="What each figure lacks")
    factor_versions: dict[str, int]
    computed_at: dt.datetime
    private: MachinePrivateOut | None = Field(None, description="Members only")


class FleetOut(Schema):
    machines: int
    mci: float | None
    mci_known: int
    repairability: float | None
    repairability_known: int
    embodied_kgco2e: float | None
    embodied_known: int


class UseOut(Schema):
    hours_used: float
    hours_available: float
    utilisation: float | None
    hours_given: float
    organisations_served: int


class OrganisationPrivateOut(Schema):
    hours_received: float
    organisations_used: int
    invoiced_cents: int
    paid_cents: int


class MachineCircularityOut(Schema):
    inflow_mass_kg: float
    outflow_mass_kg: float
    circular_inflow: float | None
    circular_outflow: float | None
    material_circularity: float | None
    uncounted_machines: dict[str, int]


class OrganisationImpactOut(Schema):
    organisation: str
    start: dt.date
    end: dt.date = Field(..., description="Excluded")
    fleet: FleetOut
    use: UseOut
    circularity: MachineCircularityOut
    private: OrganisationPrivateOut | None = Field(None, description="Members only")


def _per_hour(figure: Any) -> dict[str, Any] | None:
    if figure is None:
        return None
    return {
        "solo": figure.solo,
        "shared": figure.shared,
        "solo_utilisation": figure.solo_utilisation,
        "shared_utilisation": figure.shared_utilisation,
    }


def _machine_private(card: MachineCard) -> dict[str, Any] | None:
    if not card.private:
        return None
    inputs = card.cost_inputs
    return {
        "own_hours": card.own_hours or 0.0,
        "hours_shared": card.impact.hours_shared,
        "price": inputs.price if inputs else None,
        "residual_value": inputs.residual_value if inputs else None,
        "life_years": inputs.life_years if inputs else None,
        "fixed_costs_per_year": inputs.fixed_costs_per_year if inputs else None,
        "variable_per_hour": inputs.variable_per_hour if inputs else None,
        "hours_available": inputs.hours_available if inputs else None,
        "cost_per_hour": _per_hour(card.cost),
        "carbon_per_hour": _per_hour(card.carbon),
    }


def machine_out(card: MachineCard) -> dict[str, Any]:
    impact = card.impact
    current = None
    if card.carbon is not None:
        current = card.carbon.shared if card.carbon.shared is not None else card.carbon.solo
    return {
        "machine": card.machine.pk,
        "mci": impact.mci,
        "lifetime_ratio": impact.lifetime_ratio,
        "intensity_ratio": impact.intensity_ratio if card.show_use else None,
        "mass_kg": impact.mass_kg,
        "repairability": float(impact.repairability) if impact.repairability is not None else None,
        "age_years": card.age_years,
        "remaining_life_years": impact.remaining_life_years,
        "added_life_years": card.added_life_years,
        "failures": card.failures,
        "mtbf_trend": card.mtbf.ratio if card.mtbf else None,
        "utilisation": impact.utilisation if card.show_use else None,
        "organisations_served": impact.organisations_served if card.show_use else None,
        "embodied_kgco2e": impact.embodied_kgco2e,
        "carbon_per_hour": current,
        "missing": {key: [note.text for note in notes] for key, notes in card.missing.items()},
        "factor_versions": impact.factor_versions,
        "computed_at": impact.computed_at,
        "private": _machine_private(card),
    }


def organisation_out(figures: OrganisationImpact) -> dict[str, Any]:
    fleet, use, cti = figures.fleet, figures.use, figures.circularity
    return {
        "organisation": figures.organisation.slug,
        "start": figures.start,
        "end": figures.end,
        "fleet": {
            "machines": fleet.machines,
            "mci": fleet.mci,
            "mci_known": fleet.mci_known,
            "repairability": fleet.repairability,
            "repairability_known": fleet.repairability_known,
            "embodied_kgco2e": fleet.embodied_kgco2e,
            "embodied_known": fleet.embodied_known,
        },
        "use": {
            "hours_used": use.hours_used,
            "hours_available": use.hours_available,
            "utilisation": use.utilisation,
            "hours_given": use.hours_given,
            "organisations_served": use.organisations_served,
        },
        "circularity": {
            "inflow_mass_kg": cti.inflow_mass,
            "outflow_mass_kg": cti.outflow_mass,
            "circular_inflow": cti.circular_inflow,
            "circular_outflow": cti.circular_outflow,
            "material_circularity": cti.material_circularity,
            "uncounted_machines": figures.uncounted,
        },
        "private": (
            {
                "hours_received": use.hours_received or 0.0,
                "organisations_used": use.organisations_used or 0,
                "invoiced_cents": use.invoiced_cents or 0,
                "paid_cents": use.paid_cents or 0,
            }
            if figures.private
            else None
        ),
    }


@router.get(
    "/machines/{machine_id}/impact",
    response=MachineImpactOut,
    summary="A machine's impact (prices, costs and own use only to its members)",
)
def get_machine_impact(request: HttpRequest, machine_id: int) -> Any:
    user = request_user(request)
    machine: Machine = get_object_or_404(
        visible_machines(user).select_related("organisation"), pk=machine_id
    )
    return machine_out(machine_card(machine, ensure_impact(machine), user))


@router.get(
    "/organisations/{slug}/impact",
    response=OrganisationImpactOut,
    summary="An organisation's impact over the last 12 months (own bookings to its members)",
)
def get_organisation_impact(request: HttpRequest, slug: str) -> Any:
    user = request_user(request)
    organisation: Organisation = get_object_or_404(visible_organisations(user), slug=slug)
    return organisation_out(organisation_impact(organisation, user))
