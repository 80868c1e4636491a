"""Layout in Chromium at a desktop's 1280 px and a phone's 390 px: the header, the need results,
the machine list and the moderation queue.

Run alone with `pytest -m browser`; they need Debian's Chromium at /usr/bin/chromium.
"""

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import expect

from maillage.matching.tests import test_api
from maillage.matching.tests.test_api import LASER_CUTTING
from maillage.testing import log_in

_fresh_index, taxonomy, territory = test_api._fresh_index, test_api.taxonomy, test_api.territory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def _box(locator: Any) -> dict[str, float]:
    box = locator.bounding_box()
    assert box is not None
    return box


def test_the_signed_in_header_is_one_line_on_a_desktop_and_a_menu_on_a_phone(
    make_page: Any, coordinator: Any
) -> None:
    page = make_page()
    log_in(page, "coord")
    page.goto("/machines/")
    header = page.locator("header.site-header")
    # One line: every item's middle at the brand's height; the header one item tall plus padding.
    brand = _box(header.locator(".brand"))
    middle = brand["y"] + brand["height"] / 2
    items = header.locator(".brand, .nav-primary li, .nav-menu > summary, .lang-switch button")
    boxes = [_box(items.nth(i)) for i in range(items.count())]
    # brand, eight links (resources, open designs, cooperation and impact included; trainings
    # are under cooperation), my space, language
    assert len(boxes) == 11
    assert all(abs(b["y"] + b["height"] / 2 - middle) < 4 for b in boxes)
    assert _box(header)["height"] <= max(b["height"] for b in boxes) + 24
    menu = header.locator("details.nav-menu")
    expect(menu.get_by_role("link", name="Modération")).to_be_hidden()
    menu.locator("summary").click()
    expect(menu.get_by_role("link", name="Modération")).to_be_visible()

    page.set_viewport_size(PHONE)
    page.goto("/machines/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert _box(header)["height"] <= 160
    header.locator("details.nav-menu summary").click()
    link = header.get_by_role("link", name="Réservations reçues")
    expect(link).to_be_visible()
    assert _box(link)["x"] + _box(link)["width"] <= PHONE["width"]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_the_book_button_of_each_result_is_fully_in_view(
    make_page: Any, territory: Any, viewport: dict[str, int]
) -> None:
    page = make_page()
    page.set_viewport_size(viewport)
    log_in(page, "dave")
    today = dt.date.today()
    page.goto(
        f"/need/?process={LASER_CUTTING}&hours=2&commune=13001&max_km=80"
        f"&earliest={today}&deadline={today + dt.timedelta(days=14)}"
    )
    buttons = page.locator("#results-table a.book-slot")
    expect(buttons).to_have_count(3)
    wrap = _box(page.locator("#results .table-wrap"))
    for i in range(3):
        button = buttons.nth(i)
        button.scroll_into_view_if_needed()
        box = _box(button)
        wrap = _box(page.locator("#results .table-wrap"))
        assert box["x"] >= wrap["x"] and box["x"] + box["width"] <= wrap["x"] + wrap["width"]
        assert box["x"] + box["width"] <= viewport["width"]
    # Nothing to scroll sideways.
    assert page.evaluate(
        "(() => { const w = document.querySelector('#results .table-wrap');"
        " return w.scrollWidth <= w.clientWidth; })()"
    )


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_the_machine_list_starts_on_the_first_screen_and_opens_its_filters_when_used(
    make_page: Any, territory: Any, viewport: dict[str, int]
) -> None:
    page = make_page()
    page.set_viewport_size(viewport)
    page.goto("/machines/")
    expect(page.locator("#machine-filters-box")).not_to_have_attribute("open", "")
    first_row = page.locator("#machine-table tbody tr").first
    assert _box(first_row)["y"] < viewport["height"]
    page.locator("#machine-filters-box summary").click()
    page.locator("#machine-filters [name=q]").fill("laser")
    page.locator("#machine-filters button[type=submit]").click()
    expect(page.locator("#machine-filters-box")).to_have_attribute("open", "")


def test_the_moderation_tabs_stand_apart_and_a_decision_must_be_chosen(
    make_page: Any, coordinator: Any, make_organisation: Any
) -> None:
    make_organisation("Atelier à valider", status="pending")
    page = make_page()
    log_in(page, "coord")
    page.goto("/moderation/")
    tabs = page.locator("nav.tabs a")
    expect(tabs).to_have_count(4)
    for i in range(3):
        left, right = _box(tabs.nth(i)), _box(tabs.nth(i + 1))
        same_line = abs(left["y"] - right["y"]) < 2
        assert not same_line or right["x"] - (left["x"] + left["width"]) >= 4
    decision = page.locator(".moderation-form select[name=status]").first
    expect(decision).to_have_value("")
    page.locator(".moderation-form button[type=submit]").first.click()
    # The browser refuses the form: nothing recorded, the reason said on the field.
    assert decision.evaluate("el => el.validationMessage") != ""
    expect(page).to_have_url(page.url)
    from maillage.directory.models import Organisation

    assert Organisation.objects.get(name="Atelier à valider").status == "pending"
