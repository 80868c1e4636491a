"""The map's endpoints under /api/v1/: the site layer and the filtered organisation list.

No `from __future__ import annotations` here: django-ninja reads the annotations at import.
"""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from maillage.core.mapgrid import bbox_param
from maillage.core.pagination import Pagination
from maillage.directory.api import OrganisationOut
from maillage.directory.auth import request_user
from maillage.directory.queries import visible_organisations
from maillage.map.queries import MapFilters, filter_map_organisations
from maillage.map.queries import sites_geojson as sites_layer

# Tagged like the directory's endpoints: the OpenAPI document groups them as before.
router = Router(tags=["directory"])


class FilterParams(Schema):
    q: str = Field("", description="Words found in names, descriptions and communes")
    kind: str = ""
    field: str = ""
    dept: str = Field("", description="Department code, e.g. 13")
    process: str = Field("", description="Only places with a machine for this process code")
    material: str = Field("", description="Only places with a machine working this material")
    machines: str = Field("", description="1: only places that list machines")


def _filters(params: FilterParams) -> MapFilters:
    return MapFilters.from_params(params.dict())


@paginate(Pagination)
def list_organisations(request: HttpRequest, filters: Query[FilterParams]) -> Any:
    user = request_user(request)
    qs = filter_map_organisations(visible_organisations(user), _filters(filters))
    return qs.select_related("naf").prefetch_related("fields", "sites__commune").order_by("name")


def add_organisation_list(directory_router: Router) -> None:
    """Serve GET /organisations beside the directory's POST: ninja serves a path from one router."""
    directory_router.get(
        "/organisations",
        response=list[OrganisationOut],
        operation_id="maillage_directory_api_list_organisations",  # generated clients keep it
    )(list_organisations)


@router.get(
    "/sites.geojson",
    summary="Public sites in a bounding box, as GeoJSON",
    operation_id="maillage_directory_api_sites_geojson",  # generated clients keep it
)
def sites_geojson(
    request: HttpRequest,
    filters: Query[FilterParams],
    bbox: str = Query(..., description="west,south,east,north in degrees"),
) -> Any:
    box = bbox_param(bbox)
    return sites_layer(box, _filters(filters), settings.MAP_MAX_POINTS)
