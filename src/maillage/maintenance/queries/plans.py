"""Reads of plans and use: tasks to do per organisation, a machine's history and reliability.

Who reads what: an organisation's plans, tasks and interventions are for its active members and
the coordinators; the reliability table across the territory is for the coordinators.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    FloatField,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, NullIf
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.directory import permissions
from maillage.directory.models import Organisation
from maillage.equipment.models import Machine
from maillage.maintenance import due, reliability
from maillage.maintenance.models import (
    Intervention,
    InterventionKind,
    MachineMeter,
    MaintenancePlan,
    PlanTask,
    TaskState,
    UsageRecord,
)

ZERO = Value(Decimal(0), output_field=DecimalField(max_digits=12, decimal_places=2))
YEAR = dt.timedelta(days=365)


def can_read_maintenance(user: Any, organisation: Organisation) -> bool:
    return (
        permissions.is_coordinator(user)
        or permissions.membership_of(user, organisation) is not None
    )


def check_can_read(user: Any, organisation: Organisation) -> None:
    if not can_read_maintenance(user, organisation):
        raise PermissionDenied(_("Only the organisation's members can read its maintenance."))


def schedule_of(task: PlanTask) -> due.Schedule:
    return due.Schedule(
        every_hours=float(task.every_hours) if task.every_hours is not None else None,
        every_days=task.every_days,
        lead_hours=float(task.lead_hours),
        lead_days=task.lead_days,
    )


def meter_hours(machine: Machine) -> Decimal:
    meter = MachineMeter.objects.filter(machine=machine).values_list("hours", flat=True).first()
    return meter if meter is not None else Decimal(0)


def state_of(
    state: TaskState, hours: Decimal | None = None, today: dt.date | None = None
) -> due.Due:
    """Where a task stands on its machine today (the meter read unless given)."""
    return due.due(
        schedule_of(state.task),
        float(state.last_done_hours),
        state.last_done_on,
        float(hours if hours is not None else meter_hours(state.machine)),
        today or timezone.localdate(),
    )


def attention(today: dt.date) -> Q:
    """Tasks planned, due or overdue: the meter or the day reached the planning threshold."""
    return Q(plan_hours__lte=F("hours_now")) | Q(plan_on__lte=today)


@dataclass(frozen=True)
class DueTask:
    state: TaskState
    due: due.Due


def due_tasks(
    states: QuerySet[TaskState], today: dt.date | None = None, limit: int = 200
) -> list[DueTask]:
    today = today or timezone.localdate()
    rows = (
        states.annotate(hours_now=Coalesce(F("machine__meter__hours"), ZERO))
        .filter(attention(today))
        .select_related("machine", "task", "task__plan")
        .order_by("plan_on", "machine__name", "task__position")[:limit]
    )
    found = [DueTask(row, state_of(row, row.hours_now, today)) for row in rows]
    found.sort(key=lambda item: -due.RANK[item.due.state])
    return found


def due_states(
    user: Any, organisation: Organisation, today: dt.date | None = None
) -> list[TaskState]:
    check_can_read(user, organisation)
    return [
        item.state for item in due_tasks(TaskState.objects.filter(organisation=organisation), today)
    ]


def due_for_organisation(user: Any, organisation: Organisation, limit: int = 200) -> list[DueTask]:
    check_can_read(user, organisation)
    return due_tasks(TaskState.objects.filter(organisation=organisation), limit=limit)


def due_for_host(user: Any, limit: int = 50) -> list[DueTask]:
    """The host dashboard: tasks to do on the machines of the organisations one hosts for."""
    if not user.is_authenticated:
        return []
    hosted = permissions.hosted_organisation_ids(user)
    return due_tasks(TaskState.objects.filter(organisation_id__in=hosted), limit=limit)


def machine_reliability(
    machine: Machine, end: dt.datetime | None = None
) -> reliability.Reliability:
    """The last twelve months of one machine, from its usage records and repairs."""
    end = end or timezone.now()
    start = end - YEAR
    hours = UsageRecord.objects.filter(machine=machine, when__gte=start, when__lt=end).aggregate(
        total=Sum("hours")
    )["total"]
    failures = [
        reliability.Failure(failed_at, restored_at)
        for failed_at, restored_at in Intervention.objects.filter(
            machine=machine, kind=InterventionKind.CORRECTIVE, failed_at__isnull=False
        )
        .filter(Q(restored_at__isnull=True) | Q(restored_at__gt=start), failed_at__lt=end)
        .values_list("failed_at", "restored_at")
        if failed_at is not None
    ]
    return reliability.reliability([float(hours or 0)], failures, start, end)


def machine_tasks(machine: Machine, today: dt.date | None = None) -> list[DueTask]:
    """Every task on one machine with where it stands (caller checks who reads)."""
    today = today or timezone.localdate()
    hours = meter_hours(machine)
    rows = (
        TaskState.objects.filter(machine=machine)
        .select_related("task", "task__plan", "machine")
        .order_by("task__plan__name", "task__position")
    )
    found = [DueTask(row, state_of(row, hours, today)) for row in rows]
    found.sort(key=lambda item: -due.RANK[item.due.state])
    return found


def interventions_of(machine: Machine, limit: int = 100) -> QuerySet[Intervention]:
    return (
        Intervention.objects.filter(machine=machine)
        .select_related("performed_by", "repairer")
        .prefetch_related("tasks", "parts")[:limit]
    )


def plans_of(organisation: Organisation) -> QuerySet[MaintenancePlan]:
    return (
        MaintenancePlan.objects.filter(organisation=organisation)
        .select_related("machine", "process")
        .prefetch_related("tasks")
    )


# The coordinators' table reads the meters: one row per machine, totals since records began.
MTBF = ExpressionWrapper(
    F("hours") / NullIf(F("failures"), 0),
    output_field=DecimalField(max_digits=14, decimal_places=2),
)
MTTR = ExpressionWrapper(F("repair_hours") / NullIf(F("repairs"), 0), output_field=FloatField())
PER_1000 = ExpressionWrapper(
    F("failures") * Decimal(1000) / NullIf(F("hours"), 0),
    output_field=DecimalField(max_digits=14, decimal_places=2),
)
MACHINE_SORTS = {
    "mtbf": F("mtbf").asc(nulls_last=True),
    "-mtbf": F("mtbf").desc(nulls_last=True),
    "failures": F("failures").asc(),
    "-failures": F("failures").desc(),
    "rate": F("per_1000").asc(nulls_last=True),
    "-rate": F("per_1000").desc(nulls_last=True),
}


def check_coordinator(user: Any) -> None:
    if not permissions.is_coordinator(user):
        raise PermissionDenied(_("Only the coordinators read the territory's reliability."))


def reliability_by_machine(user: Any, sort: str = "-failures") -> QuerySet[MachineMeter]:
    check_coordinator(user)
    order = MACHINE_SORTS.get(sort, MACHINE_SORTS["-failures"])
    return (
        MachineMeter.objects.annotate(mtbf=MTBF, mttr=MTTR, per_1000=PER_1000)
        .select_related("machine", "machine__organisation")
        .order_by(order, "machine__name", "pk")
    )


def reliability_by_process(user: Any, sort: str = "-failures") -> list[dict[str, Any]]:
    """Per process: machines, hours, failures, MTBF, MTTR and failures per 1,000 h summed."""
    check_coordinator(user)
    rows: list[dict[str, Any]] = [
        dict(row)
        for row in MachineMeter.objects.values(
            "machine__processes__code",
            "machine__processes__label_fr",
            "machine__processes__label_en",
        )
        .exclude(machine__processes__code=None)
        .annotate(
            machines=Count("machine", distinct=True),
            total_hours=Sum("hours"),
            total_failures=Sum("failures"),
            total_repairs=Sum("repairs"),
            total_repair_hours=Sum("repair_hours"),
        )
    ]
    for row in rows:
        hours, failures = float(row["total_hours"] or 0), row["total_failures"] or 0
        row["mtbf"] = hours / failures if failures else None
        row["mttr"] = (
            row["total_repair_hours"] / row["total_repairs"] if row["total_repairs"] else None
        )
        row["per_1000"] = failures * 1000 / hours if hours else None
    key, reverse = sort.lstrip("-"), sort.startswith("-")
    field = {"mtbf": "mtbf", "rate": "per_1000"}.get(key, "total_failures")
    present = [row for row in rows if row[field] is not None]
    present.sort(key=lambda row: row[field], reverse=reverse)
    return present + [row for row in rows if row[field] is None]


# The coordinators' table: sort keys and their order (worst machines first).
RELIABILITY_ORDERS = {
    "mtbf": (F("mtbf").asc(nulls_last=True), "machine_id"),
    "-mtbf": (F("mtbf").desc(nulls_last=True), "machine_id"),
    "failures": (F("failures").desc(), "machine_id"),
    "failure_rate": (F("failure_rate").desc(nulls_last=True), "machine_id"),
}


@dataclass(frozen=True)
class ReliabilityPage:
    rows: list[MachineMeter]  # annotated with mtbf, mttr and failure_rate (per 1,000 h)
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def reliability_table(
    user: Any,
    *,
    order: str = "mtbf",
    page: int = 1,
    per_page: int = 50,
    process_code: str = "",
    department: str = "",
) -> ReliabilityPage:
    """Reliability per machine across the territory, from each machine's meter (totals since
    its use is recorded), for the coordinators; machines that never failed have no MTBF and
    come last when sorting by it."""
    if not permissions.is_coordinator(user):
        raise PermissionDenied(_("Only the coordinators can read the reliability table."))
    if order not in RELIABILITY_ORDERS:
        raise ValueError(f"order must be one of {sorted(RELIABILITY_ORDERS)}")
    meters = MachineMeter.objects.all()
    if process_code:
        meters = meters.filter(machine__processes__code__startswith=process_code).distinct()
    if department:
        meters = meters.filter(machine__site__department_id=department)
    hours = Cast("hours", FloatField())
    rows = (
        meters.annotate(
            mtbf=hours / NullIf(Cast("failures", FloatField()), Value(0.0)),
            mttr=F("repair_hours") / NullIf(Cast("repairs", FloatField()), Value(0.0)),
            failure_rate=Cast("failures", FloatField()) * 1000.0 / NullIf(hours, Value(0.0)),
        )
        .select_related("machine", "machine__organisation")
        .order_by(*RELIABILITY_ORDERS[order])
    )
    page = max(1, page)
    start = (page - 1) * per_page
    return ReliabilityPage(list(rows[start : start + per_page]), meters.count(), page, per_page)
