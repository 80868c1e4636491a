"""Sharing endpoints under /api/v1/: offers, availability, bookings.

Every write goes through `maillage.sharing.actions`, so the API obeys the same rules as the
pages (audience, qualifications, opening hours, overlap). Datetimes are ISO 8601 with their
offset, given back in the network's local time (Europe/Paris).

No `from __future__ import annotations` here: django-ninja reads the annotations at import.
"""

import datetime as dt
import re
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from maillage.core.dates import LocalDateTime, WindowDateTime, check_in_window
from maillage.core.pagination import Pagination
from maillage.core.validators import renamed_errors
from maillage.directory import permissions
from maillage.directory.auth import WRITE_AUTH, request_user
from maillage.directory.models import Membership, MembershipState, Organisation
from maillage.equipment.models import Machine
from maillage.equipment.queries import visible_machines
from maillage.sharing import availability
from maillage.sharing.actions import bookings, usage
from maillage.sharing.actions.offers import OfferInput, save_offer
from maillage.sharing.models import Booking, Offer
from maillage.sharing.schedule import busy_intervals, open_intervals

router = Router(tags=["sharing"])

MAX_AVAILABILITY_DAYS = 31

# --- schemas -------------------------------------------------------------------------


class OfferOut(Schema):
    machine: int = Field(..., alias="machine_id")
    active: bool
    audience: str
    mode: str
    billing: str
    price_own_cents: int
    price_member_cents: int
    price_outsider_cents: int
    fixed_fee_cents: int
    min_minutes: int
    max_minutes: int
    buffer_minutes: int
    min_notice_minutes: int
    horizon_days: int
    no_show_grace_minutes: int
    required_training_ids: list[int]
    accept_network_qualifications: bool
    safety_notes: str
    updated_at: LocalDateTime

    @staticmethod
    def resolve_required_training_ids(obj: Offer) -> list[int]:
        return sorted(t.pk for t in obj.required_trainings.all())


_DEFAULT = OfferInput()  # one set of defaults, the action's


class OfferIn(Schema):
    """Every field of the offer; omitted fields take their default (PUT replaces the offer)."""

    active: bool = _DEFAULT.active
    audience: str = Field(str(_DEFAULT.audience), description="own, network or registered")
    mode: str = Field(str(_DEFAULT.mode), description="self_service, with_operator or on_request")
    billing: str = Field(str(_DEFAULT.billing), description="booked or used")
    price_own_cents: int = _DEFAULT.price_own_cents
    price_member_cents: int = _DEFAULT.price_member_cents
    price_outsider_cents: int = _DEFAULT.price_outsider_cents
    fixed_fee_cents: int = _DEFAULT.fixed_fee_cents
    min_minutes: int = _DEFAULT.min_minutes
    max_minutes: int = _DEFAULT.max_minutes
    buffer_minutes: int = _DEFAULT.buffer_minutes
    min_notice_minutes: int = _DEFAULT.min_notice_minutes
    horizon_days: int = _DEFAULT.horizon_days
    no_show_grace_minutes: int = _DEFAULT.no_show_grace_minutes
    required_training_ids: list[int] = list(_DEFAULT.required_training_ids)
    accept_network_qualifications: bool = _DEFAULT.accept_network_qualifications
    safety_notes: str = _DEFAULT.safety_notes


class IntervalOut(Schema):
    start: LocalDateTime
    end: LocalDateTime


class AvailabilityOut(Schema):
    machine: int
    start: LocalDateTime
    end: LocalDateTime
    active: bool
    buffer_minutes: int
    open: list[IntervalOut] = Field(..., description="Opening hours, minus closures")
    free: list[IntervalOut] = Field(
        ...,
        description="Open time where a booking fits, its buffer included (a booking must end "
        "within a free interval)",
    )


class BookingOut(Schema):
    id: int
    machine: int = Field(..., alias="machine_id")
    machine_name: str = Field(..., alias="machine.name")
    booker: str = Field(..., alias="booker.username")
    booker_organisation: str | None = Field(None, alias="booker_organisation.slug")
    host_organisation: str = Field(..., alias="host_organisation.slug")
    start: LocalDateTime
    end: LocalDateTime
    blocked_until: LocalDateTime
    state: str
    tier: str
    rate_cents: int
    fixed_fee_cents: int
    billing: str
    estimated_cents: int
    final_cents: int | None
    note: str
    reason: str
    safety_acknowledged_at: LocalDateTime | None
    checked_in_at: LocalDateTime | None
    completed_at: LocalDateTime | None
    hours_used: Decimal | None
    meter_reading: Decimal | None
    consumables: str
    problem_report: str
    created_at: LocalDateTime
    updated_at: LocalDateTime


