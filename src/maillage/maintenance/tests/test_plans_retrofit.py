"""A retrofit recorded as a project with the years of life it adds (read by impact's L/L_av)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from maillage.maintenance.actions.interventions import InterventionInput
from maillage.maintenance.actions.retrofit import RetrofitInput, record_retrofit
from maillage.maintenance.models import Intervention, RetrofitProject
from maillage.maintenance.tests.plans_world import World

pytestmark = pytest.mark.django_db


def _work() -> InterventionInput:
    return InterventionInput(kind="retrofit", done_at=timezone.now())


def test_the_project_keeps_the_years_it_adds(world: World) -> None:
    project = record_retrofit(
        world.host,
        world.laser,
        RetrofitInput("New tube", "Tired tube", added_life_years=6),
        _work(),
    )
    assert project.added_life_years == 6


def test_years_beyond_reason_are_refused_naming_the_field(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        record_retrofit(
            world.host, world.laser, RetrofitInput("New tube", "Old", added_life_years=80), _work()
        )
    assert set(caught.value.message_dict) == {"added_life_years"}
    assert not Intervention.objects.exists()


def _post(**extra: str) -> dict[str, str]:
    data = {
        "kind": "retrofit",
        "done_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "parts-TOTAL_FORMS": "1",
        "parts-INITIAL_FORMS": "0",
    }
    data.update(extra)
    return data


def test_the_intervention_form_records_the_project(world: World) -> None:
    client = Client()
    client.force_login(world.host)
    url = f"/machines/{world.laser.pk}/maintenance/intervention/"
    assert 'name="retrofit-added_life_years"' in client.get(url).content.decode()
    answer = client.post(
        url,
        _post(
            **{
                "retrofit-title": "Nouvelle commande",
                "retrofit-before_state": "Commande d'origine, pannes",
                "retrofit-added_life_years": "8",
            }
        ),
    )
    assert answer.status_code == 302
    project = RetrofitProject.objects.get(machine=world.laser)
    assert project.added_life_years == 8 and project.intervention.kind == "retrofit"


def test_the_form_names_the_project_s_missing_fields(world: World) -> None:
    client = Client()
    client.force_login(world.host)
    url = f"/machines/{world.laser.pk}/maintenance/intervention/"
    answer = client.post(url, _post(**{"retrofit-added_life_years": "8"}))
    assert answer.status_code == 400
    html = answer.content.decode()
    assert 'class="field has-error" id="field-retrofit-title"' in html
    assert 'class="field has-error" id="field-retrofit-before_state"' in html
    assert not Intervention.objects.exists()
    # A retrofit without a project described is a plain intervention, as before.
    assert client.post(url, _post()).status_code == 302
    assert Intervention.objects.count() == 1 and not RetrofitProject.objects.exists()
