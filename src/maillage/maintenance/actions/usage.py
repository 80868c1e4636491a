"""Hours of use: from booking check-out (through sharing's signal) and the owner's own use.

Each record and the machine's meter change in one transaction, the meter row locked: two
check-outs of the same machine add up, and a record of the same booking told twice counts once.
A task of a "block" plan that goes overdue opens a downtime through sharing (ADR 0010).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.directory import permissions
from maillage.directory.models import User
from maillage.equipment.models import Machine, MachineStatus
from maillage.maintenance.models import (
    Enforcement,
    MachineMeter,
    TaskState,
    UsageRecord,
    UsageSource,
)
from maillage.sharing.actions.downtimes import open_downtime
from maillage.sharing.models import Booking

# A single record covers at most a year of continuous use: anything more is a typing error.
MAX_HOURS = Decimal(24 * 366)


def locked_meter(machine_id: int) -> MachineMeter:
    """Inside a transaction: the machine's meter, created at zero the first time, locked."""
    meter, _created = MachineMeter.objects.select_for_update().get_or_create(machine_id=machine_id)
    return meter


def clean_hours(value: object, field: str = "hours") -> Decimal:
    try:
        hours = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Give a number of hours, such as 2.5.")}) from None
    if hours < 0:
        raise ValidationError({field: _("Hours used cannot be negative.")})
    if hours > MAX_HOURS:
        raise ValidationError({field: _("That is more hours than a year holds.")})
    return hours


def record_booking_usage(booking: Booking, hours: Decimal, when: dt.datetime) -> UsageRecord:
    """The hours a booking's check-out recorded (sharing's `usage_recorded`); once per booking."""
    hours = clean_hours(hours)
    with transaction.atomic():
        meter = locked_meter(booking.machine_id)
        existing = UsageRecord.objects.filter(booking=booking).first()
        if existing is not None:
            return existing
        return _add(meter, booking.machine_id, hours, when, UsageSource.BOOKING, booking=booking)


def record_own_use(
    actor: User,
    machine: Machine,
    hours: object,
    when: dt.datetime | None = None,
    *,
    source: str = UsageSource.OWNER,
    note: str = "",
) -> UsageRecord:
    """The owner's own use, typed in a form or sent through the API."""
    if not permissions.can_host(actor, machine.organisation):
        raise PermissionDenied(
            _("Only the organisation's hosts can record the use of its machines.")
        )
    clean = clean_hours(hours)
    when = when or timezone.now()
    if when > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError({"when": _("Use cannot be recorded in the future.")})
    if machine.status == MachineStatus.RETIRED:
        raise ValidationError({"machine": _("This machine is retired.")})
    with transaction.atomic():
        meter = locked_meter(machine.pk)
        return _add(meter, machine.pk, clean, when, source, actor=actor, note=note.strip()[:200])


def _add(
    meter: MachineMeter,
    machine_id: int,
    hours: Decimal,
    when: dt.datetime,
    source: str,
    *,
    booking: Booking | None = None,
    actor: User | None = None,
    note: str = "",
) -> UsageRecord:
    record = UsageRecord.objects.create(
        machine_id=machine_id,
        when=when,
        hours=hours,
        source=source,
        booking=booking,
        recorded_by=actor,
        note=note,
    )
    meter.hours += hours
    meter.save(update_fields=["hours", "updated_at"])
    enforce_blocks(meter, timezone.localdate())
    return record


def enforce_blocks(meter: MachineMeter, today: dt.date) -> int:
    """Inside a transaction, meter locked: open a downtime for the overdue tasks of "block" plans
    that have none yet (one downtime per machine at a time); returns how many tasks it covers."""
    overdue = list(
        TaskState.objects.select_for_update(of=("self",))
        .filter(
            machine_id=meter.machine_id,
            task__plan__enforcement=Enforcement.BLOCK,
            downtime__isnull=True,
        )
        .filter(Q(over_hours__lt=meter.hours) | Q(over_on__lt=today))
        .select_related("task", "machine")
    )
    if not overdue:
        return 0
    open_one = (
        TaskState.objects.filter(
            machine_id=meter.machine_id, downtime__isnull=False, downtime__end__isnull=True
        )
        .values_list("downtime_id", flat=True)
        .first()
    )
    if open_one is None:
        titles = ", ".join(sorted({state.task.title for state in overdue}))
        reason = _("Maintenance overdue: %(tasks)s") % {"tasks": titles}
        open_one = open_downtime(overdue[0].machine, reason[:200], timezone.now(), notify=False).pk
    TaskState.objects.filter(pk__in=[state.pk for state in overdue]).update(downtime_id=open_one)
    return len(overdue)


def enforce_all_blocks(today: dt.date | None = None) -> int:
    """The periodic run: tasks that went overdue by the calendar alone block their machine."""
    today = today or timezone.localdate()
    machine_ids = (
        TaskState.objects.filter(
            task__plan__enforcement=Enforcement.BLOCK, downtime__isnull=True, over_on__lt=today
        )
        .values_list("machine_id", flat=True)
        .distinct()
    )
    blocked = 0
    for machine_id in list(machine_ids):
        with transaction.atomic():
            blocked += enforce_blocks(locked_meter(machine_id), today)
    return blocked
