"""Maintenance API: plans, use, reliability and retrofit-or-replace."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from maillage.directory.auth import WRITE_AUTH, request_user
from maillage.directory.models import Organisation
from maillage.equipment.models import Machine
from maillage.equipment.queries import visible_machines
from maillage.maintenance import retrofit
from maillage.maintenance.actions import usage
from maillage.maintenance.models import UsageSource
from maillage.maintenance.queries import plans as queries

router = Router(tags=["maintenance"])


class DueTaskOut(Schema):
    machine: int
    machine_name: str
    task: int
    title: str
    plan: str
    enforcement: str
    state: str = Field(..., description="ok, planned, due or overdue")
    due_hours: float | None = Field(None, description="Meter reading at which it falls due")
    due_on: dt.date | None = None
    hours_left: float | None = None
    days_left: int | None = None


class OwnerUsageIn(Schema):
    hours: Decimal = Field(..., description="Hours of use, zero or more")
    when: dt.datetime | None = Field(None, description="When the use ended; now by default")
    note: str = Field("", max_length=200)


class UsageOut(Schema):
    id: int
    machine: int = Field(..., alias="machine_id")
    when: dt.datetime
    hours: Decimal
    source: str
    meter_hours: Decimal


class ReliabilityOut(Schema):
    operating_hours: float
    failures: int
    mtbf_hours: float | None
    mttr_hours: float | None
    availability: float | None
    failures_per_1000_hours: float | None


class CompareIn(Schema):
    new_price: float = Field(..., description="Price of the new machine, €")
    new_life_years: float
    retrofit_price: float = Field(..., description="Price of the retrofit, €")
    retrofit_life_years: float
    discount_rate: float = Field(0.05, description="0.05 for 5 %")
    new_embodied_kgco2e: float
    retrofit_embodied_kgco2e: float
    new_kwh_per_year: float
    retrofit_kwh_per_year: float
    grid_kgco2e_per_kwh: float = retrofit.GRID_KGCO2E_PER_KWH
    horizon_years: float = 15


class SourceOut(Schema):
    key: str
    value: float
    source: str


class CompareOut(Schema):
    replace_cost_per_year: float
    retrofit_cost_per_year: float
    replace_kgco2e: float
    retrofit_kgco2e: float
    carbon_change: float | None = Field(None, description="Retrofit against replace, −0.564")
    breakeven_years: float | None = Field(None, description="None when it never breaks even")
    method: str
    sources: list[SourceOut]


METHOD = (
    "Cost per year = price × CRF(i, n), CRF = i(1+i)^n / ((1+i)^n − 1) (1/n at zero rate). "
    "Carbon = embodied + kWh per year × horizon × grid factor. Break-even = extra embodied "
    "carbon of the new machine / its yearly electricity saving."
)


@router.get(
    "/maintenance/organisations/{organisation_id}/due-tasks",
    response=list[DueTaskOut],
    auth=WRITE_AUTH,
    summary="Maintenance tasks planned, due or overdue",
)
def due_tasks(request: HttpRequest, organisation_id: int) -> Any:
    organisation = get_object_or_404(Organisation, pk=organisation_id)
    found = queries.due_for_organisation(request_user(request), organisation)
    return [
        {
            "machine": item.state.machine_id,
            "machine_name": item.state.machine.name,
            "task": item.state.task_id,
            "title": item.state.task.title,
            "plan": item.state.task.plan.name,
            "enforcement": item.state.task.plan.enforcement,
            "state": item.due.state,
            "due_hours": item.due.due_hours,
            "due_on": item.due.due_on,
            "hours_left": item.due.hours_left,
            "days_left": item.due.days_left,
        }
        for item in found
    ]


def _machine(request: HttpRequest, machine_id: int) -> Machine:
    machine: Machine = get_object_or_404(
        visible_machines(request_user(request)).select_related("organisation"), pk=machine_id
    )
    return machine


@router.post(
    "/machines/{machine_id}/usage",
    response={201: UsageOut},
    auth=WRITE_AUTH,
    summary="Record the owner's own use of a machine",
)
def record_usage(request: HttpRequest, machine_id: int, payload: OwnerUsageIn) -> Any:
    machine = _machine(request, machine_id)
    record = usage.record_own_use(
        request_user(request),
        machine,
        payload.hours,
        payload.when,
        source=UsageSource.API,
        note=payload.note,
    )
    record.meter_hours = queries.meter_hours(machine)  # type: ignore[attr-defined]
    return Status(201, record)


@router.get(
    "/machines/{machine_id}/reliability",
    response=ReliabilityOut,
    summary="Reliability over the last twelve months",
)
def machine_reliability(request: HttpRequest, machine_id: int) -> Any:
    return queries.machine_reliability(_machine(request, machine_id))


@router.post(
    "/maintenance/retrofit-or-replace",
    response=CompareOut,
    summary="Compare retrofitting a machine with buying new, on cost and carbon",
)
def retrofit_or_replace(request: HttpRequest, payload: CompareIn) -> Any:
    try:
        result = retrofit.compare_retrofit_replace(**payload.dict())
    except ValueError as exc:
        field = str(exc).split(" ", 1)[0]
        raise ValidationError({field: str(exc)}) from None
    factors = retrofit.load_factors()
    sources = [{"key": row.key, "value": row.value, "source": row.source} for row in factors.rows()]
    sources.append(
        {"key": "grid", "value": retrofit.GRID_KGCO2E_PER_KWH, "source": retrofit.GRID_SOURCE}
    )
    return {
        "replace_cost_per_year": result.replace_cost_per_year,
        "retrofit_cost_per_year": result.retrofit_cost_per_year,
        "replace_kgco2e": result.replace_kgco2e,
        "retrofit_kgco2e": result.retrofit_kgco2e,
        "carbon_change": result.carbon_saving_ratio,
        "breakeven_years": result.breakeven_years,
        "method": METHOD,
        "sources": sources,
    }
