"""Maintenance actions: breakdowns — reported, confirmed by the host (a sharing downtime, the
bookings in its window flagged and offered the nearest capable free machine), dismissed,
resolved, and the one-click rebook.

Every transition locks the report (or the affected booking) and reads its state again.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core.outbox import enqueue_in_transaction
from maillage.directory import permissions
from maillage.directory.models import User
from maillage.equipment.models import Machine, MachineStatus
from maillage.maintenance.actions.interventions import InterventionInput, record_intervention
from maillage.maintenance.models.breakdowns import (
    AffectedBooking,
    AffectedState,
    BreakdownReport,
    BreakdownState,
)
from maillage.maintenance.models.plans import InterventionKind
from maillage.maintenance.queries.breakdowns import alternative_for, may_report
from maillage.maintenance.tasks.breakdowns import notify_affected, notify_report
from maillage.sharing.actions.bookings import BookingConflict, cancel_booking, request_booking
from maillage.sharing.actions.downtimes import end_downtime, set_machine_down
from maillage.sharing.models import LIVE_STATES, Booking

MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_DESCRIPTION = 4000
# The first bytes of the image formats accepted (no image library is installed).
PHOTO_TYPES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)


class BreakdownConflict(BookingConflict):
    """The report or the affected booking changed since it was read (the API answers 409)."""


def photo_type(photo: UploadedFile) -> str:
    """The photo's MIME type from its first bytes: JPEG, PNG or WebP up to 5 MB, else refused."""
    if photo.size is not None and photo.size > MAX_PHOTO_BYTES:
        raise ValidationError({"photo": _("The photo is over 5 MB: send a smaller one.")})
    photo.seek(0)
    head = photo.read(12)
    photo.seek(0)
    for magic, mime in PHOTO_TYPES:
        if head.startswith(magic):
            return mime
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    raise ValidationError({"photo": _("The photo must be a JPEG, PNG or WebP image.")})


def report_breakdown(
    actor: User,
    machine: Machine,
    description: str,
    *,
    photo: UploadedFile | None = None,
    booking: Booking | None = None,
) -> BreakdownReport:
    """Someone who booked or used the machine (or a member of its organisation) reports it."""
    if not may_report(actor, machine):
        raise PermissionDenied(
            _(
                "Only people who booked or used this machine, or its organisation's members, "
                "can report a breakdown."
            )
        )
    if machine.status == MachineStatus.RETIRED:
        raise ValidationError(
            {"machine": _("This machine is retired: it is no longer in use, nothing to report.")}
        )
    errors: dict[str, list[str]] = {}
    text = description.strip()
    if not text:
        errors["description"] = [_("Say what happened, so that the host can act.")]
    elif len(text) > MAX_DESCRIPTION:
        errors["description"] = [_("Keep it under 4,000 characters.")]
    if booking is not None and (booking.machine_id != machine.pk or booking.booker_id != actor.pk):
        errors["booking"] = [_("This is not one of your bookings of this machine.")]
    mime = ""
    if photo is not None:
        try:
            mime = photo_type(photo)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        report = BreakdownReport(
            machine=machine, reporter=actor, booking=booking, description=text, photo_type=mime
        )
        if photo is not None:
            report.photo.save(photo.name or "photo", photo, save=False)
        report.save()
        enqueue_in_transaction(notify_report, report.pk)
    return report


def _check_host(actor: User, report: BreakdownReport) -> None:
    if not permissions.can_host(actor, report.machine.organisation):
        raise PermissionDenied(_("Only the machine's hosts can decide on a breakdown report."))


def _locked(report: BreakdownReport, starts_from: BreakdownState) -> BreakdownReport:
    """Inside a transaction: the report's row locked and read again, still in `starts_from`."""
    locked = BreakdownReport.objects.select_for_update().get(pk=report.pk)
    if locked.state != starts_from:
        raise BreakdownConflict(
            _("This report was changed meanwhile: it is now “%(state)s”.")
            % {"state": BreakdownState(locked.state).label}
        )
    return locked


