"""The maintenance API: own use, due tasks, reliability, retrofit-or-replace."""

from __future__ import annotations

import pytest
from django.test import Client

from maillage.maintenance.actions import plans
from maillage.maintenance.models import MachineMeter, UsageRecord
from maillage.maintenance.tests.plans_world import World

pytestmark = pytest.mark.django_db

VECTOR = {
    "new_price": 150_000,
    "new_life_years": 15,
    "retrofit_price": 50_000,
    "retrofit_life_years": 10,
    "discount_rate": 0.05,
    "new_embodied_kgco2e": 24_000,
    "retrofit_embodied_kgco2e": 4_000,
    "new_kwh_per_year": 12_000,
    "retrofit_kwh_per_year": 13_500,
    "horizon_years": 15,
}


def logged(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_retrofit_or_replace_answers_the_vectors_with_sources() -> None:
    answer = Client().post(
        "/api/v1/maintenance/retrofit-or-replace", VECTOR, content_type="application/json"
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert round(body["replace_cost_per_year"]) == 14_451
    assert round(body["retrofit_kgco2e"]) == 14_530
    assert round(body["breakeven_years"]) == 256
    assert {"steel", "grid", "manufacturing_uplift"} <= {row["key"] for row in body["sources"]}


def test_retrofit_or_replace_names_a_bad_factor() -> None:
    answer = Client().post(
        "/api/v1/maintenance/retrofit-or-replace",
        {**VECTOR, "new_life_years": 0},
        content_type="application/json",
    )
    assert answer.status_code == 422
    assert "new_life_years" in str(answer.json())


def test_own_use_through_the_api(world: World) -> None:
    client = logged(world.host)
    url = f"/api/v1/machines/{world.laser.pk}/usage"
    answer = client.post(url, {"hours": "-1"}, content_type="application/json")
    assert answer.status_code == 422
    assert "hours" in str(answer.json())
    assert not UsageRecord.objects.exists()
    answer = client.post(url, {"hours": "41"}, content_type="application/json")
    assert answer.status_code == 201, answer.content
    assert answer.json()["source"] == "api"
    assert MachineMeter.objects.get(machine=world.laser).hours == 41
    assert (
        logged(world.booker).post(url, {"hours": "1"}, content_type="application/json").status_code
        == 403
    )


def test_due_tasks_are_for_the_members(world: World) -> None:
    plans.create_plan(
        world.host,
        world.organisation,
        plans.PlanInput(name="Optique", machine_id=world.laser.pk),
        [plans.TaskInput(title="Lentille", every_hours=40, lead_hours=8)],
    )
    logged(world.host).post(
        f"/api/v1/machines/{world.laser.pk}/usage", {"hours": "35"}, content_type="application/json"
    )
    url = f"/api/v1/maintenance/organisations/{world.organisation.pk}/due-tasks"
    answer = logged(world.host).get(url)
    assert answer.status_code == 200
    assert [(row["title"], row["state"]) for row in answer.json()] == [("Lentille", "planned")]
    assert logged(world.booker).get(url).status_code == 403


def test_reliability_of_a_machine(world: World) -> None:
    answer = Client().get(f"/api/v1/machines/{world.laser.pk}/reliability")
    assert answer.status_code == 200
    assert answer.json()["failures"] == 0
