"""Symbiosis API: synergies — the list and one synergy (both declarations as the caller may read
them), the transitions, and the monthly exchanges.

Proposing a synergy (`POST /symbiosis/synergies`) belongs to the candidates' router. Every write
goes through `maillage.symbiosis.actions.synergies`; a synergy changed since the client read it
answers 409. A private field the caller may not read is null; coordinators' reads are logged.

No `from __future__ import annotations` here: django-ninja reads the annotations at import.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from maillage.core.dates import LocalDateTime
from maillage.core.pagination import Pagination
from maillage.directory.auth import WRITE_AUTH, request_user
from maillage.symbiosis.actions import synergies as actions
from maillage.symbiosis.confidentiality import order_of_magnitude
from maillage.symbiosis.models import Synergy
from maillage.symbiosis.queries import synergies as queries
from maillage.symbiosis.queries.visibility import Audience, audience_of, log_private_reads

router = Router(tags=["symbiosis"])


class SynergyDeclarationOut(Schema):
    id: int
    direction: str
    title: str
    organisation: str
    organisation_id: int
    code: str
    category: str
    commune: str
    unit: str
    period: str
    magnitude_low: float
    magnitude_high: float
    readable: list[str] = Field(..., description="Private field groups the caller reads")
    quantity_min: Decimal | None
    quantity_max: Decimal | None
    price: Decimal | None
    current_cost: Decimal | None
    composition: str | None
    site_name: str | None
    address: str | None
    latitude: float | None
    longitude: float | None


class SynergyOut(Schema):
    id: int
    state: str
    offer: SynergyDeclarationOut
    demand: SynergyDeclarationOut
    unit: str
    exact: bool = Field(..., description="Whether the quantities below are exact")
    quantity_per_year: Decimal | None
    quantity_low: float
    quantity_high: float
    euros_saved_per_year: float | None
    co2_avoided_kg_per_year: float | None
    distance_km: float | None
    offer_accepted_at: LocalDateTime | None
    demand_accepted_at: LocalDateTime | None
    agreed_at: LocalDateTime | None
    started_at: LocalDateTime | None
    ended_at: LocalDateTime | None
    created_at: LocalDateTime
    allowed_steps: list[str]


class SynergyExchangeOut(Schema):
    month: str = Field(..., description="YYYY-MM")
    quantity: Decimal
    unit: str


class SynergyExchangeIn(Schema):
    month: str = Field(..., pattern=r"^\d{4}-\d{2}$", description="YYYY-MM")
    quantity: Decimal = Field(..., ge=0, max_digits=14, decimal_places=3)


class SynergyErrorItem(Schema):
    loc: list[str]
    msg: str
    type: str


class SynergyConflictOut(Schema):
    """The synergy changed meanwhile; the error says the state it is in now."""

    detail: list[SynergyErrorItem]


class SynergyNoteIn(Schema):
    note: str = Field("", max_length=2000)


def _declaration(view: queries.DeclarationView) -> dict[str, Any]:
    return {
        "id": view.id,
        "direction": view.direction,
        "title": view.title,
        "organisation": view.organisation,
        "organisation_id": view.organisation_id,
        "code": view.code,
        "category": view.category,
        "commune": view.commune,
        "unit": view.unit,
        "period": view.period,
        "magnitude_low": view.magnitude[0],
        "magnitude_high": view.magnitude[1],
        "readable": sorted(view.readable),
        "quantity_min": view.quantity_min,
        "quantity_max": view.quantity_max,
        "price": view.price,
        "current_cost": view.current_cost,
        "composition": view.composition,
        "site_name": view.site_name,
        "address": view.address,
        "latitude": view.latitude,
        "longitude": view.longitude,
    }


def synergy_out(request: HttpRequest, synergy: Synergy, audience: Audience) -> dict[str, Any]:
    """The synergy as the caller may read it; a coordinator's private reads logged."""
    user = request_user(request)
    offer, demand = queries.sides_views(synergy, audience)
    log_private_reads(user, queries.reads_of(offer, demand), "api", request.path)
    exact = queries.exact_quantity_readable(synergy, audience, offer, demand)
    estimates = queries.estimates_readable(synergy, audience)
    low, high = order_of_magnitude(float(synergy.quantity_per_year))
    return {
        "id": synergy.pk,
        "state": synergy.state,
        "offer": _declaration(offer),
        "demand": _declaration(demand),
        "unit": synergy.unit,
        "exact": exact,
        "quantity_per_year": synergy.quantity_per_year if exact else None,
        "quantity_low": low,
        "quantity_high": high,
        "euros_saved_per_year": synergy.euros_saved_per_year if estimates else None,
        "co2_avoided_kg_per_year": synergy.co2_avoided_kg_per_year if estimates else None,
        "distance_km": queries.shown_distance(synergy, audience),
        "offer_accepted_at": synergy.offer_accepted_at,
        "demand_accepted_at": synergy.demand_accepted_at,
        "agreed_at": synergy.agreed_at,
        "started_at": synergy.started_at,
        "ended_at": synergy.ended_at,
        "created_at": synergy.created_at,
        "allowed_steps": actions.allowed_steps(user, synergy),
    }


