"""The flows map and a synergy's page in Chromium: the line is drawn and its popup keeps the
quantity to an order of magnitude for a visitor; a side records a month from the page.

Run alone with `pytest -m browser`.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from maillage.symbiosis.models import SynergyExchange
from maillage.symbiosis.tests import synergy_world
from maillage.symbiosis.tests.synergy_world import agree
from maillage.testing import log_in

world = synergy_world.world

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def test_a_visitor_sees_the_line_and_an_order_of_magnitude(page: Any, world: Any) -> None:
    agree(world)
    page.goto("/symbiosis/flows/")
    expect(page.locator("#flows-map")).to_have_attribute("data-loaded-features", "1")
    page.locator("#flows-map path.leaflet-interactive").first.click(force=True)
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("Chutes de bois → Bois pour chaudière")
    expect(popup).to_contain_text("ordre de grandeur")
    expect(popup).not_to_contain_text("77")


def test_a_side_records_a_month_from_the_page(page: Any, world: Any) -> None:
    synergy = agree(world)
    log_in(page, "bob")
    page.goto(f"/symbiosis/synergies/{synergy.pk}/")
    page.fill("#id_month", "2026-01")
    page.fill("#id_quantity", "6,5".replace(",", "."))
    page.locator("#exchange-form button[type=submit]").click()
    expect(page.locator("ul.messages")).to_contain_text("enregistré")
    assert SynergyExchange.objects.get(synergy=synergy).quantity == 6.5
