"""Interop endpoints under /api/v1/: OKW facilities in and out, machine CSV and GeoJSON.

No `from __future__ import annotations` here: django-ninja reads the annotations at import.
"""

from typing import Any

from django.http import HttpRequest, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from ninja import Body, Query, Router, Status

from maillage.directory.auth import WRITE_AUTH, request_user
from maillage.equipment.api import MachineFilterParams
from maillage.equipment.queries import MachineFilters, filter_machines, public_machines
from maillage.interop.exports import machines as machine_exports
from maillage.interop.exports import okw as okw_exports
from maillage.interop.imports.okw import import_okw

router = Router(tags=["interop"])

OKW_CONTENT_TYPE = "application/json"
GEOJSON_CONTENT_TYPE = "application/geo+json"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


def _json(data: dict[str, Any], filename: str, content_type: str, disposition: str) -> Any:
    response = JsonResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


def _public_machines(filters: MachineFilterParams) -> Any:
    parsed = MachineFilters.from_params(filters.dict())
    return filter_machines(public_machines(), parsed)


@router.get(
    "/okw/sites/{site_id}",
    url_name="okw_site",
    summary="A public site as an Open Know-Where manufacturing facility",
)
def okw_site(request: HttpRequest, site_id: int) -> Any:
    site = get_object_or_404(okw_exports.public_sites(), pk=site_id)
    return _json(okw_exports.site_okw(site), f"okw-site-{site.pk}.json", OKW_CONTENT_TYPE, "inline")


@router.get(
    "/okw/directory",
    url_name="okw_directory",
    summary="Every public site as one Open Know-Where collection",
)
def okw_directory(request: HttpRequest) -> Any:
    return _json(okw_exports.directory_okw(), "maillage-okw.json", OKW_CONTENT_TYPE, "attachment")


@router.post(
    "/okw/import",
    url_name="okw_import",
    response={201: dict[str, Any]},
    auth=WRITE_AUTH,
    summary="Create or update organisations, sites and machines from an OKW document",
)
def okw_import(
    request: HttpRequest,
    payload: dict[str, Any] = Body(  # noqa: B008 - ninja's way of declaring a body
        ..., description="One OKW facility, or a collection {okw_version, facilities: [...]}"
    ),
) -> Any:
    report = import_okw(payload, request_user(request))
    return Status(201, report.as_dict())


@router.get(
    "/machines.csv",
    url_name="machines_csv",
    summary="Public machines as CSV (same filters as /machines)",
)
def machines_csv(request: HttpRequest, filters: Query[MachineFilterParams]) -> Any:
    response = StreamingHttpResponse(
        machine_exports.machines_csv(_public_machines(filters)), content_type=CSV_CONTENT_TYPE
    )
    response["Content-Disposition"] = 'attachment; filename="maillage-machines.csv"'
    return response


@router.get(
    "/machines.export.geojson",
    url_name="machines_export_geojson",
    summary="Public machines as a GeoJSON FeatureCollection, one point per machine",
)
def machines_export_geojson(request: HttpRequest, filters: Query[MachineFilterParams]) -> Any:
    return _json(
        machine_exports.machines_feature_collection(_public_machines(filters)),
        "maillage-machines.geojson",
        GEOJSON_CONTENT_TYPE,
        "attachment",
    )
