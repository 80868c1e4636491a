"""Who can make it, in a browser: the search from a commune, the share, at 1280 and 390 px."""

from __future__ import annotations

import os
from typing import Any

import pytest
from playwright.sync_api import expect

from maillage.designs.tests import makers_world

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

_fresh_index, world = makers_world._fresh_index, makers_world.world


@pytest.fixture
def taxonomy(site: Any) -> None:
    """The process tree comes back with the reference data the live server reloads."""


def test_a_visitor_searches_from_a_commune_and_reads_the_share(
    page: Any, site: Any, world: Any
) -> None:
    page.goto("/designs/presse/makers/")
    page.fill("#id_commune", "13001")
    page.locator("#place-form button[type=submit]").click()
    expect(page.locator("#share-count")).to_be_visible()
    expect(page.locator(f"tr[data-machine='{world['machines']['near'].pk}']")).to_be_visible()
    expect(page.locator(".no-maker")).to_have_count(2)
    shots = os.environ.get("DESIGNS_SHOTS")
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.reload()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        if shots:
            page.screenshot(path=f"{shots}/makers-{width}.png", full_page=True)
