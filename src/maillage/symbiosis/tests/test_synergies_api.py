"""The synergies API: list, one synergy, each transition, the monthly exchanges, the errors."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from maillage.symbiosis.models import SynergyExchange, SynergyState
from maillage.symbiosis.tests import synergy_world
from maillage.symbiosis.tests.synergy_world import agree

english, world = synergy_world.english, synergy_world.world

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "no_api_throttle")]

BASE = "/api/v1/symbiosis/synergies"


class _JsonClient(Client):
    """Posts JSON, as API clients do (an empty body included)."""

    def post(self, path: str, data: Any = None, **extra: Any) -> Any:  # type: ignore[override]
        extra.setdefault("content_type", "application/json")
        return super().post(path, data, **extra)


def _client(user: Any) -> Client:
    client = _JsonClient()
    client.force_login(user)
    return client


def test_it_lists_my_synergies_only(world: Any) -> None:
    mine = _client(world["alice"]).get(BASE).json()
    assert mine["count"] == 1 and mine["items"][0]["state"] == "proposed"
    assert mine["items"][0]["allowed_steps"] == ["discuss", "accept", "decline"]
    assert _client(world["eve"]).get(BASE).json()["count"] == 0
    assert _client(world["coord"]).get(BASE).json()["count"] == 1
    assert _client(world["alice"]).get(BASE, {"state": "agreed"}).json()["count"] == 0
    assert Client().get(BASE).status_code == 401


def test_both_sides_accept_through_the_api(world: Any) -> None:
    url = f"{BASE}/{world['synergy'].pk}/accept"
    first = _client(world["alice"]).post(url)
    assert first.status_code == 200 and first.json()["state"] == "proposed"
    second = _client(world["bob"]).post(url)
    assert second.status_code == 200 and second.json()["state"] == "agreed"
    assert second.json()["offer"]["composition"] == synergy_world.OFFER_PRIVATE["composition"]


def test_a_step_from_the_wrong_state_is_a_conflict_naming_it(world: Any) -> None:
    response = _client(world["alice"]).post(f"{BASE}/{world['synergy'].pk}/start")
    assert response.status_code == 409
    assert "it is now “Proposed”" in response.json()["detail"][0]["msg"]


def test_a_coordinator_accepting_is_forbidden(world: Any) -> None:
    response = _client(world["coord"]).post(f"{BASE}/{world['synergy'].pk}/accept")
    assert response.status_code == 403
    response = _client(world["coord"]).post(f"{BASE}/{world['synergy'].pk}/discuss")
    assert response.status_code == 200 and response.json()["state"] == "discussing"


def test_another_organisation_does_not_find_the_synergy(world: Any) -> None:
    response = _client(world["eve"]).post(f"{BASE}/{world['synergy'].pk}/decline")
    assert response.status_code == 404


def test_decline_and_end_take_a_note(world: Any) -> None:
    response = _client(world["bob"]).post(
        f"{BASE}/{world['synergy'].pk}/decline",
        {"note": "Pas de place de stockage."},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["state"] == "declined"
    world["synergy"].refresh_from_db()
    assert world["synergy"].note == "Pas de place de stockage."


def test_start_and_end_through_the_api(world: Any) -> None:
    agree(world)
    pk = world["synergy"].pk
    assert _client(world["alice"]).post(f"{BASE}/{pk}/start").json()["state"] == "running"
    assert _client(world["coord"]).post(f"{BASE}/{pk}/end").json()["state"] == "ended"


def test_it_records_and_lists_the_months(world: Any) -> None:
    agree(world)
    pk = world["synergy"].pk
    client = _client(world["bob"])
    last = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    response = client.post(
        f"{BASE}/{pk}/exchanges",
        {"month": last, "quantity": "6.25"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["month"] == last
    client.post(
        f"{BASE}/{pk}/exchanges", {"month": last, "quantity": 7}, content_type="application/json"
    )
    rows = client.get(f"{BASE}/{pk}/exchanges").json()
    assert [(r["month"], float(r["quantity"]), r["unit"]) for r in rows] == [(last, 7.0, "t")]
    world["synergy"].refresh_from_db()
    assert world["synergy"].state == SynergyState.RUNNING


def test_bad_months_and_quantities_are_refused_naming_the_field(world: Any) -> None:
    agree(world)
    pk = world["synergy"].pk
    client = _client(world["bob"])
    future = (timezone.localdate() + dt.timedelta(days=40)).strftime("%Y-%m")
    response = client.post(
        f"{BASE}/{pk}/exchanges", {"month": future, "quantity": 1}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "month"
    response = client.post(
        f"{BASE}/{pk}/exchanges",
        {"month": "2026-13", "quantity": 1},
        content_type="application/json",
    )
    assert response.status_code == 422
    response = client.post(
        f"{BASE}/{pk}/exchanges",
        {"month": "2026-01", "quantity": -1},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert not SynergyExchange.objects.exists()


def test_the_exchanges_of_others_are_not_found(world: Any) -> None:
    agree(world)
    assert _client(world["eve"]).get(f"{BASE}/{world['synergy'].pk}/exchanges").status_code == 404
