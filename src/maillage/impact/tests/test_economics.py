"""A machine's economics: checked, private, the owner only."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maillage.impact.actions.economics import EconomicsInput, save_economics
from maillage.impact.models import MachineEconomics

pytestmark = pytest.mark.django_db


def test_a_member_saves_the_economics_blank_fields_stay_blank(impact_world):
    w = impact_world
    save_economics(w.member, w.lathe, EconomicsInput(price_cents=15_000_000, life_years=15))
    economics = MachineEconomics.objects.get(machine=w.lathe)
    assert economics.price_cents == 15_000_000 and economics.residual_value_cents is None
    save_economics(w.member, w.lathe, EconomicsInput(hours_available_per_year=1760))
    economics.refresh_from_db()
    assert economics.price_cents is None and economics.hours_available_per_year == 1760


def test_bad_figures_are_named_and_nothing_is_saved(impact_world):
    w = impact_world
    with pytest.raises(ValidationError) as caught:
        save_economics(
            w.admin,
            w.lathe,
            EconomicsInput(
                price_cents=100_00,
                residual_value_cents=200_00,
                life_years=0,
                hours_available_per_year=9000,
                variable_cents_per_hour=-5,
            ),
        )
    errors = caught.value.message_dict
    assert set(errors) == {
        "residual_value_cents",
        "life_years",
        "hours_available_per_year",
        "variable_cents_per_hour",
    }
    assert "exceed the price" in errors["residual_value_cents"][0]
    assert not MachineEconomics.objects.exists()


def test_another_organisation_may_not_write_them(impact_world):
    w = impact_world
    with pytest.raises(PermissionDenied):
        save_economics(w.neighbour_member, w.lathe, EconomicsInput(price_cents=1))


def test_the_form_saves_euros_and_names_errors(client, impact_world):
    w = impact_world
    client.force_login(w.admin)
    url = f"/machines/{w.lathe.pk}/impact/economics/"
    page = client.get(url)
    assert page.status_code == 200 and "Private" in page.content.decode()
    bad = client.post(url, {"price": "1 000", "residual_value": "2 000"})
    assert bad.status_code == 400
    assert 'class="field has-error" id="field-residual_value"' in bad.content.decode()
    good = client.post(
        url, {"price": "150 000", "residual_value": "15000", "variable_per_hour": "6,50"}
    )
    assert good.status_code == 302
    economics = MachineEconomics.objects.get(machine=w.lathe)
    assert economics.price_cents == 15_000_000 and economics.variable_cents_per_hour == 650


def test_the_form_is_refused_to_others(client, impact_world):
    w = impact_world
    client.force_login(w.neighbour_member)
    assert client.get(f"/machines/{w.lathe.pk}/impact/economics/").status_code == 403
    assert (
        client.post(f"/machines/{w.lathe.pk}/impact/economics/", {"price": "1"}).status_code == 403
    )
    assert not MachineEconomics.objects.exists()
