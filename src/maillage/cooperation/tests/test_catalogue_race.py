"""Two people for the last seat, and a cancellation while someone joins the waiting list.

The actions lock the session row: on PostgreSQL the threads really wait for each other
(`DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> pytest ...`); SQLite serialises writes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from maillage.cooperation.actions import catalogue as actions
from maillage.cooperation.models import WaitingListEntry
from maillage.cooperation.tests.skills_world import english, world
from maillage.qualifications import actions as qualification_actions
from maillage.qualifications.models import Registration, TrainingSession
from maillage.testing import race

__all__ = ["english", "world"]

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("english")]


def _session(world: Any, capacity: int) -> TrainingSession:
    training = qualification_actions.create_training(
        world.alice, world.workshop, "CNC programming", process_code="3.2.3"
    )
    start = timezone.now() + dt.timedelta(days=7)
    return qualification_actions.schedule_session(
        world.alice, training, start, start + dt.timedelta(hours=4), capacity
    )


def test_two_people_for_the_last_seat_get_one_seat_and_one_place_in_line(world: Any) -> None:
    session = _session(world, capacity=2)
    actions.book(world.alice, session)
    for trial in range(3):
        answers = race(
            lambda: actions.book(world.bob, TrainingSession.objects.get(pk=session.pk)),
            lambda: actions.book(world.dave, TrainingSession.objects.get(pk=session.pk)),
            answer=lambda outcome: outcome.state,
        )
        assert sorted(answers) == ["registered", "waiting"], (trial, answers)
        assert Registration.objects.filter(session=session).count() == 2
        assert WaitingListEntry.objects.filter(session=session).count() == 1
        # Both leave again for the next trial.
        actions.cancel(world.bob, session)
        actions.cancel(world.dave, session)
        assert Registration.objects.filter(session=session).count() == 1
        assert not WaitingListEntry.objects.exists()


def test_a_cancellation_while_someone_joins_the_list_keeps_the_order(world: Any) -> None:
    session = _session(world, capacity=1)
    for trial in range(3):
        actions.book(world.bob, session)  # the seat
        actions.book(world.dave, session)  # first in line
        answers = race(
            lambda: actions.cancel(world.bob, TrainingSession.objects.get(pk=session.pk)),
            lambda: actions.book(world.nina, TrainingSession.objects.get(pk=session.pk)),
            answer=lambda outcome: outcome.state,
        )
        assert answers == ["cancelled", "waiting"], (trial, answers)
        # Whichever came first, the seat went to the first in line, the newcomer waits.
        assert list(
            Registration.objects.filter(session=session).values_list("user", flat=True)
        ) == [world.dave.pk]
        assert list(WaitingListEntry.objects.values_list("user", flat=True)) == [world.nina.pk]
        actions.cancel(world.dave, session)  # nina gets the seat
        assert Registration.objects.get(session=session).user == world.nina
        actions.cancel(world.nina, session)
        assert not Registration.objects.filter(session=session).exists()
