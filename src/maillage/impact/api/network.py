"""The network's impact figures under /api/v1/impact/network: public aggregates only.

A cell to which fewer than `min_contributors` organisations contribute is null, with the reason
beside it, exactly as on the dashboard. No `from __future__ import annotations`: django-ninja
reads the annotations at import.
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from maillage.impact.disclosure import Cell
from maillage.impact.factors import FactorValue
from maillage.impact.queries import network, network_sharing
from maillage.impact.queries.network_scope import Coverage, network_filters
from maillage.impact.templatetags.impact_tags import method_url

router = Router(tags=["impact"])

REASON = "Null when the value is shown; too_few_contributors or no_data otherwise"


class NetworkParams(Schema):
    start: dt.date | None = Field(
        None, alias="from", description="First day, YYYY-MM-DD (default: 12 months back)"
    )
    end: dt.date | None = Field(None, alias="to", description="Last day, included (default: today)")
    department: str = Field("", description="Department code of the machines' sites, e.g. 13")
    process: str = Field("", description="Process code; its sub-processes count too, e.g. 3.2")


class CoverageOut(Schema):
    known: int
    total: int


class FactorOut(Schema):
    key: str
    value: float
    unit: str
    version: int
    status: str = Field(..., description="sourced, assumption or override")
    source: str
    year: int


class FigureOut(Schema):
    method: str = Field(..., description="Key of the indicator's method page")
    method_url: str | None
    factors: list[FactorOut]


class UtilisationMonthOut(Schema):
    month: str = Field(..., description="YYYY-MM")
    hours_used: float | None
    hours_available: float | None
    utilisation: float | None = Field(..., description="0 to 1")
    reason: str | None = Field(..., description=REASON)


class UtilisationOut(FigureOut):
    total: float | None = Field(..., description="Over the months shown, 0 to 1")
    total_reason: str | None = Field(..., description=REASON)
    hours_used: float
    hours_available: float
    coverage: CoverageOut = Field(..., description="Machines with use recorded, of all")
    months: list[UtilisationMonthOut]


class SharedMonthOut(Schema):
    month: str
    hours: float | None
    bookings: int | None
    reason: str | None = Field(..., description=REASON)


class SharedOut(FigureOut):
    total_hours: float | None = Field(..., description="Over the months shown")
    total_reason: str | None = Field(..., description=REASON)
    coverage: CoverageOut = Field(..., description="Bookings with machine hours told, of all")
    months: list[SharedMonthOut]


class AvoidedOut(FigureOut):
    purchases: float | None
    capex_eur: float | None
    fees_eur: float | None = Field(..., description="Booking fees paid instead")
    net_eur: float | None
    embodied_kgco2e: float | None
    reason: str | None = Field(..., description=REASON)
    price_coverage: CoverageOut
    carbon_coverage: CoverageOut


class TransportOut(FigureOut):
    jobs: float | None
    actual_kgco2e: float | None = Field(..., description="Round trips of the jobs done here")
    counterfactual_kgco2e: float | None = Field(..., description="The same jobs outside")
    avoided_kgco2e: float | None
    reason: str | None = Field(..., description=REASON)
    coverage: CoverageOut = Field(..., description="Jobs with a measured distance, of all")


class BinOut(Schema):
    low: float
    high: float
    machines: int | None
    reason: str | None = Field(..., description=REASON)


class CircularityOut(FigureOut):
    mean: float | None
    mean_reason: str | None = Field(..., description=REASON)
    coverage: CoverageOut = Field(..., description="Machines with a known MCI, of all")
    bins: list[BinOut]


class LocalOut(FigureOut):
    needs: int | None
    answered_share: float | None
    local_share: float | None
    radius_km: float
    reason: str | None = Field(..., description=REASON)
    coverage: CoverageOut = Field(..., description="Answered needs with a known distance")


class NetworkOut(Schema):
    start: dt.date = Field(..., alias="from")
    end: dt.date = Field(..., alias="to")
    department: str
    process: str
    min_contributors: int
    machines: int
    co2_avoided_kgco2e: float | None
    co2_avoided_reason: str | None = Field(..., description=REASON)
    utilisation: UtilisationOut
    hours_shared: SharedOut
    avoided_purchases: AvoidedOut
    transport: TransportOut
    circularity: CircularityOut
    local_production: LocalOut


def _value(cell: Cell) -> float | None:
    return cell.value if cell.shown else None


def _coverage(coverage: Coverage) -> dict[str, int]:
    return {"known": coverage.known, "total": coverage.total}


def _figure(method: str, factors: list[FactorValue]) -> dict[str, Any]:
    return {
        "method": method,
        "method_url": method_url(method) or None,
        "factors": [
            {
                "key": f.key,
                "value": f.value,
                "unit": f.unit,
                "version": f.version,
                "status": f.status,
                "source": f.source,
                "year": f.year,
            }
            for f in factors
        ],
    }


def _utilisation(figure: network.Utilisation) -> dict[str, Any]:
    return {
        **_figure(figure.method, figure.factors),
        "total": _value(figure.total),
        "total_reason": figure.total.reason,
        "hours_used": figure.hours_used,
        "hours_available": figure.hours_available,
        "coverage": _coverage(figure.coverage),
        "months": [
            {
                "month": row.month.strftime("%Y-%m"),
                "hours_used": _value(row.hours_used),
                "hours_available": _value(row.hours_available),
                "utilisation": _value(row.utilisation),
                "reason": row.utilisation.reason,
            }
            for row in figure.months
        ],
    }


def _shared(figure: network_sharing.HoursShared) -> dict[str, Any]:
    return {
        **_figure(figure.method, figure.factors),
        "total_hours": _value(figure.total),
        "total_reason": figure.total.reason,
        "coverage": _coverage(figure.coverage),
        "months": [
            {
                "month": row.month.strftime("%Y-%m"),
                "hours": _value(row.hours),
                "bookings": _value(row.bookings),
                "reason": row.hours.reason,
            }
            for row in figure.months
        ],
    }


def _avoided(figures: network.NetworkFigures) -> dict[str, dict[str, Any]]:
    avoided, transport, local = figures.avoided, figures.transport, figures.local
    return {
        "avoided_purchases": {
            **_figure(avoided.method, avoided.factors),
            "purchases": _value(avoided.purchases),
            "capex_eur": _value(avoided.capex_eur),
            "fees_eur": _value(avoided.fees_eur),
            "net_eur": _value(avoided.net_eur),
            "embodied_kgco2e": _value(avoided.embodied_kgco2e),
            "reason": avoided.purchases.reason,
            "price_coverage": _coverage(avoided.price_coverage),
            "carbon_coverage": _coverage(avoided.carbon_coverage),
        },
        "transport": {
            **_figure(transport.method, transport.factors),
            "jobs": _value(transport.jobs),
            "actual_kgco2e": _value(transport.actual_kgco2e),
            "counterfactual_kgco2e": _value(transport.counterfactual_kgco2e),
            "avoided_kgco2e": _value(transport.avoided_kgco2e),
            "reason": transport.jobs.reason,
            "coverage": _coverage(transport.coverage),
        },
        "local_production": {
            **_figure(local.method, local.factors),
            "needs": _value(local.needs),
            "answered_share": _value(local.answered_share),
            "local_share": _value(local.local_share),
            "radius_km": local.radius_km,
            "reason": local.needs.reason or local.local_share.reason,
            "coverage": _coverage(local.coverage),
        },
    }


def _circularity(figure: network.Circularity) -> dict[str, Any]:
    return {
        **_figure(figure.method, figure.factors),
        "mean": _value(figure.mean),
        "mean_reason": figure.mean.reason,
        "coverage": _coverage(figure.coverage),
        "bins": [
            {
                "low": row.low,
                "high": row.high,
                "machines": _value(row.machines),
                "reason": row.machines.reason,
            }
            for row in figure.bins
        ],
    }


@router.get(
    "/impact/network",
    response=NetworkOut,
    by_alias=True,
    summary="The network's impact figures for a period, department or process",
)
def network_figures(request: HttpRequest, params: Query[NetworkParams]) -> Any:
    filters = network_filters(
        start=params.start, end=params.end, department=params.department, process=params.process
    )
    figures = network.network_figures(filters)
    co2 = figures.co2_avoided_kg
    return {
        "from": filters.start,
        "to": filters.end,
        "department": filters.department,
        "process": filters.process,
        "min_contributors": figures.min_contributors,
        "machines": figures.machines,
        "co2_avoided_kgco2e": _value(co2),
        "co2_avoided_reason": co2.reason,
        "utilisation": _utilisation(figures.utilisation),
        "hours_shared": _shared(figures.shared),
        **_avoided(figures),
        "circularity": _circularity(figures.circularity),
    }
