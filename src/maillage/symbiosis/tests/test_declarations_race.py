"""Concurrent state changes and edits of one declaration behave as if run one after the other.

Two threads, each with its own connection, act at once: the row lock makes the second re-read
the state the first left, and refuse a change that no longer applies.
Run on PostgreSQL too: `DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> pytest ...`.
"""

from __future__ import annotations

import pytest

from maillage.symbiosis.actions import declarations as actions
from maillage.symbiosis.models import ResourceDeclaration
from maillage.symbiosis.tests.declaration_world import World, english, offer_input, world
from maillage.testing import race

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("english")]
_ = world, english


def _fresh(world: World) -> ResourceDeclaration:
    return ResourceDeclaration.objects.get(pk=world.offer.pk)


def test_two_clients_closing_at_once_close_once(world: World) -> None:
    answers = race(
        lambda: actions.set_declaration_state(world.owner, _fresh(world), "close"),
        lambda: actions.set_declaration_state(world.coordinator, _fresh(world), "close"),
    )
    assert sorted(answers) == [
        "ok",
        "refused: This declaration is now closed: this change no longer applies.",
    ]
    assert _fresh(world).state == "closed"


def test_two_clients_pausing_at_once_pause_once(world: World) -> None:
    answers = race(
        lambda: actions.set_declaration_state(world.owner, _fresh(world), "pause"),
        lambda: actions.set_declaration_state(world.owner, _fresh(world), "pause"),
    )
    assert sorted(answers) == [
        "ok",
        "refused: This declaration is now paused: this change no longer applies.",
    ]
    assert _fresh(world).state == "paused"


def test_an_edit_racing_a_close_never_edits_a_closed_declaration(world: World) -> None:
    answers = race(
        lambda: actions.set_declaration_state(world.owner, _fresh(world), "close"),
        lambda: actions.update_declaration(
            world.coordinator, _fresh(world), offer_input(world.site, title="Sciure fine")
        ),
    )
    found = _fresh(world)
    assert found.state == "closed"
    if answers[1] == "ok":  # the edit went first, then the close
        assert answers[0] == "ok" and found.title == "Sciure fine"
    else:
        assert answers == [
            "ok",
            "refused: This declaration is closed: reopen it before editing it.",
        ]
        assert found.title == "Sciure de hêtre"
