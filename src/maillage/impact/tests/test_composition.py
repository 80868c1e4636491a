"""Saving a machine's composition: all or nothing, each error on its row, the owner only."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maillage.impact.actions.composition import MaterialInput, save_composition
from maillage.impact.models import MachineImpact, MaterialShare

pytestmark = pytest.mark.django_db


def test_a_member_saves_the_composition_and_the_mci_follows(impact_world):
    w = impact_world
    save_composition(
        w.member,
        w.lathe,
        [
            MaterialInput("cast_iron", "6000"),
            MaterialInput("steel", 2000, recycled_collection="0.95"),
        ],
    )
    rows = {row.material: row for row in MaterialShare.objects.filter(machine=w.lathe)}
    assert rows["cast_iron"].mass_kg == 6000 and rows["cast_iron"].recycled_feedstock is None
    assert rows["steel"].recycled_collection == pytest.approx(0.95)
    impact = MachineImpact.objects.get(machine=w.lathe)
    assert impact.mass_kg == 8000 and 0 < impact.mci < 1


def test_saving_again_replaces_the_list(impact_world):
    w = impact_world
    save_composition(w.admin, w.lathe, [MaterialInput("steel", 100), MaterialInput("copper", 5)])
    save_composition(w.admin, w.lathe, [MaterialInput("aluminium", 40)])
    assert list(
        MaterialShare.objects.filter(machine=w.lathe).values_list("material", flat=True)
    ) == ["aluminium"]
    save_composition(w.admin, w.lathe, [])
    assert not MaterialShare.objects.filter(machine=w.lathe).exists()
    assert MachineImpact.objects.get(machine=w.lathe).mci is None


def test_every_bad_row_is_named_and_nothing_is_saved(impact_world):
    w = impact_world
    save_composition(w.admin, w.lathe, [MaterialInput("steel", 100)])
    with pytest.raises(ValidationError) as caught:
        save_composition(
            w.admin,
            w.lathe,
            [
                MaterialInput("copper", 10),
                MaterialInput("unobtainium", 10),
                MaterialInput("copper", "-3", recycled_feedstock="1.4"),
                MaterialInput("steel", "lots", feedstock_efficiency=0),
            ],
        )
    errors = caught.value.message_dict
    assert set(errors) == {
        "materials.1.material",
        "materials.2.material",
        "materials.2.mass_kg",
        "materials.2.recycled_feedstock",
        "materials.3.mass_kg",
        "materials.3.feedstock_efficiency",
    }
    assert "already listed" in errors["materials.2.material"][0]
    assert list(
        MaterialShare.objects.filter(machine=w.lathe).values_list("material", "mass_kg")
    ) == [("steel", 100.0)]


def test_shares_add_up_to_at_most_one_with_the_defaults(impact_world):
    w = impact_world
    # Steel's default recycled feedstock is 40 %: 40 % + 90 % reused is over 100 %.
    with pytest.raises(ValidationError) as caught:
        save_composition(w.admin, w.lathe, [MaterialInput("steel", 100, reused_feedstock=0.9)])
    message = caught.value.message_dict["materials.0.recycled_feedstock"][0]
    assert "40 %" in message
    with pytest.raises(ValidationError) as caught:
        save_composition(
            w.admin,
            w.lathe,
            [MaterialInput("steel", 100, recycled_collection=0.5, reused_collection=0.6)],
        )
    assert "materials.0.reused_collection" in caught.value.message_dict
    save_composition(
        w.admin,
        w.lathe,
        [MaterialInput("steel", 100, recycled_feedstock=0.1, reused_feedstock=0.9)],
    )
    assert MachineImpact.objects.get(machine=w.lathe).mci is not None


def test_another_organisation_may_not_write_it(impact_world):
    w = impact_world
    with pytest.raises(PermissionDenied):
        save_composition(w.neighbour_member, w.lathe, [MaterialInput("steel", 100)])
    assert not MaterialShare.objects.exists()


def test_the_form_shows_defaults_and_saves(client, impact_world):
    w = impact_world
    save_composition(w.admin, w.lathe, [MaterialInput("steel", 2000)])
    client.force_login(w.member)
    page = client.get(f"/machines/{w.lathe.pk}/impact/composition/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'placeholder="default: 40 %"' in html  # steel's recycled feedstock, row 0
    data = {
        "materials-TOTAL_FORMS": "3",
        "materials-INITIAL_FORMS": "1",
        "materials-0-material": "steel",
        "materials-0-mass_kg": "2 500,5",
        "materials-0-recycled_feedstock": "60",
        "materials-1-material": "electronics",
        "materials-1-mass_kg": "12",
    }
    response = client.post(f"/machines/{w.lathe.pk}/impact/composition/", data)
    assert response.status_code == 302
    steel = MaterialShare.objects.get(machine=w.lathe, material="steel")
    assert steel.mass_kg == pytest.approx(2500.5) and steel.recycled_feedstock == pytest.approx(0.6)
    assert MaterialShare.objects.filter(machine=w.lathe).count() == 2


def test_the_form_puts_errors_on_their_row_and_saves_nothing(client, impact_world):
    w = impact_world
    client.force_login(w.admin)
    data = {
        "materials-TOTAL_FORMS": "2",
        "materials-INITIAL_FORMS": "0",
        "materials-0-material": "steel",
        "materials-0-mass_kg": "100",
        "materials-1-material": "copper",
        "materials-1-mass_kg": "0",
    }
    response = client.post(f"/machines/{w.lathe.pk}/impact/composition/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="field has-error" id="field-materials-1-mass_kg"' in html
    assert "Give the mass in kilograms" in html
    assert not MaterialShare.objects.exists()


def test_the_form_is_refused_to_others(client, impact_world):
    w = impact_world
    client.force_login(w.neighbour_member)
    assert client.get(f"/machines/{w.lathe.pk}/impact/composition/").status_code == 403
    assert client.get(f"/machines/{w.hidden.pk}/impact/composition/").status_code == 404
    client.logout()
    assert client.get(f"/machines/{w.lathe.pk}/impact/composition/").status_code == 302
