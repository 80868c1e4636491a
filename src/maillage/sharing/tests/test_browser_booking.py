"""A booking from end to end in Chromium: book, approve, check out, and the monthly statements.

Run alone with `pytest -m browser`; they need Debian's Chromium at /usr/bin/chromium.
"""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from maillage.testing import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # live_server's handler includes whitenoise, which warns that collectstatic never ran.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

PARIS = ZoneInfo("Europe/Paris")
LASER_CUTTING = "3.4.1.1"


@pytest.fixture
def taxonomy(site: Any) -> None:
    """The process tree as its data migration loads it (a transactional test's flush empties
    it, and the browser fixtures reload only the directory's reference tables)."""
    from django.apps import apps

    from maillage.equipment.models import Process

    if not Process.objects.exists():
        importlib.import_module("maillage.equipment.migrations.0002_processes").load(apps, None)


@pytest.fixture
def shared_laser(taxonomy: Any, make_user: Any, make_organisation: Any) -> dict[str, Any]:
    """Org A (Alice) shares a laser cutter on request, billed by use, training required;
    Bob, admin of org B, holds that training."""
    from maillage.equipment import actions as equipment_actions
    from maillage.qualifications import actions as qualification_actions
    from maillage.sharing.actions import offers as offer_actions

    alice = make_user("alice", first_name="Alice", last_name="Hôte")
    bob = make_user("bob", first_name="Bob", last_name="Bricoleur")
    workshop = make_organisation("Atelier Alice", admin=alice)
    fablab = make_organisation("Fablab Bob", admin=bob)
    laser = equipment_actions.create_machine(
        alice,
        workshop,
        equipment_actions.MachineInput(name="Trotec Speedy 400", process_codes=[LASER_CUTTING]),
    )
    training = qualification_actions.create_training(alice, workshop, "Laser safety", machine=laser)
    offer_actions.save_offer(
        alice,
        laser,
        offer_actions.OfferInput(
            mode="on_request",
            billing="used",
            price_own_cents=1000,
            price_member_cents=1840,
            price_outsider_cents=3000,
            fixed_fee_cents=500,
            min_minutes=30,
            required_training_ids=(training.pk,),
            safety_notes="Wear the goggles; never leave the machine cutting alone.",
        ),
    )
    qualification_actions.grant_qualification(alice, bob, training)
    return {"workshop": workshop, "fablab": fablab, "laser": laser}


def test_a_member_books_the_host_approves_the_booker_checks_out_and_both_see_the_statement(
    make_page: Any, shared_laser: Any
) -> None:
    from maillage.sharing.models import Booking, BookingState

    laser, workshop, fablab = (
        shared_laser["laser"],
        shared_laser["workshop"],
        shared_laser["fablab"],
    )
    # A slot starting in a few minutes, so that it can be checked in at once.
    start = timezone.now().astimezone(PARIS).replace(second=0, microsecond=0)
    start += dt.timedelta(minutes=10)
    end = start + dt.timedelta(hours=2)

    # Bob books the laser cutter through the form.
    booker = make_page(locale="en-GB")
    log_in(booker, "bob")
    booker.goto(reverse("sharing:book", args=[laser.pk]))
    expect(booker.locator("#prices tr.applies")).to_contain_text("18,40 €")
    expect(booker.locator("#trainings-held")).to_be_visible()
    form = booker.locator("#booking-form")
    form.locator("[name=date]").fill(start.strftime("%Y-%m-%d"))
    form.locator("[name=start]").fill(start.strftime("%H:%M"))
    form.locator("[name=end]").fill(end.strftime("%H:%M"))
    form.locator("[name=note]").fill("Plywood, 3 mm")
    form.locator("[name=safety_acknowledged]").check()
    form.locator("button[type=submit]").click()
    booker.wait_for_url("**/bookings/")
    booking = Booking.objects.get()
    assert (booking.start, booking.end) == (start, end)
    row = booker.locator(f"#booking-{booking.pk}")
    expect(row).to_have_attribute("data-state", BookingState.REQUESTED)

    # Alice approves the request on her dashboard.
    host = make_page(locale="en-GB")
    log_in(host, "alice")
    host.goto(reverse("sharing:host_dashboard"))
    request_row = host.locator(f"#request-{booking.pk}")
    expect(request_row).to_contain_text("Bob Bricoleur")
    expect(request_row).to_contain_text("Plywood, 3 mm")
    request_row.get_by_role("button", name="Approve").click()
    expect(host.locator(".messages")).to_contain_text("Booking approved.")
    expect(host.locator(f"#current-{booking.pk}")).to_have_attribute(
        "data-state", BookingState.CONFIRMED
    )

    # Bob checks in, then checks out with two hours of use, from "My bookings".
    booker.goto(reverse("sharing:my_bookings"))
    row = booker.locator(f"#booking-{booking.pk}")
    row.get_by_role("button", name="Check in").click()
    expect(booker.locator(".messages")).to_contain_text("Checked in.")
    row = booker.locator(f"#booking-{booking.pk}")
    expect(row).to_have_attribute("data-state", BookingState.CHECKED_IN)
    check_out = row.locator("details.check-out form")
    check_out.locator("[name=hours_used]").fill("2")
    check_out.locator("[name=problem_report]").fill("The lens needs cleaning.")
    check_out.get_by_role("button", name="Check out").click()
    expect(booker.locator(".messages")).to_contain_text("Checked out")
    done = booker.locator(f"#booking-{booking.pk}")
    expect(done).to_have_attribute("data-state", BookingState.COMPLETED)
    expect(done.locator(".amount")).to_contain_text("41,80 €")  # 2 h × 18,40 € + 5,00 €
    booking.refresh_from_db()
    assert booking.final_cents == 4180

    # Both organisations' admins find the booking on their statement for that month.
    month = start.strftime("%Y-%m")
    host.goto(reverse("statements:statement", args=[workshop.slug]) + f"?month={month}")
    theirs = host.locator(f"#counterpart-{fablab.pk}")
    expect(theirs).to_contain_text("Trotec Speedy 400")
    expect(theirs).to_contain_text("41,80 €")
    booker.goto(reverse("statements:statement", args=[fablab.slug]) + f"?month={month}")
    ours = booker.locator(f"#counterpart-{workshop.pk}")
    expect(ours).to_contain_text("Trotec Speedy 400")
    expect(ours).to_contain_text("41,80 €")


def test_the_calendar_moves_week_by_week_without_reloading_the_page(
    page: Any, shared_laser: Any
) -> None:
    laser = shared_laser["laser"]
    page.goto(reverse("sharing:calendar", args=[laser.pk]) + "?week=2030-W02")
    expect(page.locator("#calendar")).to_have_attribute("data-week", "2030-W02")
    page.evaluate("window.__kept = true")  # lost if the page reloads
    page.locator("#next-week").click()
    expect(page.locator("#calendar")).to_have_attribute("data-week", "2030-W03")
    page.wait_for_url("**?week=2030-W03")
    assert page.evaluate("window.__kept === true")
    page.locator("#previous-week").click()
    expect(page.locator("#calendar")).to_have_attribute("data-week", "2030-W02")
    page.locator("#previous-week").click()
    expect(page.locator("#calendar")).to_have_attribute("data-week", "2030-W01")
    expect(page.locator("td[data-date='2029-12-31']")).to_be_visible()