class BookingIn(Schema):
    machine_id: int
    start: WindowDateTime = Field(..., description="ISO 8601 with its offset")
    end: WindowDateTime = Field(..., description="ISO 8601 with its offset")
    booker_organisation: str | None = Field(
        None, description="Slug of the organisation that pays; defaults to one of yours"
    )
    note: str = ""
    safety_acknowledged: bool = False


class DecisionIn(Schema):
    approve: bool
    reason: str = ""


class CancelIn(Schema):
    reason: str = ""


class MoveIn(Schema):
    start: WindowDateTime
    end: WindowDateTime


class UsageIn(Schema):
    hours_used: Decimal
    meter_reading: Decimal | None = None
    consumables: str = ""
    problem_report: str = ""


class BookingFilterParams(Schema):
    role: Literal["booker", "host"] = Field(
        "booker", description="booker: the bookings I made; host: those my organisations host"
    )
    state: str = Field("", description="Only bookings in this state")
    machine: int | None = Field(None, description="Only bookings of this machine")


# --- helpers -------------------------------------------------------------------------


def _machine_for(request: HttpRequest, machine_id: int) -> Machine:
    machine: Machine = get_object_or_404(
        visible_machines(request_user(request)).select_related("organisation"), pk=machine_id
    )
    return machine


def _offer_for(machine: Machine) -> Offer:
    offer = Offer.objects.filter(machine=machine).prefetch_related("required_trainings").first()
    if offer is None:
        raise Http404(_("This machine is not offered for booking."))
    return offer


def _member_org_ids(user: Any) -> QuerySet[Membership, Any]:
    return Membership.objects.filter(user=user, state=MembershipState.ACTIVE).values(
        "organisation_id"
    )


def _bookings() -> QuerySet[Booking]:
    return Booking.objects.select_related(
        "machine", "booker", "booker_organisation", "host_organisation"
    )


def _visible_bookings(user: Any) -> QuerySet[Booking]:
    """The booker's own, their organisations' hosted ones; every booking for coordinators."""
    if permissions.is_coordinator(user):
        return _bookings()
    return _bookings().filter(Q(booker=user) | Q(host_organisation__in=_member_org_ids(user)))


def _booking_for(request: HttpRequest, booking_id: int) -> Booking:
    booking: Booking = get_object_or_404(_visible_bookings(request_user(request)), pk=booking_id)
    return booking


_SPACED_OFFSET = re.compile(r" (\d{2}(:?\d{2})?)$")


def _instant(value: str, field: str) -> dt.datetime:
    """An aware datetime from ISO 8601; a '+' sent unencoded in a query string reads as ' '."""
    text = _SPACED_OFFSET.sub(r"+\1", value.strip())
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            {field: _("Not an ISO 8601 date and time: %(v)s.") % {"v": value}}
        ) from None
    if timezone.is_naive(parsed):
        raise ValidationError({field: _("Give the time with its time zone offset.")})
    check_in_window(parsed, field)
    return parsed


def _refreshed(booking: Booking) -> Booking:
    refreshed: Booking = _bookings().get(pk=booking.pk)
    return refreshed


# --- offers and availability ---------------------------------------------------------


@router.get("/machines/{machine_id}/offer", response=OfferOut, summary="How a machine is shared")
def get_offer(request: HttpRequest, machine_id: int) -> Any:
    return _offer_for(_machine_for(request, machine_id))


@router.put(
    "/machines/{machine_id}/offer",
    response={200: OfferOut, 201: OfferOut},
    auth=WRITE_AUTH,
    summary="Open or change the sharing of a machine",
)
def put_offer(request: HttpRequest, machine_id: int, payload: OfferIn) -> Any:
    machine = _machine_for(request, machine_id)
    existed = Offer.objects.filter(machine=machine).exists()
    data = payload.dict()
    data["required_training_ids"] = tuple(data["required_training_ids"])
    try:
        offer = save_offer(request_user(request), machine, OfferInput(**data))
    except ValidationError as exc:
        raise renamed_errors(exc, {"required_trainings": "required_training_ids"}) from None
    offer = _offer_for(machine)
    return offer if existed else Status(201, offer)


