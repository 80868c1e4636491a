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


def _sale(second_life: World, price: int | None = 150_000) -> Transfer:
    return transfers.list_for_transfer(
        second_life.owner_admin,
        second_life.machine,
        transfers.TransferInput(kind="sale", asking_price_cents=price, description="Révisée"),
    )


def test_a_transfer_moves_the_machine_and_keeps_the_passport_whole(second_life: World) -> None:
    passport_actions.record_ownership(
        second_life.owner_admin,
        second_life.machine,
        passport_actions.OwnershipInput(
            acquisition=Acquisition.SECOND_HAND, started_on=dt.date(2018, 5, 1), price_cents=900_000
        ),
    )
    passport_actions.record_ownership(
        second_life.owner_admin,
        second_life.machine,
        passport_actions.OwnershipInput(
            acquisition=Acquisition.BOUGHT_NEW,
            started_on=dt.date(2012, 3, 1),
            ended_on=dt.date(2018, 4, 30),
            holder_name="Signalétique Provence",
            price_cents=2_500_000,
        ),
    )
    add_booking(second_life, -30, BookingState.COMPLETED, "3.5")
    save_offer(second_life.owner_admin, second_life.machine, OfferInput())
    transfer = _sale(second_life)
    transfers.ask_for_transfer(
        second_life.taker_member, transfer, second_life.taker, message="Pour la classe"
    )
    assert transfer.state == TransferState.RESERVED
    transfers.accept_transfer(second_life.owner_admin, transfer)

    machine = Machine.objects.get(pk=second_life.machine.pk)
    assert machine.organisation == second_life.taker
    assert machine.site.organisation == second_life.taker
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
    passport = build_passport(machine, second_life.taker_member)
    assert passport.full_view and passport.serial_number == "TR-300-1234"
    assert [o.holder for o in passport.owners] == [p.holder for p in periods]
    assert passport.owners[0].price_cents == 2_500_000
    assert str(passport.hours_used) == "3.50"
    # The giver is now an outsider to it.
    assert not build_passport(machine, second_life.owner_admin).full_view


def test_a_not_validated_organisation_cannot_ask(second_life: World) -> None:
    transfer = _sale(second_life)
    with pytest.raises(ValidationError) as caught:
        transfers.ask_for_transfer(second_life.pending_member, transfer, second_life.pending)
    assert "not validated" in caught.value.message_dict["organisation"][0]
    assert Transfer.objects.get(pk=transfer.pk).state == TransferState.LISTED


def test_asking_in_the_name_of_someone_elses_organisation_is_refused(second_life: World) -> None:
    transfer = _sale(second_life)
    with pytest.raises(PermissionDenied):
        transfers.ask_for_transfer(second_life.other_member, transfer, second_life.taker)


def test_only_the_owners_admins_list_and_decide(second_life: World) -> None:
    with pytest.raises(PermissionDenied):
        transfers.list_for_transfer(
            second_life.owner_member, second_life.machine, transfers.TransferInput(kind="donation")
        )
    transfer = _sale(second_life)
    transfers.ask_for_transfer(second_life.taker_member, transfer, second_life.taker)
    with pytest.raises(PermissionDenied):
        transfers.accept_transfer(second_life.taker_member, transfer)


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
def test_bad_offers_name_their_field(second_life: World, data, field) -> None:
    with pytest.raises(ValidationError) as caught:
        transfers.list_for_transfer(second_life.owner_admin, second_life.machine, data)
    assert field in caught.value.message_dict
    assert not Transfer.objects.exists()


def test_one_open_offer_per_machine(second_life: World) -> None:
    _sale(second_life)
    with pytest.raises(ValidationError, match="already offered"):
        _sale(second_life)


