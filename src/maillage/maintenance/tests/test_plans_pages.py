"""The plans pages: who may read and write, bad input named and nothing saved, the panels on
the host dashboard and the machine page, the retrofit page's figures (the issue's vectors)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone, translation

from maillage.directory.models import Membership, Role
from maillage.equipment import actions as equipment_actions
from maillage.maintenance import due
from maillage.maintenance.actions import interventions, plans
from maillage.maintenance.models import (
    Intervention,
    InterventionKind,
    MaintenancePlan,
    PartReplaced,
    PlanTask,
    TaskState,
    UsageRecord,
)
from maillage.maintenance.templatetags.plans_tags import due_text
from maillage.maintenance.tests.plans_world import World

pytestmark = pytest.mark.django_db

VECTOR = {
    "new_price": "150000",
    "new_life_years": "15",
    "retrofit_price": "50000",
    "retrofit_life_years": "10",
    "discount_rate": "5",
    "new_embodied_kgco2e": "24000",
    "retrofit_embodied_kgco2e": "4000",
    "new_kwh_per_year": "12000",
    "retrofit_kwh_per_year": "13500",
    "grid_kgco2e_per_kwh": "0.052",
    "horizon_years": "15",
}


def logged(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def lens_task(world: World) -> PlanTask:
    plan = plans.create_plan(
        world.host,
        world.organisation,
        plans.PlanInput(name="Optique", machine_id=world.laser.pk),
        [plans.TaskInput(title="Lentille", every_hours=40, lead_hours=8)],
    )
    return plan.tasks.get()


def test_the_host_reads_the_due_tasks_with_a_link_to_record_them(world: World) -> None:
    task = lens_task(world)
    world.checked_out("42")
    page = logged(world.host).get(f"/o/{world.organisation.slug}/maintenance/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Lentille" in text and 'data-state="due"' in text
    assert f"/machines/{world.laser.pk}/maintenance/intervention/?task={task.pk}" in text
    assert "2.0 h late" in text


def test_others_get_403_or_404_and_the_anonymous_the_login(
    world: World, make_user, make_organisation
) -> None:
    lens_task(world)
    slug, machine = world.organisation.slug, world.laser.pk
    urls = [
        f"/o/{slug}/maintenance/",
        f"/o/{slug}/maintenance/plans/",
        f"/machines/{machine}/maintenance/",
        f"/machines/{machine}/maintenance/intervention/",
        f"/machines/{machine}/retrofit/",
    ]
    for url in urls:
        assert Client().get(url).status_code == 302, url
        assert logged(world.booker).get(url).status_code == 403, url
    assert logged(world.booker).get("/maintenance/reliability/").status_code == 403
    # A member who is not a host reads, but records nothing.
    member = make_user("member")
    Membership.objects.create(user=member, organisation=world.organisation, role=Role.MEMBER)
    assert logged(member).get(f"/machines/{machine}/maintenance/").status_code == 200
    assert logged(member).get(f"/machines/{machine}/maintenance/intervention/").status_code == 403
    answer = logged(member).post(f"/machines/{machine}/maintenance/use/", {"hours": "2"})
    assert answer.status_code == 403
    assert logged(member).post(f"/o/{slug}/maintenance/starter/").status_code == 403
    assert not UsageRecord.objects.exists()
    # A machine of an organisation one cannot see is not found.
    hidden_admin = make_user("hidden")
    hidden = make_organisation("Atelier Caché", admin=hidden_admin, status="pending")
    mill = equipment_actions.create_machine(
        hidden_admin,
        hidden,
        equipment_actions.MachineInput(name="Fraiseuse", process_codes=["3.2.3"]),
    )
    assert logged(world.host).get(f"/machines/{mill.pk}/maintenance/").status_code == 404
    assert logged(world.host).get(f"/o/{hidden.slug}/maintenance/").status_code == 404


def test_own_use_refuses_negative_hours_naming_the_field(world: World) -> None:
    client = logged(world.host)
    answer = client.post(f"/machines/{world.laser.pk}/maintenance/use/", {"hours": "-3"})
    assert answer.status_code == 400
    assert "Hours used cannot be negative." in answer.content.decode()
    assert 'id="field-hours"' in answer.content.decode()
    assert not UsageRecord.objects.exists()
    answer = client.post(f"/machines/{world.laser.pk}/maintenance/use/", {"hours": "2,5"})
    assert answer.status_code == 302
    assert UsageRecord.objects.get().hours == Decimal("2.5")


def _intervention(**extra: str) -> dict[str, str]:
    data = {
        "kind": "preventive",
        "done_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "hours_spent": "1,5",
        "cost": "80",
        "parts-TOTAL_FORMS": "3",
        "parts-INITIAL_FORMS": "0",
        "parts-MIN_NUM_FORMS": "0",
        "parts-MAX_NUM_FORMS": "20",
    }
    data.update(extra)
    return data


def test_recording_an_intervention_closes_its_task_and_keeps_its_parts(world: World) -> None:
    task = lens_task(world)
    world.checked_out("45")
    url = f"/machines/{world.laser.pk}/maintenance/intervention/"
    form = logged(world.host).get(url, {"task": task.pk})
    assert f'value="{task.pk}" id="id_tasks_0" checked' in form.content.decode()
    answer = logged(world.host).post(
        url,
        _intervention(
            tasks=str(task.pk),
            **{
                "parts-0-name": "Lentille ZnSe",
                "parts-0-mass_kg": "0,02",
                "parts-0-material": "electronics",
            },
        ),
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    done = Intervention.objects.get()
    assert done.cost_cents == 8000 and done.hours_spent == Decimal("1.5")
    assert PartReplaced.objects.get().mass_kg == Decimal("0.020")
    state = TaskState.objects.get(task=task)
    assert state.last_done_hours == Decimal("45")
    page = logged(world.host).get(f"/machines/{world.laser.pk}/maintenance/").content.decode()
    assert ("Lentille ZnSe" in page and "80,00" in page) or "80.00" in page


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"hours_spent": "-2"}, "hours_spent", "Hours used cannot be negative."),
        ({"kind": "corrective"}, "failed_at", "Say when the machine failed."),
        ({"cost": "douze"}, "cost", "Give an amount in euros"),
        ({"parts-1-mass_kg": "3", "parts-1-material": "steel"}, "parts-1-name", "Name the part."),
    ],
)
def test_bad_intervention_input_names_the_field_and_saves_nothing(
    world: World, extra: dict[str, str], field: str, message: str
) -> None:
    answer = logged(world.host).post(
        f"/machines/{world.laser.pk}/maintenance/intervention/", _intervention(**extra)
    )
    assert answer.status_code == 400
    text = answer.content.decode()
    assert message in text
    assert f'id="field-{field}"' in text and "has-error" in text
    assert not Intervention.objects.exists() and not PartReplaced.objects.exists()


def test_plans_are_created_edited_and_the_starter_plans_applied(world: World) -> None:
    client = logged(world.host)
    slug = world.organisation.slug
    bad = client.post(f"/o/{slug}/maintenance/plans/", {"name": "Laser", "enforcement": "warn"})
    assert bad.status_code == 400 and "Choose one machine or one process" in bad.content.decode()
    assert not MaintenancePlan.objects.exists()
    made = client.post(
        f"/o/{slug}/maintenance/plans/",
        {"name": "Laser", "machine": world.laser.pk, "enforcement": "block"},
    )
    plan = MaintenancePlan.objects.get()
    assert made.status_code == 302 and made["Location"] == f"/maintenance/plans/{plan.pk}/"
    zero = client.post(
        f"/maintenance/plans/{plan.pk}/", {"form": "task", "title": "Miroirs", "every_hours": "0"}
    )
    assert zero.status_code == 400
    assert "An interval of 0 would make the task due all the time." in zero.content.decode()
    assert not PlanTask.objects.exists()
    client.post(
        f"/maintenance/plans/{plan.pk}/",
        {"form": "task", "title": "Miroirs", "every_hours": "40", "lead_hours": "8"},
    )
    task = PlanTask.objects.get()
    assert TaskState.objects.filter(task=task, machine=world.laser).exists()
    client.post(f"/maintenance/tasks/{task.pk}/", {"title": "Miroirs", "every_days": "30"})
    task.refresh_from_db()
    assert task.every_days == 30 and task.every_hours is None
    answer = client.post(f"/o/{slug}/maintenance/starter/")
    assert answer.status_code == 302
    assert MaintenancePlan.objects.exclude(starter_key="").filter(process__code="3.4.1.1").exists()
    listing = client.get(f"/o/{slug}/maintenance/plans/").content.decode()
    assert "Laser" in listing and "Apply the starter plans" in listing


def test_the_panels_show_on_the_host_dashboard_and_the_machine_page(world: World) -> None:
    task = lens_task(world)
    world.checked_out("45")
    dashboard = logged(world.host).get("/bookings/host/").content.decode()
    assert 'id="maintenance-due"' in dashboard and "Lentille" in dashboard
    assert f"intervention/?task={task.pk}" in dashboard
    interventions.record_intervention(
        world.host,
        world.laser,
        interventions.InterventionInput(
            kind=InterventionKind.CORRECTIVE,
            done_at=timezone.now(),
            failed_at=timezone.now() - dt.timedelta(hours=6),
            restored_at=timezone.now() - dt.timedelta(hours=2),
        ),
    )
    page = logged(world.host).get(world.laser.get_absolute_url()).content.decode()
    assert 'id="maintenance-panel"' in page
    assert "45 h" in page and "4.0 h" in page  # MTBF 45 h over one failure, MTTR 4 h
    assert "22.2" in page  # failures per 1,000 h
    # Someone who only sees the machine gets the figures, not the tasks nor the links.
    public = logged(world.booker).get(world.laser.get_absolute_url()).content.decode()
    assert 'id="maintenance-panel"' in public and "Lentille" not in public
    assert "/maintenance/intervention/" not in public
    assert (
        'id="maintenance-due"' not in logged(world.booker).get("/bookings/host/").content.decode()
    )


def test_the_coordinators_table_sorts_and_pages(world: World, coordinator) -> None:
    world.checked_out("10")
    answer = logged(coordinator).get("/maintenance/reliability/", {"sort": "mtbf"})
    assert answer.status_code == 200 and "Laser CO2" in answer.content.decode()
    by_process = logged(coordinator).get("/maintenance/reliability/", {"by": "process"})
    assert "3.4.1.1" in by_process.content.decode()


def test_the_retrofit_page_shows_the_issues_vectors(world: World) -> None:
    client = logged(world.host)
    url = f"/machines/{world.laser.pk}/retrofit/"
    text = client.get(url, VECTOR).content.decode()
    for figure in (
        "14,451 €",
        "6,475 €",
        "33,360 kgCO2e",
        "14,530 kgCO2e",
        "−56.4 %",
        "256.4 years",
    ):
        assert figure in text, figure
    dirty = client.get(url, {**VECTOR, "grid_kgco2e_per_kwh": "0,38"}).content.decode()
    for figure in ("92,400 kgCO2e", "80,950 kgCO2e", "35.1 years"):
        assert figure in dirty, figure
    never = client.get(url, {**VECTOR, "new_kwh_per_year": "14000"}).content.decode()
    assert "<strong>never</strong>" in never
    # The method shows each factor's source.
    assert "worldsteel" in text and "ICE v2.0" in text and "ADEME" in text


def test_the_retrofit_page_prefills_and_names_a_bad_factor(world: World) -> None:
    client = logged(world.host)
    url = f"/machines/{world.laser.pk}/retrofit/"
    first = client.get(url)
    assert first.status_code == 200 and 'id="retrofit-result"' in first.content.decode()
    assert 'name="new_price" value="150000"' in first.content.decode()
    bad = client.get(url, {**VECTOR, "new_life_years": "0"})
    assert bad.status_code == 400
    assert 'id="field-new_life_years"' in bad.content.decode()
    assert "Give a number above zero." in bad.content.decode()


def test_due_text_is_french_with_its_plurals() -> None:
    with translation.override("fr"):
        late = due.Due(due.DueState.OVERDUE, 40.0, dt.date(2026, 1, 1), -12.0, -3)
        assert due_text(late) == "en retard de 12\u00a0h ou en retard de 3 jours"
        soon = due.Due(due.DueState.PLANNED, None, dt.date(2026, 1, 1), None, 1)
        assert due_text(soon) == "dans 1 jour"
        hours = due.Due(due.DueState.OK, 50.0, None, 12.5, None)
        assert due_text(hours) == "dans 12\u00a0h"
