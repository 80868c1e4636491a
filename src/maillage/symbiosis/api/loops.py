"""Reusable containers API: the loops with their indicators, a shop's stock report, a round."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from maillage.core.validators import MAX_ROW_ID
from maillage.directory.auth import WRITE_AUTH, request_user
from maillage.symbiosis.actions import loops as actions
from maillage.symbiosis.models import CollectionRound, ContainerLoop
from maillage.symbiosis.queries import loops as queries

router = Router(tags=["symbiosis"])


class LoopSummaryOut(Schema):
    slug: str
    name: str
    organisation: str
    container: str
    containers_in_circulation: int


class LoopIndicatorsOut(Schema):
    months: int = Field(..., description="Recorded months the indicators are computed over")
    filled_per_year: float | None
    return_rate: float | None = Field(None, description="returned / sold, 0.87 for 87 %")
    breakage_rate: float | None = Field(None, description="broken / returned")
    rotations_per_year: float | None = Field(None, description="filled per year / containers")
    average_uses: float | None = Field(None, description="1 / (1 − return × (1 − breakage))")
    distance_km: float | None = Field(None, description="Mean road km washing centre → shops")
    reusable_kgco2e_per_use: float | None
    single_use_kgco2e: float | None
    saving: float | None = Field(None, description="1 − reusable / single-use")
    break_even_uses: float | None
    break_even_km: float | None


class LoopMemberOut(Schema):
    id: int
    organisation: str
    site: str
    role: str
    latitude: float
    longitude: float


class LoopDetailOut(LoopSummaryOut):
    description: str
    crate_size: int
    van_capacity_crates: int
    indicators: LoopIndicatorsOut
    members: list[LoopMemberOut]


class LoopStockIn(Schema):
    member: int = Field(..., ge=1, le=MAX_ROW_ID, description="Id of the shop's loop membership")
    empty_crates: int
    full_crates_wanted: int


class LoopStockOut(Schema):
    id: int
    member: int = Field(..., alias="member_id")
    empty_crates: int
    full_crates_wanted: int
    reported_at: dt.datetime


class LoopRoundIn(Schema):
    planned_for: dt.date
    trips: int = Field(1, description="Times the van leaves the washing centre that day, 1 to 5")


class LoopRoundStopOut(Schema):
    member: int
    pickup: int
    delivery: int
    load_after: int
    km_from_previous: float
    trip: int


class LoopUnservedOut(Schema):
    member: int
    reason: str


class LoopRoundOut(Schema):
    id: int
    planned_for: dt.date
    state: str
    distance_km: float
    stops: list[LoopRoundStopOut]
    unserved: list[LoopUnservedOut]


def _summary(loop: ContainerLoop) -> dict[str, Any]:
    return {
        "slug": loop.slug,
        "name": loop.name,
        "organisation": loop.organisation.name,
        "container": loop.container,
        "containers_in_circulation": loop.containers_in_circulation,
    }


def _finite(value: float | None) -> float | None:
    return None if value is None or value == float("inf") else value


@router.get("/symbiosis/loops", response=list[LoopSummaryOut], summary="Deposit-return loops")
def loop_list(request: HttpRequest) -> Any:
    return [_summary(loop) for loop in queries.loops_list()]


@router.get(
    "/symbiosis/loops/{slug}",
    response=LoopDetailOut,
    summary="A deposit-return loop, its members and its indicators",
)
def loop_detail(request: HttpRequest, slug: str) -> Any:
    loop = get_object_or_404(queries.loops_list(), slug=slug)
    fig = queries.figures(loop)
    ind = fig.indicators
    members = loop.members.filter(active=True).select_related("organisation", "site")
    return {
        **_summary(loop),
        "description": loop.description,
        "crate_size": loop.crate_size,
        "van_capacity_crates": loop.van_capacity_crates,
        "indicators": {
            "months": fig.months,
            "filled_per_year": ind.filled_per_year,
            "return_rate": ind.return_rate,
            "breakage_rate": ind.breakage_rate,
            "rotations_per_year": ind.rotations_per_year,
            "average_uses": _finite(ind.average_uses),
            "distance_km": fig.distance_km,
            "reusable_kgco2e_per_use": fig.reusable_kg,
            "single_use_kgco2e": fig.single_use_kg,
            "saving": fig.saving,
            "break_even_uses": fig.break_even_uses,
            "break_even_km": _finite(fig.break_even_km),
        },
        "members": [
            {
                "id": m.pk,
                "organisation": m.organisation.name,
                "site": m.site.name or m.organisation.name,
                "role": m.role,
                "latitude": m.site.latitude,
                "longitude": m.site.longitude,
            }
            for m in members
        ],
    }


@router.post(
    "/symbiosis/loops/{slug}/stock",
    response={201: LoopStockOut},
    auth=WRITE_AUTH,
    summary="Report a shop's stock: crates of empties to collect, full crates wanted",
)
def loop_stock(request: HttpRequest, slug: str, payload: LoopStockIn) -> Any:
    loop = get_object_or_404(ContainerLoop, slug=slug)
    user = request_user(request)
    member = loop.members.filter(pk=payload.member).select_related("organisation").first()
    if member is None:
        raise Http404
    report = actions.report_stock(user, member, payload.empty_crates, payload.full_crates_wanted)
    return Status(201, report)


def _round_out(found: CollectionRound) -> dict[str, Any]:
    return {
        "id": found.pk,
        "planned_for": found.planned_for,
        "state": found.state,
        "distance_km": found.distance_km,
        "stops": found.stops,
        "unserved": found.unserved,
    }


@router.post(
    "/symbiosis/loops/{slug}/rounds",
    response={201: LoopRoundOut},
    auth=WRITE_AUTH,
    summary="Plan the van's round from the shops' latest stock reports",
)
def loop_round_new(request: HttpRequest, slug: str, payload: LoopRoundIn) -> Any:
    loop = get_object_or_404(ContainerLoop, slug=slug)
    found = actions.plan_round(
        request_user(request), loop, payload.planned_for, trips=payload.trips
    )
    return Status(201, _round_out(found))


@router.get(
    "/symbiosis/loops/{slug}/rounds/{round_id}",
    response=LoopRoundOut,
    auth=WRITE_AUTH,
    summary="A planned round: its stops in order and the shops left out",
)
def loop_round(request: HttpRequest, slug: str, round_id: int) -> Any:
    loop = get_object_or_404(ContainerLoop, slug=slug)
    found = get_object_or_404(CollectionRound, loop=loop, pk=round_id)
    if not queries.visible_rounds(request_user(request), loop).filter(pk=found.pk).exists():
        raise PermissionDenied(_("Only who runs the loop's rounds reads them."))
    return _round_out(found)
