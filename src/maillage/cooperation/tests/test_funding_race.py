"""Two coordinators confirm the same pledge at once, or one confirms while the pledger cancels:
one wins, the other is told. Meaningful on PostgreSQL (`DATABASE_URL=postgres://...`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from maillage.cooperation.actions import funding as actions
from maillage.cooperation.models import Campaign, CampaignState, Pledge, PledgeState
from maillage.cooperation.tests.funding_world import add_pledge, english, fworld
from maillage.directory.actions.people import grant_coordinator
from maillage.testing import race

__all__ = ["english", "fworld"]

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("english")]


def test_two_coordinators_confirm_the_same_pledge_once(fworld: Any, make_user: Any) -> None:
    second = make_user("coord2")
    grant_coordinator(second)
    for _trial in range(3):
        found = add_pledge(fworld["campaign"], fworld["cit"], "25")
        first_copy = Pledge.objects.get(pk=found.pk)
        second_copy = Pledge.objects.get(pk=found.pk)
        answers = race(
            lambda p=first_copy: actions.confirm_pledge(fworld["coordinator"], p),
            lambda p=second_copy: actions.confirm_pledge(second, p),
        )
        assert sorted(answers) == [
            "ok",
            "refused: This pledge is no longer promised: it was confirmed.",
        ]
        found.refresh_from_db()
        assert found.state == PledgeState.CONFIRMED


def test_a_confirmation_and_a_cancellation_at_once(fworld: Any) -> None:
    outcomes = set()
    for _trial in range(4):
        found = add_pledge(fworld["campaign"], fworld["cit"], "25")
        first, second = Pledge.objects.get(pk=found.pk), Pledge.objects.get(pk=found.pk)
        answers = race(
            lambda p=first: actions.confirm_pledge(fworld["coordinator"], p),
            lambda p=second: actions.cancel_pledge(fworld["cit"], p),
        )
        assert answers.count("ok") == 1, answers
        found.refresh_from_db()
        if answers[0] == "ok":
            assert found.state == PledgeState.CONFIRMED
            assert answers[1] == "refused: Only a pledge still promised can be cancelled."
        else:
            assert found.state == PledgeState.CANCELLED
            assert answers[0] == "refused: This pledge is no longer promised: it was cancelled."
        outcomes.add(found.state)
    assert outcomes <= {PledgeState.CONFIRMED, PledgeState.CANCELLED}


def test_a_confirmation_while_the_campaign_closes(fworld: Any) -> None:
    campaign = fworld["campaign"]
    # The deadline is today: the coordinator may still confirm, while the nightly closing runs
    # as if it were already tomorrow.
    Campaign.objects.filter(pk=campaign.pk).update(
        deadline=fworld["today"], opens=fworld["today"] - dt.timedelta(10)
    )
    found = add_pledge(campaign, fworld["cit"], "25")
    tomorrow = fworld["today"] + dt.timedelta(1)
    answers = race(
        lambda: actions.confirm_pledge(fworld["coordinator"], Pledge.objects.get(pk=found.pk)),
        lambda: actions.close_campaign(Campaign.objects.get(pk=campaign.pk), today=tomorrow),
    )
    campaign.refresh_from_db()
    found.refresh_from_db()
    assert campaign.state == CampaignState.FAILED
    # Either way the all-or-nothing campaign failed far below its goal: the pledge is void.
    assert found.state == PledgeState.VOID
    assert answers[1] == "ok"
    assert answers[0] in ("ok", "refused: This campaign is closed.")


def test_two_closers_at_once_close_once(fworld: Any) -> None:
    campaign = fworld["campaign"]
    day = campaign.deadline + dt.timedelta(days=1)
    results: list[str | None] = []
    answers = race(
        lambda: results.append(
            actions.close_campaign(Campaign.objects.get(pk=campaign.pk), today=day)
        ),
        lambda: results.append(
            actions.close_campaign(Campaign.objects.get(pk=campaign.pk), today=day)
        ),
    )
    assert answers == ["ok", "ok"]
    assert sorted(results, key=str) == [None, CampaignState.FAILED]
