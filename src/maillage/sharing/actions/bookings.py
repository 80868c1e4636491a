"""Every booking goes through here: asked for, decided, cancelled, moved.

Whatever path a booking takes (page, API, approval), it goes through `request_booking` /
`decide_booking`, so qualification and overlap rules cannot be skipped. E-mails go out
after commit (`tasks`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core.durations import format_days
from maillage.core.outbox import enqueue_in_transaction
from maillage.directory.models import Organisation, OrganisationStatus, User
from maillage.equipment.models import Machine, MachineStatus
from maillage.sharing import availability, permissions
from maillage.sharing.actions.checks import (
    PROBLEM_MESSAGES,
    check_qualified,
    check_rules,
    lock_days,
    memberships,
    price_booking,
    price_list,
)
from maillage.sharing.models import Booking, BookingState, Mode, Offer
from maillage.sharing.queries import reads
from maillage.sharing.tasks import notify_booking


def request_booking(
    actor: User,
    machine: Machine,
    start: dt.datetime,
    end: dt.datetime,
    *,
    booker_organisation: Organisation | None = None,
    note: str = "",
    safety_acknowledged: bool = False,
    now: dt.datetime | None = None,
) -> Booking:
    """Ask for a slot; confirmed at once unless the host approves each request.

    Reads in two statements (`queries.reads`), writes in one short transaction: the machine's
    row locked, the booking inserted (the database refuses an overlap), its notification
    queued in the same transaction.
    """
    if not actor.is_authenticated:
        raise PermissionDenied(_("Sign in to book a machine."))
    now = now or timezone.now()
    terms = reads.load_terms(machine.pk, actor.pk)
    if terms is None or not terms.active or terms.host_status != OrganisationStatus.VALIDATED:
        raise ValidationError({"machine": _("This machine is not offered for booking.")})
    if terms.machine_status in (MachineStatus.DOWN, MachineStatus.RETIRED):
        raise ValidationError({"machine": _("This machine is out of service for now.")})
    if timezone.is_naive(start) or timezone.is_naive(end):
        raise ValidationError({"start": _("Give the time with its time zone.")})
    # The horizon first: a slot years ahead is refused before any calendar arithmetic.
    if max(start, end) > now + dt.timedelta(days=terms.rules.horizon_days):
        field, text = PROBLEM_MESSAGES[availability.Problem.HORIZON]
        raise ValidationError({field: _(text) % {"horizon": format_days(terms.rules.horizon_days)}})
    # In UTC, durations are true durations even across a daylight-saving change.
    start, end = start.astimezone(dt.UTC), end.astimezone(dt.UTC)
    org_ids = terms.booker_org_ids
    permissions.check_audience(actor, terms.audience, terms.host_id, org_ids)
    if booker_organisation is not None and booker_organisation.pk not in org_ids:
        raise ValidationError(
            {"booker_organisation": _("You can only book for an organisation you belong to.")}
        )
    booker_org_id = booker_organisation.pk if booker_organisation is not None else None
    if booker_org_id is None and org_ids:
        booker_org_id = terms.host_id if terms.host_id in org_ids else org_ids[0]
    if terms.safety_notes and not safety_acknowledged:
        raise ValidationError({"safety_acknowledged": _("Read and acknowledge the safety notes.")})
    if start < now:
        raise ValidationError({"start": _("This date has passed.")})
    check_rules(terms, machine.pk, availability.Interval(start, end), now)
    if terms.required_trainings and terms.mode != Mode.WITH_OPERATOR:
        check_qualified(actor, Offer.objects.get(pk=terms.offer_id), end)
    booking = Booking(
        machine=machine,
        booker=actor,
        booker_organisation_id=booker_org_id,
        host_organisation_id=terms.host_id,
        start=start,
        end=end,
        blocked_until=end + dt.timedelta(minutes=terms.rules.buffer_minutes),
        note=note.strip(),
        safety_acknowledged_at=now if terms.safety_notes else None,
        state=BookingState.REQUESTED if terms.mode == Mode.ON_REQUEST else BookingState.CONFIRMED,
    )
    price_booking(
        booking,
        terms.prices,
        terms.billing,
        {booker_org_id} if booker_org_id is not None else set(),
        bool(org_ids),
    )
    try:
        with transaction.atomic():
            lock_days(machine.pk, booking.start, booking.blocked_until)
            booking.save()
            queue_notification(booking, "requested")
    except IntegrityError as exc:
        if (
            "no_overlap" in str(exc)
            or "exclusion" in str(exc).lower()
            or "conflicting key" in str(exc)
        ):
            raise ValidationError(
                {"start": _("Someone has just booked this slot. Choose another one.")}
            ) from None
        raise
    return booking


class BookingConflict(ValidationError):
    """The booking changed between the caller's read and the lock (the API answers 409)."""


def locked_booking(booking: Booking, starts_from: Sequence[str]) -> Booking:
    """Inside a transaction: the booking's row locked and read again, in a state it may leave.

    The caller's instance may be stale (read before someone else's change committed): every
    transition starts from this row, so two concurrent ones behave as if run one after the other.
    """
    locked = Booking.objects.select_for_update(of=("self",)).get(pk=booking.pk)
    if locked.state not in starts_from:
        raise BookingConflict(
            _("This booking was changed meanwhile: it is now “%(state)s”.")
            % {"state": BookingState(locked.state).label}
        )
    return locked


