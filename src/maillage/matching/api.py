"""Matching endpoints under /api/v1/: search a need, my needs, unmet demand, batch runs.

No `from __future__ import annotations` here: django-ninja reads the annotations at import.
"""

from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import AuthenticationError
from ninja.pagination import paginate
from ninja.utils import check_csrf

from maillage.core.dates import PARIS, WindowDate, WindowDateTime
from maillage.core.pagination import Pagination
from maillage.directory import permissions
from maillage.directory.auth import WRITE_AUTH, request_user
from maillage.matching import queries
from maillage.matching.actions.batches import submit_batch
from maillage.matching.actions.needs import find_machines
from maillage.matching.convert import NeedInput, criteria
from maillage.matching.forms import DEFAULT_MAX_KM, DEFAULT_WINDOW_DAYS
from maillage.matching.models import AllocationRun, NeedStatus

router = Router(tags=["matching"])

# The action names some fields differently from the API body.
API_FIELD = {"budget": "budget_cents_per_hour"}


class NeedIn(Schema):
    process: str = Field(
        ..., description="Code of the process taxonomy; machines of its sub-processes qualify"
    )
    hours: float = Field(..., description="Machine hours")
    earliest: WindowDateTime | None = Field(
        None, description="Earliest start; default now. Without a time zone: Paris time"
    )
    deadline: WindowDateTime | None = Field(
        None, description=f"Work done by then; default {DEFAULT_WINDOW_DAYS} days after earliest"
    )
    commune: str = Field("", description="Commune name or postal code (or give coordinates)")
    latitude: float | None = None
    longitude: float | None = None
    max_km: float = Field(DEFAULT_MAX_KM, description="Maximum distance, km (above 0)")
    label: str = ""
    material: str = Field("", description="A material code of /machines; empty: any")
    part_x_mm: float | None = None
    part_y_mm: float | None = None
    part_z_mm: float | None = None
    allow_rotation: bool = Field(True, description="The part may be turned to fit the envelope")
    tolerance_class: str = Field("", description="ISO 2768: f, m, c or v; empty: any")
    operator: str = Field("any", description="any, with (the host's operator) or without")
    budget_cents_per_hour: int | None = None
    weight_distance: float = Field(1.0, description="0 to 10")
    weight_price: float = Field(1.0, description="0 to 10")
    weight_impact: float = Field(1.0, description="0 to 10 (CO2 of transport)")


class SearchIn(NeedIn):
    limit: int = Field(20, ge=1, le=100)


class MissingTrainingOut(Schema):
    training_id: int
    title: str
    reason: str = Field(..., description="never, expired or lapsed")
    message: str
    given_by: str
    given_by_url: str
    trainer: str
    url: str = Field(..., description="The training's page, with its sessions")


class OrganisationRef(Schema):
    slug: str
    name: str
    url: str

    @staticmethod
    def resolve_url(organisation: Any) -> str:
        return str(organisation.get_absolute_url())


class ResultOut(Schema):
    rank: int
    machine_id: int = Field(..., alias="machine.pk")
    machine: str = Field(..., alias="machine.name")
    machine_url: str
    organisation: OrganisationRef
    city: str = Field(..., alias="site.city")
    latitude: float = Field(..., alias="site.latitude")
    longitude: float = Field(..., alias="site.longitude")
    distance_km: float
    cost_cents: int = Field(..., description="machine_cents + transport_cents")
    machine_cents: int = Field(..., description="hours × rate_cents + fee_cents")
    rate_cents: int = Field(..., description="The host's hourly price for network members")
    fee_cents: int
    transport_cents: int = Field(..., description="Parts there and back by van")
    co2_kg: float = Field(..., description="CO2 of that transport")
    score: float = Field(
        ..., description="Weighted, normalised distance, cost and CO2; the lowest comes first"
    )
    first_free: datetime | None
    slot_start: datetime | None = Field(..., description="The slot proposed for booking")
    slot_end: datetime | None
    book_url: str = Field(..., description="The booking page with the slot filled in")
    missing_trainings: list[MissingTrainingOut] = Field(..., alias="missing")

    @staticmethod
    def resolve_machine_url(row: queries.ResultRow) -> str:
        return str(row.machine.get_absolute_url())


class SearchOut(Schema):
    need_id: int | None = Field(..., description="The recorded need; null for anonymous callers")
    recorded: bool
    status: str
    unmet_reason: str = Field(..., description="Why nothing fits; empty when machines fit")
    unmet_reason_label: str
    nearest_km: float | None = Field(..., description="Nearest machine set aside, when unmet")
    results: list[ResultOut]


