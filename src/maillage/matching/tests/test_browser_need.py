"""From a need to a booking in Chromium: enter the need, read the ranked results, book a slot.

Run alone with `pytest -m browser`; they need Debian's Chromium at /usr/bin/chromium.
"""

import datetime as dt
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from maillage.matching.models import Need, NeedStatus
from maillage.matching.tests import test_api
from maillage.matching.tests.test_api import LASER_CUTTING, PARIS
from maillage.sharing.models import Booking, BookingState
from maillage.testing import log_in

# The territory's fixtures, shared with the API tests.
_fresh_index, taxonomy, territory = test_api._fresh_index, test_api.taxonomy, test_api.territory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # live_server's handler includes whitenoise, which warns that collectstatic never ran.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


@pytest.fixture
def shared_lasers(site: Any, territory: Any) -> dict[str, Any]:
    """The territory, once the live server and its reference tables are in place."""
    return territory


def test_a_member_enters_a_need_reads_the_ranking_and_books_the_first_slot(
    make_page: Any, shared_lasers: Any
) -> None:
    machines = shared_lasers["machines"]
    page = make_page(locale="en-GB")
    log_in(page, "dave")
    page.goto("/need/")
    form = page.locator("#need-form")
    form.locator("[name=process]").select_option(LASER_CUTTING)
    form.locator("[name=label]").fill("Shop signs")
    form.locator("[name=hours]").fill("2")
    form.locator("[name=commune]").fill("13001")
    form.locator("[name=max_km]").fill("80")
    form.get_by_role("button", name="Find machines").click()

    # Ranked results, nearest first, each with its distance, cost and first free slot.
    rows = page.locator("#results-table tbody tr")
    expect(rows).to_have_count(3)
    ids = [rows.nth(i).get_attribute("data-machine") for i in range(3)]
    assert ids == [str(machines[k].pk) for k in ("a", "b", "c")]
    first = rows.nth(0)
    expect(first.locator("td.distance")).to_contain_text(re.compile(r"\d+[.,]\d km"))
    expect(first.locator("td.cost")).to_contain_text("machine 45,00 € + transport")
    expect(first.locator("td.co2")).to_contain_text("kg")
    expect(first.locator("td.slot time")).to_be_visible()
    expect(page.locator("#need-map")).to_have_attribute("data-loaded-features", "3")
    need = Need.objects.get()
    assert need.status == NeedStatus.MATCHED and need.label == "Shop signs"

    # One click: the booking page, the slot filled in.
    link = first.get_by_role("link", name="Book this slot")
    href = link.get_attribute("href")
    start = dt.datetime.fromisoformat(parse_qs(urlsplit(href).query)["start"][0])
    link.click()
    page.wait_for_url(re.compile(rf"/machines/{machines['a'].pk}/book/\?start="))
    booking_form = page.locator("#booking-form")
    local = start.astimezone(PARIS)
    expect(booking_form.locator("[name=date]")).to_have_value(local.strftime("%Y-%m-%d"))
    expect(booking_form.locator("[name=start]")).to_have_value(local.strftime("%H:%M"))
    end = local + dt.timedelta(hours=2)
    expect(booking_form.locator("[name=end]")).to_have_value(end.strftime("%H:%M"))

    booking_form.locator("button[type=submit]").click()
    page.wait_for_url("**/bookings/")
    booking = Booking.objects.get()
    assert booking.machine_id == machines["a"].pk and booking.booker == shared_lasers["dave"]
    assert (booking.start, booking.end) == (start, start + dt.timedelta(hours=2))
    assert booking.state == BookingState.CONFIRMED
