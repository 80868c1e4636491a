"""Transfers: listing, asking, deciding, the handover keeping the passport whole."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from maillage.equipment.models import Machine
from maillage.maintenance.actions import passport as passport_actions
from maillage.maintenance.actions import transfers
from maillage.maintenance.models.passport import (
    Acquisition,
    OwnershipPeriod,
    PassportPrivacy,
    Transfer,
    TransferState,
)
from maillage.maintenance.queries.passport import build_passport
from maillage.maintenance.tests.passport_world import World, add_booking
from maillage.sharing.actions.offers import OfferInput, save_offer
from maillage.sharing.models import BookingState, Offer


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def _sale(world: World, price: int | None = 150_000) -> Transfer:
    return transfers.list_for_transfer(
        world.owner_admin,
        world.machine,
        transfers.TransferInput(kind="sale", asking_price_cents=price, description="Révisée"),
    )


def test_a_transfer_moves_the_machine_and_keeps_the_passport_whole(world: World) -> None:
    passport_actions.record_ownership(
        world.owner_admin,
        world.machine,
        passport_actions.OwnershipInput(
            acquisition=Acquisition.SECOND_HAND, started_on=dt.date(2018, 5, 1), price_cents=900_000
        ),
    )
    passport_actions.record_ownership(
        world.owner_admin,
        world.machine,
        passport_actions.OwnershipInput(
            acquisition=Acquisition.BOUGHT_NEW,
            started_on=dt.date(2012, 3, 1),
            ended_on=dt.date(2018, 4, 30),
            holder_name="Signalétique Provence",
            price_cents=2_500_000,
        ),
    )
    add_booking(world, -30, BookingState.COMPLETED, "3.5")
    save_offer(world.owner_admin, world.machine, OfferInput())
    transfer = _sale(world)
    transfers.ask_for_transfer(world.taker_member, transfer, world.taker, message="Pour la classe")
    assert transfer.state == TransferState.RESERVED
    transfers.accept_transfer(world.owner_admin, transfer)

    machine = Machine.objects.get(pk=world.machine.pk)
    assert machine.organisation == world.taker
    assert machine.site.organisation == world.taker
    assert Transfer.objects.get(pk=transfer.pk).state == TransferState.TRANSFERRED
    assert not Offer.objects.get(machine=machine).active  # the new owner reopens sharing
    periods = list(OwnershipPeriod.objects.filter(machine=machine))
    assert [(p.holder, p.acquisition, p.ended_on is None) for p in periods] == [
        ("Signalétique Provence", "bought_new", False),
        ("Atelier Cédant", "second_hand", False),
        ("Lycée Preneur", "second_hand", True),
    ]
    assert periods[1].ended_on == timezone.localdate()
    assert periods[2].price_cents == 150_000 and periods[2].transfer_id == transfer.pk
    # The new owner's members read the whole passport: history, hours, documents carried over.
    passport = build_passport(machine, world.taker_member)
    assert passport.full_view and passport.serial_number == "TR-300-1234"
    assert [o.holder for o in passport.owners] == [p.holder for p in periods]
    assert passport.owners[0].price_cents == 2_500_000
    assert str(passport.hours_used) == "3.50"
    # The giver is now an outsider to it.
    assert not build_passport(machine, world.owner_admin).full_view


def test_a_not_validated_organisation_cannot_ask(world: World) -> None:
    transfer = _sale(world)
    with pytest.raises(ValidationError) as caught:
        transfers.ask_for_transfer(world.pending_member, transfer, world.pending)
    assert "not validated" in caught.value.message_dict["organisation"][0]
    assert Transfer.objects.get(pk=transfer.pk).state == TransferState.LISTED


def test_asking_in_the_name_of_someone_elses_organisation_is_refused(world: World) -> None:
    transfer = _sale(world)
    with pytest.raises(PermissionDenied):
        transfers.ask_for_transfer(world.other_member, transfer, world.taker)


def test_only_the_owners_admins_list_and_decide(world: World) -> None:
    with pytest.raises(PermissionDenied):
        transfers.list_for_transfer(
            world.owner_member, world.machine, transfers.TransferInput(kind="donation")
        )
    transfer = _sale(world)
    transfers.ask_for_transfer(world.taker_member, transfer, world.taker)
    with pytest.raises(PermissionDenied):
        transfers.accept_transfer(world.taker_member, transfer)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (transfers.TransferInput(kind="swap"), "kind"),
        (transfers.TransferInput(kind="sale", asking_price_cents=-1), "asking_price_cents"),
        (transfers.TransferInput(kind="donation", asking_price_cents=100), "asking_price_cents"),
        (transfers.TransferInput(kind="long_loan"), "loan_until"),
        (
            transfers.TransferInput(kind="long_loan", loan_until=dt.date(2000, 1, 1)),
            "loan_until",
        ),
        (transfers.TransferInput(kind="sale", loan_until=dt.date(2099, 1, 1)), "loan_until"),
    ],
)
def test_bad_offers_name_their_field(world: World, data, field) -> None:
    with pytest.raises(ValidationError) as caught:
        transfers.list_for_transfer(world.owner_admin, world.machine, data)
    assert field in caught.value.message_dict
    assert not Transfer.objects.exists()


def test_one_open_offer_per_machine(world: World) -> None:
    _sale(world)
    with pytest.raises(ValidationError, match="already offered"):
        _sale(world)


def test_refuse_lists_again_and_second_asker_is_told(world: World) -> None:
    transfer = _sale(world)
    transfers.ask_for_transfer(world.taker_member, transfer, world.taker)
    stale = Transfer.objects.get(pk=transfer.pk)
    with pytest.raises(ValidationError, match="already asked"):
        transfers.ask_for_transfer(world.other_member, stale, world.other_taker)
    transfers.refuse_request(world.owner_admin, transfer)
    assert transfer.state == TransferState.LISTED and transfer.to_organisation_id is None
    transfers.ask_for_transfer(world.other_member, transfer, world.other_taker)
    assert Transfer.objects.get(pk=transfer.pk).to_organisation == world.other_taker


def test_handover_refused_with_bookings_to_come(world: World) -> None:
    transfer = _sale(world)
    transfers.ask_for_transfer(world.taker_member, transfer, world.taker)
    add_booking(world, 3, BookingState.CONFIRMED)
    with pytest.raises(ValidationError) as caught:
        transfers.accept_transfer(world.owner_admin, transfer)
    assert "1 booking to come" in caught.value.message_dict["bookings"][0]
    assert Machine.objects.get(pk=world.machine.pk).organisation == world.owner
    assert Transfer.objects.get(pk=transfer.pk).state == TransferState.RESERVED
    assert not OwnershipPeriod.objects.exists()


def test_withdrawn_offer_cannot_be_accepted(world: World) -> None:
    transfer = _sale(world)
    transfers.ask_for_transfer(world.taker_member, transfer, world.taker)
    stale = Transfer.objects.get(pk=transfer.pk)
    transfers.withdraw_transfer(world.owner_admin, transfer)
    with pytest.raises(ValidationError, match="withdrawn"):
        transfers.accept_transfer(world.owner_admin, stale)
    assert Machine.objects.get(pk=world.machine.pk).organisation == world.owner


def test_privacy_resets_to_defaults_for_the_new_owner(world: World) -> None:
    passport_actions.set_privacy(world.owner_admin, world.machine, ["hours", "location"])
    transfer = transfers.list_for_transfer(
        world.owner_admin,
        world.machine,
        transfers.TransferInput(kind="long_loan", loan_until=dt.date(2099, 6, 30)),
    )
    transfers.ask_for_transfer(world.taker_member, transfer, world.taker)
    transfers.accept_transfer(world.owner_admin, transfer)
    assert not PassportPrivacy.objects.exists()
    current = OwnershipPeriod.objects.get(machine=world.machine, ended_on__isnull=True)
    assert current.acquisition == Acquisition.LONG_LOAN


def test_overlapping_history_is_refused(world: World) -> None:
    passport_actions.record_ownership(
        world.owner_admin,
        world.machine,
        passport_actions.OwnershipInput(started_on=dt.date(2018, 5, 1)),
    )
    with pytest.raises(ValidationError, match="overlaps"):
        passport_actions.record_ownership(
            world.owner_admin,
            world.machine,
            passport_actions.OwnershipInput(
                started_on=dt.date(2017, 1, 1), ended_on=dt.date(2019, 1, 1), holder_name="X"
            ),
        )
