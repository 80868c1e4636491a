"""A machine goes out of service (its bookers are told) and comes back."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core.outbox import enqueue_in_transaction
from maillage.directory import permissions
from maillage.directory.models import User
from maillage.equipment.models import Machine, MachineStatus
from maillage.sharing.models import LIVE_STATES, Booking, Downtime
from maillage.sharing.tasks import notify_downtime


def set_machine_down(
    actor: User,
    machine: Machine,
    reason: str,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    *,
    notify_bookers: bool = True,
) -> Downtime:
    """Record a downtime; the machine stops taking bookings and affected bookers are told.

    `notify_bookers=False`: the caller tells them itself (maintenance's breakdown e-mail says
    which machine to rebook on).
    """
    if not permissions.can_host(actor, machine.organisation):
        raise PermissionDenied(_("Only the organisation's hosts can set its machines down."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why, so that bookers understand.")})
    start = start or timezone.now()
    if end is not None and end <= start:
        raise ValidationError({"end": _("The end must come after the start.")})
    return open_downtime(
        machine, reason.strip(), start, end, created_by=actor, notify=notify_bookers
    )


def set_machine_up(actor: User, machine: Machine) -> None:
    if not permissions.can_host(actor, machine.organisation):
        raise PermissionDenied(_("Only the organisation's hosts can set its machines back up."))
    with transaction.atomic():
        Machine.objects.select_for_update().filter(pk=machine.pk).first()
        Downtime.objects.filter(machine=machine, end__isnull=True).update(end=timezone.now())
        Machine.objects.filter(pk=machine.pk).update(status=MachineStatus.OPERATIONAL)


def open_downtime(
    machine: Machine,
    reason: str,
    start: dt.datetime,
    end: dt.datetime | None = None,
    *,
    created_by: User | None = None,
    notify: bool = True,
) -> Downtime:
    """The write behind `set_machine_down`, for the apps above sharing that decide on their own
    authority (maintenance: a task overdue on a "block" plan); they check who may ask first."""
    with transaction.atomic():
        # One status change of a machine at a time: a concurrent "up" cannot leave a downtime open.
        Machine.objects.select_for_update().filter(pk=machine.pk).first()
        downtime = Downtime.objects.create(
            machine=machine, start=start, end=end, reason=reason, created_by=created_by
        )
        if end is None:
            Machine.objects.filter(pk=machine.pk).update(status=MachineStatus.DOWN)
        affected = Booking.objects.filter(machine=machine, state__in=LIVE_STATES, end__gt=start)
        if end is not None:
            affected = affected.filter(start__lt=end)
        affected_ids = list(affected.values_list("pk", flat=True)) if notify else []
        if affected_ids:
            enqueue_in_transaction(notify_downtime, downtime.pk, affected_ids)
    return downtime


def close_downtime(downtime_id: int, at: dt.datetime | None = None) -> Downtime | None:
    """End one downtime at `at` (default now) if it was to last longer; the machine is back up
    once no other downtime is open. For the apps above sharing that decide on their own
    authority (maintenance: the intervention that ends a block); they check who may ask first.
    None when the downtime is gone."""
    at = at or timezone.now()
    with transaction.atomic():
        machine = (
            Machine.objects.select_for_update(of=("self",))
            .filter(downtimes__pk=downtime_id)
            .first()
        )
        if machine is None:
            return None
        locked = Downtime.objects.select_for_update().get(pk=downtime_id)
        if locked.end is None or locked.end > at:
            locked.end = max(at, locked.start)
            locked.save(update_fields=["end"])
        still_open = Downtime.objects.filter(machine=machine, end__isnull=True).exists()
        if not still_open and machine.status == MachineStatus.DOWN:
            Machine.objects.filter(pk=machine.pk).update(status=MachineStatus.OPERATIONAL)
    return locked


def end_downtime(actor: User, downtime: Downtime, at: dt.datetime | None = None) -> Downtime:
    """A host ends one downtime at `at` (default now) if it was to last longer."""
    if not permissions.can_host(actor, downtime.machine.organisation):
        raise PermissionDenied(_("Only the organisation's hosts can set its machines back up."))
    closed = close_downtime(downtime.pk, at)
    if closed is None:
        raise ValidationError(_("This downtime no longer exists."))
    return closed
