"""Funding actions through the database: pledges, cancelling, confirming, the plan, campaigns,
closing at the deadline, and the arithmetic on real rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction

from maillage.cooperation.actions import funding as actions
from maillage.cooperation.models import (
    Campaign,
    CampaignRule,
    CampaignState,
    FundingLine,
    MatchingRule,
    Pledge,
    PledgeState,
)
from maillage.cooperation.queries import funding as queries
from maillage.cooperation.tests.funding_world import add_pledge, english, fworld

__all__ = ["english", "fworld"]

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_a_person_pledges_and_the_amount_is_exact(fworld: Any) -> None:
    found = actions.pledge(fworld["cit"], fworld["campaign"], "12,34")
    found.refresh_from_db()
    assert found.amount == D("12.34") and found.state == PledgeState.PROMISED
    assert found.display_name == "Camille R."
    assert queries.totals(fworld["campaign"]).promised == D("12.34")


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-5", "The amount must be more than 0 €."),
        ("0", "The amount must be more than 0 €."),
        ("1.001", "Give the amount to the cent at most."),
        ("abc", "Give an amount in euros."),
        ("NaN", "Give an amount in euros."),
        ("100000.01", "At most 100,000 €."),
    ],
)
def test_a_bad_amount_is_refused_naming_the_field(fworld: Any, amount: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        actions.pledge(fworld["cit"], fworld["campaign"], amount)
    assert caught.value.message_dict == {"amount": [message]}
    assert not Pledge.objects.exists()


def test_a_pledge_after_the_deadline_is_refused(fworld: Any) -> None:
    later = fworld["campaign"].deadline + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        actions.pledge(fworld["cit"], fworld["campaign"], "10", today=later)
    assert "deadline" in caught.value.message_dict
    # The deadline day itself still counts.
    actions.pledge(fworld["cit"], fworld["campaign"], "10", today=fworld["campaign"].deadline)


def test_a_pledge_on_a_closed_campaign_is_refused(fworld: Any) -> None:
    Campaign.objects.filter(pk=fworld["campaign"].pk).update(state=CampaignState.CLOSED)
    with pytest.raises(ValidationError, match="closed"):
        actions.pledge(fworld["cit"], fworld["campaign"], "10")
    assert not Pledge.objects.exists()


def test_anonymous_visitors_and_outsiders_of_a_private_project_cannot_pledge(
    fworld: Any,
) -> None:
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        actions.pledge(AnonymousUser(), fworld["campaign"], "10")
    secret = Campaign.objects.create(
        project=fworld["private"],
        goal=D("100"),
        opens=fworld["today"],
        deadline=fworld["today"] + dt.timedelta(days=3),
        rule=CampaignRule.KEEP,
    )
    with pytest.raises(PermissionDenied):
        actions.pledge(fworld["out"], secret, "10")
    actions.pledge(fworld["max"], secret, "10")


def test_pledging_for_an_organisation_needs_its_admin_role(fworld: Any) -> None:
    for who in ("cit", "max"):  # a stranger, then a plain member
        with pytest.raises(ValidationError) as caught:
            actions.pledge(fworld[who], fworld["campaign"], "10", organisation=fworld["lead"])
        assert "organisation" in caught.value.message_dict
    found = actions.pledge(fworld["lea"], fworld["campaign"], "10", organisation=fworld["lead"])
    assert found.display_name == "Atelier Partagé"


def test_only_the_pledger_cancels_and_only_while_promised(fworld: Any) -> None:
    found = actions.pledge(fworld["cit"], fworld["campaign"], "10")
    with pytest.raises(PermissionDenied):
        actions.cancel_pledge(fworld["zoe"], found)
    actions.cancel_pledge(fworld["cit"], found)
    with pytest.raises(actions.FundingConflict):
        actions.cancel_pledge(fworld["cit"], found)
    assert Pledge.objects.get().state == PledgeState.CANCELLED


def test_only_coordinators_confirm_and_a_confirmed_pledge_cannot_be_cancelled(
    fworld: Any,
) -> None:
    found = actions.pledge(fworld["cit"], fworld["campaign"], "10")
    with pytest.raises(PermissionDenied):
        actions.confirm_pledge(fworld["lea"], found)
    actions.confirm_pledge(fworld["coordinator"], found)
    found.refresh_from_db()
    assert found.state == PledgeState.CONFIRMED and found.confirmed_by == fworld["coordinator"]
    assert found.confirmed_at is not None
    with pytest.raises(actions.FundingConflict):
        actions.confirm_pledge(fworld["coordinator"], found)
    with pytest.raises(actions.FundingConflict):
        actions.cancel_pledge(fworld["cit"], found)


def test_confirming_on_a_closed_campaign_is_refused(fworld: Any) -> None:
    found = actions.pledge(fworld["cit"], fworld["campaign"], "10")
    Campaign.objects.filter(pk=fworld["campaign"].pk).update(state=CampaignState.CLOSED)
    with pytest.raises(actions.FundingConflict, match="closed"):
        actions.confirm_pledge(fworld["coordinator"], found)


def test_the_arithmetic_through_the_database(fworld: Any) -> None:
    campaign = fworld["campaign"]
    MatchingRule.objects.create(
        campaign=campaign,
        funder_name="Fondation",
        ratio=D("0.5"),
        cap=D("1000"),
        per_pledge_cap=D("50"),
    )
    add_pledge(campaign, fworld["cit"], "33.33", PledgeState.CONFIRMED)
    add_pledge(campaign, fworld["zoe"], "100.01", PledgeState.CONFIRMED)
    add_pledge(campaign, fworld["max"], "500", PledgeState.CONFIRMED, organisation=fworld["lead"])
    add_pledge(campaign, fworld["lea"], "7", PledgeState.PROMISED)
    add_pledge(campaign, fworld["out"], "9", PledgeState.CANCELLED)
    figures = queries.totals(campaign)
    # Region 1:1 capped at 300 on citizens' 133.34; foundation 0.5 × (33.33 + 50) rounded down.
    assert figures.matched_by_rule == (D("133.34"), D("41.66"))
    assert figures.confirmed == D("633.34") and figures.promised == D("7.00")
    assert figures.total == D("808.34") and figures.percent == 80


def test_the_region_cap_reached_exactly_through_the_database(fworld: Any) -> None:
    add_pledge(fworld["campaign"], fworld["cit"], "300", PledgeState.CONFIRMED)
    add_pledge(fworld["campaign"], fworld["zoe"], "0.01", PledgeState.CONFIRMED)
    assert queries.totals(fworld["campaign"]).matched == D("300.00")


def _close(fworld: Any, days_after: int = 1) -> str | None:
    return actions.close_campaign(
        fworld["campaign"], today=fworld["campaign"].deadline + dt.timedelta(days=days_after)
    )


def test_all_or_nothing_fails_by_one_cent_and_voids_the_pledges(fworld: Any) -> None:
    # 349.99 confirmed + 300 matched + 350 from another rule... keep it simple: goal 1000.
    add_pledge(fworld["campaign"], fworld["cit"], "300", PledgeState.CONFIRMED)
    add_pledge(
        fworld["campaign"],
        fworld["max"],
        "399.99",
        PledgeState.CONFIRMED,
        organisation=fworld["lead"],
    )
    promised = add_pledge(fworld["campaign"], fworld["zoe"], "50")
    assert queries.totals(fworld["campaign"]).total == D("999.99")
    assert actions.close_campaign(fworld["campaign"], today=fworld["campaign"].deadline) is None
    assert _close(fworld) == CampaignState.FAILED
    assert set(Pledge.objects.values_list("state", flat=True)) == {PledgeState.VOID}
    promised.refresh_from_db()
    assert promised.state == PledgeState.VOID


def test_all_or_nothing_succeeds_exactly_at_the_goal(fworld: Any) -> None:
    add_pledge(fworld["campaign"], fworld["cit"], "300", PledgeState.CONFIRMED)
    add_pledge(
        fworld["campaign"], fworld["max"], "400", PledgeState.CONFIRMED, organisation=fworld["lead"]
    )
    late = add_pledge(fworld["campaign"], fworld["zoe"], "50")
    assert _close(fworld) == CampaignState.SUCCEEDED
    assert Pledge.objects.filter(state=PledgeState.CONFIRMED).count() == 2
    late.refresh_from_db()
    assert late.state == PledgeState.VOID


def test_keep_what_you_raise_keeps_the_confirmed_pledges(fworld: Any) -> None:
    Campaign.objects.filter(pk=fworld["campaign"].pk).update(rule=CampaignRule.KEEP)
    add_pledge(fworld["campaign"], fworld["cit"], "10", PledgeState.CONFIRMED)
    assert _close(fworld) == CampaignState.CLOSED
    assert Pledge.objects.get().state == PledgeState.CONFIRMED


def test_the_closing_command_is_idempotent(fworld: Any) -> None:
    add_pledge(fworld["campaign"], fworld["cit"], "10", PledgeState.CONFIRMED)
    day = (fworld["campaign"].deadline + dt.timedelta(days=1)).isoformat()
    out = StringIO()
    call_command("close_campaigns", f"--today={day}", stdout=out)
    assert "1 campaign(s) closed (failed: 1)" in out.getvalue()
    out = StringIO()
    call_command("close_campaigns", f"--today={day}", stdout=out)
    assert out.getvalue().startswith("0 campaign(s) closed")
    fworld["campaign"].refresh_from_db()
    assert fworld["campaign"].state == CampaignState.FAILED
    assert fworld["campaign"].closed_at is not None


def test_the_closing_command_leaves_running_campaigns_open(fworld: Any) -> None:
    call_command("close_campaigns", stdout=StringIO())
    fworld["campaign"].refresh_from_db()
    assert fworld["campaign"].state == CampaignState.OPEN


def test_a_campaign_with_a_past_deadline_is_refused_naming_the_field(fworld: Any) -> None:
    data = actions.CampaignInput(
        goal="500", opens=None, deadline=fworld["today"] - dt.timedelta(days=1), rule="keep"
    )
    with pytest.raises(ValidationError) as caught:
        actions.create_campaign(fworld["lea"], fworld["private"], data)
    assert caught.value.message_dict == {"deadline": ["The deadline must be in the future."]}
    assert not fworld["private"].campaigns.exists()


def test_campaign_creation_rights_and_one_open_campaign(fworld: Any) -> None:
    data = actions.CampaignInput(
        goal="500", opens=None, deadline=fworld["today"] + dt.timedelta(days=30), rule="keep"
    )
    with pytest.raises(PermissionDenied):
        actions.create_campaign(fworld["max"], fworld["private"], data)
    made = actions.create_campaign(fworld["lea"], fworld["private"], data)
    assert made.goal == D("500.00") and made.opens == fworld["today"]
    with pytest.raises(ValidationError, match="already has an open campaign"):
        actions.create_campaign(fworld["coordinator"], fworld["private"], data)
    with pytest.raises(ValidationError) as caught:
        actions.create_campaign(
            fworld["lea"], fworld["public"], actions.CampaignInput("-5", None, None, "x")
        )
    assert set(caught.value.message_dict) == {"goal", "deadline", "rule"}


def test_editing_the_plan(fworld: Any) -> None:
    data = actions.LineInput(
        kind="grant",
        funder_name="Région Sud",
        amount="30000",
        status="committed",
        disbursed="10000",
    )
    with pytest.raises(PermissionDenied):
        actions.add_line(fworld["max"], fworld["public"], data)
    line = actions.add_line(fworld["lea"], fworld["public"], data)
    bad = actions.LineInput(
        kind="grant",
        funder_name="Région Sud",
        amount="30000",
        status="disbursed",
        disbursed="30000.01",
    )
    with pytest.raises(ValidationError) as caught:
        actions.update_line(fworld["coordinator"], line, bad)
    assert list(caught.value.message_dict) == ["disbursed"]
    line.refresh_from_db()
    assert line.disbursed == D("10000.00")
    actions.add_line(
        fworld["lea"],
        fworld["public"],
        actions.LineInput(kind="loan", funder_name="Banque des Territoires", amount="20000.50"),
    )
    plan = queries.plan(fworld["public"])
    assert plan.amount == D("50000.50") and plan.committed == D("30000.00")
    assert plan.gap == D("29999.50") and [g.kind for g in plan.groups] == ["grant", "loan"]
    actions.remove_line(fworld["lea"], line)
    assert FundingLine.objects.count() == 1


def test_the_database_refuses_more_disbursed_than_the_amount(fworld: Any) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        FundingLine.objects.create(
            project=fworld["public"],
            kind="grant",
            funder_name="X",
            amount=D("10"),
            disbursed=D("10.01"),
        )


def test_matching_rules_are_checked_and_read_in_words(fworld: Any, settings: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        actions.add_matching_rule(
            fworld["lea"],
            fworld["campaign"],
            actions.RuleInput(funder_name="", ratio="-1", cap="0"),
        )
    assert set(caught.value.message_dict) == {"funder_name", "ratio", "cap"}
    rule = actions.add_matching_rule(
        fworld["lea"],
        fworld["campaign"],
        actions.RuleInput(funder_name="Fondation", ratio="0,5", cap="20000", per_pledge_cap="100"),
    )
    assert rule.ratio == D("0.5")
    assert queries.rule_sentence(rule) == (
        "Fondation adds 0,5 € per euro pledged, up to 20,000 €, counting at most 100 € of each "
        "pledge, citizens' pledges only."
    )
