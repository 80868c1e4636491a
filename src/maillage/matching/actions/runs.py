"""Writes of a batch run while it is computed: start, progress, its allocation, or its failure.

Only the background runner (`matching.batch`) calls these; each state change locks the run
and starts only from the state it expects, so that a run is computed and stored once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from maillage.matching.models import AllocationRun, Need, NeedStatus


@dataclass(frozen=True)
class NeedOutcome:
    """What the allocation gave one need of the batch: a machine and a slot, or a reason."""

    machine_id: int | None
    start: dt.datetime | None
    cost_cents: int | None
    unmet_reason: str
    result_count: int


@dataclass(frozen=True)
class RunOutcome:
    solver_status: str
    total_cost_cents: int
    lower_bound_cents: int | None
    gap: float | None
    seconds: float


def start_run(run_id: int) -> AllocationRun | None:
    """Queued → running; None when the run is not waiting (already taken, done or failed)."""
    with transaction.atomic():
        run = AllocationRun.objects.select_for_update().get(pk=run_id)
        if run.state != AllocationRun.State.QUEUED:
            return None
        run.state = AllocationRun.State.RUNNING
        run.progress = 1
        run.save(update_fields=["state", "progress"])
    return run


def report_progress(run_id: int, percent: int, message: str = "") -> None:
    AllocationRun.objects.filter(pk=run_id, state=AllocationRun.State.RUNNING).update(
        progress=percent, message=message[:300]
    )


def finish_run(run_id: int, outcomes: dict[int, NeedOutcome], result: RunOutcome) -> bool:
    """Running → done, with each need's machine and slot or reason; False if not running."""
    with transaction.atomic():
        run = AllocationRun.objects.select_for_update().get(pk=run_id)
        if run.state != AllocationRun.State.RUNNING:
            return False
        needs = list(Need.objects.filter(batch=run, pk__in=outcomes))
        for need in needs:
            outcome = outcomes[need.pk]
            if outcome.machine_id is not None:
                need.status = NeedStatus.MATCHED
                need.allocated_machine_id = outcome.machine_id
                need.allocated_start = outcome.start
                need.allocated_cost_cents = outcome.cost_cents
                need.unmet_reason = ""
            else:
                need.status = NeedStatus.UNMET
                need.unmet_reason = outcome.unmet_reason
            need.result_count = outcome.result_count
        Need.objects.bulk_update(
            needs,
            [
                "status",
                "allocated_machine",
                "allocated_start",
                "allocated_cost_cents",
                "unmet_reason",
                "result_count",
            ],
            batch_size=500,
        )
        run.state = AllocationRun.State.DONE
        run.progress = 100
        run.message = ""
        run.solver_status = result.solver_status
        run.total_cost_cents = result.total_cost_cents
        run.lower_bound_cents = result.lower_bound_cents
        run.gap = result.gap
        run.seconds = result.seconds
        run.finished_at = timezone.now()
        run.save()
    return True


def fail_run(run_id: int, message: str) -> None:
    """Running → failed, with what went wrong for the run's page."""
    with transaction.atomic():
        run = AllocationRun.objects.select_for_update().get(pk=run_id)
        if run.state != AllocationRun.State.RUNNING:
            return
        run.state = AllocationRun.State.FAILED
        run.message = message[-300:]
        run.save(update_fields=["state", "message"])
