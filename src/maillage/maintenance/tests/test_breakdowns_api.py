"""The breakdown endpoints: report, confirm, dismiss, resolve, list, rebook; 403, 404, 409, 422."""

from __future__ import annotations

from typing import Any

import pytest

from maillage.directory.actions import people as people_actions
from maillage.maintenance.models import AffectedBooking, BreakdownState
from maillage.maintenance.tests import breakdown_world as world
from maillage.maintenance.tests.breakdown_world import at, book
from maillage.matching.tests.test_api import post
from maillage.sharing.models import Booking, BookingState

_fresh_index, taxonomy, territory = world._fresh_index, world.taxonomy, world.territory
english = world.english

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "no_api_throttle")]


def _auth(user: Any) -> dict[str, str]:
    key = people_actions.create_api_token(user, "test")[1]
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_report_confirm_list_and_rebook_through_the_api(client: Any, territory: Any) -> None:
    dave, alice = territory["dave"], territory["alice"]
    a, b = territory["machines"]["a"], territory["machines"]["b"]
    booking = book(dave, a, 30, 31)
    dave_auth, alice_auth = _auth(dave), _auth(alice)

    made = post(
        client,
        "/api/v1/breakdowns",
        {"machine_id": a.pk, "description": "Burning smell.", "booking_id": booking.pk},
        **dave_auth,
    )
    assert made.status_code == 201, made.content
    report_id = made.json()["id"]
    assert made.json()["state"] == "reported" and made.json()["booking"] == booking.pk

    assert (
        post(
            client,
            f"/api/v1/breakdowns/{report_id}/confirm",
            {"estimated_end": at(40).isoformat()},
            **dave_auth,
        ).status_code
        == 403
    )
    bad = post(
        client,
        f"/api/v1/breakdowns/{report_id}/confirm",
        {"estimated_end": at(40).isoformat(), "start": at(41).isoformat()},
        **alice_auth,
    )
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["body", "estimated_end"]
    done = post(
        client,
        f"/api/v1/breakdowns/{report_id}/confirm",
        {"estimated_end": at(40).isoformat()},
        **alice_auth,
    )
    assert done.status_code == 200, done.content
    assert done.json()["state"] == "confirmed" and done.json()["downtime"]
    again = post(
        client,
        f"/api/v1/breakdowns/{report_id}/confirm",
        {"estimated_end": at(40).isoformat()},
        **alice_auth,
    )
    assert again.status_code == 409

    listed = client.get("/api/v1/breakdowns?state=confirmed", **alice_auth)
    assert [r["id"] for r in listed.json()["items"]] == [report_id]
    assert client.get("/api/v1/breakdowns", **_auth(territory["carol"])).json()["items"] == []
    assert (
        client.get(f"/api/v1/breakdowns/{report_id}", **_auth(territory["carol"])).status_code
        == 404
    )

    mine = client.get("/api/v1/breakdowns/affected", **dave_auth).json()["items"]
    assert len(mine) == 1 and mine[0]["alternative"] == b.pk
    assert mine[0]["alternative_name"] == "Laser B"
    affected_id = mine[0]["id"]
    assert (
        post(
            client, f"/api/v1/breakdowns/affected/{affected_id}/rebook", {}, **alice_auth
        ).status_code
        == 404
    )
    rebooked = post(client, f"/api/v1/breakdowns/affected/{affected_id}/rebook", {}, **dave_auth)
    assert rebooked.status_code == 200, rebooked.content
    assert rebooked.json()["state"] == "rebooked"
    new = Booking.objects.get(pk=rebooked.json()["rebooked_as"])
    assert (new.machine_id, new.start) == (b.pk, at(30))
    assert Booking.objects.get(pk=booking.pk).state == BookingState.CANCELLED
    twice = post(client, f"/api/v1/breakdowns/affected/{affected_id}/rebook", {}, **dave_auth)
    assert twice.status_code == 409

    resolved = post(
        client, f"/api/v1/breakdowns/{report_id}/resolve", {"note": "Fixed."}, **alice_auth
    )
    assert resolved.json()["state"] == BreakdownState.RESOLVED
    assert AffectedBooking.objects.get(pk=affected_id).state == "rebooked"


def test_report_refusals(client: Any, territory: Any, make_user: Any) -> None:
    a = territory["machines"]["a"]
    stranger = _auth(make_user("stranger"))
    assert (
        post(
            client, "/api/v1/breakdowns", {"machine_id": a.pk, "description": "x"}, **stranger
        ).status_code
        == 403
    )
    empty = post(
        client,
        "/api/v1/breakdowns",
        {"machine_id": a.pk, "description": " "},
        **_auth(territory["alice"]),
    )
    assert empty.status_code == 422
    assert empty.json()["detail"][0]["loc"] == ["body", "description"]
    unknown = post(
        client, "/api/v1/breakdowns", {"machine_id": 999999, "description": "x"}, **stranger
    )
    assert unknown.status_code == 422


def test_dismiss_through_the_api(client: Any, territory: Any) -> None:
    a = territory["machines"]["a"]
    alice = _auth(territory["alice"])
    report_id = post(
        client, "/api/v1/breakdowns", {"machine_id": a.pk, "description": "Odd noise."}, **alice
    ).json()["id"]
    no_reason = post(client, f"/api/v1/breakdowns/{report_id}/dismiss", {}, **alice)
    assert no_reason.status_code == 422
    dismissed = post(
        client, f"/api/v1/breakdowns/{report_id}/dismiss", {"note": "Normal."}, **alice
    )
    assert dismissed.json()["state"] == "dismissed"


def test_the_openapi_schema_declares_the_conflicts(client: Any) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for name in ("confirm", "dismiss", "resolve"):
        responses = paths[f"/api/v1/breakdowns/{{report_id}}/{name}"]["post"]["responses"]
        assert {"200", "403", "404", "409", "422"} <= set(responses)
    assert "409" in paths["/api/v1/breakdowns/affected/{affected_id}/rebook"]["post"]["responses"]