def synced(caller: Booking, locked: Booking) -> Booking:
    """The caller's instance shows the new row too (pages and tests keep using it)."""
    for field in Booking._meta.concrete_fields:
        setattr(caller, field.attname, getattr(locked, field.attname))
    return locked


def decide_booking(actor: User, booking: Booking, approve: bool, reason: str = "") -> Booking:
    """The host approves (qualifications and slot checked again) or refuses a request."""
    if not permissions.is_host(actor, booking):
        raise PermissionDenied(_("Only the host organisation decides on its bookings."))
    if booking.state != BookingState.REQUESTED:
        raise ValidationError(_("This booking is no longer waiting for a decision."))
    with transaction.atomic():
        locked = locked_booking(booking, (BookingState.REQUESTED,))
        if approve:
            offer = Offer.objects.get(machine_id=locked.machine_id)
            check_qualified(locked.booker, offer, locked.end)
            org_ids = {m.organisation_id for m in memberships(locked.booker)}
            price_booking(
                locked,
                price_list(offer),
                offer.billing,
                {locked.booker_organisation_id} if locked.booker_organisation_id else set(),
                bool(org_ids),
            )
            locked.state = BookingState.CONFIRMED
        else:
            if not reason.strip():
                raise ValidationError({"reason": _("Say why, so that the booker can adapt.")})
            locked.state = BookingState.REFUSED
        locked.reason = reason.strip()
        locked.decided_by = actor
        locked.save()
        queue_notification(locked, locked.state)
    return synced(booking, locked)


def cancel_booking(
    actor: User, booking: Booking, reason: str = "", now: dt.datetime | None = None
) -> Booking:
    """The booker cancels before the start (within the host's notice), the host at any time."""
    now = now or timezone.now()
    is_booker = actor.pk == booking.booker_id
    is_host = permissions.is_host(actor, booking)
    if not (is_booker or is_host):
        raise PermissionDenied(_("Only the booker or the host can cancel this booking."))
    if booking.state not in (BookingState.REQUESTED, BookingState.CONFIRMED):
        raise ValidationError(_("Only a requested or confirmed booking can be cancelled."))
    if is_host and not is_booker and not reason.strip():
        raise ValidationError({"reason": _("Say why, so that the booker understands.")})
    with transaction.atomic():
        locked = locked_booking(booking, (BookingState.REQUESTED, BookingState.CONFIRMED))
        if is_booker and not is_host:
            # The locked row's start: a move since the caller's read changes the notice.
            offer = Offer.objects.filter(machine_id=locked.machine_id).first()
            notice = dt.timedelta(minutes=offer.min_notice_minutes if offer else 0)
            if locked.start - notice < now:
                raise ValidationError(_("Too late to cancel online: contact the host."))
        locked.state = BookingState.CANCELLED
        locked.reason = reason.strip()
        locked.decided_by = actor
        locked.save()
        queue_notification(locked, "cancelled")
    return synced(booking, locked)


def move_booking(
    actor: User,
    booking: Booking,
    start: dt.datetime,
    end: dt.datetime,
    now: dt.datetime | None = None,
) -> Booking:
    """The booker moves a booking within the host's rules; approval-only offers ask again."""
    now = now or timezone.now()
    if actor.pk != booking.booker_id:
        raise PermissionDenied(_("Only the booker can move this booking."))
    if booking.state not in (BookingState.REQUESTED, BookingState.CONFIRMED):
        raise ValidationError(_("Only a requested or confirmed booking can be moved."))
    if timezone.is_naive(start) or timezone.is_naive(end):
        raise ValidationError({"start": _("Give the time with its time zone.")})
    start, end = start.astimezone(dt.UTC), end.astimezone(dt.UTC)
    terms = reads.load_terms(booking.machine_id, actor.pk)
    if terms is None:
        raise ValidationError({"machine": _("This machine is not offered for booking.")})
    if start < now:
        raise ValidationError({"start": _("This date has passed.")})
    try:
        with transaction.atomic():
            locked = locked_booking(booking, (BookingState.REQUESTED, BookingState.CONFIRMED))
            # Checked under the lock: the calendar around the slot, without this very booking.
            check_rules(terms, locked.machine_id, availability.Interval(start, end), now, locked.pk)
            if terms.required_trainings and terms.mode != Mode.WITH_OPERATOR:
                check_qualified(actor, Offer.objects.get(pk=terms.offer_id), end)
            locked.start, locked.end = start, end
            locked.blocked_until = end + dt.timedelta(minutes=terms.rules.buffer_minutes)
            if terms.mode == Mode.ON_REQUEST:
                locked.state = BookingState.REQUESTED
            price_booking(
                locked,
                terms.prices,
                terms.billing,
                {locked.booker_organisation_id} if locked.booker_organisation_id else set(),
                bool(terms.booker_org_ids),
            )
            lock_days(locked.machine_id, locked.start, locked.blocked_until)
            locked.save()
            queue_notification(locked, "moved")
    except IntegrityError:
        raise ValidationError(
            {"start": _("Someone has just booked this slot. Choose another one.")}
        ) from None
    return synced(booking, locked)


def queue_notification(booking: Booking, event: str) -> None:
    """Inside the booking's transaction: the e-mails go out once it has committed.

    The state and start go with the task: the worker may send after a later change, and each
    e-mail tells what happened at its own event.
    """
    enqueue_in_transaction(
        notify_booking, booking.pk, str(event), str(booking.state), booking.start.isoformat()
    )
