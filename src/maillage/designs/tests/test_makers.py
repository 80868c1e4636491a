"""Who can make a design near a place, and its parts turned into needs (all or nothing)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from maillage.designs.actions.makers import parts_into_needs
from maillage.designs.queries.makers import Place, who_can_make
from maillage.designs.tests import makers_world
from maillage.designs.tests.makers_world import part
from maillage.matching.models import Need, NeedStatus, UnmetReason

pytestmark = pytest.mark.django_db

# The territory's fixtures, shared with the API tests.
_fresh_index, taxonomy, world = makers_world._fresh_index, makers_world.taxonomy, makers_world.world

MARSEILLE = Place(commune="13001")


@pytest.fixture
def client() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def _by_name(answer: Any) -> dict[str, Any]:
    return {a.part.name: a for a in answer.parts}


def test_it_finds_the_machine_in_reach_and_not_the_one_out_of_it(world: Any) -> None:
    answer = who_can_make(world["design"], AnonymousUser(), MARSEILLE, 50)
    plate = _by_name(answer)["Plaque"]
    assert plate.makeable
    machines = [row.machine for row in plate.processes[0].machines]
    assert machines == [world["machines"]["near"]]
    assert plate.processes[0].machines[0].distance_km < 10


def test_a_wider_radius_reaches_the_far_machine(world: Any) -> None:
    answer = who_can_make(world["design"], AnonymousUser(), MARSEILLE, 250)
    rows = _by_name(answer)["Grande plaque"].processes[0].machines
    assert [r.machine for r in rows] == [world["machines"]["far"]]
    assert 140 < rows[0].distance_km < 200


def test_it_says_why_nothing_fits(world: Any) -> None:
    parts = _by_name(who_can_make(world["design"], AnonymousUser(), MARSEILLE, 50))
    big, lid = parts["Grande plaque"].processes[0], parts["Couvercle"].processes[0]
    assert big.machines == [] and big.reason == UnmetReason.TOO_SMALL
    assert lid.machines == [] and lid.reason == UnmetReason.WRONG_MATERIAL
    assert big.reason_label == str(UnmetReason.TOO_SMALL.label)


def test_the_share_counts_pieces_and_mass_without_the_bought_parts(world: Any) -> None:
    share = who_can_make(world["design"], AnonymousUser(), MARSEILLE, 50).share
    # 2 plates of 4: 2 plates + 1 big plate + 1 lid; the 8 screws are bought.
    assert (share.pieces_makeable, share.pieces_to_make) == (2, 4)
    assert share.by_mass == pytest.approx(1600 / (1600 + 4000 + 1200))


def test_a_part_without_process_is_said_and_not_makeable(world: Any) -> None:
    part(world["design"], "Ressort", processes=(), position=5)
    answer = who_can_make(world["design"], AnonymousUser(), MARSEILLE, 50)
    spring = _by_name(answer)["Ressort"]
    assert spring.problem and not spring.makeable


def test_a_bad_place_names_the_field(world: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        who_can_make(world["design"], AnonymousUser(), Place(commune="Nulle-Part-sur-Mer"), 50)
    assert "commune" in exc.value.message_dict


def test_the_page_shows_makers_reasons_and_share_to_visitors(client: Client, world: Any) -> None:
    response = client.get("/designs/presse/makers/", {"commune": "13001", "max_km": "50"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Laser Vieux-Port" in html and "Grand laser" not in html
    assert str(UnmetReason.TOO_SMALL.label) in html
    assert str(UnmetReason.WRONG_MATERIAL.label) in html
    assert 'id="share-count"' in html and "50 % of the pieces to make (2 of 4)" in html
    assert 'id="into-needs"' not in html  # visitors cannot record needs


def test_a_member_searches_from_their_organisation_by_default(client: Client, world: Any) -> None:
    client.force_login(world["dave"])
    html = client.get("/designs/presse/makers/").content.decode()
    assert "Menuiserie du Panier" in html and "Laser Vieux-Port" in html
    assert 'id="into-needs"' in html


def test_parts_become_needs_in_my_needs(client: Client, world: Any) -> None:
    client.force_login(world["dave"])
    response = client.post("/designs/presse/makers/needs/", {"commune": "13001", "max_km": "50"})
    assert response.status_code == 302 and response["Location"] == "/needs/"
    needs = {n.label: n for n in Need.objects.filter(requester=world["dave"])}
    assert set(needs) == {
        "Presse à huile — Plaque",
        "Presse à huile — Grande plaque",
        "Presse à huile — Couvercle",
    }
    assert needs["Presse à huile — Plaque"].status == NeedStatus.MATCHED
    big = needs["Presse à huile — Grande plaque"]
    assert big.status == NeedStatus.UNMET and big.unmet_reason == UnmetReason.TOO_SMALL
    assert (big.part_x_mm, big.material) == (1800, "steel")
    assert big.organisation == world["orgs"]["d"]


def test_a_part_without_process_saves_no_need_at_all(world: Any) -> None:
    part(world["design"], "Ressort", processes=(), position=5)
    with pytest.raises(ValidationError) as exc:
        parts_into_needs(world["dave"], world["design"], MARSEILLE)
    assert "Ressort" in " ".join(exc.value.messages)
    assert Need.objects.count() == 0


def test_a_bad_place_saves_no_need(world: Any) -> None:
    with pytest.raises(ValidationError):
        parts_into_needs(world["dave"], world["design"], Place(commune="Nulle-Part-sur-Mer"))
    assert Need.objects.count() == 0


def test_only_members_of_an_organisation_record_needs(make_user: Any, world: Any) -> None:
    loner = make_user("loner")
    with pytest.raises(PermissionDenied):
        parts_into_needs(loner, world["design"], MARSEILLE)
    assert Need.objects.count() == 0


def test_the_page_names_the_part_without_process(client: Client, world: Any) -> None:
    part(world["design"], "Ressort", processes=(), position=5)
    client.force_login(world["dave"])
    response = client.post(
        "/designs/presse/makers/needs/", {"commune": "13001", "max_km": "50"}, follow=True
    )
    assert "Ressort" in response.content.decode()
    assert Need.objects.count() == 0


def test_a_bad_part_after_good_ones_leaves_nothing_saved(world: Any) -> None:
    part(
        world["design"], "Cale", position=9, material="steel", size_x_mm=0, size_y_mm=5, size_z_mm=5
    )
    with pytest.raises(ValidationError) as exc:
        parts_into_needs(world["dave"], world["design"], MARSEILLE)
    assert "Cale" in " ".join(exc.value.messages)
    assert Need.objects.count() == 0


def test_a_visitor_without_a_place_is_asked_where(client: Client, world: Any) -> None:
    html = client.get("/designs/presse/makers/").content.decode()
    assert 'id="say-where"' in html and 'id="share"' not in html
    assert client.get("/designs/nowhere/makers/").status_code == 404
