"""Many needs at once: submit a batch, allocate it in the background, give each need a slot."""

from __future__ import annotations

import datetime as dt
import math
import traceback
from decimal import Decimal

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core.outbox import enqueue_in_transaction
from maillage.directory import permissions
from maillage.directory.models import User
from maillage.equipment.models import Machine
from maillage.matching import actions, engine
from maillage.matching.allocation import solve_assignment
from maillage.matching.loader import CACHE, FreeSlots
from maillage.matching.models import AllocationRun, Need, NeedStatus, UnmetReason
from maillage.sharing import availability
from maillage.sharing.schedule import open_intervals

CANDIDATES_PER_NEED = 30
MAX_NEEDS = 5000


def submit_batch(
    actor: User,
    title: str,
    needs: list[actions.NeedInput],
    *,
    time_limit_s: int = 30,
    co2_price_cents_per_kg: int = 10,
) -> AllocationRun:
    """Record a batch (every need checked first; one bad need saves nothing) and queue it."""
    if not permissions.is_coordinator(actor):
        raise PermissionDenied(_("Only network coordinators allocate batches of needs."))
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = [_("Give the batch a title.")]
    if not needs:
        errors["needs"] = [_("The batch holds no need.")]
    if len(needs) > MAX_NEEDS:
        errors["needs"] = [_("At most %(n)s needs per batch.") % {"n": MAX_NEEDS}]
    if not 1 <= time_limit_s <= 600:
        errors["time_limit_s"] = [_("Between 1 and 600 seconds.")]
    if co2_price_cents_per_kg < 0:
        errors["co2_price_cents_per_kg"] = [_("The CO2 price cannot be negative.")]
    now = timezone.now()
    cleaned = []
    for i, data in enumerate(needs):
        try:
            cleaned.append(actions._clean(data, now))
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                errors[f"needs[{i}].{key}"] = messages
    if errors:
        raise ValidationError(errors)
    empty = engine.Answer([], 0)
    with transaction.atomic():
        run = AllocationRun.objects.create(
            title=title.strip(),
            created_by=actor,
            time_limit_s=time_limit_s,
            co2_price_cents_per_kg=co2_price_cents_per_kg,
        )
        for data, (process, commune, lat, lon, hours) in zip(needs, cleaned, strict=True):
            actions._record(actor, data, process, commune, lat, lon, hours, empty, batch=run)
        # Queued with the run itself: a run is never left waiting without its task.
        from maillage.matching.tasks import run_allocation

        enqueue_in_transaction(run_allocation, run.pk)
    return run


def _progress(run: AllocationRun, percent: int, message: str = "") -> None:
    AllocationRun.objects.filter(pk=run.pk).update(progress=percent, message=message[:300])


def allocate(run_id: int) -> AllocationRun:
    """Compute the batch: candidates per need, the optimal assignment, then slots."""
    run = AllocationRun.objects.get(pk=run_id)
    AllocationRun.objects.filter(pk=run.pk).update(state=AllocationRun.State.RUNNING, progress=1)
    try:
        _allocate(run)
    except Exception:  # the run page must say what went wrong
        AllocationRun.objects.filter(pk=run.pk).update(
            state=AllocationRun.State.FAILED, message=traceback.format_exc(limit=2)[-300:]
        )
        raise
    run.refresh_from_db()
    return run


