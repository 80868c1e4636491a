"""The network API: the network with its colleges, decisions with results, casting a vote."""

from __future__ import annotations

import json
from typing import Any

import pytest

from maillage.cooperation.actions import decisions as decision_actions
from maillage.cooperation.models import Vote
from maillage.cooperation.tests.governance_world import english, gov

__all__ = ["english", "gov"]

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _vote_url(gov: dict[str, Any]) -> str:
    return f"/api/v1/cooperation/decisions/{gov['decision'].pk}/votes"


def _post(client: Any, url: str, payload: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(payload), content_type="application/json")


def test_the_network_with_its_colleges_and_counts(gov: dict[str, Any], client: Any) -> None:
    body = client.get("/api/v1/cooperation/network").json()
    assert body["slug"] == "pole-test" and body["members"] == 5
    companies = next(c for c in body["colleges"] if c["kind"] == "companies")
    assert companies["members"] == 2 and companies["weight_percent"] == "40.00"


def test_decisions_open_ones_for_members_only(gov: dict[str, Any], client: Any) -> None:
    assert client.get("/api/v1/cooperation/decisions").json() == []
    client.force_login(gov["ada"])
    [open_one] = client.get("/api/v1/cooperation/decisions").json()
    assert open_one["state"] == "open" and open_one["outcome"] == "no_votes"


def test_a_closed_decision_with_its_result(gov: dict[str, Any], client: Any) -> None:
    decision_actions.cast_vote(gov["ada"], gov["decision"], gov["members"]["ada"], "no")
    decision_actions.close_decision(gov["coordinator"], gov["decision"])
    [closed] = client.get("/api/v1/cooperation/decisions").json()
    assert closed["outcome"] == "rejected" and closed["no_percent"] == "100.00"
    companies = next(c for c in closed["colleges"] if c["college"] == "Companies")
    assert (companies["no"], companies["eligible"]) == (1, 2)


def test_an_admin_casts_a_vote(gov: dict[str, Any], client: Any) -> None:
    client.force_login(gov["ada"])
    answer = _post(client, _vote_url(gov), {"member": gov["members"]["ada"].pk, "choice": "yes"})
    assert answer.status_code == 201 and answer.json()["choice"] == "yes"
    again = _post(client, _vote_url(gov), {"member": gov["members"]["ada"].pk, "choice": "no"})
    assert again.status_code == 422 and again.json()["detail"][0]["loc"] == ["body", "member"]
    assert Vote.objects.get().choice == "yes"


def test_a_bad_choice_is_422_naming_the_field(gov: dict[str, Any], client: Any) -> None:
    client.force_login(gov["ada"])
    answer = _post(client, _vote_url(gov), {"member": gov["members"]["ada"].pk, "choice": "oui"})
    assert answer.status_code == 422
    assert "choice" in json.dumps(answer.json()["detail"])
    huge = _post(client, _vote_url(gov), {"member": 2**70, "choice": "yes"})
    assert huge.status_code == 422


def test_voting_for_another_organisation_is_403(gov: dict[str, Any], client: Any) -> None:
    client.force_login(gov["ada"])
    answer = _post(client, _vote_url(gov), {"member": gov["members"]["fab"].pk, "choice": "yes"})
    assert answer.status_code == 403 and not Vote.objects.exists()
    client.logout()
    anonymous = _post(client, _vote_url(gov), {"member": gov["members"]["ada"].pk, "choice": "yes"})
    assert anonymous.status_code in (401, 403)


def test_voting_on_a_closed_decision_is_409(gov: dict[str, Any], client: Any) -> None:
    decision_actions.close_decision(gov["coordinator"], gov["decision"])
    client.force_login(gov["ada"])
    answer = _post(client, _vote_url(gov), {"member": gov["members"]["ada"].pk, "choice": "yes"})
    assert answer.status_code == 409 and "closed" in answer.json()["detail"]
