"""A visitor never sees more machines than a signed-in person: only the offers open to anyone
registered, and the share made within reach follows."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from maillage.designs.queries.makers import Place, who_can_make
from maillage.designs.tests import makers_world
from maillage.sharing.models import Audience, Offer

pytestmark = pytest.mark.django_db

_fresh_index, taxonomy, world = makers_world._fresh_index, makers_world.taxonomy, makers_world.world

MARSEILLE = Place(commune="13001")


def _plate(answer: Any) -> Any:
    return next(a for a in answer.parts if a.part.name == "Plaque")


@pytest.mark.parametrize("audience", [Audience.NETWORK, Audience.OWN])
def test_a_visitor_does_not_see_an_offer_kept_for_members(world: Any, audience: str) -> None:
    Offer.objects.filter(machine=world["machines"]["near"]).update(audience=audience)
    visitor = who_can_make(world["design"], AnonymousUser(), MARSEILLE, 50)
    assert not _plate(visitor).makeable
    assert all(not p.machines for p in _plate(visitor).processes)
    assert visitor.share.pieces_makeable == 0 and visitor.share.by_mass == 0
    # The host's own admin still finds it, and the share counts it.
    host = who_can_make(world["design"], world["alice"], MARSEILLE, 50)
    assert [r.machine for r in _plate(host).processes[0].machines] == [world["machines"]["near"]]
    assert host.share.pieces_makeable == 2


def test_a_network_offer_is_seen_by_a_network_member_not_by_a_visitor(
    world: Any,
) -> None:
    Offer.objects.filter(machine=world["machines"]["near"]).update(audience=Audience.NETWORK)
    member = who_can_make(world["design"], world["dave"], MARSEILLE, 50)
    assert _plate(member).makeable
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get(
        "/designs/presse/makers/", {"commune": "13001", "max_km": 50}
    )
    assert page.status_code == 200 and "Laser Vieux-Port" not in page.content.decode()
    api = Client().get("/api/v1/designs/presse/makers", {"commune": "13001", "max_km": 50})
    assert api.json()["share"]["by_count_percent"] == 0


def test_an_offer_open_to_anyone_registered_is_shown_to_visitors(world: Any) -> None:
    visitor = who_can_make(world["design"], AnonymousUser(), MARSEILLE, 50)
    assert _plate(visitor).makeable and visitor.share.pieces_makeable == 2
