"""Races: two admins voting for the same member, a vote cast while the decision closes, two
people taking the last place of an event. Run on PostgreSQL too."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from maillage.cooperation.actions import decisions as decision_actions
from maillage.cooperation.actions import events as event_actions
from maillage.cooperation.models import Decision, Event, EventRegistration, Vote
from maillage.cooperation.tests.governance_world import english, gov
from maillage.directory.models import Membership, Role
from maillage.testing import race

__all__ = ["english", "gov"]

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("english")]


def test_two_admins_voting_for_the_same_member_leave_one_vote(
    gov: dict[str, Any], make_user: Any
) -> None:
    member = gov["members"]["ada"]
    second = make_user("ada2")
    Membership.objects.create(user=second, organisation=member.organisation, role=Role.ADMIN)
    for _trial in range(3):
        Vote.objects.all().delete()
        first_copy = Decision.objects.get(pk=gov["decision"].pk)
        second_copy = Decision.objects.get(pk=gov["decision"].pk)
        answers = race(
            lambda d=first_copy: decision_actions.cast_vote(gov["ada"], d, member, "yes"),
            lambda d=second_copy: decision_actions.cast_vote(second, d, member, "no"),
        )
        assert sorted(answers) == ["ok", "refused: This organisation has already voted."]
        assert Vote.objects.filter(member=member).count() == 1


def test_a_vote_cast_while_closing_is_counted_or_refused(gov: dict[str, Any]) -> None:
    decision, member = gov["decision"], gov["members"]["fab"]
    answers = race(
        lambda: decision_actions.cast_vote(
            gov["fab"], Decision.objects.get(pk=decision.pk), member, "yes"
        ),
        lambda: decision_actions.close_decision(
            gov["coordinator"], Decision.objects.get(pk=decision.pk)
        ),
    )
    decision.refresh_from_db()
    assert answers[1] == "ok" and decision.state == "closed"
    third = next(c for c in decision.result["colleges"] if c["key"] == "third_places")
    if answers[0] == "ok":
        assert third["yes"] == 1 and Vote.objects.count() == 1
    else:
        assert answers[0] == "refused: This decision is closed: votes are no longer taken."
        assert third["yes"] == 0 and not Vote.objects.exists()


def test_two_people_and_the_last_place(gov: dict[str, Any]) -> None:
    start = timezone.now() + dt.timedelta(days=3)
    event = Event.objects.create(
        network=gov["network"],
        title="Visite",
        start=start,
        end=start + dt.timedelta(hours=1),
        capacity=2,
    )
    event_actions.register(gov["ada"], event)
    answers = race(
        lambda: event_actions.register(gov["visitor"], Event.objects.get(pk=event.pk)),
        lambda: event_actions.register(gov["olga"], Event.objects.get(pk=event.pk)),
    )
    assert sorted(answers) == ["ok", "refused: This event is full."]
    assert EventRegistration.objects.filter(event=event, cancelled_at__isnull=True).count() == 2
