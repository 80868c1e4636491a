"""Heat pages: the public list and map, a declaration, declaring and editing, the studies, and
the CSV and GeoJSON exports. Every private value goes through `queries.heat.readable_rows`,
which logs a coordinator's reads; writes go through `actions.heat`."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from maillage.core.views import flash_outcome, save_form
from maillage.directory.models import User
from maillage.directory.queries import visible_organisations
from maillage.directory.views import TILES_URL
from maillage.symbiosis import heat
from maillage.symbiosis.actions import heat as actions
from maillage.symbiosis.forms.heat import HeatForm, StudyForm
from maillage.symbiosis.models import HeatDeclaration, HeatKind, HeatStudy
from maillage.symbiosis.queries import heat as queries
from maillage.symbiosis.queries.heat import HeatRow
from maillage.symbiosis.queries.visibility import my_organisations


def actor(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _feature(row: HeatRow) -> dict[str, Any] | None:
    if row.latitude is None or row.longitude is None:
        return None
    declaration = row.declaration
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [row.longitude, row.latitude]},
        "properties": {
            "id": declaration.pk,
            "kind": declaration.kind,
            "label": "S" if declaration.kind == HeatKind.SOURCE else "D",
            "title": declaration.title,
            "url": reverse("symbiosis:heat_declaration", args=[declaration.pk]),
            "organisation": declaration.organisation.name,
            "medium": declaration.medium,
            "temperature_c": declaration.temperature_c,
            "commune": row.commune,
            "energy_mwh_min": row.magnitude_mwh[0],
            "energy_mwh_max": row.magnitude_mwh[1],
            "energy_mwh": row.energy_mwh,
            "power_kw": row.power_kw,
            "hours_per_year": row.hours_per_year,
            "exact_position": row.exact_position,
            "lines": [
                declaration.get_kind_display(),
                f"{declaration.temperature_c:g} °C — {declaration.get_medium_display()}",
                row.commune,
            ],
        },
    }


def _collection(rows: list[HeatRow]) -> dict[str, Any]:
    features = [feature for feature in map(_feature, rows) if feature is not None]
    return {"type": "FeatureCollection", "features": features}


def heat_list(request: HttpRequest) -> HttpResponse:
    mine = my_organisations(request.user)
    # A person of many organisations picks one in a list to declare for it.
    chosen = next((o for o in mine if o.slug == request.GET.get("for")), None)
    if chosen is not None:
        return redirect("symbiosis:heat_declare", chosen.slug)
    rows = queries.readable_rows(
        request.user, queries.open_declarations(), "page", request.get_full_path()
    )
    context = {
        "rows": rows,
        "map_data": _collection(rows),
        "tiles_url": TILES_URL,
        "studies": queries.study_list(request.user, "page", request.get_full_path()),
        "mine": mine,
    }
    return render(request, "symbiosis/heat_list.html", context)


def _declaration(request: HttpRequest, pk: int) -> HeatDeclaration:
    declaration: HeatDeclaration = get_object_or_404(queries.declarations(), pk=pk)
    if not queries.visible_declaration(request.user, declaration):
        raise PermissionDenied(_("This declaration is closed."))
    return declaration


def heat_declaration(request: HttpRequest, pk: int) -> HttpResponse:
    declaration = _declaration(request, pk)
    [row] = queries.readable_rows(request.user, [declaration], "page", request.get_full_path())
    return render(
        request,
        "symbiosis/heat_declaration.html",
        {
            "row": row,
            "declaration": declaration,
            "can_edit": queries.can_edit(request.user, declaration),
            "studies": queries.study_list(
                request.user, "page", request.get_full_path(), declaration
            ),
            "map_data": _collection([row]),
            "tiles_url": TILES_URL,
        },
    )


@login_required
def heat_declare(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(visible_organisations(request.user), slug=slug)
    actions.check_can_declare(actor(request), organisation)
    form = HeatForm(organisation, request.POST or None)
    saved = save_form(
        request,
        form,
        lambda: actions.declare_heat(actor(request), organisation, form.to_input()),
        _("Heat declaration saved."),
    )
    if saved is not None:
        return redirect("symbiosis:heat_declaration", saved.pk)
    return render(
        request,
        "symbiosis/heat_form.html",
        {"form": form, "organisation": organisation, "title": _("Declare waste heat")},
    )


@login_required
def heat_edit(request: HttpRequest, pk: int) -> HttpResponse:
    declaration = _declaration(request, pk)
    actions.check_can_declare(actor(request), declaration.organisation)
    if request.method == "POST" and request.POST.get("close"):
        flash_outcome(
            request,
            lambda: actions.close_heat(actor(request), declaration),
            _("Heat declaration closed."),
        )
        return redirect("symbiosis:heat_declaration", declaration.pk)
    form = HeatForm(
        declaration.organisation,
        request.POST or None,
        initial=HeatForm.initial_of(declaration),
    )
    saved = save_form(
        request,
        form,
        lambda: actions.update_heat(actor(request), declaration, form.to_input()),
        _("Heat declaration saved."),
    )
    if saved is not None:
        return redirect("symbiosis:heat_declaration", saved.pk)
    return render(
        request,
        "symbiosis/heat_form.html",
        {
            "form": form,
            "organisation": declaration.organisation,
            "declaration": declaration,
            "title": _("Edit a heat declaration"),
        },
    )


def _study_choices(request: HttpRequest) -> tuple[list[HeatDeclaration], list[HeatDeclaration]]:
    """The declarations whose power the user may read: the only ones a study may use."""
    rows = queries.readable_rows(
        request.user, queries.open_declarations(), "page", request.get_full_path()
    )
    readable = [row.declaration for row in rows if row.reads_quantity]
    sources = [d for d in readable if d.kind == HeatKind.SOURCE]
    sinks = [d for d in readable if d.kind == HeatKind.SINK]
    return sources, sinks


@login_required
def heat_study_new(request: HttpRequest) -> HttpResponse:
    sources, sinks = _study_choices(request)
    initial = {"source": request.GET.get("source", "")}
    form = StudyForm(sources, sinks, request.POST or None, initial=initial)
    saved = save_form(
        request,
        form,
        lambda: actions.create_study(actor(request), form.to_input()),
        _("Study saved."),
    )
    if saved is not None:
        return redirect("symbiosis:heat_study", saved.pk)
    return render(
        request, "symbiosis/heat_study_form.html", {"form": form, "title": _("New heat study")}
    )


@login_required
def heat_study_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a study's name, ends, drawn route or pipe; emptied, they are estimated again."""
    study = get_object_or_404(HeatStudy.objects.select_related("source__organisation"), pk=pk)
    actions.check_can_study(actor(request), study.source)
    sources, sinks = _study_choices(request)
    form = StudyForm(sources, sinks, request.POST or None, initial=StudyForm.initial_of(study))
    saved = save_form(
        request,
        form,
        lambda: actions.update_study(actor(request), study, form.to_input()),
        _("Study saved."),
    )
    if saved is not None:
        return redirect("symbiosis:heat_study", saved.pk)
    return render(
        request,
        "symbiosis/heat_study_form.html",
        {"form": form, "study": study, "title": _("Edit the heat study")},
    )


