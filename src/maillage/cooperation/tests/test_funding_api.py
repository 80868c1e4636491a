"""The funding API: reading a project's funding, pledging (422 naming the field), confirming."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from typing import Any

import pytest

from maillage.cooperation.models import Campaign, Pledge, PledgeState
from maillage.cooperation.tests.funding_world import add_pledge, english, fworld

__all__ = ["english", "fworld"]

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "no_api_throttle")]

BASE = "/api/v1/cooperation"


def _post(client: Any, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(url, body or {}, content_type="application/json")


def test_reading_a_public_project_funding(client: Any, fworld: Any) -> None:
    add_pledge(fworld["campaign"], fworld["cit"], "33.33", PledgeState.CONFIRMED)
    add_pledge(fworld["campaign"], fworld["zoe"], "10")
    body = client.get(f"{BASE}/projects/decoupe-test/funding").json()
    campaign = body["campaign"]
    assert campaign["confirmed"] == "33.33" and campaign["matched"] == "33.33"
    assert campaign["promised"] == "10.00" and campaign["total"] == "66.66"
    assert campaign["rules"][0]["ratio"] == "1" and campaign["rules"][0]["cap"] == "300.00"
    assert body["budget"] == "80000.00"
    assert client.get(f"{BASE}/projects/secret-test/funding").status_code == 404


def test_pledging_through_the_api(client: Any, fworld: Any) -> None:
    url = f"{BASE}/projects/decoupe-test/funding/pledges"
    assert _post(client, url, {"amount": "10"}).status_code == 401
    client.force_login(fworld["cit"])
    response = _post(client, url, {"amount": "-5"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "amount"]
    response = _post(client, url, {"amount": -5})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "amount"]
    response = _post(client, url, {"amount": "abc"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "amount"
    response = _post(client, url, {"amount": 0.1})
    assert response.status_code == 201 and response.json()["amount"] == "0.10"
    Pledge.objects.all().delete()
    response = _post(client, url, {"amount": "25.10", "anonymous": True})
    assert response.status_code == 201, response.content
    assert response.json()["amount"] == "25.10"
    assert Pledge.objects.get().amount == D("25.10")
    response = _post(client, url, {"amount": "5", "organisation": fworld["lead"].pk})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "organisation"]


def test_pledging_after_the_deadline_is_a_422(client: Any, fworld: Any) -> None:
    Campaign.objects.filter(pk=fworld["campaign"].pk).update(
        deadline=fworld["today"] - dt.timedelta(days=1)
    )
    client.force_login(fworld["cit"])
    response = _post(client, f"{BASE}/projects/decoupe-test/funding/pledges", {"amount": "10"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "deadline"]
    assert not Pledge.objects.exists()


def test_confirming_through_the_api(client: Any, fworld: Any) -> None:
    found = add_pledge(fworld["campaign"], fworld["cit"], "25")
    url = f"{BASE}/pledges/{found.pk}/confirm"
    client.force_login(fworld["lea"])
    assert _post(client, url).status_code == 403
    client.force_login(fworld["coordinator"])
    response = _post(client, url)
    assert response.status_code == 200 and response.json()["state"] == "confirmed"
    response = _post(client, url)
    assert response.status_code == 409
    assert "no longer promised" in response.json()["detail"][0]["msg"]
    assert _post(client, f"{BASE}/pledges/999999/confirm").status_code == 404
