"""Symbiosis pages: a declaration's candidates, proposing a synergy, the territory's allocation
and the method pages (matching, allocation, savings)."""

from __future__ import annotations

import csv

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.core.views import flash_outcome
from maillage.directory import permissions
from maillage.symbiosis.actions.proposals import can_propose, propose_synergy
from maillage.symbiosis.models import Direction, ResourceDeclaration, VehicleClass
from maillage.symbiosis.queries import candidates as queries
from maillage.symbiosis.queries.allocation import TerritoryAllocation, territory_allocation
from maillage.symbiosis.queries.visibility import PrivateRead, audience_of, log_private_reads
from maillage.symbiosis.savings import factors

METHODS = ("matching", "allocation", "savings")


def _declaration(pk: int) -> ResourceDeclaration:
    found: ResourceDeclaration = get_object_or_404(
        ResourceDeclaration.objects.select_related(
            "organisation", "site", "site__commune", "waste_code"
        ),
        pk=pk,
    )
    return found


def _may_see_candidates(user: object, declaration: ResourceDeclaration) -> bool:
    return permissions.is_coordinator(user) or (
        permissions.membership_of(user, declaration.organisation) is not None
    )


def candidates(request: HttpRequest, pk: int) -> HttpResponse:
    """Members of the declaring organisation and coordinators: the ranked counterparts."""
    declaration = _declaration(pk)
    if not _may_see_candidates(request.user, declaration):
        raise Http404(_("No such declaration."))
    found = queries.candidates_for(declaration, audience_of(request.user))
    log_private_reads(request.user, queries.private_reads(found), "page", request.path)
    return render(
        request,
        "symbiosis/candidates.html",
        {
            "declaration": declaration,
            "candidates": found,
            "is_offer": declaration.direction == Direction.OFFER,
            "vehicles": VehicleClass.choices,
        },
    )


def _safe_next(request: HttpRequest, default: str) -> str:
    wanted = request.POST.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return default


@login_required
@require_POST
def propose(request: HttpRequest, pk: int, other_pk: int) -> HttpResponse:
    """Propose the synergy between a declaration and one of its candidates."""
    declaration, other = _declaration(pk), _declaration(other_pk)
    offer, demand = (
        (declaration, other) if declaration.direction == Direction.OFFER else (other, declaration)
    )
    if not can_propose(request.user, offer, demand):
        raise PermissionDenied(
            _("Only members of either organisation, or a coordinator, propose a synergy.")
        )
    back = _safe_next(request, reverse("symbiosis:candidates", args=[pk]))
    flash_outcome(
        request,
        lambda: propose_synergy(
            request.user,
            offer,
            demand,
            quantity_per_year=request.POST.get("quantity_per_year") or None,
            vehicle=request.POST.get("vehicle") or VehicleClass.RIGID,
        ),
        _("Synergy proposed: both organisations can now discuss it."),
    )
    return redirect(back)


def _coordinator_only(request: HttpRequest) -> None:
    if not permissions.is_coordinator(request.user):
        raise PermissionDenied(_("Only the network's coordinators see the territory's allocation."))


def _vehicle(request: HttpRequest) -> str:
    wanted = request.GET.get("vehicle", VehicleClass.RIGID)
    return wanted if wanted in VehicleClass.values else VehicleClass.RIGID


def _log(request: HttpRequest, result: TerritoryAllocation, channel: str) -> None:
    log_private_reads(
        request.user,
        [
            PrivateRead(
                "resource", d.pk, d.organisation_id, frozenset({"quantity", "price", "site"})
            )
            for d in result.declarations
        ],
        channel,
        request.path,
    )


@login_required
def allocation(request: HttpRequest) -> HttpResponse:
    """Coordinators: the optimal flows over the whole territory, € and CO2 in total."""
    _coordinator_only(request)
    vehicle = _vehicle(request)
    result = territory_allocation(vehicle=vehicle)
    _log(request, result, "page")
    return render(
        request,
        "symbiosis/allocation.html",
        {
            "result": result,
            "vehicle": vehicle,
            "vehicles": VehicleClass.choices,
            "euros": queries.euros_per_year(result.euros_saved),
            "co2": queries.co2_per_year(result.co2_avoided_kg),
            "tonnes": queries.quantity_per_year(result.tonnes, "t"),
        },
    )


@login_required
def allocation_csv(request: HttpRequest) -> HttpResponse:
    _coordinator_only(request)
    result = territory_allocation(vehicle=_vehicle(request))
    _log(request, result, "csv")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="allocation.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "offer_id", "offer_title", "offer_organisation", "demand_id", "demand_title",
            "demand_organisation", "tonnes_per_year", "road_km", "vehicle", "transport_eur",
            "disposal_avoided_eur", "virgin_avoided_eur", "euros_saved_per_year",
            "transport_co2_kg", "virgin_avoided_co2_kg", "treatment_avoided_co2_kg",
            "co2_avoided_kg_per_year",
        ]
    )  # fmt: skip
    for flow in result.flows:
        s = flow.savings
        writer.writerow(
            [
                flow.offer.pk, flow.offer.title, flow.offer.organisation.name, flow.demand.pk,
                flow.demand.title, flow.demand.organisation.name, f"{flow.tonnes:.3f}",
                f"{flow.distance_km:.1f}", s.vehicle, f"{s.transport_eur:.2f}",
                f"{s.disposal_avoided_eur:.2f}", f"{s.virgin_avoided_eur:.2f}",
                f"{s.euros_saved:.2f}", f"{s.transport_co2_kg:.1f}",
                f"{s.virgin_avoided_co2_kg:.1f}", f"{s.treatment_avoided_co2_kg:.1f}",
                f"{s.co2_avoided_kg:.1f}",
            ]
        )  # fmt: skip
    return response


def method(request: HttpRequest, key: str) -> HttpResponse:
    """How matching, allocation and savings are computed: formula, sources, factors, limits."""
    if key not in METHODS:
        raise Http404(_("No such method page."))
    return render(
        request,
        "symbiosis/method.html",
        {
            "key": key,
            "factors": sorted(factors().values(), key=lambda f: f.key),
            "substitutions": queries.SUBSTITUTIONS,
            "methods": METHODS,
        },
    )
