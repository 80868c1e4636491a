"""The portfolio's plain rules: stages, moves, euros, counting askers."""

from __future__ import annotations

from decimal import Decimal

import pytest

from maillage.cooperation import portfolio


def test_it_moves_one_stage_forward_or_back() -> None:
    assert portfolio.allowed_moves("idea") == ("study",)
    assert portfolio.allowed_moves("funded") == ("running", "study")
    assert portfolio.allowed_moves("done") == ("running",)
    assert portfolio.can_move("study", "funded")
    assert not portfolio.can_move("idea", "funded")
    assert not portfolio.can_move("idea", "nowhere")


def test_it_draws_the_stepper() -> None:
    states = [s.state for s in portfolio.stepper("funded")]
    assert states == ["done", "done", "current", "todo", "todo"]
    with pytest.raises(ValueError):
        portfolio.stepper("nowhere")


def test_it_writes_euros_in_french() -> None:
    assert portfolio.euros(Decimal("120000")) == "120\u00a0000\u00a0€"
    assert portfolio.euros(Decimal("4500.5")) == "4\u00a0500,50\u00a0€"
    assert portfolio.euros(Decimal("0")) == "0\u00a0€"
    assert portfolio.euros(Decimal("1234567.999")) == "1\u00a0234\u00a0568\u00a0€"


def test_it_counts_an_organisation_once_and_lone_people_each() -> None:
    rows = [(1, 10), (1, 11), (2, 12), (None, 13), (None, 13), (None, 14)]
    assert portfolio.requester_count(rows) == 4
