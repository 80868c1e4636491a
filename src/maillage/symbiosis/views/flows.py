"""The flows of the territory: a map of the synergies both sides accepted, and the same lines
as CSV and GeoJSON. Every channel reads `queries.flows.territory_flows`, so a private value
reaches only those `confidentiality.readable` lets read it; coordinators' reads are logged."""

from __future__ import annotations

import csv
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from maillage.directory.views import TILES_URL
from maillage.symbiosis.queries.flows import Flow, territory_flows
from maillage.symbiosis.queries.synergies import unit_symbol
from maillage.symbiosis.queries.visibility import log_private_reads


def _number(value: Decimal | float | None) -> float | None:
    return None if value is None else float(value)


def _feature(flow: Flow) -> dict[str, Any]:
    unit = unit_symbol(flow.unit)
    return {
        "type": "Feature",
        "geometry": {
            "type": "LineString",
            "coordinates": [
                [round(flow.offer.longitude, 6), round(flow.offer.latitude, 6)],
                [round(flow.demand.longitude, 6), round(flow.demand.latitude, 6)],
            ],
        },
        "properties": {
            "id": flow.id,
            "state": flow.state,
            "state_label": flow.state_label,
            "code": flow.code,
            "category": flow.category,
            "offer_title": flow.offer.title,
            "offer_organisation": flow.offer.organisation,
            "offer_commune": flow.offer.commune,
            "offer_exact_site": flow.offer.exact_site,
            "demand_title": flow.demand.title,
            "demand_organisation": flow.demand.organisation,
            "demand_commune": flow.demand.commune,
            "demand_exact_site": flow.demand.exact_site,
            "unit": flow.unit,
            "unit_symbol": unit,
            "exact": flow.exact,
            "per_year": _number(flow.per_year),
            "per_year_low": flow.per_year_low,
            "per_year_high": flow.per_year_high,
            "exchanged_total": _number(flow.exchanged_total),
            "agreed_on": flow.agreed_on.isoformat() if flow.agreed_on else None,
            "weight": flow.weight,
            "url": flow.url,
        },
    }


def flows_collection(request: HttpRequest, channel: str) -> dict[str, Any]:
    """The flows as a GeoJSON FeatureCollection; the coordinator's reads logged on `channel`."""
    flows, reads = territory_flows(request.user)
    log_private_reads(request.user, reads, channel, request.path)
    return {"type": "FeatureCollection", "features": [_feature(flow) for flow in flows]}


def flows_map(request: HttpRequest) -> HttpResponse:
    # The lines travel in the page as JSON: one read, one log entry, no second request.
    collection = flows_collection(request, "page")
    return render(
        request,
        "symbiosis/flows.html",
        {
            "collection": collection,
            "features": [feature["properties"] for feature in collection["features"]],
            "tiles_url": TILES_URL,
        },
    )


def flows_geojson(request: HttpRequest) -> HttpResponse:
    response = JsonResponse(flows_collection(request, "geojson"))
    response["Content-Type"] = "application/geo+json"
    return response


CSV_COLUMNS = [
    "synergy",
    "state",
    "code",
    "category",
    "offer_title",
    "offer_organisation",
    "offer_commune",
    "offer_latitude",
    "offer_longitude",
    "offer_exact_site",
    "demand_title",
    "demand_organisation",
    "demand_commune",
    "demand_latitude",
    "demand_longitude",
    "demand_exact_site",
    "unit",
    "per_year",
    "per_year_low",
    "per_year_high",
    "exchanged_total",
    "agreed_on",
]


def flows_csv(request: HttpRequest) -> HttpResponse:
    flows, reads = territory_flows(request.user)
    log_private_reads(request.user, reads, "csv", request.path)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="flows.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for flow in flows:
        writer.writerow(
            [
                flow.id,
                flow.state,
                flow.code,
                flow.category,
                flow.offer.title,
                flow.offer.organisation,
                flow.offer.commune,
                f"{flow.offer.latitude:.6f}",
                f"{flow.offer.longitude:.6f}",
                int(flow.offer.exact_site),
                flow.demand.title,
                flow.demand.organisation,
                flow.demand.commune,
                f"{flow.demand.latitude:.6f}",
                f"{flow.demand.longitude:.6f}",
                int(flow.demand.exact_site),
                flow.unit,
                "" if flow.per_year is None else flow.per_year,
                f"{flow.per_year_low:g}",
                f"{flow.per_year_high:g}",
                "" if flow.exchanged_total is None else flow.exchanged_total,
                flow.agreed_on.isoformat() if flow.agreed_on else "",
            ]
        )
    return response
