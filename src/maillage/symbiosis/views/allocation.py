"""Symbiosis pages: the territory's optimal allocation (coordinators), its CSV, and the method
pages (matching, allocation, savings)."""

from __future__ import annotations

import csv

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from maillage.directory import permissions
from maillage.symbiosis.models import VehicleClass
from maillage.symbiosis.queries import candidates as queries
from maillage.symbiosis.queries.allocation import TerritoryAllocation, territory_allocation
from maillage.symbiosis.queries.visibility import PrivateRead, log_private_reads
from maillage.symbiosis.savings import factors

METHODS = ("matching", "allocation", "savings")
SHOWN_FLOWS = 300  # the page lists the largest; the CSV and the API give them all


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
            "shown": result.flows[:SHOWN_FLOWS],
            "vehicle": vehicle,
            "vehicles": queries.VEHICLES,
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
