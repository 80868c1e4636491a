"""The batch runner: candidates per need, the optimal assignment, then slots (run by a task).

It computes; every write of the run goes through `matching.actions.runs`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import traceback
from decimal import Decimal

import numpy as np
from django.utils.translation import gettext as _

from maillage.equipment.models import Machine
from maillage.matching import engine
from maillage.matching.actions.runs import (
    NeedOutcome,
    RunOutcome,
    fail_run,
    finish_run,
    report_progress,
    start_run,
)
from maillage.matching.convert import need_query
from maillage.matching.loader import CACHE, FreeSlots
from maillage.matching.models import AllocationRun, Need, UnmetReason
from maillage.sharing import availability
from maillage.sharing.schedule import open_intervals

CANDIDATES_PER_NEED = 30


def allocate(run_id: int) -> AllocationRun:
    """Compute a queued batch; a run already taken, done or failed is left as it is."""
    run = start_run(run_id)
    if run is None:
        return AllocationRun.objects.get(pk=run_id)
    try:
        _allocate(run)
    except Exception:  # the run page must say what went wrong
        fail_run(run.pk, traceback.format_exc(limit=2))
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
        query = need_query(
            need, need, node_of_code=taxonomy.node_of_code, limit=CANDIDATES_PER_NEED
        )
        # The allocation weighs cost and CO2 itself: candidates are picked with even weights.
        query = dataclasses.replace(query, weight_distance=1.0, weight_price=1.0, weight_impact=1.0)
        answer = index.query(query)
        candidates.append(answer.results)
        reasons.append(answer.unmet_reason)
        if i % 50 == 0:
            report_progress(run.pk, 5 + int(40 * i / len(needs)), _("Finding candidates"))
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
    report_progress(run.pk, 50, _("Optimising"))
    # OR-Tools (~100 MB) is loaded only when a batch is solved, never by a web process.
    from maillage.matching.allocation import solve_assignment

    assignment = solve_assignment(cost, load, capacity, time_limit_s=run.time_limit_s)
    report_progress(run.pk, 85, _("Placing slots"))
    placed = _place(needs, assignment.machine_of, machine_ids, slots)
    outcomes = {}
    for i, need in enumerate(needs):
        start = placed.get(i)
        j = assignment.machine_of[i]
        outcomes[need.pk] = NeedOutcome(
            machine_id=machine_ids[j] if start is not None else None,
            start=start,
            cost_cents=int(round(cost[i, j])) if start is not None else None,
            unmet_reason="" if start is not None else reasons[i] or UnmetReason.CAPACITY,
            result_count=len(candidates[i]),
        )
    finish_run(
        run.pk,
        outcomes,
        RunOutcome(
            solver_status=assignment.status,
            total_cost_cents=int(round(assignment.total_cost)),
            lower_bound_cents=int(math.floor(assignment.lower_bound))
            if not assignment.unassigned
            else None,
            gap=assignment.gap,
            seconds=assignment.seconds,
        ),
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
