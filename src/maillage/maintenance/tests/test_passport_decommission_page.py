"""The decommissioning page: the owner's admins only, errors named by row and field, all or none."""

from __future__ import annotations

from maillage.equipment.models import MachineStatus
from maillage.maintenance.models.passport import DecommissionedMaterial, Decommissioning
from maillage.maintenance.tests.passport_world import World


def _url(second_life: World) -> str:
    return f"/machines/{second_life.machine.pk}/decommission/"


def test_the_passport_links_to_the_page_for_admins_only(client, second_life: World) -> None:
    client.force_login(second_life.owner_member)
    assert 'id="decommission-link"' not in client.get(
        f"/machines/{second_life.machine.pk}/passport/"
    )
    assert client.get(_url(second_life)).status_code == 403
    assert client.post(_url(second_life), {"destination": "reuse"}).status_code == 403
    assert not Decommissioning.objects.exists()
    client.force_login(second_life.owner_admin)
    passport = client.get(f"/machines/{second_life.machine.pk}/passport/").content.decode()
    assert 'id="decommission-link"' in passport
    page = client.get(_url(second_life)).content.decode()
    assert "Sortir Découpe laser Trotec du parc" in page and 'value="17 04 05"' in page


def test_bad_rows_are_named_and_nothing_is_saved(client, second_life: World) -> None:
    client.force_login(second_life.owner_admin)
    response = client.post(
        _url(second_life),
        {
            "destination": "recycling",
            "material-0": "steel",
            "mass_kg-0": "420",
            "waste_code-0": "17 04 05",
            "material-2": "copper_alloys",
            "mass_kg-2": "-3",
            "waste_code-2": "99 99 99",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Rien n’a été enregistré" in page
    assert "Ligne 3, masse (kg) : Indiquez une masse positive en kilogrammes." in page
    assert "Ligne 3, code de la liste des déchets : 99 99 99 n’est pas un code" in page
    assert "Ligne 1" not in page
    assert 'name="mass_kg-2" value="-3"' in page  # what was typed comes back
    second_life.machine.refresh_from_db()
    assert second_life.machine.status != MachineStatus.RETIRED
    assert not Decommissioning.objects.exists() and not DecommissionedMaterial.objects.exists()


def test_a_recycling_is_recorded_and_shown_on_the_passport(client, second_life: World) -> None:
    client.force_login(second_life.owner_admin)
    response = client.post(
        _url(second_life),
        {
            "destination": "recycling",
            "recipient": "Ferrailleur du port",
            "material-0": "steel",
            "mass_kg-0": "420,5",
            "waste_code-0": "17 04 05",
            "material-1": "copper_alloys",
            "mass_kg-1": "18",
            "waste_code-1": "170401",
        },
    )
    assert response.status_code == 302
    record = Decommissioning.objects.get()
    assert [(m.material, str(m.mass_kg), m.waste_code) for m in record.materials.all()] == [
        ("steel", "420.50", "17 04 05"),
        ("copper_alloys", "18.00", "17 04 01"),
    ]
    passport = client.get(response["Location"]).content.decode()
    assert "Acier : 420,50&nbsp;kg, code de la liste des déchets 17 04 05" in passport
    assert 'id="decommission-link"' not in passport
    assert client.get(_url(second_life)).status_code == 302  # already done


def test_an_unreadable_date_is_named(client, second_life: World) -> None:
    client.force_login(second_life.owner_admin)
    response = client.post(
        _url(second_life), {"destination": "reuse", "decommissioned_on": "demain"}
    )
    assert response.status_code == 400 and "Indiquez une date." in response.content.decode()
    assert not Decommissioning.objects.exists()
