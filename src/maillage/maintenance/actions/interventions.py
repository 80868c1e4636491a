"""Interventions: a task done, a repair, a retrofit, an inspection; with the parts replaced.

Recording one closes the plan tasks it covers (their state starts again from the meter and the
day it was done) and ends the "block" downtime they held once none is left overdue; a corrective
one counts a failure and its repair time on the meter, for the reliability figures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.directory import permissions
from maillage.directory.models import (
    Membership,
    MembershipState,
    Organisation,
    OrganisationStatus,
    User,
)
from maillage.equipment.models import Machine
from maillage.maintenance.actions.plans import set_thresholds
from maillage.maintenance.actions.usage import clean_hours, locked_meter
from maillage.maintenance.models import (
    Intervention,
    InterventionKind,
    MachineMeter,
    PartMaterial,
    PartReplaced,
    TaskState,
)
from maillage.sharing.actions.downtimes import close_downtime


@dataclass(frozen=True)
class PartInput:
    name: str
    mass_kg: object
    material: str


@dataclass(frozen=True)
class InterventionInput:
    kind: str
    done_at: dt.datetime
    task_ids: list[int] = field(default_factory=list)
    performed_by_id: int | None = None
    repairer_id: int | None = None
    hours_spent: object = 0
    cost_cents: int = 0
    notes: str = ""
    failed_at: dt.datetime | None = None
    restored_at: dt.datetime | None = None
    parts: list[PartInput] = field(default_factory=list)
    document: UploadedFile | None = None


def check_can_maintain(actor: User, machine: Machine) -> None:
    if not permissions.can_host(actor, machine.organisation):
        raise PermissionDenied(_("Only the organisation's hosts can record its interventions."))


def _clean_parts(parts: list[PartInput]) -> list[PartReplaced]:
    clean = []
    for index, part in enumerate(parts):
        if not part.name.strip():
            raise ValidationError({f"parts.{index}.name": _("Name the part.")})
        if part.material not in PartMaterial.values:
            raise ValidationError({f"parts.{index}.material": _("Choose a material.")})
        mass = clean_hours(part.mass_kg, f"parts.{index}.mass_kg")
        clean.append(
            PartReplaced(name=part.name.strip()[:200], mass_kg=mass, material=part.material)
        )
    return clean


def _check_people(machine: Machine, data: InterventionInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    if (
        data.performed_by_id is not None
        and not Membership.objects.filter(
            user_id=data.performed_by_id,
            organisation_id=machine.organisation_id,
            state=MembershipState.ACTIVE,
        ).exists()
    ):
        errors["performed_by"] = _("This person is not a member of the organisation.")
    if (
        data.repairer_id is not None
        and not Organisation.objects.filter(
            pk=data.repairer_id, status=OrganisationStatus.VALIDATED
        ).exists()
    ):
        errors["repairer"] = _("Choose a validated organisation of the directory.")
    return errors


def _check(machine: Machine, data: InterventionInput, now: dt.datetime) -> None:
    errors = _check_people(machine, data)
    if data.kind not in InterventionKind.values:
        errors["kind"] = _("Choose a kind of intervention.")
    if data.done_at > now + dt.timedelta(minutes=5):
        errors["done_at"] = _("An intervention cannot be recorded before it is done.")
    if data.kind == InterventionKind.CORRECTIVE and data.failed_at is None:
        errors["failed_at"] = _("Say when the machine failed.")
    if data.kind != InterventionKind.CORRECTIVE and data.failed_at is not None:
        errors["failed_at"] = _("Only a repair follows a failure.")
    if data.failed_at and data.restored_at and data.restored_at < data.failed_at:
        errors["restored_at"] = _("The machine cannot work again before it failed.")
    if data.cost_cents < 0:
        errors["cost_cents"] = _("A cost cannot be negative.")
    if errors:
        raise ValidationError(errors)


def record_intervention(
    actor: User, machine: Machine, data: InterventionInput, now: dt.datetime | None = None
) -> Intervention:
    check_can_maintain(actor, machine)
    now = now or timezone.now()
    _check(machine, data, now)
    hours_spent = clean_hours(data.hours_spent, "hours_spent")
    parts = _clean_parts(data.parts)
    with transaction.atomic():
        meter = locked_meter(machine.pk)
        states = list(
            TaskState.objects.select_for_update(of=("self",))
            .filter(machine=machine, task_id__in=data.task_ids)
            .select_related("task")
        )
        if len(states) != len(set(data.task_ids)):
            raise ValidationError({"tasks": _("A task chosen is not in this machine's plans.")})
        intervention = Intervention.objects.create(
            machine=machine,
            kind=data.kind,
            done_at=data.done_at,
            performed_by_id=data.performed_by_id,
            repairer_id=data.repairer_id,
            hours_spent=hours_spent,
            cost_cents=data.cost_cents,
            notes=data.notes.strip(),
            failed_at=data.failed_at,
            restored_at=data.restored_at,
            recorded_by=actor,
            document=data.document or "",
        )
        for part in parts:
            part.intervention = intervention
        PartReplaced.objects.bulk_create(parts)
        intervention.tasks.set([state.task for state in states])
        _close_tasks(meter, states, data.done_at)
        if data.kind == InterventionKind.CORRECTIVE:
            count_failure(meter, data.failed_at, data.restored_at)
    return intervention


def _close_tasks(meter: MachineMeter, states: list[TaskState], done_at: dt.datetime) -> None:
    downtimes = set()
    for state in states:
        state.last_done_hours = meter.hours
        state.last_done_on = timezone.localdate(done_at)
        set_thresholds(state, state.task)
        if state.downtime_id is not None:
            downtimes.add(state.downtime_id)
            state.downtime = None
        state.save()
    for downtime_id in downtimes:
        if not TaskState.objects.filter(downtime_id=downtime_id).exists():
            close_downtime(downtime_id)


def count_failure(
    meter: MachineMeter, failed_at: dt.datetime | None, restored_at: dt.datetime | None
) -> None:
    """Inside a transaction, meter locked: one failure more, and its repair time when known."""
    meter.failures += 1
    if failed_at is not None and restored_at is not None:
        meter.repairs += 1
        meter.repair_hours += (restored_at - failed_at).total_seconds() / 3600
    meter.save(update_fields=["failures", "repairs", "repair_hours", "updated_at"])
