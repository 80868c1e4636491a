"""A batch run's states: queued → running → done or failed, each step taken once."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from maillage.matching.actions.batches import submit_batch
from maillage.matching.actions.runs import NeedOutcome, RunOutcome, fail_run, finish_run, start_run
from maillage.matching.batch import allocate
from maillage.matching.convert import NeedInput
from maillage.matching.models import AllocationRun, NeedStatus
from maillage.matching.tests import test_api
from maillage.matching.tests.test_api import LASER_CUTTING, PARIS

_fresh_index, taxonomy, territory = test_api._fresh_index, test_api.taxonomy, test_api.territory

pytestmark = pytest.mark.django_db


def _queued_run(coordinator: Any, count: int = 2) -> AllocationRun:
    tomorrow = timezone.now().astimezone(PARIS).date() + dt.timedelta(days=1)
    earliest = dt.datetime.combine(tomorrow, dt.time(8), tzinfo=PARIS)
    needs = [
        NeedInput(
            process_code=LASER_CUTTING,
            hours=1,
            earliest=earliest,
            deadline=earliest + dt.timedelta(hours=8),
            max_km=80,
            commune="13001",
            label=f"Need {i}",
        )
        for i in range(count)
    ]
    return submit_batch(coordinator, "Spring orders", needs)


def test_a_run_is_computed_once_and_then_left_as_it_is(territory: Any, coordinator: Any) -> None:
    run = _queued_run(coordinator)
    assert run.state == AllocationRun.State.QUEUED
    done = allocate(run.pk)
    assert done.state == AllocationRun.State.DONE and done.progress == 100
    allocated = {n.pk: n.allocated_machine_id for n in done.needs.all()}
    assert all(allocated.values())
    again = allocate(run.pk)
    assert again.state == AllocationRun.State.DONE
    assert again.finished_at == done.finished_at
    assert {n.pk: n.allocated_machine_id for n in again.needs.all()} == allocated


def test_only_a_queued_run_starts(territory: Any, coordinator: Any) -> None:
    run = _queued_run(coordinator)
    started = start_run(run.pk)
    assert started is not None and started.state == AllocationRun.State.RUNNING
    assert start_run(run.pk) is None
    run.refresh_from_db()
    assert run.state == AllocationRun.State.RUNNING and run.progress == 1


def test_a_run_not_running_is_neither_finished_nor_failed(territory: Any, coordinator: Any) -> None:
    run = _queued_run(coordinator, count=1)
    need = run.needs.get()
    outcome = NeedOutcome(
        machine_id=territory["machines"]["a"].pk,
        start=need.earliest,
        cost_cents=1234,
        unmet_reason="",
        result_count=1,
    )
    result = RunOutcome("optimal", 1234, 1234, 0.0, 0.1)
    assert finish_run(run.pk, {need.pk: outcome}, result) is False
    fail_run(run.pk, "boom")
    run.refresh_from_db()
    need.refresh_from_db()
    assert run.state == AllocationRun.State.QUEUED and run.message == ""
    assert need.allocated_machine_id is None

    start_run(run.pk)
    assert finish_run(run.pk, {need.pk: outcome}, result) is True
    fail_run(run.pk, "boom")
    run.refresh_from_db()
    need.refresh_from_db()
    assert run.state == AllocationRun.State.DONE and run.total_cost_cents == 1234
    assert need.status == NeedStatus.MATCHED and need.allocated_cost_cents == 1234


def test_a_running_run_that_fails_says_why(territory: Any, coordinator: Any) -> None:
    run = _queued_run(coordinator, count=1)
    start_run(run.pk)
    fail_run(run.pk, "x" * 400 + "the solver crashed")
    run.refresh_from_db()
    assert run.state == AllocationRun.State.FAILED
    assert run.message.endswith("the solver crashed") and len(run.message) == 300