class NeedOut(Schema):
    id: int
    label: str
    process: str = Field(..., alias="process.code")
    material: str
    part_x_mm: float | None
    part_y_mm: float | None
    part_z_mm: float | None
    allow_rotation: bool
    tolerance_class: str
    hours: float
    operator: str
    earliest: datetime
    deadline: datetime
    commune: str | None = Field(None, alias="commune.name")
    department: str | None = Field(None, alias="department_id")
    latitude: float
    longitude: float
    max_km: float
    budget_cents_per_hour: int | None
    status: str
    unmet_reason: str
    nearest_km: float | None
    result_count: int
    created_at: datetime
    batch: int | None = Field(None, alias="batch_id")
    allocated_machine: int | None = Field(None, alias="allocated_machine_id")
    allocated_start: datetime | None
    allocated_cost_cents: int | None


class ReasonCount(Schema):
    reason: str
    label: str
    count: int


class UnmetRowOut(Schema):
    process: str
    process_label: str
    department: str
    department_name: str
    count: int
    reason: str
    reason_label: str
    reasons: list[ReasonCount]


class UnmetOut(Schema):
    since: date | None
    until: date | None
    total: int
    rows: list[UnmetRowOut]


class PeriodParams(Schema):
    since: WindowDate | None = Field(None, description="First day (Paris time), included")
    until: WindowDate | None = Field(None, description="Last day, included")


class BatchIn(Schema):
    title: str
    needs: list[NeedIn]
    time_limit_s: int = Field(30, description="1 to 600 seconds")
    co2_price_cents_per_kg: int = Field(10, description="10 cents per kg = 100 € per tonne")


class BatchCreated(Schema):
    id: int
    state: str
    url: str
    page_url: str


class BatchNeedOut(Schema):
    id: int
    label: str
    process: str
    hours: float
    earliest: datetime
    deadline: datetime
    status: str
    machine_id: int | None
    machine: str | None
    slot_start: datetime | None
    slot_end: datetime | None
    cost_cents: int | None
    unmet_reason: str
    unmet_reason_label: str


class BatchOut(Schema):
    id: int
    title: str
    state: str
    progress: int
    message: str
    created_at: datetime
    finished_at: datetime | None
    time_limit_s: int
    co2_price_cents_per_kg: int
    solver_status: str
    total_cost_cents: int | None
    lower_bound_cents: int | None
    gap: float | None
    seconds: float | None
    need_count: int
    allocated_count: int
    needs: list[BatchNeedOut] = Field(..., description="Filled in once the run is done")


# --- helpers ---------------------------------------------------------------------------


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and timezone.is_naive(value):
        return value.replace(tzinfo=PARIS)
    return value


def need_input(payload: NeedIn, limit: int = 20) -> NeedInput:
    earliest = _aware(payload.earliest) or timezone.now()
    deadline = _aware(payload.deadline) or earliest + timedelta(days=DEFAULT_WINDOW_DAYS)
    return NeedInput(
        process_code=payload.process,
        hours=str(payload.hours),
        earliest=earliest,
        deadline=deadline,
        commune=payload.commune,
        latitude=payload.latitude,
        longitude=payload.longitude,
        label=payload.label,
        limit=limit,
        **criteria(payload),
    )


def _api_names(exc: ValidationError) -> ValidationError:
    """The action's error keys as the body names them ("needs[3].budget" included)."""
    if not hasattr(exc, "error_dict"):
        return exc
    renamed: dict[str, list[str]] = {}
    for key, messages in exc.message_dict.items():
        prefix, _dot, name = key.rpartition(".")
        name = API_FIELD.get(name, name)
        renamed[f"{prefix}.{name}" if prefix else name] = messages
    return ValidationError(renamed)


