"""Two people close the same round at once: one closes it, the other is told it is closed.

Run on PostgreSQL too: `DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> pytest ...`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from maillage.symbiosis.actions import loops as actions
from maillage.symbiosis.models import (
    CollectionRound,
    ContainerLoop,
    LoopMonth,
    LoopRole,
    RoundState,
)
from maillage.symbiosis.tests.loop_world import english, report_all, world
from maillage.testing import race

__all__ = ["english", "world"]

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("english")]


def test_it_lets_one_of_two_closers_win(world: Any) -> None:
    report_all(world, [(1, 1), (2, 0), (0, 2)])
    for _trial in range(3):
        found = actions.plan_round(
            world["alice"], world["loop"], timezone.localdate(), time_limit_s=0.1
        )
        first = CollectionRound.objects.get(pk=found.pk)
        second = CollectionRound.objects.get(pk=found.pk)
        answers = race(
            lambda r=first: actions.close_round(world["walter"], r),
            lambda r=second: actions.close_round(world["alice"], r),
        )
        assert sorted(answers) == ["ok", "refused: This round is already closed."]
        found.refresh_from_db()
        assert found.state == RoundState.DONE and found.closed_at is not None
        report_all(world, [(1, 1), (2, 0), (0, 2)])  # fresh stocks for the next trial


def test_it_lets_one_of_two_planners_of_the_same_day_win(world: Any) -> None:
    report_all(world, [(1, 1), (2, 0), (0, 2)])
    day = timezone.localdate()
    answers = race(
        lambda: actions.plan_round(world["alice"], world["loop"], day, time_limit_s=0.1),
        lambda: actions.plan_round(world["walter"], world["loop"], day, time_limit_s=0.1),
    )
    assert sorted(answers) == [
        "ok",
        "refused: A round is already planned that day: close it first.",
    ]
    assert CollectionRound.objects.filter(planned_for=day).count() == 1


def test_it_keeps_one_row_when_two_people_record_the_same_month(world: Any) -> None:
    month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    answers = race(
        lambda: actions.record_loop_month(
            world["alice"], world["loop"], actions.MonthInput(month, 100, 90, 50, 1)
        ),
        lambda: actions.record_loop_month(
            world["coordinator"], world["loop"], actions.MonthInput(month, 100, 95, 60, 2)
        ),
    )
    assert answers == ["ok", "ok"]
    assert LoopMonth.objects.filter(loop=world["loop"], month=month).count() == 1


def test_it_adds_one_washing_centre_when_two_are_added_at_once(world: Any) -> None:
    loop = world["loop"]
    actions.remove_member(world["alice"], world["washer"])
    first, second = world["other"].sites.first(), world["shops"][0].site
    answers = race(
        lambda: actions.add_member(world["alice"], loop, first, LoopRole.WASHER),
        lambda: actions.add_member(world["coordinator"], loop, second, LoopRole.WASHER),
    )
    assert sorted(answers) == ["ok", "refused: The loop already has a washing centre."]
    assert loop.members.filter(role=LoopRole.WASHER, active=True).count() == 1


def test_it_adds_a_site_once_when_two_managers_add_it_at_once(world: Any) -> None:
    loop, site = world["loop"], world["other"].sites.first()
    answers = race(
        lambda: actions.add_member(world["alice"], loop, site, LoopRole.SHOP),
        lambda: actions.add_member(world["coordinator"], loop, site, LoopRole.SHOP),
    )
    assert sorted(answers) == [
        "ok",
        "refused: This site is already a member of the loop with this role.",
    ]
    assert loop.members.filter(site=site).count() == 1


def test_it_gives_two_loops_of_the_same_name_two_slugs(world: Any) -> None:
    data = actions.LoopInput(
        name="Consigne jumelle",
        container="Bocal 50 cl",
        container_mass_g=300,
        single_use_mass_g=250,
        crate_size=12,
        van_capacity_crates=20,
        deposit_eur="0.30",
        containers_in_circulation=500,
    )
    answers = race(
        lambda: actions.create_loop(world["alice"], world["hub"], data),
        lambda: actions.create_loop(world["coordinator"], world["hub"], data),
    )
    assert answers == ["ok", "ok"]
    slugs = sorted(
        ContainerLoop.objects.filter(name="Consigne jumelle").values_list("slug", flat=True)
    )
    assert slugs == ["consigne-jumelle", "consigne-jumelle-2"]