def confirm_breakdown(
    actor: User,
    report: BreakdownReport,
    estimated_end: dt.datetime | None,
    *,
    start: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> BreakdownReport:
    """The host confirms: a downtime for the estimated window, every live booking in it flagged,
    offered the nearest capable free machine for its slot, and its booker told."""
    _check_host(actor, report)
    now = now or timezone.now()
    start = start or now
    if estimated_end is None:
        raise ValidationError({"estimated_end": _("Say until when the machine is likely down.")})
    if timezone.is_naive(estimated_end) or timezone.is_naive(start):
        raise ValidationError({"estimated_end": _("Give the time with its time zone.")})
    if estimated_end <= start:
        raise ValidationError(
            {"estimated_end": _("The estimated end must come after the start of the breakdown.")}
        )
    with transaction.atomic():
        locked = _locked(report, BreakdownState.REPORTED)
        reason = _("Breakdown: %(text)s") % {"text": locked.description}
        downtime = set_machine_down(
            actor, locked.machine, reason[:200], start, estimated_end, notify_bookers=False
        )
        affected = Booking.objects.filter(
            machine_id=locked.machine_id,
            state__in=LIVE_STATES,
            start__lt=estimated_end,
            end__gt=start,
        ).select_related("booker")
        for booking in affected:
            found = alternative_for(booking, now)
            AffectedBooking.objects.create(
                report=locked,
                booking=booking,
                alternative_id=found.machine_id,
                alternative_km=found.distance_km,
                unmet_reason=found.unmet_reason,
            )
        locked.state = BreakdownState.CONFIRMED
        locked.confirmed_by, locked.confirmed_at = actor, now
        locked.down_from, locked.estimated_end = start, estimated_end
        locked.downtime = downtime
        locked.save()
        enqueue_in_transaction(notify_affected, locked.pk)
    report.refresh_from_db()
    return report


def dismiss_breakdown(actor: User, report: BreakdownReport, note: str = "") -> BreakdownReport:
    """The host finds nothing wrong (or a duplicate): the report closes, no downtime."""
    _check_host(actor, report)
    if not note.strip():
        raise ValidationError({"note": _("Say why, so that the person who reported it knows.")})
    with transaction.atomic():
        locked = _locked(report, BreakdownState.REPORTED)
        locked.state = BreakdownState.DISMISSED
        locked.closed_by, locked.closed_at = actor, timezone.now()
        locked.note = note.strip()
        locked.save()
    report.refresh_from_db()
    return report


def resolve_breakdown(
    actor: User, report: BreakdownReport, note: str = "", now: dt.datetime | None = None
) -> BreakdownReport:
    """The machine works again: the downtime ends now (if it was to last longer), bookings still
    flagged keep their machine, and the repair is recorded as a corrective intervention (the
    failure the machine's reliability counts, from `down_from` to now)."""
    _check_host(actor, report)
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked(report, BreakdownState.CONFIRMED)
        if locked.downtime is not None:
            end_downtime(actor, locked.downtime, now)
        AffectedBooking.objects.filter(report=locked, state=AffectedState.FLAGGED).update(
            state=AffectedState.CLEARED, updated_at=now
        )
        locked.state = BreakdownState.RESOLVED
        locked.closed_by, locked.closed_at = actor, now
        locked.note = note.strip()
        locked.save()
        record_intervention(
            actor,
            locked.machine,
            InterventionInput(
                kind=InterventionKind.CORRECTIVE,
                done_at=now,
                notes=locked.note or locked.description,
                failed_at=locked.down_from or locked.created_at,
                restored_at=now,
            ),
            now=now,
        )
    report.refresh_from_db()
    return report


def rebook(
    actor: User,
    affected: AffectedBooking,
    *,
    safety_acknowledged: bool = False,
    now: dt.datetime | None = None,
) -> AffectedBooking:
    """The booker takes the machine offered instead: the same slot booked on it and the original
    booking cancelled, both or neither. When someone took the slot meanwhile, the next machine
    is offered and the refusal says so."""
    if actor.pk != affected.booking.booker_id:
        raise PermissionDenied(_("Only the booker can rebook this booking."))
    now = now or timezone.now()
    offered = affected.alternative_id
    try:
        with transaction.atomic():
            locked = (
                AffectedBooking.objects.select_for_update(of=("self",))
                .select_related("booking", "alternative", "report__machine")
                .get(pk=affected.pk)
            )
            if locked.state != AffectedState.FLAGGED:
                raise BreakdownConflict(
                    _("This booking was already handled: “%(state)s”.")
                    % {"state": AffectedState(locked.state).label}
                )
            if locked.alternative is None:
                raise ValidationError(
                    {"alternative": _("No capable machine is free for this slot nearby.")}
                )
            original = locked.booking
            new = request_booking(
                actor,
                locked.alternative,
                original.start,
                original.end,
                booker_organisation=original.booker_organisation,
                note=original.note,
                safety_acknowledged=safety_acknowledged,
                now=now,
            )
            reason = _("Rebooked on %(machine)s after a breakdown.") % {
                "machine": locked.alternative.name
            }
            cancel_booking(actor, original, reason, now=now)
            locked.rebooked_as, locked.state = new, AffectedState.REBOOKED
            locked.save()
    except BookingConflict:
        raise
    except ValidationError as exc:
        if "safety_acknowledged" in getattr(exc, "error_dict", {}) or offered is None:
            raise
        next_one = _offer_next(affected, now, offered)
        if next_one is None:
            raise
        raise BreakdownConflict(next_one) from None
    affected.refresh_from_db()
    return affected


def _offer_next(affected: AffectedBooking, now: dt.datetime, taken: int) -> str | None:
    """After a refused rebook: the next machine free for the slot, saved; the message, or None
    when the refusal was not about the machine offered being taken."""
    booking = Booking.objects.select_related("booker").get(pk=affected.booking_id)
    found = alternative_for(booking, now)
    if found.machine_id == taken:
        return None  # still free: the refusal was about something else
    with transaction.atomic():
        locked = AffectedBooking.objects.select_for_update().get(pk=affected.pk)
        if locked.state != AffectedState.FLAGGED:
            return None
        locked.alternative_id = found.machine_id
        locked.alternative_km = found.distance_km
        locked.unmet_reason = found.unmet_reason
        locked.save()
    affected.refresh_from_db()
    if found.machine_id is None:
        return _("Someone has just taken the machine offered, and no other is free for this slot.")
    name = Machine.objects.get(pk=found.machine_id).name
    return _(
        "Someone has just taken the machine offered. %(machine)s is free instead: rebook on it."
    ) % {"machine": name}
