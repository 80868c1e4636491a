"""Declarations pages: the public listing, one declaration, declare and edit, an organisation's
own list, the CSV import, the List of Waste search, and the CSV and GeoJSON exports.

Every read goes through `queries.declarations.declaration_rows`: a private value the viewer may
not read never reaches a template or an export; coordinators' reads are logged.
"""

from __future__ import annotations

import csv
import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from maillage.core.views import flash_outcome, save_form
from maillage.directory import permissions
from maillage.directory.models import Organisation
from maillage.directory.queries import visible_organisations
from maillage.symbiosis.actions import declaration_import
from maillage.symbiosis.actions import declarations as actions
from maillage.symbiosis.forms.declarations import (
    VISIBILITY_HELP,
    DeclarationForm,
    FilterForm,
    ImportForm,
)
from maillage.symbiosis.models import ResourceDeclaration, Visibility
from maillage.symbiosis.queries import declarations as queries
from maillage.symbiosis.queries.synergies import visible_synergies
from maillage.symbiosis.queries.visibility import audience_of, my_organisations

EXPORT_LIMIT = 5000


def _filters(request: HttpRequest) -> tuple[FilterForm, queries.DeclarationFilters]:
    form = FilterForm(request.GET)
    if not form.is_valid():
        return form, queries.DeclarationFilters()
    data = form.cleaned_data
    return form, queries.DeclarationFilters(
        direction=data["direction"],
        category=data["category"],
        code=data["code"],
        department=data["department"],
        q=data["q"],
    )


def index(request: HttpRequest) -> HttpResponse:
    """Active offers and demands anyone may browse: public fields only, nothing logged."""
    mine = my_organisations(request.user)
    # A person of many organisations picks one in a list: it leads to that one's declarations.
    chosen = next((o for o in mine if o.slug == request.GET.get("for")), None)
    if chosen is not None:
        return redirect("symbiosis:mine", chosen.slug)
    form, filters = _filters(request)
    audience = audience_of(request.user)
    found = queries.public_declarations(request.user, audience, filters)
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    rows = queries.declaration_rows(page.object_list, audience, groups=())
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "symbiosis/index.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "filters_query": query.urlencode(),
            "mine": mine,
        },
    )


def _visible(request: HttpRequest, pk: int) -> tuple[ResourceDeclaration, Any]:
    audience = audience_of(request.user)
    declaration = get_object_or_404(queries.visible_declarations(request.user, audience), pk=pk)
    return declaration, audience


def declaration(request: HttpRequest, pk: int) -> HttpResponse:
    found, audience = _visible(request, pk)
    row = queries.declaration_row(
        found, audience, user=request.user, channel="page", path=request.path
    )
    can_edit = permissions.can_edit_sites(request.user, found.organisation)
    return render(
        request,
        "symbiosis/declaration.html",
        {
            "declaration": found,
            "row": row,
            "can_edit": can_edit,
            "changes": _changes_for(found.state) if can_edit else [],
            "visibility_help": VISIBILITY_HELP,
            "month_names": [MONTHS[month] for month in row.months],
            # Candidates are for the declaring organisation's members and coordinators.
            "may_match": audience.is_coordinator
            or found.organisation_id in audience.organisation_ids,
            "synergies": visible_synergies(request.user, audience).filter(
                Q(offer=found) | Q(demand=found)
            ),
            "panels": [],
        },
    )


def _changes_for(state: str) -> list[tuple[str, str]]:
    labels = {"pause": _("Pause"), "close": _("Close"), "reopen": _("Reopen")}
    return [
        (change, labels[change])
        for change, (sources, _target) in actions.TRANSITIONS.items()
        if state in sources
    ]


def _own_organisation(request: HttpRequest, slug: str) -> Organisation:
    organisation: Organisation = get_object_or_404(visible_organisations(request.user), slug=slug)
    if not permissions.can_edit_sites(request.user, organisation):
        raise PermissionDenied
    return organisation


def _form_context(form: DeclarationForm, **extra: Any) -> dict[str, Any]:
    return {
        "form": form,
        "visibility_help": VISIBILITY_HELP,
        "visibility_levels": Visibility,
        **extra,
    }


