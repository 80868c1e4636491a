"""Symbiosis API: a declaration's candidates, proposing a synergy, the territory's allocation.

Candidates are shown as the caller may read them (`queries.candidates`): a counterpart's
quantity the caller may not read is its public order of magnitude, a site only its commune
and a rounded distance. The allocation is for coordinators, whose reads are logged.

No `from __future__ import annotations` here: django-ninja reads the annotations at import.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from maillage.core.validators import MAX_ROW_ID
from maillage.directory import permissions
from maillage.directory.auth import WRITE_AUTH, request_user
from maillage.symbiosis.actions.proposals import propose_synergy
from maillage.symbiosis.api.synergies import SynergyOut, synergy_out
from maillage.symbiosis.api.synergies import router as synergies_router
from maillage.symbiosis.models import Direction, ResourceDeclaration, Synergy, VehicleClass
from maillage.symbiosis.queries import candidates as queries
from maillage.symbiosis.queries.allocation import territory_allocation
from maillage.symbiosis.queries.visibility import PrivateRead, audience_of, log_private_reads

router = Router(tags=["symbiosis"])


class SymbiosisReasonOut(Schema):
    key: str
    text: str


class SymbiosisCandidateOut(Schema):
    id: int
    title: str
    direction: str
    code: str | None
    category: str
    organisation: str
    commune: str | None
    score: float
    fit: str
    distance_km: float
    distance_exact: bool
    quantity_low: float
    quantity_high: float
    quantity_exact: bool
    unit: str
    period: str
    euros_saved_per_year: float | None
    co2_avoided_kg_per_year: float | None
    reasons: list[SymbiosisReasonOut]


class SymbiosisCandidateFilters(Schema):
    limit: int = Field(20, ge=1, le=100)
    vehicle: str = Field("rigid", description="van, rigid or articulated")


class SymbiosisProposeIn(Schema):
    offer_id: int = Field(..., ge=1, le=MAX_ROW_ID)
    demand_id: int = Field(..., ge=1, le=MAX_ROW_ID)
    quantity_per_year: float | None = Field(None, gt=0)
    vehicle: str = "rigid"


class SymbiosisFlowOut(Schema):
    offer_id: int
    demand_id: int
    tonnes_per_year: float
    distance_km: float
    euros_saved_per_year: float
    co2_avoided_kg_per_year: float


class SymbiosisAllocationOut(Schema):
    offers: int
    demands: int
    left_out: int
    tonnes_per_year: float
    euros_saved_per_year: float
    co2_avoided_kg_per_year: float
    counterfactual: str
    flows: list[SymbiosisFlowOut]


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


@router.get(
    "/symbiosis/declarations/{declaration_id}/candidates",
    response=list[SymbiosisCandidateOut],
    auth=WRITE_AUTH,
    summary="Ranked candidates of a declaration, for its organisation's members and coordinators",
)
def list_candidates(
    request: HttpRequest, declaration_id: int, filters: Query[SymbiosisCandidateFilters]
) -> Any:
    user = request_user(request)
    declaration = get_object_or_404(
        ResourceDeclaration.objects.select_related("organisation", "site"), pk=declaration_id
    )
    if not (
        permissions.is_coordinator(user)
        or permissions.membership_of(user, declaration.organisation) is not None
    ):
        raise Http404(_("No such declaration."))
    vehicle = filters.vehicle if filters.vehicle in VehicleClass.values else "rigid"
    found = queries.candidates_for(
        declaration, audience_of(user), limit=filters.limit, vehicle=vehicle
    )
    log_private_reads(user, queries.private_reads(found), "api", request.path)
    return [
        {
            "id": c.declaration.pk,
            "title": c.declaration.title,
            "direction": c.declaration.direction,
            "code": c.declaration.waste_code_id,
            "category": c.declaration.category,
            "organisation": c.declaration.organisation.name,
            "commune": c.declaration.site.commune.name if c.declaration.site.commune else None,
            "score": c.match.score,
            "fit": c.match.closeness.reason,
            "distance_km": round(c.distance_km, 1),
            "distance_exact": c.distance_exact,
            "quantity_low": c.quantity_range[0],
            "quantity_high": c.quantity_range[1],
            "quantity_exact": c.quantity_exact,
            "unit": c.declaration.unit,
            "period": c.declaration.period,
            "euros_saved_per_year": _round(c.savings.euros_saved) if c.savings else None,
            "co2_avoided_kg_per_year": _round(c.savings.co2_avoided_kg) if c.savings else None,
            "reasons": [{"key": r.key, "text": queries.describe(r)} for r in c.match.reasons],
        }
        for c in found
    ]


# On the synergies' router: ninja gives each router its own URL pattern for a path, so a second
# router's POST beside the list's GET would answer 405.
@synergies_router.post(
    "/symbiosis/synergies",
    response={201: SynergyOut},
    auth=WRITE_AUTH,
    summary="Propose a synergy between an offer and a demand",
)
def propose(request: HttpRequest, payload: SymbiosisProposeIn) -> Any:
    user = request_user(request)
    found = {
        d.pk: d
        for d in ResourceDeclaration.objects.filter(
            pk__in=[payload.offer_id, payload.demand_id]
        ).select_related("site")
    }
    offer, demand = found.get(payload.offer_id), found.get(payload.demand_id)
    if offer is None:
        raise ValidationError({"offer_id": _("Unknown declaration.")})
    if demand is None:
        raise ValidationError({"demand_id": _("Unknown declaration.")})
    if offer.direction != Direction.OFFER or demand.direction != Direction.DEMAND:
        raise ValidationError({"offer_id": _("A synergy joins an offer to a demand.")})
    synergy = propose_synergy(
        user,
        offer,
        demand,
        quantity_per_year=payload.quantity_per_year,
        vehicle=payload.vehicle,
    )
    # Read back as the proposer may read it: the other side's private figures stay hidden.
    proposed = Synergy.objects.select_related(
        "offer__organisation",
        "offer__site__commune",
        "demand__organisation",
        "demand__site__commune",
    ).get(pk=synergy.pk)
    return Status(201, synergy_out(request, proposed, audience_of(user)))


@router.get(
    "/symbiosis/allocation",
    response=SymbiosisAllocationOut,
    auth=WRITE_AUTH,
    summary="The territory's optimal allocation of by-products (coordinators)",
)
def allocation(request: HttpRequest, vehicle: str = "rigid") -> Any:
    user = request_user(request)
    if not permissions.is_coordinator(user):
        raise PermissionDenied(_("Only the network's coordinators see the territory's allocation."))
    result = territory_allocation(vehicle=vehicle if vehicle in VehicleClass.values else "rigid")
    log_private_reads(
        user,
        [
            PrivateRead(
                "resource", d.pk, d.organisation_id, frozenset({"quantity", "price", "site"})
            )
            for d in result.declarations
        ],
        "api",
        request.path,
    )
    return {
        "offers": result.offers,
        "demands": result.demands,
        "left_out": result.left_out,
        "tonnes_per_year": round(result.tonnes, 3),
        "euros_saved_per_year": round(result.euros_saved, 2),
        "co2_avoided_kg_per_year": round(result.co2_avoided_kg, 1),
        "counterfactual": _(
            "Without these flows, each offer goes to its usual treatment (landfill or "
            "incineration) and each demand buys the same mass of virgin material."
        ),
        "flows": [
            {
                "offer_id": f.offer.pk,
                "demand_id": f.demand.pk,
                "tonnes_per_year": round(f.tonnes, 3),
                "distance_km": round(f.distance_km, 1),
                "euros_saved_per_year": round(f.savings.euros_saved, 2),
                "co2_avoided_kg_per_year": round(f.savings.co2_avoided_kg, 1),
            }
            for f in result.flows
        ],
    }
