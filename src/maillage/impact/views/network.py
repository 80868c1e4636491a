"""The network's impact, in public: the dashboard, its data as CSV, the annual report (HTML,
PDF, CSV and JSON).

Aggregates only, each cell shown when enough organisations contribute (`impact.disclosure`),
so these pages need no sign-in. Filters that cannot be answered get the page back with the
field named and a 400, never a 500.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from maillage.impact import charts, formats, pdf
from maillage.impact import report as description
from maillage.impact.disclosure import Cell
from maillage.impact.forms.network import NetworkFilterForm
from maillage.impact.queries import network, network_needs, network_sharing
from maillage.impact.queries.network_report import network_report
from maillage.impact.queries.network_scope import MIN_YEAR, NetworkFilters, threshold
from maillage.impact.report import Report
from maillage.impact.templatetags.network_tags import hidden_text

CSV_CHARTS = ("utilisation", "shared", "avoided", "mci", "local")


def _month_label(month: dt.date) -> str:
    """ "Jan 26": twelve of them fit under a chart; the data table has the full names."""
    return date_format(month, "M y")


def _value(cell: Cell, factor: float = 1.0) -> float | None:
    return cell.value * factor if cell.shown and cell.value is not None else None


def build_charts(figures: network.NetworkFigures) -> dict[str, Any]:
    """The dashboard's SVG charts, titled and labelled in the current language."""
    k = figures.min_contributors
    gap = hidden_text("too_few_contributors", k)
    use = figures.utilisation
    labels = [_month_label(row.month) for row in use.months]
    shared = figures.shared
    avoided, transport = figures.avoided, figures.transport
    bins = figures.circularity.bins
    made = {
        "utilisation": charts.line_chart(
            labels,
            [charts.Series(_("Utilisation"), [_value(row.utilisation, 100) for row in use.months])],
            title=_("Utilisation of the machines used, by month"),
            description=_("Hours used over hours available, in per cent; a gap is a hidden month."),
            unit="%",
            fmt=formats.tick,
        ),
        "shared": charts.bar_chart_with_gaps(
            [_month_label(row.month) for row in shared.months],
            [_value(row.hours) for row in shared.months],
            gap=gap,
            title=_("Hours shared between organisations, by month"),
            description=_("Hours of completed bookings where the booker is not the host."),
            unit="h",
            fmt=formats.tick,
        ),
        "co2": charts.bar_chart_with_gaps(
            [_("Purchases avoided"), _("Transport avoided")],
            [_value(avoided.embodied_kgco2e, 0.001), _value(transport.avoided_kgco2e, 0.001)],
            gap=gap,
            title=_("CO2 avoided"),
            description=_("Embodied carbon of the purchases avoided and transport avoided."),
            unit="tCO2e",
            fmt=formats.tick,
        ),
        "euros": charts.bar_chart_with_gaps(
            [_("Purchases avoided"), _("Fees paid instead"), _("Net")],
            [_value(avoided.capex_eur), _value(avoided.fees_eur), _value(avoided.net_eur)],
            gap=gap,
            title=_("Euros avoided"),
            description=_("Price of the purchases avoided, booking fees paid instead, net."),
            unit="€",
            fmt=formats.tick,
        ),
        "mci": charts.bar_chart_with_gaps(
            [f"{row.low:.1f}–{row.high:.1f}" for row in bins],
            [_value(row.machines) for row in bins],
            gap=gap,
            title=_("Machines by Material Circularity Indicator"),
            description=_("Number of machines in each tenth of the MCI, from 0 to 1."),
            unit=_("machines"),
            fmt=formats.tick,
        ),
    }
    # Safe: the chart functions escape every label, title and unit they draw.
    return {key: mark_safe(svg) for key, svg in made.items()}


def _filters(request: HttpRequest, period: tuple[dt.date, dt.date] | None = None) -> Any:
    form = NetworkFilterForm(request.GET, period=period)
    form.is_valid()
    return form, form.filters


