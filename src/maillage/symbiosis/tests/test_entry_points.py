"""Where people start: the index and the heat page lead members to declare for their
organisations, and the organisation page says how many offers and demands it has open."""

from __future__ import annotations

from typing import Any

import pytest

from maillage.directory.models import Membership, Role
from maillage.symbiosis.tests import declaration_world
from maillage.symbiosis.tests.declaration_world import World

world = declaration_world.world

pytestmark = pytest.mark.django_db


def test_a_member_of_one_organisation_gets_a_declare_button(world: World) -> None:
    page = world.client("owner").get("/symbiosis/").content.decode()
    assert f'href="/o/{world.sawmill.slug}/symbiosis/declare/"' in page
    assert "Déclarer une ressource" in page


def test_a_visitor_gets_no_declare_button(world: World) -> None:
    page = world.client("anonymous").get("/symbiosis/").content.decode()
    assert 'id="declare-for"' not in page


def test_a_member_of_many_organisations_picks_one_in_a_list(
    world: World, make_organisation: Any
) -> None:
    for name in ("Atelier A", "Atelier B", "Atelier C"):
        make_organisation(name, admin=world.owner)
    client = world.client("owner")

    index = client.get("/symbiosis/").content.decode()
    heat = client.get("/symbiosis/heat/").content.decode()

    assert index.count('<option value="') >= 4 and 'name="for"' in index
    assert 'name="for"' in heat and "Déclarer de la chaleur pour Atelier A" not in heat
    chosen = client.get("/symbiosis/", {"for": world.sawmill.slug})
    assert chosen.status_code == 302
    assert chosen["Location"] == f"/o/{world.sawmill.slug}/symbiosis/"
    declare = client.get("/symbiosis/heat/", {"for": world.sawmill.slug})
    assert declare["Location"] == f"/o/{world.sawmill.slug}/symbiosis/heat/declare/"


def test_one_cannot_be_sent_to_another_organisation_s_declarations(world: World) -> None:
    response = world.client("owner").get("/symbiosis/", {"for": world.rival.slug})
    assert response.status_code == 200  # the list, not a redirect


def test_the_organisation_page_counts_its_open_offers_and_demands(world: World) -> None:
    public = world.client("anonymous").get(f"/o/{world.sawmill.slug}/").content.decode()
    member = world.client("owner").get(f"/o/{world.sawmill.slug}/").content.decode()
    partner = world.client("partner").get(f"/o/{world.joinery.slug}/").content.decode()

    assert "Ressources :" in public and "1 offre," in public and "0 demande" in public
    assert "Nos déclarations" not in public
    assert f'href="/o/{world.sawmill.slug}/symbiosis/declare/"' in member
    assert "0 offre," in partner and "1 demande" in partner


def test_an_organisation_with_nothing_declared_shows_the_line_to_its_members_only(
    world: World,
) -> None:
    assert Membership.objects.filter(user=world.other, role=Role.ADMIN).exists()
    rival_page = f"/o/{world.rival.slug}/"
    assert "symbiosis-summary" not in world.client("anonymous").get(rival_page).content.decode()
    assert "symbiosis-summary" in world.client("other").get(rival_page).content.decode()