class _Page:
    """The visible synergies, turned into outputs (and logged) only for the page asked."""

    def __init__(self, request: HttpRequest, state: str) -> None:
        self.request = request
        self.audience = audience_of(request_user(request))
        qs = queries.visible_synergies(request_user(request), self.audience)
        self.queryset = (qs.filter(state=state) if state else qs).order_by("-updated_at", "-pk")

    def __len__(self) -> int:
        return self.queryset.count()

    def __getitem__(self, window: slice) -> list[dict[str, Any]]:
        return [synergy_out(self.request, s, self.audience) for s in self.queryset[window]]


def _synergy(request: HttpRequest, synergy_id: int) -> tuple[Synergy, Audience]:
    user = request_user(request)
    audience = audience_of(user)
    found: Synergy = get_object_or_404(queries.visible_synergies(user, audience), pk=synergy_id)
    return found, audience


def _fresh(request: HttpRequest, synergy_id: int) -> dict[str, Any]:
    synergy, audience = _synergy(request, synergy_id)
    return synergy_out(request, synergy, audience)


@router.get(
    "/symbiosis/synergies",
    response=list[SynergyOut],
    auth=WRITE_AUTH,
    summary="The synergies of my organisations (every one for coordinators)",
)
@paginate(Pagination)
def list_synergies(request: HttpRequest, state: str = "") -> Any:
    return _Page(request, state)


@router.get("/symbiosis/synergies/{synergy_id}", response=SynergyOut, auth=WRITE_AUTH)
def get_synergy(request: HttpRequest, synergy_id: int) -> Any:
    synergy, audience = _synergy(request, synergy_id)
    return synergy_out(request, synergy, audience)


def _step(request: HttpRequest, synergy_id: int, step: str, note: str | None = None) -> Any:
    synergy, _audience = _synergy(request, synergy_id)
    if note is None:
        actions.STEPS[step](request_user(request), synergy)
    else:
        actions.STEPS[step](request_user(request), synergy, note)  # type: ignore[call-arg]
    return _fresh(request, synergy_id)


@router.post(
    "/symbiosis/synergies/{synergy_id}/discuss",
    response={200: SynergyOut, 409: SynergyConflictOut},
    auth=WRITE_AUTH,
    summary="Open the discussion of a proposed synergy (either side or a coordinator)",
)
def discuss(request: HttpRequest, synergy_id: int) -> Any:
    return _step(request, synergy_id, "discuss")


@router.post(
    "/symbiosis/synergies/{synergy_id}/accept",
    response={200: SynergyOut, 409: SynergyConflictOut},
    auth=WRITE_AUTH,
    summary="Accept for my side; once both sides have, the synergy is agreed",
)
def accept(request: HttpRequest, synergy_id: int) -> Any:
    return _step(request, synergy_id, "accept")


@router.post(
    "/symbiosis/synergies/{synergy_id}/decline",
    response={200: SynergyOut, 409: SynergyConflictOut},
    auth=WRITE_AUTH,
    summary="Decline a proposed or discussed synergy (either side)",
)
def decline(request: HttpRequest, synergy_id: int, payload: SynergyNoteIn | None = None) -> Any:
    return _step(request, synergy_id, "decline", payload.note if payload else "")


@router.post(
    "/symbiosis/synergies/{synergy_id}/start",
    response={200: SynergyOut, 409: SynergyConflictOut},
    auth=WRITE_AUTH,
    summary="The exchanges of an agreed synergy have started (either side)",
)
def start(request: HttpRequest, synergy_id: int) -> Any:
    return _step(request, synergy_id, "start")


@router.post(
    "/symbiosis/synergies/{synergy_id}/end",
    response={200: SynergyOut, 409: SynergyConflictOut},
    auth=WRITE_AUTH,
    summary="End an agreed or running synergy (either side or a coordinator)",
)
def end(request: HttpRequest, synergy_id: int, payload: SynergyNoteIn | None = None) -> Any:
    return _step(request, synergy_id, "end", payload.note if payload else "")


def _exchange_rows(synergy: Synergy, audience: Audience) -> list[dict[str, Any]]:
    offer, demand = queries.sides_views(synergy, audience)
    if not queries.exact_quantity_readable(synergy, audience, offer, demand):
        return []
    return [
        {"month": row.month.strftime("%Y-%m"), "quantity": row.quantity, "unit": synergy.unit}
        for row in queries.exchanges_of(synergy).rows
    ]


@router.get(
    "/symbiosis/synergies/{synergy_id}/exchanges",
    response=list[SynergyExchangeOut],
    auth=WRITE_AUTH,
    summary="The quantities exchanged each month, oldest first",
)
def list_exchanges(request: HttpRequest, synergy_id: int) -> Any:
    synergy, audience = _synergy(request, synergy_id)
    return _exchange_rows(synergy, audience)


@router.post(
    "/symbiosis/synergies/{synergy_id}/exchanges",
    response={201: SynergyExchangeOut, 409: SynergyConflictOut},
    auth=WRITE_AUTH,
    summary="Record (or correct) the quantity exchanged in a month, in the synergy's unit",
)
def record_exchange(request: HttpRequest, synergy_id: int, payload: SynergyExchangeIn) -> Any:
    synergy, _audience = _synergy(request, synergy_id)
    try:
        month = dt.date.fromisoformat(payload.month + "-01")
    except ValueError:
        raise ValidationError({"month": _("Give the month as YYYY-MM, e.g. 2026-03.")}) from None
    row = actions.record_exchange(request_user(request), synergy, month, payload.quantity)
    return Status(
        201,
        {"month": row.month.strftime("%Y-%m"), "quantity": row.quantity, "unit": synergy.unit},
    )
