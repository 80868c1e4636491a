"""Plans driven by use: check-out hours on the meter, tasks falling due, interventions closing
them, "block" plans holding bookings back, the owner's own use, bad input refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from maillage.equipment.models import MachineStatus
from maillage.maintenance import due
from maillage.maintenance.actions import interventions, plans, retrofit, usage
from maillage.maintenance.models import (
    Enforcement,
    MachineMeter,
    MaintenancePlan,
    PlanTask,
    TaskState,
    UsageRecord,
)
from maillage.maintenance.queries.plans import due_states, state_of
from maillage.maintenance.tests.plans_world import World
from maillage.sharing.actions import bookings as booking_actions
from maillage.sharing.models import Downtime

pytestmark = pytest.mark.django_db


def lens_plan(world: World, enforcement: str = Enforcement.WARN) -> PlanTask:
    plan = plans.create_plan(
        world.host,
        world.organisation,
        plans.PlanInput(name="Optique", machine_id=world.laser.pk, enforcement=enforcement),
        [plans.TaskInput(title="Lentille", every_hours=40, lead_hours=8)],
    )
    return plan.tasks.get()


def test_check_out_hours_make_an_hours_task_fall_due(world: World) -> None:
    task = lens_plan(world)
    world.checked_out("30", days_ago=3)
    assert state_of(TaskState.objects.get(task=task)).state == due.DueState.OK
    world.checked_out("3", days_ago=2)
    assert state_of(TaskState.objects.get(task=task)).state == due.DueState.PLANNED
    world.checked_out("8", days_ago=1)
    assert MachineMeter.objects.get(machine=world.laser).hours == Decimal("41")
    state = TaskState.objects.get(task=task)
    assert state_of(state).state == due.DueState.DUE
    assert [s.pk for s in due_states(world.host, world.organisation)] == [state.pk]


def test_a_booking_counts_once(world: World) -> None:
    booking = world.checked_out("2.5")
    usage.record_booking_usage(booking, Decimal("2.5"), timezone.now())
    assert UsageRecord.objects.filter(booking=booking).count() == 1
    assert MachineMeter.objects.get(machine=world.laser).hours == Decimal("2.5")


def test_own_use_refuses_negative_hours_and_saves_nothing(world: World) -> None:
    with pytest.raises(ValidationError) as refused:
        usage.record_own_use(world.host, world.laser, "-2")
    assert refused.value.message_dict == {"hours": ["Hours used cannot be negative."]}
    with pytest.raises(ValidationError) as refused:
        usage.record_own_use(world.host, world.laser, "beaucoup")
    assert "hours" in refused.value.message_dict
    assert not UsageRecord.objects.exists()
    assert not MachineMeter.objects.exists()


def test_only_hosts_record_own_use(world: World) -> None:
    with pytest.raises(PermissionDenied):
        usage.record_own_use(world.booker, world.laser, "2")
    usage.record_own_use(world.host, world.laser, "2", note="Prototype")
    assert MachineMeter.objects.get(machine=world.laser).hours == 2


@pytest.mark.parametrize("field", ["every_hours", "every_days"])
def test_a_task_interval_of_zero_is_refused(world: World, field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        plans.create_plan(
            world.host,
            world.organisation,
            plans.PlanInput(name="Optique", machine_id=world.laser.pk),
            [plans.TaskInput(title="Lentille", **{field: 0})],
        )
    assert refused.value.message_dict == {
        field: ["An interval of 0 would make the task due all the time."]
    }
    assert not MaintenancePlan.objects.exists()


def test_a_plan_is_for_a_machine_of_its_organisation(
    world: World, make_organisation, coordinator
) -> None:
    other = make_organisation("Ailleurs")
    with pytest.raises(ValidationError) as refused:
        plans.create_plan(coordinator, other, plans.PlanInput(name="X", machine_id=world.laser.pk))
    assert "machine" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        plans.create_plan(
            world.booker, world.organisation, plans.PlanInput(name="X", machine_id=world.laser.pk)
        )


def test_starter_plans_follow_the_processes_and_apply_once(world: World) -> None:
    made = plans.apply_starter_plans(world.host, world.organisation)
    assert [plan.starter_key for plan in MaintenancePlan.objects.all()] == ["laser-cutting"]
    assert len(made) == 1
    titles = set(TaskState.objects.values_list("task__title", flat=True))
    assert "Nettoyer la lentille et les miroirs" in titles
    lens = PlanTask.objects.get(title="Nettoyer la lentille et les miroirs")
    assert lens.every_hours == 40
    assert plans.apply_starter_plans(world.host, world.organisation) == []


def test_an_intervention_closes_the_tasks_it_covers(world: World) -> None:
    task = lens_plan(world)
    world.checked_out("45")
    interventions.record_intervention(
        world.host,
        world.laser,
        interventions.InterventionInput(
            kind="preventive", done_at=timezone.now(), task_ids=[task.pk], hours_spent="0.5"
        ),
    )
    state = TaskState.objects.get(task=task)
    assert state.last_done_hours == 45
    assert state.due_hours == 85
    assert state_of(state).state == due.DueState.OK


def test_a_block_plan_holds_new_bookings_until_the_task_is_done(world: World) -> None:
    task = lens_plan(world, Enforcement.BLOCK)
    world.checked_out("50")  # past 40 h + 10 % tolerance
    world.laser.refresh_from_db()
    assert world.laser.status == MachineStatus.DOWN
    downtime = Downtime.objects.get(machine=world.laser, end__isnull=True)
    assert "Lentille" in downtime.reason
    tomorrow = timezone.now().replace(microsecond=0) + dt.timedelta(days=1)
    with pytest.raises(ValidationError):
        booking_actions.request_booking(
            world.booker,
            world.laser,
            tomorrow,
            tomorrow + dt.timedelta(hours=1),
            safety_acknowledged=True,
        )
    interventions.record_intervention(
        world.host,
        world.laser,
        interventions.InterventionInput(
            kind="preventive", done_at=timezone.now(), task_ids=[task.pk]
        ),
    )
    downtime.refresh_from_db()
    world.laser.refresh_from_db()
    assert downtime.end is not None
    assert world.laser.status == MachineStatus.OPERATIONAL


def test_a_repair_counts_a_failure_and_its_time(world: World) -> None:
    failed = timezone.now() - dt.timedelta(hours=30)
    interventions.record_intervention(
        world.host,
        world.laser,
        interventions.InterventionInput(
            kind="corrective",
            done_at=timezone.now(),
            failed_at=failed,
            restored_at=failed + dt.timedelta(hours=6),
            parts=[interventions.PartInput("Tube laser", "4.2", "electronics")],
        ),
    )
    meter = MachineMeter.objects.get(machine=world.laser)
    assert (meter.failures, meter.repairs, meter.repair_hours) == (1, 1, 6.0)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "corrective"}, "failed_at"),
        ({"kind": "magic"}, "kind"),
        ({"hours_spent": "-1"}, "hours_spent"),
        ({"parts": [interventions.PartInput("Vis", "-1", "steel")]}, "parts.0.mass_kg"),
        ({"parts": [interventions.PartInput("Vis", "1", "wood")]}, "parts.0.material"),
    ],
)
def test_bad_interventions_name_the_field(world: World, changes: dict, field: str) -> None:
    data = {"kind": "preventive", "done_at": timezone.now(), **changes}
    with pytest.raises(ValidationError) as refused:
        interventions.record_intervention(
            world.host, world.laser, interventions.InterventionInput(**data)
        )
    assert field in refused.value.message_dict


def test_a_retrofit_project_counts_its_parts_carbon(world: World) -> None:
    project = retrofit.record_retrofit(
        world.host,
        world.laser,
        retrofit.RetrofitInput(
            title="Nouveau tube et commande", before_state="Tube fatigué", kwh_per_year_after=900
        ),
        interventions.InterventionInput(
            kind="retrofit",
            done_at=timezone.now(),
            cost_cents=450_000,
            parts=[interventions.PartInput("Carte de commande", "2", "electronics")],
        ),
    )
    assert project.cost_cents == 450_000
    assert project.embodied_kgco2e == pytest.approx(2 * 25 * 1.3)
    assert project.intervention.kind == "retrofit"