@login_required
def declare(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _own_organisation(request, slug)
    form = DeclarationForm(request.POST or None, organisation=organisation)
    saved = save_form(
        request,
        form,
        lambda: actions.declare_resource(request.user, organisation, form.to_input()),
        _("Declaration saved."),
    )
    if saved is not None:
        return redirect("symbiosis:declaration", saved.pk)
    return render(
        request,
        "symbiosis/declaration_form.html",
        _form_context(form, organisation=organisation, editing=None),
    )


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(ResourceDeclaration.objects.select_related("organisation"), pk=pk)
    if not permissions.can_edit_sites(request.user, found.organisation):
        raise Http404
    form = DeclarationForm(
        request.POST or None,
        organisation=found.organisation,
        initial=DeclarationForm.initial_for(found),
    )
    saved = save_form(
        request,
        form,
        lambda: actions.update_declaration(request.user, found, form.to_input()),
        _("Declaration saved."),
    )
    if saved is not None:
        return redirect("symbiosis:declaration", saved.pk)
    return render(
        request,
        "symbiosis/declaration_form.html",
        _form_context(form, organisation=found.organisation, editing=found),
    )


@login_required
@require_POST
def state(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(ResourceDeclaration.objects.select_related("organisation"), pk=pk)
    if not permissions.can_edit_sites(request.user, found.organisation):
        raise Http404
    change = request.POST.get("change", "")
    done = {"pause": _("Paused."), "close": _("Closed."), "reopen": _("Reopened.")}
    flash_outcome(
        request,
        lambda: actions.set_declaration_state(request.user, found, change),
        done.get(change, ""),
    )
    return redirect("symbiosis:declaration", found.pk)


@login_required
def mine(request: HttpRequest, slug: str) -> HttpResponse:
    """The organisation's declarations with their private fields (its members read all)."""
    organisation = _own_organisation(request, slug)
    audience = audience_of(request.user)
    rows = queries.declaration_rows(
        queries.organisation_declarations(organisation.pk),
        audience,
        user=request.user,
        channel="page",
        path=request.path,
    )
    return render(
        request,
        "symbiosis/mine.html",
        {
            "organisation": organisation,
            "rows": rows,
            "reads": queries.reads_of_organisation(organisation.pk),
        },
    )


@login_required
def import_csv(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _own_organisation(request, slug)
    if request.GET.get("template"):
        response = HttpResponse(
            declaration_import.template_csv(), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="declarations-modele.csv"'
        return response
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            text = form.text()
            saved = declaration_import.import_declarations(request.user, organisation, text)
        except ValidationError as exc:
            errors = list(exc.messages)
        else:
            return _imported(request, organisation, len(saved))
    return render(
        request,
        "symbiosis/import.html",
        {
            "organisation": organisation,
            "form": form,
            "errors": errors,
            "columns": declaration_import.COLUMNS,
        },
    )


def _imported(request: HttpRequest, organisation: Organisation, count: int) -> HttpResponse:
    messages.success(
        request,
        ngettext("%(n)d declaration imported.", "%(n)d declarations imported.", count)
        % {"n": count},
    )
    return redirect("symbiosis:mine", organisation.slug)


def code_search(request: HttpRequest) -> HttpResponse:
    """The List of Waste search: a fragment for HTMX, a whole page without it."""
    q = request.GET.get("q", "")[:100]
    codes = queries.search_codes(q, limit=30)
    template = (
        "symbiosis/_code_results.html"
        if request.headers.get("HX-Request")
        else "symbiosis/code_search.html"
    )
    return render(request, template, {"q": q, "codes": codes})


# --- exports -------------------------------------------------------------------------------------

CSV_COLUMNS = (
    "id",
    "direction",
    "code",
    "hazardous",
    "category",
    "title",
    "organisation",
    "commune",
    "department",
    "magnitude_low",
    "magnitude_high",
    "unit",
    "period",
    "months",
    "regulatory_status",
    "packaging",
    "quantity_min",
    "quantity_max",
    "minimum_lot",
    "price",
    "current_cost",
    "composition",
    "site_name",
    "site_address",
    "postal_code",
    "latitude",
    "longitude",
)


def _export_rows(request: HttpRequest, channel: str) -> list[queries.DeclarationRow]:
    _form, filters = _filters(request)
    audience = audience_of(request.user)
    found = queries.public_declarations(request.user, audience, filters)[:EXPORT_LIMIT]
    return queries.declaration_rows(
        found, audience, user=request.user, channel=channel, path=request.get_full_path()
    )


def _cell(value: Any) -> Any:
    """Empty for a hidden value; text a spreadsheet will not run as a formula (CSV injection)."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def declarations_csv(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="declarations.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for row in _export_rows(request, "csv"):
        low, high = row.quantity_magnitude
        writer.writerow(
            [
                row.id,
                row.direction,
                _cell(row.waste_code),
                "yes" if row.hazardous else "no",
                row.category,
                _cell(row.title),
                _cell(row.organisation_name),
                _cell(row.commune),
                row.department,
                low,
                high,
                row.unit,
                row.period,
                " ".join(str(m) for m in row.months),
                row.regulatory_status,
                row.packaging,
                *(
                    _cell(getattr(row, name))
                    for name in (
                        "quantity_min",
                        "quantity_max",
                        "minimum_lot",
                        "price",
                        "current_cost",
                        "composition",
                        "site_name",
                        "site_address",
                        "postal_code",
                        "latitude",
                        "longitude",
                    )
                ),
            ]
        )
    return response


def declarations_geojson(request: HttpRequest) -> HttpResponse:
    """Points at the exact site when readable, else at the commune's centroid."""
    features = []
    for row in _export_rows(request, "geojson"):
        point = row.point
        features.append(
            {
                "type": "Feature",
                "id": row.id,
                "geometry": (
                    {"type": "Point", "coordinates": [point[1], point[0]]} if point else None
                ),
                "properties": feature_properties(row),
            }
        )
    body = json.dumps({"type": "FeatureCollection", "features": features}, default=str)
    return HttpResponse(body, content_type="application/geo+json")


def feature_properties(row: queries.DeclarationRow) -> dict[str, Any]:
    return {
        "direction": row.direction,
        "code": row.waste_code,
        "hazardous": row.hazardous,
        "category": row.category,
        "title": row.title,
        "organisation": row.organisation_name,
        "commune": row.commune,
        "quantity_magnitude": list(row.quantity_magnitude),
        "unit": row.unit,
        "period": row.period,
        "quantity_min": row.quantity_min,
        "quantity_max": row.quantity_max,
        "price": row.price,
        "composition": row.composition,
        "site_address": row.site_address,
        "exact_site": "site" in row.readable,
        "url": f"/symbiosis/declarations/{row.id}/",
    }
