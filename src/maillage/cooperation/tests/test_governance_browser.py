"""The network in Chromium: the public page fits a phone and a desk, an admin votes for the
organisation, a visitor registers for a visit. Run alone with `pytest -m browser`."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from maillage.cooperation.actions import decisions as decision_actions
from maillage.cooperation.models import Decision, Event, Vote
from maillage.cooperation.tests.governance_world import english, gov
from maillage.testing import log_in

__all__ = ["english", "gov"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("english"),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def _fits(page: Any, width: int) -> None:
    page.wait_for_load_state("load")
    wide = page.evaluate(
        f"[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect()"
        f".right > {width}).map(e => e.tagName + '.' + e.className).slice(0, 5)"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= width, (page.url, wide)


def test_the_public_page_fits_and_an_admin_votes(make_page: Any, site: Any, gov: Any) -> None:
    decision_actions.cast_vote(gov["fab"], gov["decision"], gov["members"]["fab"], "no")
    closed = Decision.objects.create(
        body=gov["assembly"], title="Comptes 2025", meeting_date=dt.date(2026, 6, 1)
    )
    decision_actions.cast_vote(gov["bob"], closed, gov["members"]["bob"], "yes")
    decision_actions.close_decision(gov["coordinator"], closed)
    page = make_page("en-US")
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/network/")
        expect(page.get_by_role("heading", name="Members by college")).to_be_visible()
        expect(page.locator("table.result")).to_have_count(1)
        _fits(page, width)
    log_in(page, "ada")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/network/decisions/{gov['decision'].pk}/")
    _fits(page, 390)
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Cast the vote").click()
    expect(page.get_by_text("The vote of Org ada is recorded.")).to_be_visible()
    assert Vote.objects.get(decision=gov["decision"], member=gov["members"]["ada"]).choice == "yes"


def test_a_visitor_registers_on_a_phone(make_page: Any, site: Any, gov: Any) -> None:
    start = timezone.now() + dt.timedelta(days=5)
    event = Event.objects.create(
        network=gov["network"],
        title="Visite de l'atelier",
        start=start,
        end=start + dt.timedelta(hours=2),
        place="Atelier du Port",
        capacity=10,
    )
    page = make_page("en-US")
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "vic")
    page.goto(f"/network/events/{event.pk}/")
    _fits(page, 390)
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_text("You are registered.").first).to_be_visible()
    expect(page.locator("#places-left")).to_have_text("9 / 10")
