"""In Chromium: a signed-in person pledges on the funding page, a coordinator confirms it and the
progress bar moves. Run alone with `pytest -m browser`."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from maillage.cooperation.models import Pledge, PledgeState
from maillage.cooperation.tests.funding_world import fworld
from maillage.testing import log_in

__all__ = ["fworld"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

URL = "/projects/decoupe-test/funding/"


def _bar_width(page: Any) -> float:
    return float(
        page.locator(".funding-bar-promised").evaluate("e => e.getBoundingClientRect().width")
    )


def test_a_person_pledges_and_the_bar_moves(page: Any, site: Any, fworld: Any) -> None:
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(URL)
        page.wait_for_load_state("load")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    log_in(page, "cit")
    page.goto(URL)
    assert _bar_width(page) == 0
    form = page.locator("#pledge-form")
    form.locator("input[name=amount]").fill("-5")
    form.locator("button[type=submit]").click()
    expect(page.locator("#pledge-form .errorlist")).to_be_visible()
    assert not Pledge.objects.exists()
    form = page.locator("#pledge-form")
    form.locator("input[name=amount]").fill("150")
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/funding/#campaign")
    page.wait_for_load_state("load")
    assert _bar_width(page) > 0
    assert Pledge.objects.get().state == PledgeState.PROMISED

    page.context.clear_cookies()
    log_in(page, "coord")
    page.goto(URL)
    done = page.locator(".funding-bar-done")
    assert done.evaluate("e => e.style.width") == "0%"
    page.locator("#to-confirm + .table-wrap button[type=submit]").click()
    # 150 € confirmed + 150 € from the Region's matching = 30 % of 1 000 €.
    expect(page.locator("#campaign-progress [data-total]")).to_have_attribute(
        "data-total", "300.00"
    )
    assert done.evaluate("e => e.style.width") == "30%"
    assert page.locator(".funding-bar").get_attribute("aria-valuenow") == "30"
