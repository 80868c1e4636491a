"""The passport on a phone (390 px) in Chromium: nothing cut off, the offer readable, print page.

Run alone with `pytest -m browser`; they need Debian's Chromium at /usr/bin/chromium.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import expect

from maillage.maintenance.actions import passport as passport_actions
from maillage.maintenance.actions import transfers
from maillage.maintenance.tests.passport_world import World
from maillage.testing import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

PHONE = {"width": 390, "height": 844}
NBSP = "\u00a0"


def _fits(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_the_passport_reads_on_a_phone_and_prints(make_page: Any, second_life: World) -> None:
    passport_actions.record_ownership(
        second_life.owner_admin,
        second_life.machine,
        passport_actions.OwnershipInput(
            acquisition="bought_new",
            started_on=dt.date(2004, 1, 1),
            ended_on=dt.date(2011, 12, 31),
            holder_name="Atelier de mécanique générale Lefebvre et associés",
        ),
    )
    passport_actions.record_ownership(
        second_life.owner_admin,
        second_life.machine,
        passport_actions.OwnershipInput(
            acquisition="second_hand", started_on=dt.date(2012, 1, 1), price_cents=1_250_050
        ),
    )
    transfers.list_for_transfer(
        second_life.owner_admin,
        second_life.machine,
        transfers.TransferInput(kind="sale", asking_price_cents=350_050),
    )
    page = make_page()
    page.set_viewport_size(PHONE)
    log_in(page, "owner")
    page.goto(f"/machines/{second_life.machine.pk}/passport/")
    expect(page.locator("h1")).to_have_text("Passeport de Découpe laser Trotec")
    expect(page.locator("main")).to_contain_text(f"Prix demandé : 3{NBSP}500,50{NBSP}€.")
    assert _fits(page), "the passport scrolls sideways at 390 px"
    for control in (
        page.get_by_role("button", name="Retirer l’offre"),
        page.get_by_role("link", name="Version imprimable"),
    ):
        control.scroll_into_view_if_needed()
        box = control.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    history = page.locator("main table.list").first
    expect(history).to_contain_text("Lefebvre")
    expect(history).to_contain_text(f"12{NBSP}500,50{NBSP}€")

    page.get_by_role("link", name="Version imprimable").click()
    expect(page.get_by_role("button", name="Imprimer")).to_be_visible()
    assert _fits(page), "the printable passport scrolls sideways at 390 px"
