"""The passport pages in French (the default language): words, plurals, prices and units."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from maillage.maintenance.actions import passport as passport_actions
from maillage.maintenance.actions import transfers
from maillage.maintenance.templatetags.passport_tags import price
from maillage.maintenance.tests.passport_world import World, add_booking
from maillage.sharing.models import BookingState

NBSP = "\u00a0"


def test_prices_show_cents_only_when_there_are_any() -> None:
    with translation.override("fr"):
        assert price(125_050) == f"1{NBSP}250,50{NBSP}€"
        assert price(1_500_000) == f"15{NBSP}000{NBSP}€"
        assert price(5) == f"0,05{NBSP}€"
        assert price(None) == ""
    with translation.override("en"):
        assert price(125_050) == f"1,250.50{NBSP}€"


def test_passport_and_second_hand_pages_read_in_french(client, second_life: World) -> None:
    passport_actions.record_ownership(
        second_life.owner_admin,
        second_life.machine,
        passport_actions.OwnershipInput(
            acquisition="second_hand", started_on=dt.date(2015, 6, 1), price_cents=1_250_050
        ),
    )
    add_booking(second_life, -3, BookingState.COMPLETED, "12.25")
    transfers.list_for_transfer(
        second_life.owner_admin,
        second_life.machine,
        transfers.TransferInput(kind="sale", asking_price_cents=150_050),
    )
    client.force_login(second_life.owner_member)
    page = client.get(f"/machines/{second_life.machine.pk}/passport/").content.decode()
    assert "Passeport de Découpe laser Trotec" in page
    assert "Propriétaires successifs" in page and "Achetée d’occasion" in page
    assert f"12{NBSP}500,50{NBSP}€" in page
    assert f"12,25{NBSP}h" in page
    assert f"Prix demandé : 1{NBSP}500,50{NBSP}€." in page
    listing = client.get("/second-hand/").content.decode()
    assert "Machines d’occasion" in listing and f"Vente<br>1{NBSP}500,50{NBSP}€" in listing


@pytest.mark.parametrize(
    ("count", "words"),
    [(1, "encore 1 réservation à venir : annulez-la"), (2, "encore 2 réservations à venir")],
)
def test_handover_refusal_has_the_french_plural(second_life: World, count: int, words: str) -> None:
    transfer = transfers.list_for_transfer(
        second_life.owner_admin, second_life.machine, transfers.TransferInput(kind="donation")
    )
    transfers.ask_for_transfer(second_life.taker_member, transfer, second_life.taker)
    for day in range(count):
        add_booking(second_life, 2 + day, BookingState.CONFIRMED)
    with translation.override("fr"), pytest.raises(ValidationError) as refused:
        transfers.accept_transfer(second_life.owner_admin, transfer)
    assert words in " ".join(refused.value.messages)
