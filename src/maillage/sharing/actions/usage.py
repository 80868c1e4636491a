"""The booking in use: check-in, check-out with the recorded use, no-shows released."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.directory.models import User
from maillage.qualifications import actions as qualification_actions
from maillage.sharing import permissions, pricing
from maillage.sharing.actions.bookings import locked_booking, queue_notification, synced
from maillage.sharing.models import Billing, Booking, BookingState, Offer
from maillage.sharing.signals import usage_recorded


def check_in(actor: User, booking: Booking, now: dt.datetime | None = None) -> Booking:
    now = now or timezone.now()
    if not (actor.pk == booking.booker_id or permissions.is_host(actor, booking)):
        raise PermissionDenied(_("Only the booker or the host can check in."))
    if booking.state != BookingState.CONFIRMED:
        raise ValidationError(_("Only a confirmed booking can be checked in."))
    with transaction.atomic():
        locked = locked_booking(booking, (BookingState.CONFIRMED,))
        if not locked.start - dt.timedelta(minutes=30) <= now <= locked.end:
            raise ValidationError(_("Check in from 30 minutes before the start until the end."))
        locked.state = BookingState.CHECKED_IN
        locked.checked_in_at = now
        locked.save()
    return synced(booking, locked)


@dataclass(frozen=True)
class UsageInput:
    hours_used: Decimal
    meter_reading: Decimal | None = None
    consumables: str = ""
    problem_report: str = ""


def check_out(
    actor: User, booking: Booking, usage: UsageInput, now: dt.datetime | None = None
) -> Booking:
    """Record the use; the final amount follows the recorded hours when the offer bills by use."""
    now = now or timezone.now()
    if not (actor.pk == booking.booker_id or permissions.is_host(actor, booking)):
        raise PermissionDenied(_("Only the booker or the host can check out."))
    if booking.state not in (BookingState.CHECKED_IN, BookingState.CONFIRMED):
        raise ValidationError(_("Only a booking in progress can be checked out."))
    errors: dict[str, list[str]] = {}
    if usage.hours_used < 0:
        errors["hours_used"] = [_("Hours used cannot be negative.")]
    elif usage.hours_used > Decimal(24 * 31):
        errors["hours_used"] = [_("That is more hours than a month holds.")]
    if usage.meter_reading is not None and usage.meter_reading < 0:
        errors["meter_reading"] = [_("A meter reading cannot be negative.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        caller = booking
        booking = locked_booking(caller, (BookingState.CHECKED_IN, BookingState.CONFIRMED))
        if booking.state == BookingState.CONFIRMED and now < booking.start:
            raise ValidationError(_("This booking has not started yet."))
        booking.hours_used = usage.hours_used
        booking.meter_reading = usage.meter_reading
        booking.consumables = usage.consumables.strip()
        booking.problem_report = usage.problem_report.strip()
        if booking.checked_in_at is None:
            booking.checked_in_at = booking.start
        booking.state = BookingState.COMPLETED
        booking.completed_at = now
        if booking.billing == Billing.USED:
            booking.final_cents = pricing.amount_cents(
                usage.hours_used, booking.rate_cents, booking.fixed_fee_cents
            )
        else:
            booking.final_cents = booking.estimated_cents
        booking.save()
        usage_recorded.send(Booking, booking=booking, hours=usage.hours_used, when=now)
        # Using the machine keeps the qualifications it accepts from lapsing, equivalents included.
        offer = Offer.objects.filter(machine_id=booking.machine_id).first()
        if offer is not None:
            qualification_actions.mark_used(
                booking.booker,
                offer.required_trainings.select_related("process"),
                offer.accept_network_qualifications,
                now,
            )
        queue_notification(booking, "completed")
    return synced(caller, booking)


def release_no_shows(now: dt.datetime) -> int:
    """Confirmed bookings never checked in after the host's grace period become no-shows.

    One UPDATE per distinct grace period among the offers (the periodic command); a booking
    request releases the late bookings that block its own slot itself (`_check_rules`).
    """
    default = Offer._meta.get_field("no_show_grace_minutes").get_default()
    confirmed = Booking.objects.filter(state=BookingState.CONFIRMED)
    released = 0
    graces = set(Offer.objects.values_list("no_show_grace_minutes", flat=True)) | {default}
    for grace in sorted(graces):
        by_offer = Q(machine__offer__no_show_grace_minutes=grace)
        if grace == default:
            by_offer |= Q(machine__offer__isnull=True)
        late = confirmed.filter(by_offer, start__lt=now - dt.timedelta(minutes=grace))
        released += late.update(state=BookingState.NO_SHOW)
    return released
