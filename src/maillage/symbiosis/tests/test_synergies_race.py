"""Concurrent steps on one synergy behave as if run one after the other.

Two threads, each with its own connection, read the same synergy, wait for each other and act
at once. Run on PostgreSQL too: `DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> pytest ...`.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from maillage.symbiosis.actions import synergies as actions
from maillage.symbiosis.models import Synergy, SynergyExchange, SynergyState
from maillage.symbiosis.tests import synergy_world
from maillage.symbiosis.tests.synergy_world import agree

english, world = synergy_world.english, synergy_world.world

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("english")]


def _race(*calls: Callable[[], Any]) -> list[str]:
    """Run the calls at once, each in its own thread; what each answered."""
    barrier = threading.Barrier(len(calls))
    answers = [""] * len(calls)

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            calls[i]()
            answers[i] = "ok"
        except actions.SynergyConflict as exc:
            answers[i] = "conflict: " + " ".join(exc.messages)
        except ValidationError as exc:
            answers[i] = "refused: " + " ".join(exc.messages)
        except Exception as exc:
            answers[i] = f"error: {exc!r}"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return answers


def _copies(synergy: Synergy) -> tuple[Synergy, Synergy]:
    query = Synergy.objects.select_related("offer", "demand")
    return query.get(pk=synergy.pk), query.get(pk=synergy.pk)


def test_both_sides_accepting_at_once_agree_exactly_once(world: Any) -> None:
    synergy = world["synergy"]
    first, second = _copies(synergy)
    answers = _race(
        lambda: actions.accept_synergy(world["alice"], first),
        lambda: actions.accept_synergy(world["bob"], second),
    )
    assert answers == ["ok", "ok"], answers
    synergy.refresh_from_db()
    assert synergy.state == SynergyState.AGREED
    assert synergy.offer_accepted_at and synergy.demand_accepted_at and synergy.agreed_at
    agreed = synergy.history.filter(state=SynergyState.AGREED).count()
    assert agreed == 1


def test_accept_and_decline_at_once_one_wins(world: Any) -> None:
    synergy = world["synergy"]
    actions.accept_synergy(world["alice"], synergy)
    first, second = _copies(synergy)
    answers = _race(
        lambda: actions.accept_synergy(world["bob"], first),
        lambda: actions.decline_synergy(world["bob"], second),
    )
    assert sorted(a.split(":")[0] for a in answers) == ["conflict", "ok"], answers
    synergy.refresh_from_db()
    if answers[0] == "ok":
        assert synergy.state == SynergyState.AGREED
        assert "it is now “Agreed”" in answers[1]
    else:
        assert synergy.state == SynergyState.DECLINED
        assert "it is now “Declined”" in answers[0]


def test_two_records_of_the_same_month_leave_one_row(world: Any) -> None:
    synergy = agree(world)
    first, second = _copies(synergy)
    month = dt.date(2026, 2, 1)
    answers = _race(
        lambda: actions.record_exchange(world["alice"], first, month, "4", today=month),
        lambda: actions.record_exchange(world["bob"], second, month, "5", today=month),
    )
    assert answers == ["ok", "ok"], answers
    rows = list(SynergyExchange.objects.filter(synergy=synergy))
    assert len(rows) == 1 and rows[0].quantity in (Decimal("4.000"), Decimal("5.000"))
    synergy.refresh_from_db()
    assert synergy.state == SynergyState.RUNNING