def _caller(request: HttpRequest) -> Any:
    """Who asks: a token's owner; a signed-in browser only with its CSRF token (so that no
    other site can record needs in someone's name); else anonymous, and nothing is recorded."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        user = request_user(request)
        if not user.is_authenticated:
            raise AuthenticationError
        return user
    user = request_user(request)
    if user.is_authenticated and check_csrf(request) is None:
        return user
    return AnonymousUser()


def _coordinator(request: HttpRequest) -> Any:
    user = request_user(request)
    if not permissions.is_coordinator(user):
        raise PermissionDenied(_("Only network coordinators see this."))
    return user


def _batch_out(run: AllocationRun) -> dict[str, Any]:
    done = run.state == AllocationRun.State.DONE
    lines = queries.batch_lines(run) if done else []
    return {
        "id": run.pk,
        "title": run.title,
        "state": run.state,
        "progress": run.progress,
        "message": run.message,
        "created_at": run.created_at,
        "finished_at": run.finished_at,
        "time_limit_s": run.time_limit_s,
        "co2_price_cents_per_kg": run.co2_price_cents_per_kg,
        "solver_status": run.solver_status,
        "total_cost_cents": run.total_cost_cents,
        "lower_bound_cents": run.lower_bound_cents,
        "gap": run.gap,
        "seconds": run.seconds,
        "need_count": run.needs.count(),
        "allocated_count": sum(1 for line in lines if line.need.allocated_machine_id),
        "needs": [
            {
                "id": line.need.pk,
                "label": line.need.label,
                "process": line.need.process.code,
                "hours": float(line.need.hours),
                "earliest": line.need.earliest,
                "deadline": line.need.deadline,
                "status": line.need.status,
                "machine_id": line.need.allocated_machine_id,
                "machine": line.need.allocated_machine.name
                if line.need.allocated_machine
                else None,
                "slot_start": line.need.allocated_start,
                "slot_end": line.slot_end,
                "cost_cents": line.need.allocated_cost_cents,
                "unmet_reason": "" if line.need.allocated_machine_id else line.need.unmet_reason,
                "unmet_reason_label": line.reason_label,
            }
            for line in lines
        ],
    }


# --- endpoints -------------------------------------------------------------------------


@router.post(
    "/needs/search",
    response=SearchOut,
    summary="Rank the machines that can do a job, near a place, free in a window",
    description=(
        "Every result says why: distance, estimated cost (hours × price + fixed fee + "
        "transport), CO2 of the transport, first free slot, trainings still needed and who "
        "gives them. Signed-in callers (token, or session with its CSRF token) have the need "
        "recorded, with the reason when nothing fits; anonymous searches are not recorded."
    ),
)
def search_needs(request: HttpRequest, payload: SearchIn) -> Any:
    caller = _caller(request)
    data = need_input(payload, payload.limit)
    try:
        need, matches = find_machines(caller, data)
    except ValidationError as exc:
        raise _api_names(exc) from None
    rows = queries.result_rows(matches, data.hours)
    outcome = None if rows else queries.unmet_outcome(need, data)
    return {
        "need_id": need.pk if need else None,
        "recorded": need is not None,
        "status": NeedStatus.MATCHED if rows else NeedStatus.UNMET,
        "unmet_reason": outcome.reason if outcome else "",
        "unmet_reason_label": outcome.label if outcome else "",
        "nearest_km": outcome.nearest_km if outcome else None,
        "results": rows,
    }


@router.get("/needs", response=list[NeedOut], auth=WRITE_AUTH, summary="My recorded needs")
@paginate(Pagination)
def my_needs(request: HttpRequest) -> Any:
    return queries.needs_of(request_user(request)).select_related("department")


@router.get("/unmet", response=UnmetOut, auth=WRITE_AUTH, summary="Unmet demand (coordinators)")
def unmet_demand(request: HttpRequest, period: Query[PeriodParams]) -> Any:
    _coordinator(request)
    rows = queries.unmet_table(queries.unmet_needs(period.since, period.until))
    return {
        "since": period.since,
        "until": period.until,
        "total": sum(r.count for r in rows),
        "rows": [
            {
                "process": r.process_code,
                "process_label": r.process_label,
                "department": r.department_code,
                "department_name": r.department_name,
                "count": r.count,
                "reason": r.reason,
                "reason_label": r.reason_label,
                "reasons": [
                    {"reason": code, "label": label, "count": n} for code, label, n in r.reasons
                ],
            }
            for r in rows
        ],
    }


@router.get(
    "/unmet.geojson", auth=WRITE_AUTH, summary="Unmet needs by place, as GeoJSON (coordinators)"
)
def unmet_layer(request: HttpRequest, period: Query[PeriodParams]) -> Any:
    _coordinator(request)
    return queries.unmet_geojson(
        queries.unmet_needs(period.since, period.until), settings.MAP_MAX_POINTS
    )


@router.post(
    "/batches",
    response={201: BatchCreated},
    auth=WRITE_AUTH,
    summary="Allocate a batch of needs (coordinators)",
    description=(
        "Every need is checked first; one bad need records nothing (422, each error located "
        "as `needs[i].field`). The allocation then runs in the background: poll "
        "`GET /batches/{id}`."
    ),
)
def create_batch(request: HttpRequest, payload: BatchIn) -> Any:
    actor = request_user(request)
    try:
        run = submit_batch(
            actor,
            payload.title,
            [need_input(n) for n in payload.needs],
            time_limit_s=payload.time_limit_s,
            co2_price_cents_per_kg=payload.co2_price_cents_per_kg,
        )
    except ValidationError as exc:
        raise _api_names(exc) from None
    return Status(
        201,
        {
            "id": run.pk,
            "state": run.state,
            "url": reverse("api-v1:get_batch", args=[run.pk]),
            "page_url": _page_url(run.pk),
        },
    )


def _page_url(run_id: int) -> str:
    return queries._reverse("matching:batch", run_id)


@router.get(
    "/batches/{run_id}",
    response=BatchOut,
    auth=WRITE_AUTH,
    url_name="get_batch",
    summary="A batch run: state, progress, then each need's machine and slot or reason",
)
def get_batch(request: HttpRequest, run_id: int) -> Any:
    _coordinator(request)
    run = get_object_or_404(AllocationRun, pk=run_id)
    return _batch_out(run)
