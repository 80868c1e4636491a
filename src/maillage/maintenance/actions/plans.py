"""Maintenance plans and their tasks: create, edit, apply the starter plans.

A plan applies to one machine or to every machine of its organisation doing a process; each
task on each machine it applies to has a `TaskState` holding when it was last done and the
thresholds from `maintenance.due`, starting from the meter and the day the task was set.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.directory import permissions
from maillage.directory.models import Organisation, User
from maillage.equipment.models import Machine, MachineStatus, Process
from maillage.maintenance import due
from maillage.maintenance.models import (
    Enforcement,
    MachineMeter,
    MaintenancePlan,
    PlanTask,
    TaskState,
)
from maillage.maintenance.queries.plans import schedule_of

STARTER_PLANS = Path(__file__).resolve().parent.parent / "data" / "starter_plans.json"


def check_can_plan(actor: User, organisation: Organisation) -> None:
    if not permissions.can_host(actor, organisation):
        raise PermissionDenied(_("Only the organisation's hosts can plan its maintenance."))


@dataclass(frozen=True)
class PlanInput:
    name: str
    machine_id: int | None = None
    process_code: str = ""
    enforcement: str = Enforcement.WARN


@dataclass(frozen=True)
class TaskInput:
    title: str
    checklist: str = ""
    every_hours: object = None
    every_days: object = None
    lead_hours: object = 0
    lead_days: object = 0


def _clean_plan(organisation: Organisation, data: PlanInput) -> dict:
    errors: dict[str, str] = {}
    name = data.name.strip()
    if not name:
        errors["name"] = _("Give the plan a name.")
    if data.enforcement not in Enforcement.values:
        errors["enforcement"] = _("Choose warn or block.")
    machine = process = None
    if (data.machine_id is None) == (not data.process_code):
        errors["machine"] = _("Choose one machine or one process, not both.")
    elif data.machine_id is not None:
        machine = Machine.objects.filter(pk=data.machine_id, organisation=organisation).first()
        if machine is None:
            errors["machine"] = _("This machine does not belong to the organisation.")
    else:
        process = Process.objects.filter(code=data.process_code).first()
        if process is None:
            errors["process"] = _("Unknown process.")
    if errors:
        raise ValidationError(errors)
    return {
        "name": name[:200],
        "machine": machine,
        "process": process,
        "enforcement": data.enforcement,
    }


def _number(value: object, field: str, *, whole: bool = False) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Give a number.")}) from None
    if not number.is_finite() or (whole and number != number.to_integral_value()):
        raise ValidationError({field: _("Give a whole number.")})
    if number < 0:
        raise ValidationError({field: _("This cannot be negative.")})
    if number > 100_000:
        raise ValidationError({field: _("This is too large.")})
    return number


def _clean_task(data: TaskInput) -> dict:
    title = data.title.strip()
    if not title:
        raise ValidationError({"title": _("Give the task a title.")})
    every_hours = _number(data.every_hours, "every_hours")
    every_days = _number(data.every_days, "every_days", whole=True)
    for field, value in (("every_hours", every_hours), ("every_days", every_days)):
        if value == 0:
            raise ValidationError(
                {field: _("An interval of 0 would make the task due all the time.")}
            )
    if every_hours is None and every_days is None:
        raise ValidationError(
            {"every_hours": _("Give an interval in hours of use, in days, or both.")}
        )
    return {
        "title": title[:200],
        "checklist": data.checklist.strip(),
        "every_hours": every_hours,
        "every_days": int(every_days) if every_days is not None else None,
        "lead_hours": _number(data.lead_hours, "lead_hours") or Decimal(0),
        "lead_days": int(_number(data.lead_days, "lead_days", whole=True) or 0),
    }


def create_plan(
    actor: User,
    organisation: Organisation,
    data: PlanInput,
    tasks: list[TaskInput] = (),  # type: ignore[assignment]
) -> MaintenancePlan:
    check_can_plan(actor, organisation)
    fields = _clean_plan(organisation, data)
    cleaned = [_clean_task(task) for task in tasks]
    with transaction.atomic():
        plan = MaintenancePlan.objects.create(organisation=organisation, **fields)
        for position, task in enumerate(cleaned):
            PlanTask.objects.create(plan=plan, position=position, **task)
        sync_states(plan)
    return plan


def edit_plan(actor: User, plan: MaintenancePlan, data: PlanInput) -> MaintenancePlan:
    check_can_plan(actor, plan.organisation)
    fields = _clean_plan(plan.organisation, data)
    with transaction.atomic():
        locked = MaintenancePlan.objects.select_for_update().filter(pk=plan.pk).first()
        if locked is None:
            raise ValidationError(_("This plan was deleted meanwhile."))
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save()
        sync_states(locked)
    return locked


def add_task(actor: User, plan: MaintenancePlan, data: TaskInput) -> PlanTask:
    check_can_plan(actor, plan.organisation)
    fields = _clean_task(data)
    with transaction.atomic():
        locked = MaintenancePlan.objects.select_for_update().filter(pk=plan.pk).first()
        if locked is None:
            raise ValidationError(_("This plan was deleted meanwhile."))
        task = PlanTask.objects.create(plan=locked, position=locked.tasks.count(), **fields)
        sync_states(locked)
    return task


def edit_task(actor: User, task: PlanTask, data: TaskInput) -> PlanTask:
    check_can_plan(actor, task.plan.organisation)
    fields = _clean_task(data)
    with transaction.atomic():
        locked = PlanTask.objects.select_for_update().filter(pk=task.pk).first()
        if locked is None:
            raise ValidationError(_("This task was deleted meanwhile."))
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save()
        for state in TaskState.objects.select_for_update().filter(task=locked):
            set_thresholds(state, locked)
            state.save()
    return locked


def set_thresholds(state: TaskState, task: PlanTask) -> None:
    """The state's due point and planned/overdue thresholds, from when it was last done."""
    schedule = schedule_of(task)
    last = float(state.last_done_hours)
    due_hours, state.due_on = due.limits(schedule, last, state.last_done_on)
    state.due_hours = _dec(due_hours)
    plan_hours, state.plan_on, over_hours, state.over_on = due.thresholds(
        schedule, last, state.last_done_on
    )
    state.plan_hours, state.over_hours = _dec(plan_hours), _dec(over_hours)


