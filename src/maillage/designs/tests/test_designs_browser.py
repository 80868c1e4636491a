"""A design page in Chromium: its bill of materials in French, no overflow on a phone, and an
organisation admin correcting a part's processes by hand.

Run alone with `pytest -m browser`.
"""

from __future__ import annotations

from typing import Any

import pytest

from maillage.testing import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


@pytest.fixture
def ohloom(site: Any, make_user: Any, make_organisation: Any) -> Any:
    from maillage.designs.actions import okh as actions
    from maillage.designs.tests.okh_world import make_world, manifest_bytes

    world = make_world(make_user, make_organisation)
    return actions.import_manifest(
        world.member, world.organisation, manifest_bytes("ohloom.okh.toml")
    )


def _text(page: Any, selector: str) -> str:
    return page.locator(selector).inner_text().replace("\u202f", " ").replace("\xa0", " ")


def test_design_page_and_a_hand_correction(page: Any, ohloom: Any) -> None:
    page.goto("/designs/")
    page.get_by_role("link", name="OHLOOM").click()
    page.wait_for_url("**/designs/ohloom/")
    assert page.locator("#parts-table tbody tr").count() == 18
    table = _text(page, "#parts-table")
    assert "580 × 140 × 18 mm" in table and "700 g" in table
    assert "Extrusion de matière" in table
    assert page.locator("#design-licence").get_attribute("href") == (
        "https://spdx.org/licenses/CC-BY-SA-4.0.html"
    )
    assert page.locator(".correct-processes").count() == 0
    page.set_viewport_size({"width": 390, "height": 800})
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    page.set_viewport_size({"width": 1280, "height": 800})

    log_in(page, "admin-fablab")
    page.goto("/designs/ohloom/")
    row = page.locator("#parts-table tbody tr", has_text="Shuttle")
    row.locator("summary").click()
    row.locator("select").select_option(label="3.4.1.1 Découpe laser")
    row.locator("form button[type=submit]").click()
    page.wait_for_url("**/designs/ohloom/#part-*")
    cell = page.locator("#parts-table tbody tr", has_text="Shuttle").locator(".part-processes")
    assert "Découpe laser" in cell.inner_text()
    shuttle = ohloom.parts.get(name="Shuttle")
    assert list(shuttle.processes.values_list("process__code", "source")) == [("3.4.1.1", "manual")]
    assert cell.locator(".muted").count() == 1  # marked as corrected by hand
