"""Closures and exceptional openings of a machine: the host adds and removes them.

Same rules as every action: one transaction each, permission checked inside, bookers told after
commit when a closure falls on their booking (the booking stays: the host decides what to do).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core.outbox import enqueue_in_transaction
from maillage.directory import permissions
from maillage.directory.models import User
from maillage.equipment.models import Machine
from maillage.sharing.models import (
    LIVE_STATES,
    AvailabilityException,
    Booking,
    ExceptionKind,
)
from maillage.sharing.tasks import notify_closure

REASON_MAX = 200


def add_exception(
    actor: User,
    machine: Machine,
    kind: str,
    start: dt.datetime,
    end: dt.datetime,
    reason: str = "",
) -> AvailabilityException:
    """Close a machine for a period (holidays, an event), or open it outside its hours."""
    if not permissions.can_host(actor, machine.organisation):
        raise PermissionDenied(_("Only the organisation's hosts can change its opening hours."))
    errors: dict[str, list[str]] = {}
    if kind not in ExceptionKind.values:
        errors["kind"] = [_("Unknown kind.")]
    if timezone.is_naive(start) or timezone.is_naive(end):
        errors["start"] = [_("Give the time with its time zone.")]
    elif end <= start:
        errors["end"] = [_("The end must come after the start.")]
    if len(reason.strip()) > REASON_MAX:
        errors["reason"] = [_("At most %(n)s characters.") % {"n": REASON_MAX}]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        exception = AvailabilityException.objects.create(
            machine=machine, kind=kind, start=start, end=end, reason=reason.strip()
        )
        affected: list[int] = []
        if kind == ExceptionKind.CLOSURE:
            affected = list(
                Booking.objects.filter(
                    machine=machine, state__in=LIVE_STATES, start__lt=end, end__gt=start
                ).values_list("pk", flat=True)
            )
        if affected:
            enqueue_in_transaction(notify_closure, exception.pk, affected)
    return exception


def remove_exception(actor: User, exception: AvailabilityException) -> None:
    """Withdraw a closure or an exceptional opening of a machine."""
    machine = exception.machine
    if machine is None:
        raise ValidationError(_("This closure belongs to a whole site, not to one machine."))
    if not permissions.can_host(actor, machine.organisation):
        raise PermissionDenied(_("Only the organisation's hosts can change its opening hours."))
    with transaction.atomic():
        AvailabilityException.objects.filter(pk=exception.pk).delete()
