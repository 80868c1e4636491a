"""Funding, as reviewed: huge amounts are a field error (not a crash), lines removed meanwhile,
pledges in an organisation's name, the name shown by default, the deadline day, closed
campaigns, and private projects' funding read by their partners."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from maillage.cooperation.actions import funding as actions
from maillage.cooperation.models import (
    Campaign,
    CampaignState,
    FundingLine,
    MatchingRule,
    Pledge,
    PledgeState,
    ProjectPartner,
)
from maillage.cooperation.tests.funding_world import add_pledge, english, fworld
from maillage.directory.models import Membership, Role

__all__ = ["english", "fworld"]

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "no_api_throttle")]

BASE = "/api/v1/cooperation"
HUGE = ["1e999999", "9E+999999999", "1e30", "-1e999999"]


@pytest.mark.parametrize("amount", HUGE)
def test_a_huge_amount_is_a_field_error(amount: str) -> None:
    with pytest.raises(ValidationError) as caught:
        actions.money(amount, "amount")
    assert list(caught.value.message_dict) == ["amount"]


def test_tiny_exponents_are_still_refused_to_the_cent() -> None:
    with pytest.raises(ValidationError) as caught:
        actions.money("1e-999999", "amount")
    assert caught.value.message_dict == {"amount": ["Give the amount to the cent at most."]}
    assert actions.money("1.5e2", "amount") == D("150.00")


def test_a_huge_pledge_on_the_page_is_a_form_error(client: Any, fworld: Any) -> None:
    client.force_login(fworld["cit"])
    url = reverse("cooperation:funding", args=["decoupe-test"])
    response = client.post(url, {"amount": "1e999999"})
    assert response.status_code == 200
    assert "At most 100,000" in response.content.decode()
    assert not Pledge.objects.exists()


def test_a_huge_pledge_through_the_api_is_a_422_naming_the_amount(client: Any, fworld: Any) -> None:
    client.force_login(fworld["cit"])
    url = f"{BASE}/projects/decoupe-test/funding/pledges"
    for amount in ("1e999999", "1E+999999"):
        response = client.post(url, {"amount": amount}, content_type="application/json")
        assert response.status_code == 422, response.content
        assert response.json()["detail"][0]["loc"][-1] == "amount"
    assert not Pledge.objects.exists()


def test_huge_line_amounts_goals_and_caps_are_field_errors(fworld: Any) -> None:
    lea, project = fworld["lea"], fworld["public"]
    with pytest.raises(ValidationError) as caught:
        actions.add_line(lea, project, actions.LineInput("grant", "Région", "1e999999"))
    assert set(caught.value.message_dict) == {"amount"}
    with pytest.raises(ValidationError) as caught:
        actions.add_line(
            lea, project, actions.LineInput("grant", "Région", "10", "committed", "1e999999")
        )
    assert set(caught.value.message_dict) == {"disbursed"}
    assert not FundingLine.objects.exists()
    Campaign.objects.all().delete()
    today = fworld["today"]
    with pytest.raises(ValidationError) as caught:
        actions.create_campaign(
            lea,
            project,
            actions.CampaignInput("1e999999", None, today + dt.timedelta(days=9), "keep"),
        )
    assert set(caught.value.message_dict) == {"goal"}
    campaign = actions.create_campaign(
        lea, project, actions.CampaignInput("500", None, today + dt.timedelta(days=9), "keep")
    )
    with pytest.raises(ValidationError) as caught:
        actions.add_matching_rule(
            lea, campaign, actions.RuleInput("Région", "1", "1e999999", "1e999999")
        )
    assert set(caught.value.message_dict) == {"cap", "per_pledge_cap"}
    assert not MatchingRule.objects.filter(campaign=campaign).exists()


def test_a_line_removed_meanwhile_is_a_clear_error(fworld: Any) -> None:
    lea = fworld["lea"]
    line = actions.add_line(lea, fworld["public"], actions.LineInput("grant", "Région", "100"))
    seen_by_other = FundingLine.objects.get(pk=line.pk)
    actions.remove_line(lea, line)
    assert not FundingLine.objects.exists()
    with pytest.raises(actions.FundingConflict, match="removed meanwhile"):
        actions.remove_line(lea, seen_by_other)
    with pytest.raises(actions.FundingConflict, match="removed meanwhile"):
        actions.update_line(lea, seen_by_other, actions.LineInput("grant", "Région", "200"))
    assert not FundingLine.objects.exists()


def test_editing_a_line_removed_meanwhile_on_the_page_does_not_crash(
    client: Any, fworld: Any
) -> None:
    line = actions.add_line(
        fworld["lea"], fworld["public"], actions.LineInput("grant", "Région", "100")
    )
    client.force_login(fworld["lea"])
    url = reverse("cooperation:funding_line", args=["decoupe-test", line.pk])
    FundingLine.objects.filter(pk=line.pk).delete()
    data = {"kind": "grant", "funder_name": "Région", "amount": "200", "status": "planned"}
    response = client.post(url, data)
    assert response.status_code in (200, 302, 404)
    assert not FundingLine.objects.exists()


def test_only_an_admin_pledges_in_the_organisation_s_name(fworld: Any) -> None:
    # Max is a plain member of the lead organisation: refused, naming the field.
    with pytest.raises(ValidationError) as caught:
        actions.pledge(fworld["max"], fworld["campaign"], "10", organisation=fworld["lead"])
    assert caught.value.message_dict == {
        "organisation": ["Only an admin of the organisation may pledge in its name."]
    }
    assert not Pledge.objects.exists()
    found = actions.pledge(fworld["lea"], fworld["campaign"], "10", organisation=fworld["lead"])
    assert found.organisation == fworld["lead"] and found.display_name == "Atelier Partagé"


def test_the_pledge_form_offers_only_the_organisations_one_is_admin_of(
    client: Any, fworld: Any
) -> None:
    client.force_login(fworld["max"])
    url = reverse("cooperation:funding", args=["decoupe-test"])
    response = client.post(url, {"amount": "10", "organisation": fworld["lead"].pk})
    assert response.status_code == 200 and not Pledge.objects.exists()
    client.force_login(fworld["lea"])
    page = client.get(url).content.decode()
    assert "Atelier Partagé" in page
    response = client.post(url, {"amount": "10", "organisation": fworld["lead"].pk})
    assert response.status_code == 302
    assert Pledge.objects.get().organisation == fworld["lead"]


def test_the_api_refuses_a_member_pledging_for_the_organisation(client: Any, fworld: Any) -> None:
    client.force_login(fworld["max"])
    response = client.post(
        f"{BASE}/projects/decoupe-test/funding/pledges",
        {"amount": "10", "organisation": fworld["lead"].pk},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "organisation"
    assert not Pledge.objects.exists()


@pytest.mark.parametrize(
    ("first", "last", "username", "shown"),
    [
        ("Camille", "Dupont", "cd", "Camille D."),
        ("Camille", "", "cd", "Camille"),
        ("", "dupont", "cd", "D."),
        ("", "", "camille.dupont@example.org", "camille"),
        ("", "", "camille", "camille"),
    ],
)
def test_the_name_shown_by_default_is_never_the_full_name(
    fworld: Any, first: str, last: str, username: str, shown: str
) -> None:
    person = fworld["cit"]
    person.first_name, person.last_name, person.username = first, last, username
    person.save()
    found = actions.pledge(person, fworld["campaign"], "10")
    assert found.display_name == shown
    typed = actions.pledge(person, fworld["campaign"], "10", display_name="Camille Dupont")
    assert typed.display_name == "Camille Dupont"


def test_no_confirmation_after_the_deadline_day(fworld: Any) -> None:
    campaign = fworld["campaign"]
    found = add_pledge(campaign, fworld["cit"], "10")
    # The nightly closing has not run yet: the campaign is still open, its deadline passed.
    Campaign.objects.filter(pk=campaign.pk).update(deadline=fworld["today"] - dt.timedelta(days=1))
    with pytest.raises(actions.FundingConflict, match="deadline has passed"):
        actions.confirm_pledge(fworld["coordinator"], found)
    found.refresh_from_db()
    assert found.state == PledgeState.PROMISED
    # On the deadline day itself it is still confirmed.
    Campaign.objects.filter(pk=campaign.pk).update(deadline=fworld["today"])
    assert actions.confirm_pledge(fworld["coordinator"], found).state == PledgeState.CONFIRMED


def test_pledging_on_a_closed_campaign_answers_409(client: Any, fworld: Any) -> None:
    Campaign.objects.filter(pk=fworld["campaign"].pk).update(state=CampaignState.FAILED)
    client.force_login(fworld["cit"])
    response = client.post(
        f"{BASE}/projects/decoupe-test/funding/pledges",
        {"amount": "10"},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["detail"][0]["msg"] == "This campaign is closed."
    assert not Pledge.objects.exists()


def test_a_private_project_s_funding_is_read_by_its_partners(client: Any, fworld: Any) -> None:
    url = f"{BASE}/projects/secret-test/funding"
    page = reverse("cooperation:funding", args=["secret-test"])
    client.force_login(fworld["zoe"])
    assert client.get(url).status_code == 404
    assert client.get(page).status_code == 404
    ProjectPartner.objects.create(project=fworld["private"], organisation=fworld["other"])
    assert client.get(url).status_code == 200
    assert client.get(page).status_code == 200
    # A plain member of the lead reads it; a stranger does not.
    client.force_login(fworld["max"])
    assert client.get(url).status_code == 200
    client.force_login(fworld["cit"])
    assert client.get(url).status_code == 404
    Membership.objects.create(user=fworld["cit"], organisation=fworld["other"], role=Role.MEMBER)
    assert client.get(url).status_code == 200
