"""The map page and the list of its results."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from maillage.core.forms import add_action_errors
from maillage.directory.models import OrganisationKind
from maillage.directory.queries import visible_organisations
from maillage.directory.views import TILES_URL
from maillage.map.forms import FilterForm
from maillage.map.queries import MapFilters, filter_map_organisations


def _filters(request: HttpRequest) -> tuple[FilterForm, MapFilters]:
    form = FilterForm(request.GET)
    try:
        filters = MapFilters.from_params(request.GET)
    except ValidationError as exc:
        form.is_valid()
        add_action_errors(form, exc)
        filters = MapFilters()
    return form, filters


def map_view(request: HttpRequest) -> HttpResponse:
    # The page ships no markers: the browser asks the GeoJSON endpoint for what is in view.
    form, filters = _filters(request)
    return render(
        request,
        "map/map.html",
        {
            "form": form,
            "filters_query": urlencode(filters.as_params()),
            "tiles_url": TILES_URL,
            "kinds": OrganisationKind.choices,
        },
    )


def organisation_list(request: HttpRequest) -> HttpResponse:
    # The map's results for reading: same filters, paginated, no JavaScript needed.
    form, filters = _filters(request)
    qs = filter_map_organisations(visible_organisations(request.user), filters).prefetch_related(
        "sites__commune"
    )
    page = Paginator(qs.order_by("name"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "map/organisation_list.html",
        {"form": form, "page": page, "filters_query": urlencode(filters.as_params())},
    )