@router.get(
    "/machines/{machine_id}/availability",
    response=AvailabilityOut,
    summary="Open and free intervals of a machine (at most 31 days)",
)
def get_availability(
    request: HttpRequest,
    machine_id: int,
    start: str = Query(..., description="ISO 8601 with its offset, e.g. 2026-03-30T00:00+02:00"),
    end: str = Query(..., description="ISO 8601 with its offset; at most 31 days after start"),
) -> Any:
    machine = _machine_for(request, machine_id)
    begin, finish = _instant(start, "start"), _instant(end, "end")
    if finish <= begin:
        raise ValidationError({"end": _("The end must come after the start.")})
    if finish - begin > dt.timedelta(days=MAX_AVAILABILITY_DAYS):
        raise ValidationError(
            {"end": _("Ask for at most %(n)s days at a time.") % {"n": MAX_AVAILABILITY_DAYS}}
        )
    offer = _offer_for(machine)
    opened = open_intervals(machine, begin, finish)
    # A booking ending just before `finish` still needs its buffer free after it.
    buffer = dt.timedelta(minutes=offer.buffer_minutes)
    busy = busy_intervals(machine, begin, finish + buffer)
    free = availability.free_intervals(opened, busy, offer.buffer_minutes) if offer.active else []
    return {
        "machine": machine.pk,
        "start": begin,
        "end": finish,
        "active": offer.active,
        "buffer_minutes": offer.buffer_minutes,
        "open": opened,
        "free": free,
    }


# --- bookings ------------------------------------------------------------------------


@router.get("/bookings", response=list[BookingOut], auth=WRITE_AUTH, summary="My bookings")
@paginate(Pagination)
def list_bookings(request: HttpRequest, filters: Query[BookingFilterParams]) -> Any:
    user = request_user(request)
    if filters.role == "host":
        bookings = _bookings().filter(host_organisation__in=_member_org_ids(user))
    else:
        bookings = _bookings().filter(booker=user)
    if filters.state:
        bookings = bookings.filter(state=filters.state)
    if filters.machine is not None:
        bookings = bookings.filter(machine_id=filters.machine)
    return bookings.order_by("start", "pk")


@router.post("/bookings", response={201: BookingOut}, auth=WRITE_AUTH, summary="Ask for a slot")
def create_booking(request: HttpRequest, payload: BookingIn) -> Any:
    user = request_user(request)
    machine = visible_machines(user).filter(pk=payload.machine_id).first()
    if machine is None:
        raise ValidationError({"machine_id": _("Unknown machine.")})
    organisation = None
    if payload.booker_organisation:
        organisation = Organisation.objects.filter(slug=payload.booker_organisation).first()
        if organisation is None:
            raise ValidationError({"booker_organisation": _("Unknown organisation.")})
    try:
        booking = bookings.request_booking(
            user,
            machine,
            payload.start,
            payload.end,
            booker_organisation=organisation,
            note=payload.note,
            safety_acknowledged=payload.safety_acknowledged,
        )
    except ValidationError as exc:
        raise renamed_errors(exc, {"machine": "machine_id"}) from None
    return Status(201, _refreshed(booking))


@router.get("/bookings/{booking_id}", response=BookingOut, auth=WRITE_AUTH)
def get_booking(request: HttpRequest, booking_id: int) -> Any:
    return _booking_for(request, booking_id)


@router.post(
    "/bookings/{booking_id}/decide",
    response=BookingOut,
    auth=WRITE_AUTH,
    summary="The host approves or refuses a request",
)
def decide_booking(request: HttpRequest, booking_id: int, payload: DecisionIn) -> Any:
    booking = _booking_for(request, booking_id)
    bookings.decide_booking(request_user(request), booking, payload.approve, payload.reason)
    return _refreshed(booking)


@router.post("/bookings/{booking_id}/cancel", response=BookingOut, auth=WRITE_AUTH)
def cancel_booking(request: HttpRequest, booking_id: int, payload: CancelIn | None = None) -> Any:
    booking = _booking_for(request, booking_id)
    bookings.cancel_booking(request_user(request), booking, payload.reason if payload else "")
    return _refreshed(booking)


@router.post("/bookings/{booking_id}/move", response=BookingOut, auth=WRITE_AUTH)
def move_booking(request: HttpRequest, booking_id: int, payload: MoveIn) -> Any:
    booking = _booking_for(request, booking_id)
    bookings.move_booking(request_user(request), booking, payload.start, payload.end)
    return _refreshed(booking)


@router.post("/bookings/{booking_id}/check-in", response=BookingOut, auth=WRITE_AUTH)
def check_in(request: HttpRequest, booking_id: int) -> Any:
    booking = _booking_for(request, booking_id)
    usage.check_in(request_user(request), booking)
    return _refreshed(booking)


@router.post("/bookings/{booking_id}/check-out", response=BookingOut, auth=WRITE_AUTH)
def check_out(request: HttpRequest, booking_id: int, payload: UsageIn) -> Any:
    booking = _booking_for(request, booking_id)
    usage.check_out(request_user(request), booking, usage.UsageInput(**payload.dict()))
    return _refreshed(booking)
