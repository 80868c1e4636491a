"""Concurrent writes on one machine's meter behave as if run one after the other.

Clients recording use, the same booking told twice, and an intervention closing a "block" task
while use comes in: the meter row is locked by each, so totals add up, a booking counts once and
a downtime is never left open behind a done task. Run on both databases:
`DATABASE_URL=postgres://postgres@127.0.0.1:5432/maint pytest ...`.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connections
from django.utils import timezone

from maillage.equipment.models import MachineStatus
from maillage.maintenance.actions import interventions, plans, usage
from maillage.maintenance.models import Enforcement, MachineMeter, TaskState, UsageRecord
from maillage.maintenance.tests.plans_world import World
from maillage.sharing.models import Downtime

pytestmark = pytest.mark.django_db(transaction=True)
JOIN_TIMEOUT = 60


@pytest.fixture
def reference_data(db):
    """A transactional test's flush empties the communes and processes: load them again."""
    from maillage.testing import ensure_reference_data

    ensure_reference_data()


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _at_once(calls: list[Callable[[], object]]) -> list[str]:
    barrier = threading.Barrier(len(calls))
    errors: list[str] = []

    def run(call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=JOIN_TIMEOUT)
            call()
        except Exception:
            errors.append(traceback.format_exc())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_TIMEOUT)
    return errors


def test_use_recorded_at_once_adds_up(reference_data, world: World) -> None:
    calls = [lambda: usage.record_own_use(world.host, world.laser, "1.25") for _ in range(6)]
    assert _at_once(calls) == []
    assert MachineMeter.objects.get(machine=world.laser).hours == Decimal("7.50")
    assert UsageRecord.objects.count() == 6


def test_a_booking_told_twice_at_once_counts_once(reference_data, world: World) -> None:
    booking = world.checked_out("3")
    calls = [
        lambda: usage.record_booking_usage(booking, Decimal("3"), timezone.now()) for _ in range(3)
    ]
    assert _at_once(calls) == []
    assert UsageRecord.objects.filter(booking=booking).count() == 1
    assert MachineMeter.objects.get(machine=world.laser).hours == Decimal("3")


def test_done_task_and_incoming_use_leave_no_downtime_behind(reference_data, world: World) -> None:
    plan = plans.create_plan(
        world.host,
        world.organisation,
        plans.PlanInput(name="Optique", machine_id=world.laser.pk, enforcement=Enforcement.BLOCK),
        [plans.TaskInput(title="Lentille", every_hours=40)],
    )
    task = plan.tasks.get()
    usage.record_own_use(world.host, world.laser, "39")
    done = interventions.InterventionInput(
        kind="preventive", done_at=timezone.now(), task_ids=[task.pk]
    )
    errors = _at_once(
        [
            lambda: usage.record_own_use(world.host, world.laser, "10"),
            lambda: interventions.record_intervention(world.host, world.laser, done),
        ]
    )
    assert errors == []
    state = TaskState.objects.get(task=task)
    open_downtimes = Downtime.objects.filter(machine=world.laser, end__isnull=True)
    world.laser.refresh_from_db()
    if state.last_done_hours == Decimal("49"):
        # Use first (the task went overdue and blocked), then the intervention released it.
        assert Downtime.objects.filter(machine=world.laser).count() == 1
    else:
        # The intervention first: 10 h after it, nothing is overdue.
        assert state.last_done_hours == Decimal("39")
        assert not Downtime.objects.filter(machine=world.laser).exists()
    assert not open_downtimes.exists()
    assert state.downtime_id is None
    assert world.laser.status == MachineStatus.OPERATIONAL
