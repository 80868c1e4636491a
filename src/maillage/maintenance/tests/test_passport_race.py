"""Concurrent transfer transitions end as one of the two serial orders.

Two clients read the same offer, wait for each other (threading.Barrier), then act at once,
each on its own database connection: two organisations asking for one machine (one wins, the
other is told it was asked for first), and the owner accepting while another admin withdraws
(either the machine moved and the withdrawal is refused, or the offer is withdrawn and the
machine stayed). Run on PostgreSQL too: DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db>.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from maillage.directory.models import Membership, Role
from maillage.equipment.models import Machine
from maillage.maintenance.actions import transfers
from maillage.maintenance.models.passport import OwnershipPeriod, Transfer, TransferState
from maillage.maintenance.tests.passport_world import World

TRIALS = 3
JOIN_TIMEOUT = 60


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def race_world(transactional_db, second_life: World) -> World:
    """The second_life in committed rows, so that each thread's connection reads it."""
    return second_life


def _race(calls: list[Callable[[Transfer], object]], transfer_id: int) -> list[str]:
    barrier = threading.Barrier(2)
    answers = ["", ""]
    errors: list[str] = []

    def run(index: int) -> None:
        try:
            transfer = Transfer.objects.select_related("machine").get(pk=transfer_id)
            barrier.wait(timeout=JOIN_TIMEOUT)
            try:
                calls[index](transfer)
                answers[index] = "ok"
            except ValidationError as exc:
                answers[index] = "refused: " + " ".join(exc.messages)
        except Exception:
            errors.append(traceback.format_exc())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_TIMEOUT)
    assert not any(t.is_alive() for t in threads), "a client hung"
    assert not errors, "unexpected exceptions:\n" + "\n".join(errors)
    return answers


@pytest.mark.django_db(transaction=True)
def test_two_organisations_asking_at_once_one_wins(race_world: World) -> None:
    w = race_world
    for _trial in range(TRIALS):
        transfer = transfers.list_for_transfer(
            w.owner_admin, w.machine, transfers.TransferInput(kind="donation")
        )
        answers = _race(
            [
                lambda t: transfers.ask_for_transfer(w.taker_member, t, w.taker),
                lambda t: transfers.ask_for_transfer(w.other_member, t, w.other_taker),
            ],
            transfer.pk,
        )
        assert sorted(answers) == [
            "ok",
            "refused: Another organisation has already asked for this machine.",
        ]
        row = Transfer.objects.get(pk=transfer.pk)
        winner = w.taker if answers[0] == "ok" else w.other_taker
        assert row.state == TransferState.RESERVED and row.to_organisation == winner
        transfers.withdraw_transfer(w.owner_admin, row)


@pytest.mark.django_db(transaction=True)
def test_accept_against_withdraw_gives_one_serial_order(race_world: World) -> None:
    w = race_world
    second_admin = w.owner_member
    Membership.objects.filter(user=second_admin).update(role=Role.ADMIN)
    transfer = transfers.list_for_transfer(
        w.owner_admin, w.machine, transfers.TransferInput(kind="sale", asking_price_cents=1000)
    )
    transfers.ask_for_transfer(w.taker_member, transfer, w.taker)
    answers = _race(
        [
            lambda t: transfers.accept_transfer(w.owner_admin, t),
            lambda t: transfers.withdraw_transfer(second_admin, t),
        ],
        transfer.pk,
    )
    row = Transfer.objects.get(pk=transfer.pk)
    machine = Machine.objects.get(pk=w.machine.pk)
    if answers[0] == "ok":
        assert answers[1] == "refused: This machine has already been handed over."
        assert row.state == TransferState.TRANSFERRED and machine.organisation == w.taker
        assert (
            OwnershipPeriod.objects.filter(machine=machine, ended_on__isnull=True)
            .get()
            .organisation
            == w.taker
        )
    else:
        assert answers == ["refused: The owner has withdrawn this offer.", "ok"]
        assert row.state == TransferState.WITHDRAWN and machine.organisation == w.owner
        assert not OwnershipPeriod.objects.exists()
