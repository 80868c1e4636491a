"""A breakdown from the machine's QR label to the rebooked slot, in Chromium.

On a phone (390 px): the QR label page, its link to the report form, the sign-in first, the
report with a photo. At 1280 px the host confirms with an estimated end. Back on the phone the
booker sees the machine offered instead and rebooks in one click.

Run alone with `pytest -m browser`; they need Debian's Chromium at /usr/bin/chromium.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from maillage.maintenance.models import AffectedBooking, BreakdownReport, BreakdownState
from maillage.maintenance.tests import breakdown_world as world
from maillage.sharing.actions import bookings as booking_actions
from maillage.sharing.availability import PARIS
from maillage.sharing.models import Booking, BookingState
from maillage.testing import PASSWORD, log_in

_fresh_index, taxonomy, territory = world._fresh_index, world.taxonomy, world.territory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # live_server's handler includes whitenoise, which warns that collectstatic never ran.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

PHONE = {"width": 390, "height": 844}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def lasers(site: Any, territory: Any, settings: Any, tmp_path: Any) -> dict[str, Any]:
    """The territory, once the live server and its reference tables are in place."""
    settings.MEDIA_ROOT = str(tmp_path)
    return territory


def _fits_the_phone(page: Any) -> None:
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide"


def test_from_the_qr_label_on_a_phone_to_the_rebooked_slot(make_page: Any, lasers: Any) -> None:
    dave, a, b = lasers["dave"], lasers["machines"]["a"], lasers["machines"]["b"]
    start = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(hours=30)
    original = booking_actions.request_booking(dave, a, start, start + dt.timedelta(hours=2))

    # The phone: the label's QR link, the sign-in, then the report form.
    phone = make_page(locale="en-GB")
    phone.set_viewport_size(PHONE)
    phone.goto(f"/machines/{a.pk}/label/")
    expect(phone.locator(f"#label-{a.pk} svg")).to_be_visible()
    _fits_the_phone(phone)
    phone.locator(f"#label-{a.pk} a.qr-link").click()
    phone.wait_for_url("**/accounts/login/**")
    login = phone.locator("main form")
    login.locator("input[name=username]").fill("dave")
    login.locator("input[name=password]").fill(PASSWORD)
    login.locator("button[type=submit]").click()
    phone.wait_for_url(f"**/machines/{a.pk}/breakdown/")
    _fits_the_phone(phone)
    form = phone.locator("#breakdown-form")
    form.locator("[name=description]").fill("The laser tube does not fire any more.")
    form.locator("[name=photo]").set_input_files(
        {"name": "tube.png", "mimeType": "image/png", "buffer": PNG}
    )
    form.locator("button[type=submit]").click()
    phone.wait_for_url(f"**/machines/{a.pk}/")
    expect(phone.locator("body")).to_contain_text("the host has been told")
    report = BreakdownReport.objects.get()
    assert report.reporter == dave and report.photo_type == "image/png"

    # The host, on a desktop: confirms until about two days from now.
    host = make_page(locale="en-GB")
    log_in(host, "alice")
    host.goto("/breakdowns/")
    card = host.locator(f"#report-{report.pk}")
    expect(card).to_contain_text("The laser tube does not fire any more.")
    end = (timezone.now() + dt.timedelta(days=2)).astimezone(PARIS)
    card.locator("[name=estimated_end]").fill(end.strftime("%Y-%m-%dT%H:%M"))
    card.get_by_role("button", name="Confirm the breakdown").click()
    expect(host.locator("body")).to_contain_text("Breakdown confirmed")
    expect(host.locator(f"#report-{report.pk}")).to_have_attribute("data-state", "confirmed")
    report.refresh_from_db()
    assert report.state == BreakdownState.CONFIRMED

    # Back on the phone: the machine offered for the same slot, and one click to rebook.
    phone.goto("/breakdowns/mine/")
    affected = AffectedBooking.objects.get(report=report)
    card = phone.locator(f"#affected-{affected.pk}")
    expect(card.locator(".alternative")).to_contain_text("Laser B")
    _fits_the_phone(phone)
    card.get_by_role("button", name="Rebook on Laser B").click()
    expect(phone.locator("body")).to_contain_text("Rebooked")
    expect(phone.locator(f"#affected-{affected.pk}")).to_have_attribute("data-state", "rebooked")

    new = Booking.objects.get(machine=b, booker=dave)
    assert (new.start, new.end, new.state) == (
        original.start,
        original.end,
        BookingState.CONFIRMED,
    )
    original.refresh_from_db()
    assert original.state == BookingState.CANCELLED
