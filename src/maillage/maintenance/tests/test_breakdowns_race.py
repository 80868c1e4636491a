"""Concurrent breakdown transitions behave as if run one after the other.

Two threads, each with its own connection, read the same report (or affected booking), wait
for each other and act at once: one wins, the other gets `BreakdownConflict` (or the booking's
own refusal), never two downtimes, never a booking both rebooked and kept.
Run on PostgreSQL too: `DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> pytest ...`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from maillage.maintenance.actions import breakdowns as actions
from maillage.maintenance.models import (
    AffectedBooking,
    AffectedState,
    BreakdownReport,
    BreakdownState,
)
from maillage.maintenance.tests import breakdown_world as world
from maillage.maintenance.tests.breakdown_world import NOW, at, book
from maillage.sharing.actions import bookings as booking_actions
from maillage.sharing.models import Booking, BookingState, Downtime

_fresh_index, taxonomy, territory = world._fresh_index, world.taxonomy, world.territory
english = world.english

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
        except actions.BreakdownConflict:
            answers[i] = "conflict"
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


def test_confirm_and_dismiss_at_once_one_wins(territory: Any) -> None:
    alice = territory["alice"]
    a = territory["machines"]["a"]
    book(territory["dave"], a, 2, 3)
    for _trial in range(3):
        report = actions.report_breakdown(alice, a, "Laser tube dead.")
        first = BreakdownReport.objects.get(pk=report.pk)
        second = BreakdownReport.objects.get(pk=report.pk)
        answers = _race(
            lambda r=first: actions.confirm_breakdown(alice, r, at(10), start=NOW, now=NOW),
            lambda r=second: actions.dismiss_breakdown(alice, r, "Duplicate."),
        )
        assert sorted(answers) == ["conflict", "ok"], answers
        report.refresh_from_db()
        confirmed = answers[0] == "ok"
        assert report.state == (BreakdownState.CONFIRMED if confirmed else BreakdownState.DISMISSED)
        assert AffectedBooking.objects.filter(report=report).count() == (1 if confirmed else 0)
        if confirmed:
            actions.resolve_breakdown(alice, report, now=NOW)
    assert Downtime.objects.count() == sum(
        1 for r in BreakdownReport.objects.all() if r.downtime_id
    )


def test_two_confirmations_open_one_downtime(territory: Any) -> None:
    alice = territory["alice"]
    report = actions.report_breakdown(alice, territory["machines"]["a"], "Mirror cracked.")
    copies = [BreakdownReport.objects.get(pk=report.pk) for _ in range(2)]
    answers = _race(
        *(
            lambda r=r: actions.confirm_breakdown(alice, r, at(10), start=NOW, now=NOW)
            for r in copies
        )
    )
    assert sorted(answers) == ["conflict", "ok"], answers
    assert Downtime.objects.count() == 1


def test_rebook_against_someone_taking_the_alternative(territory: Any) -> None:
    dave, bob = territory["dave"], territory["bob"]
    a, b = territory["machines"]["a"], territory["machines"]["b"]
    original = book(dave, a, 2, 3)
    report = actions.report_breakdown(territory["alice"], a, "Smoke.")
    actions.confirm_breakdown(territory["alice"], report, at(10), start=NOW, now=NOW)
    row = AffectedBooking.objects.get(report=report)
    assert row.alternative_id == b.pk

    answers = _race(
        lambda: actions.rebook(dave, row, now=NOW),
        lambda: booking_actions.request_booking(bob, b, at(2), at(3), now=NOW),
    )

    on_b = Booking.objects.filter(machine=b, start=at(2), state=BookingState.CONFIRMED)
    assert on_b.count() == 1
    row.refresh_from_db()
    original.refresh_from_db()
    if answers[0] == "ok":
        assert answers[1].startswith("refused")
        assert on_b.get().booker_id == dave.pk
        assert row.state == AffectedState.REBOOKED and original.state == BookingState.CANCELLED
    else:
        assert answers == ["conflict", "ok"], answers
        assert on_b.get().booker_id == bob.pk
        assert row.state == AffectedState.FLAGGED and original.state == BookingState.CONFIRMED
        assert row.alternative_id == territory["machines"]["c"].pk