def heat_study(request: HttpRequest, pk: int) -> HttpResponse:
    study = get_object_or_404(HeatStudy.objects.select_related("source", "source__site"), pk=pk)
    view = queries.study_figures(request.user, study, "page", request.get_full_path())
    rows = [view.source, *view.sinks]
    collection = _collection(rows)
    points = [row for row in rows if row.latitude is not None and row.longitude is not None]
    if points and points[0] is view.source:
        start = [view.source.longitude, view.source.latitude]
        for sink in points[1:]:
            collection["features"].append(
                {
                    "type": "Feature",
                    "geometry": {
                        "type": "LineString",
                        "coordinates": [start, [sink.longitude, sink.latitude]],
                    },
                    "properties": {"title": _("Route"), "kind": "route"},
                }
            )
    return render(
        request,
        "symbiosis/heat_study.html",
        {
            "study": study,
            "view": view,
            "can_change": queries.can_change_study(request.user, study),
            "result": view.result,
            "threshold": heat.ADEME_DENSITY_THRESHOLD,
            "factors": queries.factors(),
            "map_data": collection,
            "tiles_url": TILES_URL,
        },
    )


def heat_csv(request: HttpRequest) -> HttpResponse:
    rows = queries.readable_rows(
        request.user, queries.open_declarations(), "csv", request.get_full_path()
    )
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "id",
            "kind",
            "title",
            "organisation",
            "medium",
            "temperature_c",
            "return_temperature_c",
            "commune",
            "energy_mwh_min",
            "energy_mwh_max",
            "power_kw",
            "hours_per_year",
            "energy_mwh",
            "site",
            "latitude",
            "longitude",
        ]
    )
    for row in rows:
        d = row.declaration
        writer.writerow(
            [
                d.pk,
                d.kind,
                d.title,
                d.organisation.name,
                d.medium,
                f"{d.temperature_c:g}",
                "" if d.return_temperature_c is None else f"{d.return_temperature_c:g}",
                row.commune,
                f"{row.magnitude_mwh[0]:g}",
                f"{row.magnitude_mwh[1]:g}",
                "" if row.power_kw is None else f"{row.power_kw:g}",
                "" if row.hours_per_year is None else row.hours_per_year,
                "" if row.energy_mwh is None else f"{row.energy_mwh:g}",
                row.site_name or "",
                "" if not row.exact_position else row.latitude,
                "" if not row.exact_position else row.longitude,
            ]
        )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="heat.csv"'
    return response


def heat_geojson(request: HttpRequest) -> HttpResponse:
    rows = queries.readable_rows(
        request.user, queries.open_declarations(), "geojson", request.get_full_path()
    )
    return JsonResponse(_collection(rows), content_type="application/geo+json")
