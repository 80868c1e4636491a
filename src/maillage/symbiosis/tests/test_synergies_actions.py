"""The life of a synergy through its actions: each transition, who may take it, the messages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from maillage.symbiosis.actions import synergies as actions
from maillage.symbiosis.models import SynergyExchange, SynergyState
from maillage.symbiosis.tests import synergy_world
from maillage.symbiosis.tests.synergy_world import agree

english, world = synergy_world.english, synergy_world.world

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_it_opens_the_discussion_from_either_side_or_a_coordinator(world: Any) -> None:
    synergy = actions.open_discussion(world["coord"], world["synergy"])
    assert synergy.state == SynergyState.DISCUSSING
    with pytest.raises(actions.SynergyConflict, match="it is now “Under discussion”"):
        actions.open_discussion(world["bob"], synergy)


def test_it_refuses_the_discussion_to_another_organisation(world: Any) -> None:
    with pytest.raises(PermissionDenied):
        actions.open_discussion(world["eve"], world["synergy"])


def test_it_agrees_once_both_sides_accepted(world: Any) -> None:
    synergy = actions.accept_synergy(world["alice"], world["synergy"])
    assert synergy.state == SynergyState.PROPOSED
    assert synergy.offer_accepted_at is not None and synergy.demand_accepted_at is None
    synergy = actions.accept_synergy(world["bob"], synergy)
    assert synergy.state == SynergyState.AGREED
    assert synergy.agreed_at is not None and synergy.both_accepted


def test_it_refuses_a_second_acceptance_of_the_same_side(world: Any) -> None:
    actions.accept_synergy(world["alice"], world["synergy"])
    with pytest.raises(actions.SynergyConflict, match="already accepted"):
        actions.accept_synergy(world["alice"], world["synergy"])


def test_a_coordinator_never_accepts_on_a_firms_behalf(world: Any) -> None:
    with pytest.raises(PermissionDenied, match="Only a member"):
        actions.accept_synergy(world["coord"], world["synergy"])
    world["synergy"].refresh_from_db()
    assert world["synergy"].offer_accepted_at is None


def test_another_organisation_cannot_accept(world: Any) -> None:
    with pytest.raises(PermissionDenied):
        actions.accept_synergy(world["eve"], world["synergy"])


def test_it_declines_from_either_side_but_not_a_coordinator(world: Any) -> None:
    with pytest.raises(PermissionDenied):
        actions.decline_synergy(world["coord"], world["synergy"])
    synergy = actions.decline_synergy(world["bob"], world["synergy"], "Trop loin.")
    assert synergy.state == SynergyState.DECLINED and synergy.note == "Trop loin."
    with pytest.raises(actions.SynergyConflict, match="it is now “Declined”"):
        actions.accept_synergy(world["alice"], synergy)


def test_it_starts_and_ends_an_agreed_synergy(world: Any) -> None:
    synergy = agree(world)
    with pytest.raises(PermissionDenied):
        actions.start_synergy(world["coord"], synergy)
    synergy = actions.start_synergy(world["alice"], synergy)
    assert synergy.state == SynergyState.RUNNING and synergy.started_at is not None
    with pytest.raises(actions.SynergyConflict, match="Running"):
        actions.start_synergy(world["bob"], synergy)
    synergy = actions.end_synergy(world["coord"], synergy)
    assert synergy.state == SynergyState.ENDED and synergy.ended_at is not None


def test_it_refuses_to_start_or_end_a_proposal(world: Any) -> None:
    with pytest.raises(actions.SynergyConflict, match="it is now “Proposed”"):
        actions.start_synergy(world["alice"], world["synergy"])
    with pytest.raises(actions.SynergyConflict):
        actions.end_synergy(world["alice"], world["synergy"])


def test_recording_a_month_starts_an_agreed_synergy(world: Any) -> None:
    synergy = agree(world)
    row = actions.record_exchange(
        world["bob"], synergy, dt.date(2026, 3, 17), "8.5", today=dt.date(2026, 4, 2)
    )
    assert row.month == dt.date(2026, 3, 1) and row.quantity == Decimal("8.500")
    synergy.refresh_from_db()
    assert synergy.state == SynergyState.RUNNING


def test_recording_a_month_again_replaces_it(world: Any) -> None:
    synergy = agree(world)
    today = dt.date(2026, 4, 2)
    actions.record_exchange(world["bob"], synergy, dt.date(2026, 3, 1), 8, today=today)
    actions.record_exchange(world["alice"], synergy, dt.date(2026, 3, 1), 9, today=today)
    rows = SynergyExchange.objects.filter(synergy=synergy)
    assert [(r.month, r.quantity) for r in rows] == [(dt.date(2026, 3, 1), Decimal("9.000"))]
    assert rows[0].recorded_by == world["alice"]


def test_it_refuses_a_future_month_and_a_negative_quantity(world: Any) -> None:
    synergy = agree(world)
    with pytest.raises(ValidationError) as caught:
        actions.record_exchange(
            world["bob"], synergy, dt.date(2026, 5, 1), -1, today=dt.date(2026, 4, 30)
        )
    assert set(caught.value.message_dict) == {"month", "quantity"}
    assert "not come yet" in caught.value.message_dict["month"][0]
    assert "negative" in caught.value.message_dict["quantity"][0]
    assert not SynergyExchange.objects.exists()


def test_it_refuses_a_quantity_that_is_not_a_number(world: Any) -> None:
    synergy = agree(world)
    with pytest.raises(ValidationError, match="must be a number"):
        actions.record_exchange(world["bob"], synergy, dt.date(2026, 1, 1), "beaucoup")


def test_it_refuses_exchanges_before_agreement_and_from_others(world: Any) -> None:
    with pytest.raises(actions.SynergyConflict, match="Proposed"):
        actions.record_exchange(world["bob"], world["synergy"], dt.date(2026, 1, 1), 1)
    synergy = agree(world)
    for outsider in (world["eve"], world["coord"]):
        with pytest.raises(PermissionDenied):
            actions.record_exchange(outsider, synergy, dt.date(2026, 1, 1), 1)


def test_it_refuses_exchanges_after_the_end(world: Any) -> None:
    synergy = actions.end_synergy(world["alice"], agree(world))
    with pytest.raises(actions.SynergyConflict, match="Ended"):
        actions.record_exchange(world["bob"], synergy, dt.date(2026, 1, 1), 1)


def test_the_other_side_hears_of_each_step(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.accept_synergy(world["alice"], world["synergy"])
    assert [m.to for m in mail.outbox] == [["bob@example.org"]]
    assert "waits for the other side" in mail.outbox[0].body
    assert "37.77" not in mail.outbox[0].body and "123.456" not in mail.outbox[0].body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.accept_synergy(world["bob"], world["synergy"])
    assert [m.to for m in mail.outbox] == [["alice@example.org"]]
    assert "Both sides accepted" in mail.outbox[0].body


def test_a_coordinators_step_reaches_both_sides(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.open_discussion(world["coord"], world["synergy"])
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.org", "bob@example.org"]


def test_nothing_is_sent_when_the_step_is_refused(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(actions.SynergyConflict):
        actions.start_synergy(world["alice"], world["synergy"])
    assert mail.outbox == []


def test_the_allowed_steps_follow_the_state_and_the_person(world: Any) -> None:
    synergy = world["synergy"]
    assert actions.allowed_steps(world["alice"], synergy) == ["discuss", "accept", "decline"]
    assert actions.allowed_steps(world["coord"], synergy) == ["discuss"]
    assert actions.allowed_steps(world["eve"], synergy) == []
    synergy = agree(world)
    assert actions.allowed_steps(world["alice"], synergy) == ["start", "end"]
    assert actions.allowed_steps(world["coord"], synergy) == ["end"]


def test_the_history_keeps_every_state(world: Any) -> None:
    synergy = agree(world)
    actions.end_synergy(world["alice"], synergy)
    states = list(synergy.history.order_by("history_date").values_list("state", flat=True))
    assert states[-1] == SynergyState.ENDED and SynergyState.AGREED in states
