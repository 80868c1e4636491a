"""Maintenance API: breakdowns — report, the host's confirm / dismiss / resolve, the reports one
may see, a booker's bookings hit by a breakdown and the one-click rebook.

Every write goes through `maillage.maintenance.actions.breakdowns`. A report or affected booking
changed since the client read it answers 409 (`BreakdownConflict`). Photos are sent through the
report page; the API takes the text.

No `from __future__ import annotations` here: django-ninja reads the annotations at import.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from maillage.core.dates import LocalDateTime, WindowDateTime
from maillage.core.pagination import Pagination
from maillage.directory.auth import WRITE_AUTH, request_user
from maillage.equipment.models import Machine
from maillage.equipment.queries import visible_machines
from maillage.maintenance.actions import breakdowns as actions
from maillage.maintenance.models.breakdowns import AffectedBooking, BreakdownReport
from maillage.maintenance.queries import breakdowns as queries
from maillage.sharing.models import Booking

router = Router(tags=["maintenance"])


class BreakdownOut(Schema):
    id: int
    machine: int = Field(..., alias="machine_id")
    machine_name: str = Field(..., alias="machine.name")
    reporter: str = Field(..., alias="reporter.username")
    booking: int | None = Field(None, alias="booking_id")
    description: str
    has_photo: bool
    state: str
    created_at: LocalDateTime
    confirmed_at: LocalDateTime | None
    down_from: LocalDateTime | None
    estimated_end: LocalDateTime | None
    downtime: int | None = Field(None, alias="downtime_id")
    closed_at: LocalDateTime | None
    note: str

    @staticmethod
    def resolve_has_photo(obj: BreakdownReport) -> bool:
        return bool(obj.photo)


class AffectedOut(Schema):
    id: int
    report: int = Field(..., alias="report_id")
    booking: int = Field(..., alias="booking_id")
    machine: int = Field(..., alias="booking.machine_id")
    start: LocalDateTime = Field(..., alias="booking.start")
    end: LocalDateTime = Field(..., alias="booking.end")
    state: str
    alternative: int | None = Field(None, alias="alternative_id")
    alternative_name: str | None = None
    alternative_km: float | None
    unmet_reason: str
    rebooked_as: int | None = Field(None, alias="rebooked_as_id")

    @staticmethod
    def resolve_alternative_name(obj: AffectedBooking) -> str | None:
        return obj.alternative.name if obj.alternative is not None else None


class ErrorItem(Schema):
    loc: list[str]
    msg: str
    type: str


class ConflictOut(Schema):
    """The report or affected booking changed meanwhile; each error says what it is now."""

    detail: list[ErrorItem]


class ReportIn(Schema):
    machine_id: int
    description: str = Field(..., max_length=4000)
    booking_id: int | None = None


class ConfirmIn(Schema):
    estimated_end: WindowDateTime
    start: WindowDateTime | None = Field(None, description="Down from (default: now)")


class NoteIn(Schema):
    note: str = Field("", max_length=2000)


class RebookIn(Schema):
    safety_acknowledged: bool = False


class ReportFilters(Schema):
    state: str = Field("", description="Only reports in this state")
    machine: int | None = Field(None, description="Only reports on this machine")


def _report_for(request: HttpRequest, report_id: int) -> BreakdownReport:
    found: BreakdownReport = get_object_or_404(
        queries.visible_reports(request_user(request)), pk=report_id
    )
    return found


def _fresh(report: BreakdownReport) -> BreakdownReport:
    fresh: BreakdownReport = BreakdownReport.objects.select_related("machine", "reporter").get(
        pk=report.pk
    )
    return fresh


@router.post(
    "/breakdowns",
    response={201: BreakdownOut},
    auth=WRITE_AUTH,
    summary="Report a breakdown of a machine one booked or uses",
)
def report_breakdown(request: HttpRequest, payload: ReportIn) -> Any:
    actor = request_user(request)
    machine: Machine | None = visible_machines(actor).filter(pk=payload.machine_id).first()
    if machine is None:
        raise ValidationError({"machine_id": _("Unknown machine.")})
    booking = None
    if payload.booking_id is not None:
        booking = Booking.objects.filter(pk=payload.booking_id).first()
        if booking is None:
            raise ValidationError({"booking_id": _("Unknown booking.")})
    report = actions.report_breakdown(actor, machine, payload.description, booking=booking)
    return Status(201, _fresh(report))


@router.get(
    "/breakdowns",
    response=list[BreakdownOut],
    auth=WRITE_AUTH,
    summary="Reports on the machines one hosts, and one's own",
)
@paginate(Pagination)
def list_breakdowns(request: HttpRequest, filters: Query[ReportFilters]) -> Any:
    reports = queries.visible_reports(request_user(request)).order_by("-created_at", "-pk")
    if filters.state:
        reports = reports.filter(state=filters.state)
    if filters.machine is not None:
        reports = reports.filter(machine_id=filters.machine)
    return reports


@router.get(
    "/breakdowns/affected",
    response=list[AffectedOut],
    auth=WRITE_AUTH,
    summary="My bookings hit by a breakdown, with the machine offered instead",
)
@paginate(Pagination)
def my_affected(request: HttpRequest) -> Any:
    return queries.affected_of(request_user(request))


@router.get("/breakdowns/{report_id}", response=BreakdownOut, auth=WRITE_AUTH)
def get_breakdown(request: HttpRequest, report_id: int) -> Any:
    return _report_for(request, report_id)


@router.post(
    "/breakdowns/{report_id}/confirm",
    response={200: BreakdownOut, 409: ConflictOut},
    auth=WRITE_AUTH,
    summary="The host confirms: downtime, bookings in the window flagged and re-routed",
)
def confirm_breakdown(request: HttpRequest, report_id: int, payload: ConfirmIn) -> Any:
    report = _report_for(request, report_id)
    actions.confirm_breakdown(
        request_user(request), report, payload.estimated_end, start=payload.start
    )
    return _fresh(report)


@router.post(
    "/breakdowns/{report_id}/dismiss",
    response={200: BreakdownOut, 409: ConflictOut},
    auth=WRITE_AUTH,
    summary="The host dismisses a report (with the reason)",
)
def dismiss_breakdown(request: HttpRequest, report_id: int, payload: NoteIn) -> Any:
    report = _report_for(request, report_id)
    actions.dismiss_breakdown(request_user(request), report, payload.note)
    return _fresh(report)


@router.post(
    "/breakdowns/{report_id}/resolve",
    response={200: BreakdownOut, 409: ConflictOut},
    auth=WRITE_AUTH,
    summary="The machine works again: the downtime ends now",
)
def resolve_breakdown(request: HttpRequest, report_id: int, payload: NoteIn | None = None) -> Any:
    report = _report_for(request, report_id)
    actions.resolve_breakdown(request_user(request), report, payload.note if payload else "")
    return _fresh(report)


@router.post(
    "/breakdowns/affected/{affected_id}/rebook",
    response={200: AffectedOut, 409: ConflictOut},
    auth=WRITE_AUTH,
    summary="Rebook the same slot on the machine offered; the original booking is cancelled",
)
def rebook(request: HttpRequest, affected_id: int, payload: RebookIn | None = None) -> Any:
    actor = request_user(request)
    row: AffectedBooking = get_object_or_404(queries.affected_of(actor), pk=affected_id)
    actions.rebook(actor, row, safety_acknowledged=bool(payload and payload.safety_acknowledged))
    return get_object_or_404(queries.affected_of(actor), pk=affected_id)
