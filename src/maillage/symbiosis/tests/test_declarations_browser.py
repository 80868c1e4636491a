"""The declaration form in Chromium: the List of Waste search fills the code, the declaration
is saved, and its page renders on a phone's width without sideways scrolling.

Run alone with `pytest -m browser`.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from maillage.symbiosis.models import ResourceDeclaration
from maillage.testing import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


@pytest.fixture
def sawmill(site: Any, make_user: Any, make_organisation: Any) -> Any:
    owner = make_user("scieur")
    return make_organisation("Scierie du Luberon", admin=owner)


def test_it_declares_with_the_code_search(page: Any, sawmill: Any) -> None:
    log_in(page, "scieur")
    page.goto(f"/o/{sawmill.slug}/symbiosis/declare/")
    page.get_by_label("Offre (ce qui sort)").check()
    page.locator("#id_title").fill("Sciure de hêtre")
    page.locator("#code-q").fill("sawdust")
    page.locator("#code-q").press("Enter")  # searches; does not send the form
    result = page.locator("#code-results [data-code='03 01 05']")
    expect(result).to_be_visible()
    result.click()
    expect(page.locator("#id_waste_code")).to_have_value("03 01 05")
    page.locator("#id_quantity_min").fill("2,5")
    page.locator("#id_quantity_max").fill("4")
    page.locator("#id_regulatory_status").select_option("by_product")
    page.locator("#declaration-form button[type=submit]").click()
    page.wait_for_url(lambda url: "/symbiosis/declarations/" in url)
    saved = ResourceDeclaration.objects.get()
    assert saved.waste_code_id == "03 01 05" and str(saved.quantity_min) == "2.500"
    page.set_viewport_size({"width": 390, "height": 900})
    for url in (page.url, "/symbiosis/", f"/o/{sawmill.slug}/symbiosis/"):
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{url} is {width}px wide"