def _context(form: NetworkFilterForm, filters: NetworkFilters) -> dict[str, Any]:
    figures = network.network_figures(filters)
    return {
        "form": form,
        "filters": filters,
        "figures": figures,
        "min_contributors": figures.min_contributors,
        "charts": build_charts(figures),
        "query": urlencode(filters.query()),
        "csv_charts": CSV_CHARTS,
    }


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    # Public: only aggregates of at least IMPACT_MIN_CONTRIBUTORS organisations are shown.
    form, filters = _filters(request)
    if filters is None:
        return render(request, "impact/network.html", {"form": form}, status=400)
    return render(request, "impact/network.html", _context(form, filters))


def _year_error(year: int) -> str:
    """Why there is no report for the year, or "" (2000 to this year)."""
    last = timezone.localdate().year
    if MIN_YEAR <= year <= last:
        return ""
    message = _("There is no report for %(year)s: choose a year from %(first)s to %(last)s.")
    return message % {"year": year, "first": MIN_YEAR, "last": last}


def _year_period(year: int, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """A past year whole; this year up to the end of the last complete month (in January, up
    to today), as the dashboard: a month under way would read as a dip or a peak."""
    today = today or timezone.localdate()
    if year < today.year:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    month_start = today.replace(day=1)
    if month_start.month == 1:
        return dt.date(year, 1, 1), today
    return dt.date(year, 1, 1), month_start - dt.timedelta(days=1)


@require_GET
def report(request: HttpRequest, year: int) -> HttpResponse:
    error = _year_error(year)
    if error:
        context = {"year": year, "error": error}
        return render(request, "impact/network_report.html", context, status=400)
    form, filters = _filters(request, _year_period(year))
    if filters is None:
        context = {"year": year, "form": form, "error": form.error_text()}
        return render(request, "impact/network_report.html", context, status=400)
    context = {**_context(form, filters), "year": year, "generated": timezone.now()}
    return render(request, "impact/network_report.html", context)


def _report_file(
    request: HttpRequest, year: int, extension: str, write: Callable[[Report], HttpResponse]
) -> HttpResponse:
    """The year's report as a file, or a 400 naming what cannot be answered."""
    error = _year_error(year)
    if not error:
        form, filters = _filters(request, _year_period(year))
        error = "" if filters is not None else form.error_text()
    if error:
        return HttpResponseBadRequest(error + "\n", content_type="text/plain; charset=utf-8")
    response = write(network_report(filters, year))
    name = f"maillage-impact-network-{year}.{extension}"
    disposition = "inline" if extension == "pdf" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{name}"'
    return response


@require_GET
def report_pdf(request: HttpRequest, year: int) -> HttpResponse:
    return _report_file(
        request,
        year,
        "pdf",
        lambda report: HttpResponse(pdf.render_pdf(report), content_type="application/pdf"),
    )


@require_GET
def report_csv(request: HttpRequest, year: int) -> HttpResponse:
    return _report_file(
        request,
        year,
        "csv",
        lambda report: HttpResponse(
            description.to_csv(report), content_type="text/csv; charset=utf-8"
        ),
    )


@require_GET
def report_json(request: HttpRequest, year: int) -> HttpResponse:
    return _report_file(
        request,
        year,
        "json",
        lambda report: JsonResponse(
            description.to_json(report), json_dumps_params={"ensure_ascii": False, "indent": 1}
        ),
    )


# --- CSV --------------------------------------------------------------------------------


def _number(value: float | None, places: int = 4) -> str:
    return "" if value is None else f"{round(value, places):g}" if places else str(round(value))


def _note(cell: Cell, k: int) -> str:
    return "" if cell.shown else hidden_text(cell.reason, k)


Rows = Iterable[list[str]]


def _utilisation_rows(filters: NetworkFilters, k: int) -> Rows:
    figure = network.utilisation(filters, min_contributors=k)
    yield ["month", "hours_used", "hours_available", "utilisation", "note"]
    for row in figure.months:
        yield [
            row.month.strftime("%Y-%m"),
            _number(_value(row.hours_used), 2),
            _number(_value(row.hours_available), 2),
            _number(_value(row.utilisation)),
            _note(row.utilisation, k),
        ]


def _shared_rows(filters: NetworkFilters, k: int) -> Rows:
    figure = network_sharing.hours_shared(filters, min_contributors=k)
    yield ["month", "hours_shared", "bookings", "note"]
    for row in figure.months:
        yield [
            row.month.strftime("%Y-%m"),
            _number(_value(row.hours), 2),
            _number(_value(row.bookings), 0),
            _note(row.hours, k),
        ]


def _avoided_rows(filters: NetworkFilters, k: int) -> Rows:
    avoided = network_sharing.avoided_purchases(filters, min_contributors=k)
    transport, _local = network_needs.transport_and_local(filters, min_contributors=k)
    yield ["figure", "value", "unit", "note"]
    for name, cell, unit in (
        ("purchases_avoided", avoided.purchases, "count"),
        ("capex_avoided", avoided.capex_eur, "EUR"),
        ("fees_paid_instead", avoided.fees_eur, "EUR"),
        ("net_avoided", avoided.net_eur, "EUR"),
        ("embodied_carbon_avoided", avoided.embodied_kgco2e, "kgCO2e"),
        ("jobs", transport.jobs, "count"),
        ("transport_in_network", transport.actual_kgco2e, "kgCO2e"),
        ("transport_counterfactual", transport.counterfactual_kgco2e, "kgCO2e"),
        ("transport_avoided", transport.avoided_kgco2e, "kgCO2e"),
    ):
        yield [name, _number(_value(cell), 2), unit, _note(cell, k)]


def _mci_rows(filters: NetworkFilters, k: int) -> Rows:
    figure = network.circularity(filters, min_contributors=k)
    yield ["mci_from", "mci_to", "machines", "note"]
    for row in figure.bins:
        yield [
            f"{row.low:.1f}",
            f"{row.high:.1f}",
            _number(_value(row.machines), 0),
            _note(row.machines, k),
        ]


def _local_rows(filters: NetworkFilters, k: int) -> Rows:
    _transport, local = network_needs.transport_and_local(filters, min_contributors=k)
    yield ["figure", "value", "unit", "note"]
    yield ["needs", _number(_value(local.needs), 0), "count", _note(local.needs, k)]
    yield [
        "answered_in_network",
        _number(_value(local.answered_share)),
        "share",
        _note(local.answered_share, k),
    ]
    yield [
        "answered_within_radius",
        _number(_value(local.local_share)),
        "share",
        _note(local.local_share, k),
    ]
    yield ["radius", _number(local.radius_km, 0), "km", ""]


CSV_ROWS: dict[str, Callable[[NetworkFilters, int], Rows]] = {
    "utilisation": _utilisation_rows,
    "shared": _shared_rows,
    "avoided": _avoided_rows,
    "mci": _mci_rows,
    "local": _local_rows,
}


@require_GET
def network_csv(request: HttpRequest) -> HttpResponse:
    """One chart's data: UTF-8, comma-separated, ISO months, hidden cells empty with a note."""
    chart = request.GET.get("chart", "")
    if chart not in CSV_ROWS:
        message = _("Unknown chart: %(chart)s. Choose one of: %(charts)s.") % {
            "chart": chart[:40],
            "charts": ", ".join(CSV_CHARTS),
        }
        return HttpResponseBadRequest(
            f"chart: {message}\n", content_type="text/plain; charset=utf-8"
        )
    form, filters = _filters(request)
    if filters is None:
        return HttpResponseBadRequest(
            form.error_text() + "\n", content_type="text/plain; charset=utf-8"
        )
    k = threshold()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"maillage-impact-{chart}-{filters.start.isoformat()}-{filters.end.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response, lineterminator="\n")
    writer.writerows(CSV_ROWS[chart](filters, k))
    return response