def _dec(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(round(value, 2)))


def machines_of(plan: MaintenancePlan) -> list[Machine]:
    if plan.machine_id is not None:
        return [plan.machine] if plan.machine is not None else []
    return list(
        Machine.objects.filter(organisation=plan.organisation_id, processes=plan.process_id)
        .exclude(status=MachineStatus.RETIRED)
        .distinct()
    )


def sync_states(plan: MaintenancePlan, today: dt.date | None = None) -> int:
    """Inside a transaction: a state for each task on each machine the plan applies to, starting
    from the machine's meter today; returns how many were created."""
    today = today or timezone.localdate()
    machines = machines_of(plan)
    meters = dict(
        MachineMeter.objects.filter(machine__in=machines).values_list("machine_id", "hours")
    )
    have = set(TaskState.objects.filter(task__plan=plan).values_list("machine_id", "task_id"))
    created = []
    for task in plan.tasks.all():
        for machine in machines:
            if (machine.pk, task.pk) in have:
                continue
            state = TaskState(
                machine=machine,
                task=task,
                organisation_id=machine.organisation_id,
                last_done_hours=meters.get(machine.pk, Decimal(0)),
                last_done_on=today,
            )
            set_thresholds(state, task)
            created.append(state)
    TaskState.objects.bulk_create(created, ignore_conflicts=True)
    return len(created)


def starter_plans() -> list[dict]:
    with STARTER_PLANS.open(encoding="utf-8") as handle:
        return list(json.load(handle)["plans"])


def apply_starter_plans(actor: User, organisation: Organisation) -> list[MaintenancePlan]:
    """The starter plans for the processes the organisation's machines do, once each."""
    check_can_plan(actor, organisation)
    processes = set(
        Machine.objects.filter(organisation=organisation)
        .exclude(status=MachineStatus.RETIRED)
        .values_list("processes__code", flat=True)
    )
    made = []
    with transaction.atomic():
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        done = set(
            MaintenancePlan.objects.filter(organisation=organisation)
            .exclude(starter_key="")
            .values_list("starter_key", flat=True)
        )
        for starter in starter_plans():
            if starter["process"] not in processes or starter["key"] in done:
                continue
            plan = create_plan(
                actor,
                organisation,
                PlanInput(name=starter["name"], process_code=starter["process"]),
                [_starter_task(task) for task in starter["tasks"]],
            )
            MaintenancePlan.objects.filter(pk=plan.pk).update(starter_key=starter["key"])
            made.append(plan)
    return made


def _starter_task(task: dict) -> TaskInput:
    return TaskInput(**{**task, "checklist": "\n".join(task.get("checklist", []))})
