"""An organisation's impact page (its aggregates for everyone who sees it, its own bookings and
amounts for its members) and its annual report: HTML, PDF, CSV and JSON, for members only."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.directory.models import Organisation
from maillage.directory.queries import visible_organisations
from maillage.impact import charts, formats, pdf
from maillage.impact import report as description
from maillage.impact.queries import organisations as queries
from maillage.impact.queries.reports import flow_label, material_label, organisation_report

FIRST_YEAR = 2000


def _organisation(request: HttpRequest, slug: str) -> Organisation:
    organisation: Organisation = get_object_or_404(visible_organisations(request.user), slug=slug)
    return organisation


def organisation_impact(request: HttpRequest, slug: str) -> HttpResponse:
    """The last twelve months: fleet, use and sharing, material flows."""
    organisation = _organisation(request, slug)
    figures = queries.organisation_impact(organisation, request.user)
    cti = figures.circularity
    chart = charts.bar_chart(
        [_("Circular inflow"), _("Circular outflow"), _("Material circularity")],
        [
            100 * (value or 0.0)
            for value in (cti.circular_inflow, cti.circular_outflow, cti.material_circularity)
        ],
        title=_("Circular inflow, outflow and material circularity"),
        unit="%",
        fmt=formats.tick,
    )
    this_year = timezone.localdate().year
    return render(
        request,
        "impact/organisation.html",
        {
            "organisation": organisation,
            "figures": figures,
            "inflows": [
                (material_label(i.material), flow_label(i.source), i) for i in figures.inflows
            ],
            "outflows": [
                (material_label(o.material), flow_label(o.source), o) for o in figures.outflows
            ],
            "chart": chart,
            "years": [this_year, this_year - 1],
        },
    )


def _report(request: HttpRequest, slug: str, year: int) -> description.Report:
    organisation = _organisation(request, slug)
    if not queries.can_see_private(request.user, organisation):
        raise PermissionDenied
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        raise Http404
    return organisation_report(organisation, year, request.user)


def _filename(slug: str, year: int, extension: str) -> str:
    return f"impact-{slug}-{year}.{extension}"


@login_required
def report_page(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    report = _report(request, slug, year)
    svgs = [
        charts.bar_chart(
            list(chart.labels),
            list(chart.values),
            title=chart.title,
            unit=chart.unit,
            fmt=formats.tick,
        )
        for chart in report.charts
    ]
    return render(
        request,
        "impact/report.html",
        {
            "report": report,
            "charts": list(zip(report.charts, svgs, strict=True)),
            # Each cell with whether its column is numeric (right-aligned).
            "tables": [
                (table, [list(zip(row, numeric, strict=True)) for row in table.rows])
                for table in report.tables
                for numeric in [[column.numeric for column in table.columns]]
            ],
            "slug": slug,
            "year": year,
            "formats": formats,
        },
    )


@login_required
def report_pdf(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    response = HttpResponse(
        pdf.render_pdf(_report(request, slug, year)), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="{_filename(slug, year, "pdf")}"'
    return response


@login_required
def report_csv(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    response = HttpResponse(
        description.to_csv(_report(request, slug, year)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(slug, year, "csv")}"'
    return response


@login_required
def report_json(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    response = JsonResponse(
        description.to_json(_report(request, slug, year)),
        json_dumps_params={"ensure_ascii": False, "indent": 1},
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(slug, year, "json")}"'
    return response
