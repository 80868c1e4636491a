"""Reads of plans and use: tasks to do per organisation, a machine's history and reliability.

Who reads what: an organisation's plans, tasks and interventions are for its active members and
the coordinators; the reliability table across the territory is for the coordinators.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from maillage.directory import permissions
from maillage.directory.models import Organisation
from maillage.equipment.models import Machine, Process
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
# MTBF and failures per 1,000 h are stored on the meter (computed by the database) and indexed
# with the machine, which breaks ties, so a page is a short index walk in every sort.
MTTR = ExpressionWrapper(F("repair_hours") / NullIf(F("repairs"), 0), output_field=FloatField())
MACHINE_SORTS = {
    "mtbf": (F("mtbf_hours").asc(nulls_last=True), F("machine_id").asc()),
    "-mtbf": (F("mtbf_hours").desc(nulls_last=True), F("machine_id").desc()),
    "failures": (F("failures").asc(), F("machine_id").asc()),
    "-failures": (F("failures").desc(), F("machine_id").desc()),
    "rate": (F("failures_per_1000h").asc(nulls_last=True), F("machine_id").asc()),
    "-rate": (F("failures_per_1000h").desc(nulls_last=True), F("machine_id").desc()),
}
RELIABILITY_SORTS = tuple(MACHINE_SORTS)
DEFAULT_SORT = "-failures"
RELIABILITY_PER_PAGE = 50
# Past this many machines the table counts no further: "more than 5,000", 100 pages to walk.
RELIABILITY_COUNT_CAP = 5000


class CappedPaginator(Paginator):
    """Counts the rows up to the cap (plus one, to know there are more), not the whole table."""

    cap = RELIABILITY_COUNT_CAP

    @cached_property
    def count(self) -> int:
        rows = cast(QuerySet[Any], self.object_list)
        return rows[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap


def check_coordinator(user: Any) -> None:
    if not permissions.is_coordinator(user):
        raise PermissionDenied(_("Only the coordinators read the territory's reliability."))


def _process_ids(code: str) -> list[int]:
    """The process with this code and its descendants, read first so that the filter on the
    machines' processes is a list of ids (an index search), not a join on the taxonomy."""
    path = Process.objects.filter(code=code).values_list("path", flat=True).first()
    if path is None:
        return []
    return list(Process.objects.filter(path__startswith=path).values_list("pk", flat=True))


def _meters(process: str = "", department: str = "") -> QuerySet[MachineMeter]:
    """Meters of the machines doing a process (that one or a sub-process of it) and/or with
    their site in a department; each filter a subquery on the machine, no join to count."""
    meters = MachineMeter.objects.all()
    if process:
        # EXISTS: walking a sort index, each meter is checked in the (machine, process) index
        # and the page stops after its rows; a process can cover a third of the park.
        doing = Machine.processes.through.objects.filter(
            machine_id=OuterRef("machine_id"), process_id__in=_process_ids(process)
        )
        meters = meters.filter(Exists(doing))
    if department:
        there = Machine.objects.filter(site__department_id=department)
        meters = meters.filter(machine_id__in=there.values("pk"))
    return meters


def reliability_by_machine(
    user: Any, sort: str = DEFAULT_SORT, *, process: str = "", department: str = ""
) -> QuerySet[MachineMeter]:
    """One row per machine (MTTR annotated), worst first by default; an unknown sort is the
    default one; machines without failures (no MTBF) or use (no rate) come last."""
    check_coordinator(user)
    order = MACHINE_SORTS.get(sort, MACHINE_SORTS[DEFAULT_SORT])
    return (
        _meters(process, department)
        .annotate(mttr=MTTR)
        .select_related("machine", "machine__organisation")
        .order_by(*order)
    )


def _process_totals(department: str = "") -> list[dict[str, Any]]:
    """Each process's machines and summed meters, grouped on the process id alone (the labels
    are read after). The meters join the machines' process links directly (the ORM would go
    through the machine table for every meter); CROSS JOIN keeps SQLite's order: scan the
    meters, find each one's processes in the (machine, process) index. PostgreSQL reads it as
    an inner join and plans it freely."""
    meters = MachineMeter._meta.db_table
    links = Machine.processes.through._meta.db_table
    where, params = "", ()
    if department:
        inner, params = _meters("", department).values("machine_id").query.sql_with_params()
        where = f"AND m.machine_id IN ({inner})"
    sql = (
        f"SELECT l.process_id, COUNT(*), SUM(m.hours), SUM(m.failures), SUM(m.repairs), "
        f"SUM(m.repair_hours) FROM {meters} m CROSS JOIN {links} l "
        f"WHERE l.machine_id = m.machine_id {where} GROUP BY l.process_id"
    )
    names = ("process_id", "machines", "total_hours", "total_failures", "total_repairs")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [
            dict(zip((*names, "total_repair_hours"), row, strict=True)) for row in cursor.fetchall()
        ]


def reliability_by_process(
    user: Any, sort: str = DEFAULT_SORT, *, process: str = "", department: str = ""
) -> list[dict[str, Any]]:
    """Per process: machines, hours, failures, MTBF, MTTR and failures per 1,000 h summed."""
    check_coordinator(user)
    totals = {row["process_id"]: row for row in _process_totals(department)}
    if process:
        wanted = set(_process_ids(process))
        totals = {pk: row for pk, row in totals.items() if pk in wanted}
    rows: list[dict[str, Any]] = []
    for code, label_fr, label_en, pk in Process.objects.filter(pk__in=totals).values_list(
        "code", "label_fr", "label_en", "pk"
    ):
        row = totals[pk]
        hours, failures = float(row["total_hours"] or 0), row["total_failures"] or 0
        row.update(
            machine__processes__code=code,
            machine__processes__label_fr=label_fr,
            machine__processes__label_en=label_en,
            mtbf=hours / failures if failures else None,
            mttr=(
                row["total_repair_hours"] / row["total_repairs"] if row["total_repairs"] else None
            ),
            per_1000=failures * 1000 / hours if hours else None,
        )
        rows.append(row)
    key, reverse = sort.lstrip("-"), sort.startswith("-")
    field = {"mtbf": "mtbf", "rate": "per_1000"}.get(key, "total_failures")
    rows.sort(key=lambda row: row["machine__processes__code"])
    present = [row for row in rows if row[field] is not None]
    present.sort(key=lambda row: row[field], reverse=reverse)
    return present + [row for row in rows if row[field] is None]


def reliability_page(
    user: Any,
    *,
    by: str = "machine",
    sort: str = DEFAULT_SORT,
    page: int | str | None = 1,
    process: str = "",
    department: str = "",
    per_page: int = RELIABILITY_PER_PAGE,
) -> Page:
    """One page of the coordinators' table, per machine or per process (page and bench).

    Per machine, the page's machines are chosen on the meter alone (its sort index, the
    filters' subqueries), then read with their machine and organisation: the database never
    sorts the wide joined rows of every machine a filter lets through."""
    if by == "process":
        processes = reliability_by_process(user, sort, process=process, department=department)
        return Paginator(processes, per_page).get_page(page)
    rows = reliability_by_machine(user, sort, process=process, department=department)
    found = CappedPaginator(rows.values_list("pk", flat=True), per_page).get_page(page)
    ids = list(found.object_list)
    meters = (
        MachineMeter.objects.annotate(mttr=MTTR)
        .select_related("machine", "machine__organisation")
        .in_bulk(ids)
    )
    return Page([meters[pk] for pk in ids if pk in meters], found.number, found.paginator)