def _allocate(run: AllocationRun) -> None:
    needs = list(Need.objects.filter(batch=run).select_related("process").order_by("pk"))
    index, taxonomy = CACHE.get()
    earliest = min(n.earliest for n in needs)
    deadline = max(n.deadline for n in needs)
    slots = FreeSlots(earliest, deadline)
    candidates: list[list[engine.Result]] = []
    reasons: list[str] = []
    for i, need in enumerate(needs):
        query = actions.engine_need(
            _input_of(need),
            taxonomy.node_of_code[need.process.code],
            need.latitude,
            need.longitude,
            need.hours,
        )
        query = engine.Need(
            **{**{f: getattr(query, f) for f in query.__slots__}, "limit": CANDIDATES_PER_NEED}
        )
        answer = index.query(query)
        candidates.append(answer.results)
        reasons.append(answer.unmet_reason)
        if i % 50 == 0:
            _progress(run, 5 + int(40 * i / len(needs)), _("Finding candidates"))
    machine_ids = sorted({r.machine_id for results in candidates for r in results})
    column = {m: j for j, m in enumerate(machine_ids)}
    slots.prepare(machine_ids)
    capacity = np.array([slots.free_hours(m) for m in machine_ids], dtype=np.float64)
    cost = np.full((len(needs), len(machine_ids)), math.inf)
    load = np.zeros_like(cost)
    for i, (need, results) in enumerate(zip(needs, candidates, strict=True)):
        for r in results:
            cost[i, column[r.machine_id]] = r.cost_cents + run.co2_price_cents_per_kg * r.co2_kg
            load[i, column[r.machine_id]] = float(need.hours)
    _progress(run, 50, _("Optimising"))
    assignment = solve_assignment(cost, load, capacity, time_limit_s=run.time_limit_s)
    _progress(run, 85, _("Placing slots"))
    placed = _place(needs, assignment.machine_of, machine_ids, slots)
    with transaction.atomic():
        for i, need in enumerate(needs):
            start = placed.get(i)
            j = assignment.machine_of[i]
            if start is not None:
                need.status = NeedStatus.MATCHED
                need.allocated_machine_id = machine_ids[j]
                need.allocated_start = start
                need.allocated_cost_cents = int(round(cost[i, j]))
                need.unmet_reason = ""
            else:
                need.status = NeedStatus.UNMET
                need.unmet_reason = reasons[i] or UnmetReason.CAPACITY
            need.result_count = len(candidates[i])
            need.save()
        AllocationRun.objects.filter(pk=run.pk).update(
            state=AllocationRun.State.DONE,
            progress=100,
            message="",
            solver_status=assignment.status,
            total_cost_cents=int(round(assignment.total_cost)),
            lower_bound_cents=int(math.floor(assignment.lower_bound))
            if not assignment.unassigned
            else None,
            gap=assignment.gap,
            seconds=assignment.seconds,
            finished_at=timezone.now(),
        )


def _input_of(need: Need) -> actions.NeedInput:
    return actions.NeedInput(
        process_code=need.process.code,
        hours=need.hours,
        earliest=need.earliest,
        deadline=need.deadline,
        max_km=need.max_km,
        latitude=need.latitude,
        longitude=need.longitude,
        material=need.material,
        part_x_mm=need.part_x_mm,
        part_y_mm=need.part_y_mm,
        part_z_mm=need.part_z_mm,
        allow_rotation=need.allow_rotation,
        tolerance_class=need.tolerance_class,
        operator=need.operator,
        budget_cents_per_hour=need.budget_cents_per_hour,
    )


def _place(
    needs: list[Need], machine_of: list[int], machine_ids: list[int], slots: FreeSlots
) -> dict[int, dt.datetime]:
    """Earliest-deadline-first on each machine, each need inside its own window."""
    placed: dict[int, dt.datetime] = {}
    by_machine: dict[int, list[int]] = {}
    for i, j in enumerate(machine_of):
        if j >= 0:
            by_machine.setdefault(j, []).append(i)
    for j, rows in by_machine.items():
        machine_id = machine_ids[j]
        machine = slots.machines.get(machine_id) or Machine.objects.get(pk=machine_id)
        rules = slots.rules.get(machine_id)
        if rules is None:
            continue  # no offer left: nothing can be booked there
        busy = list(slots.busy.get(machine_id, []))
        buffer = slots.buffers.get(machine_id, 0)
        for i in sorted(rows, key=lambda r: needs[r].deadline):
            need = needs[i]
            start = max(need.earliest, slots.earliest)
            duration = dt.timedelta(hours=float(Decimal(need.hours)))
            # The booking's own rules (notice, horizon, durations), as a person's search has them.
            slot = availability.earliest_slot(
                duration,
                start,
                need.deadline,
                slots.now,
                rules,
                open_intervals(machine, start, need.deadline),
                busy,
            )
            if slot is not None:
                placed[i] = slot.start
                busy.append(
                    availability.Interval(slot.start, slot.end + dt.timedelta(minutes=buffer))
                )
    return placed
