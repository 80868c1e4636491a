"""The passport hides the owner's private fields from other organisations, on API and page."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from maillage.directory.actions import people as people_actions
from maillage.maintenance.actions import passport as passport_actions
from maillage.maintenance.models.passport import PassportPrivacy
from maillage.maintenance.tests.passport_world import World, add_booking
from maillage.sharing.models import BookingState


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def _bearer(user) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {people_actions.create_api_token(user, 't')[1]}"}


@pytest.fixture
def private_world(second_life: World) -> World:
    passport_actions.record_ownership(
        second_life.owner_admin,
        second_life.machine,
        passport_actions.OwnershipInput(
            acquisition="bought_new", started_on=dt.date(2012, 3, 1), price_cents=2_500_000
        ),
    )
    add_booking(second_life, -10, BookingState.COMPLETED, "12.25")
    passport_actions.set_privacy(
        second_life.owner_admin, second_life.machine, ["purchase_price", "serial_number", "hours"]
    )
    return second_life


def test_api_hides_private_fields_from_another_organisation(client, private_world: World) -> None:
    url = f"/api/v1/machines/{private_world.machine.pk}/passport"
    outsider = client.get(url, **_bearer(private_world.taker_member)).json()
    assert outsider["serial_number"] is None and outsider["hours_used"] is None
    assert outsider["owners"][0]["price_cents"] is None
    assert outsider["location"]  # not private here
    assert outsider["hidden_fields"] == ["hours", "purchase_price", "serial_number"]
    assert "TR-300-1234" not in json.dumps(outsider) and "2500000" not in json.dumps(outsider)
    anonymous = client.get(url).json()
    assert anonymous["serial_number"] is None and anonymous["hours_used"] is None


def test_api_shows_everything_to_the_owners_members(client, private_world: World) -> None:
    url = f"/api/v1/machines/{private_world.machine.pk}/passport"
    mine = client.get(url, **_bearer(private_world.owner_member)).json()
    assert mine["serial_number"] == "TR-300-1234"
    assert mine["hours_used"] == "12.25"
    assert mine["owners"][0]["price_cents"] == 2_500_000
    assert mine["hidden_fields"] == []


def test_page_and_print_hide_private_fields(client, private_world: World) -> None:
    client.force_login(private_world.taker_member)
    for name in ("passport", "passport_print"):
        page = client.get(
            f"/machines/{private_world.machine.pk}/passport/"
            + ("print/" if "print" in name else "")
        )
        assert page.status_code == 200
        text = page.content.decode()
        assert "Découpe laser Trotec" in text
        assert "TR-300-1234" not in text and "25000" not in text and "12.25" not in text
    client.force_login(private_world.owner_member)
    text = client.get(f"/machines/{private_world.machine.pk}/passport/").content.decode()
    assert "TR-300-1234" in text and "12.25" in text


def test_only_admins_set_privacy_and_fields_are_checked(client, second_life: World) -> None:
    url = f"/api/v1/machines/{second_life.machine.pk}/passport/privacy"
    body = json.dumps({"private_fields": ["hours"]})
    refused = client.put(url, body, "application/json", **_bearer(second_life.owner_member))
    assert refused.status_code == 403
    bad = client.put(
        url,
        json.dumps({"private_fields": ["colour"]}),
        "application/json",
        **_bearer(second_life.owner_admin),
    )
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["body", "private_fields"]
    assert not PassportPrivacy.objects.exists()
    ok = client.put(url, body, "application/json", **_bearer(second_life.owner_admin))
    assert ok.status_code == 200 and ok.json()["private_fields"] == ["hours"]


def test_api_transfer_to_a_not_validated_organisation_is_refused(
    client, second_life: World
) -> None:
    created = client.post(
        f"/api/v1/machines/{second_life.machine.pk}/transfers",
        json.dumps({"kind": "donation"}),
        "application/json",
        **_bearer(second_life.owner_admin),
    )
    assert created.status_code == 201
    transfer_id = created.json()["id"]
    listed = client.get("/api/v1/second-hand?kind=donation").json()
    assert [t["id"] for t in listed["items"]] == [transfer_id]
    asked = client.post(
        f"/api/v1/transfers/{transfer_id}/ask",
        json.dumps({"organisation": second_life.pending.slug}),
        "application/json",
        **_bearer(second_life.pending_member),
    )
    assert asked.status_code == 422
    assert asked.json()["detail"][0]["loc"] == ["body", "organisation"]
    asked = client.post(
        f"/api/v1/transfers/{transfer_id}/ask",
        json.dumps({"organisation": second_life.taker.slug}),
        "application/json",
        **_bearer(second_life.taker_member),
    )
    assert asked.json()["state"] == "reserved"
    decided = client.post(
        f"/api/v1/transfers/{transfer_id}/decide",
        json.dumps({"decision": "accept"}),
        "application/json",
        **_bearer(second_life.owner_admin),
    )
    assert decided.json()["state"] == "transferred"
    assert decided.json()["to_organisation"] == second_life.taker.slug
