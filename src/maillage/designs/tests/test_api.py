"""The designs endpoints: who can make a design, parts into needs, builds."""

from __future__ import annotations

import json
from typing import Any

import pytest

from maillage.designs.models import Build
from maillage.designs.tests import makers_world
from maillage.designs.tests.makers_world import part
from maillage.directory.actions import people as people_actions
from maillage.matching.models import Need, UnmetReason

pytestmark = pytest.mark.django_db

_fresh_index, taxonomy, world = makers_world._fresh_index, makers_world.taxonomy, makers_world.world

MAKERS = "/api/v1/designs/presse/makers"
BUILDS = "/api/v1/designs/presse/builds"


def token(user: Any) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {people_actions.create_api_token(user, 'test')[1]}"}


def post(client: Any, url: str, payload: Any, **extra: Any) -> Any:
    return client.post(url, json.dumps(payload), content_type="application/json", **extra)


def test_anyone_gets_the_makers_per_part_and_the_share(client: Any, world: Any) -> None:
    response = client.get(MAKERS, {"commune": "13001", "max_km": 50})
    assert response.status_code == 200, response.content
    body = response.json()
    parts = {p["name"]: p for p in body["parts"]}
    assert parts["Plaque"]["makeable"]
    assert [m["machine"] for m in parts["Plaque"]["processes"][0]["machines"]] == [
        "Laser Vieux-Port"
    ]
    assert parts["Couvercle"]["processes"][0]["unmet_reason"] == UnmetReason.WRONG_MATERIAL
    assert body["bought"] == ["Vis M6"]
    assert body["share"]["by_count_percent"] == 50
    assert body["share"]["by_mass_percent"] == 23  # 1.6 kg of 6.8 kg


def test_a_bad_place_is_a_422_naming_the_commune(client: Any, world: Any) -> None:
    response = client.get(MAKERS, {"commune": "Nulle-Part-sur-Mer"})
    assert response.status_code == 422
    assert ["query", "commune"] in [d["loc"] for d in response.json()["detail"]]
    assert client.get(MAKERS, {"commune": "13001", "max_km": 0}).status_code == 422
    # A visitor who says nowhere is asked where.
    nowhere = client.get(MAKERS)
    assert nowhere.status_code == 422
    assert ["query", "commune"] in [d["loc"] for d in nowhere.json()["detail"]]


def test_a_member_turns_the_parts_into_needs(client: Any, world: Any) -> None:
    response = post(client, f"{MAKERS}/needs", {"commune": "13001"}, **token(world["dave"]))
    assert response.status_code == 201, response.content
    body = response.json()
    assert len(body["need_ids"]) == 3 and body["unmet"] == 2
    assert set(Need.objects.values_list("pk", flat=True)) == set(body["need_ids"])


def test_needs_are_all_or_nothing_through_the_api(client: Any, world: Any) -> None:
    part(world["design"], "Ressort", processes=(), position=5)
    response = post(client, f"{MAKERS}/needs", {"commune": "13001"}, **token(world["dave"]))
    assert response.status_code == 422 and "Ressort" in response.content.decode()
    assert Need.objects.count() == 0
    assert post(client, f"{MAKERS}/needs", {"commune": "13001"}).status_code == 401


def test_builds_are_recorded_by_members_and_listed(client: Any, world: Any) -> None:
    org = world["orgs"]["a"]
    sent = {
        "organisation": org.pk,
        "title": "Notre presse",
        "built_on": "2026-04-02",
        "variations": "Vis en inox",
        "is_public": False,
    }
    assert post(client, BUILDS, sent, **token(world["dave"])).status_code == 403
    response = post(client, BUILDS, sent, **token(world["alice"]))
    assert response.status_code == 201, response.content
    assert "Marseille" in response.json()["commune"]
    assert Build.objects.get().created_by == world["alice"]
    # Private: its organisation sees it, others do not.
    assert client.get(BUILDS).json() == []
    assert [b["title"] for b in client.get(BUILDS, **token(world["alice"])).json()] == [
        "Notre presse"
    ]
    bad = post(client, BUILDS, {**sent, "title": " "}, **token(world["alice"]))
    assert bad.status_code == 422 and ["body", "title"] in [d["loc"] for d in bad.json()["detail"]]