def test_refuse_lists_again_and_second_asker_is_told(second_life: World) -> None:
    transfer = _sale(second_life)
    transfers.ask_for_transfer(second_life.taker_member, transfer, second_life.taker)
    stale = Transfer.objects.get(pk=transfer.pk)
    with pytest.raises(ValidationError, match="already asked"):
        transfers.ask_for_transfer(second_life.other_member, stale, second_life.other_taker)
    transfers.refuse_request(second_life.owner_admin, transfer)
    assert transfer.state == TransferState.LISTED and transfer.to_organisation_id is None
    transfers.ask_for_transfer(second_life.other_member, transfer, second_life.other_taker)
    assert Transfer.objects.get(pk=transfer.pk).to_organisation == second_life.other_taker


def test_handover_refused_with_bookings_to_come(second_life: World) -> None:
    transfer = _sale(second_life)
    transfers.ask_for_transfer(second_life.taker_member, transfer, second_life.taker)
    add_booking(second_life, 3, BookingState.CONFIRMED)
    with pytest.raises(ValidationError) as caught:
        transfers.accept_transfer(second_life.owner_admin, transfer)
    assert "1 booking to come" in caught.value.message_dict["bookings"][0]
    assert Machine.objects.get(pk=second_life.machine.pk).organisation == second_life.owner
    assert Transfer.objects.get(pk=transfer.pk).state == TransferState.RESERVED
    assert not OwnershipPeriod.objects.exists()


def test_withdrawn_offer_cannot_be_accepted(second_life: World) -> None:
    transfer = _sale(second_life)
    transfers.ask_for_transfer(second_life.taker_member, transfer, second_life.taker)
    stale = Transfer.objects.get(pk=transfer.pk)
    transfers.withdraw_transfer(second_life.owner_admin, transfer)
    with pytest.raises(ValidationError, match="withdrawn"):
        transfers.accept_transfer(second_life.owner_admin, stale)
    assert Machine.objects.get(pk=second_life.machine.pk).organisation == second_life.owner


def test_privacy_resets_to_defaults_for_the_new_owner(second_life: World) -> None:
    passport_actions.set_privacy(
        second_life.owner_admin, second_life.machine, ["hours", "location"]
    )
    transfer = transfers.list_for_transfer(
        second_life.owner_admin,
        second_life.machine,
        transfers.TransferInput(kind="long_loan", loan_until=dt.date(2099, 6, 30)),
    )
    transfers.ask_for_transfer(second_life.taker_member, transfer, second_life.taker)
    transfers.accept_transfer(second_life.owner_admin, transfer)
    assert not PassportPrivacy.objects.exists()
    current = OwnershipPeriod.objects.get(machine=second_life.machine, ended_on__isnull=True)
    assert current.acquisition == Acquisition.LONG_LOAN


def test_the_giver_can_no_longer_set_privacy_on_a_machine_read_before_the_handover(
    second_life: World,
) -> None:
    stale = Machine.objects.get(pk=second_life.machine.pk)  # read while the giver owned it
    transfer = transfers.list_for_transfer(
        second_life.owner_admin, second_life.machine, transfers.TransferInput(kind="donation")
    )
    transfers.ask_for_transfer(second_life.taker_member, transfer, second_life.taker)
    transfers.accept_transfer(second_life.owner_admin, transfer)
    with pytest.raises(PermissionDenied):
        passport_actions.set_privacy(second_life.owner_admin, stale, ["hours"])
    assert not PassportPrivacy.objects.exists()


def test_overlapping_history_is_refused(second_life: World) -> None:
    passport_actions.record_ownership(
        second_life.owner_admin,
        second_life.machine,
        passport_actions.OwnershipInput(started_on=dt.date(2018, 5, 1)),
    )
    with pytest.raises(ValidationError, match="overlaps"):
        passport_actions.record_ownership(
            second_life.owner_admin,
            second_life.machine,
            passport_actions.OwnershipInput(
                started_on=dt.date(2017, 1, 1), ended_on=dt.date(2019, 1, 1), holder_name="X"
            ),
        )
