"""The skills pages and the trainings catalogue in Chromium, at 1280 px and on a phone.

Run alone with `pytest -m browser`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from maillage.cooperation.actions import catalogue as catalogue_actions
from maillage.cooperation.tests.skills_world import add, join_network, world
from maillage.qualifications import actions as qualification_actions
from maillage.testing import log_in

__all__ = ["world"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def _fits(page: Any, width: int) -> None:
    page.wait_for_load_state("load")
    wide = page.evaluate(
        f"[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect()"
        f".right > {width}).map(e => e.tagName + '#' + e.id + '.' + e.className).slice(0, 5)"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= width, (page.url, wide)


def test_the_pages_fit_and_a_member_books_and_searches(page: Any, site: Any, world: Any) -> None:
    add(world.alice, "Soudage TIG inox et aluminium", visibility="public", can_repair=True)
    add(world.bob, "Programmation de centres d'usinage CN", visibility="members", can_teach=True)
    training = qualification_actions.create_training(
        world.alice, world.workshop, "Soudage TIG : les bases", process_code="4.6.2.1.3"
    )
    start = timezone.now() + dt.timedelta(days=9)
    session = qualification_actions.schedule_session(
        world.alice, training, start, start + dt.timedelta(hours=4), 1, "Atelier soudure"
    )
    catalogue_actions.book(world.dave, session)
    join_network(world.fablab)  # bob reads the skills kept for the network's members
    log_in(page, "bob")
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/skills/?place=Marseille&radius_km=50")
        assert page.locator("#skill-results tbody tr").count() == 2
        _fits(page, width)
        page.goto("/skills/mine/")
        _fits(page, width)
        page.goto("/trainings/catalogue/")
        _fits(page, width)
    page.locator("#catalogue-table button[type=submit]").first.click()
    page.wait_for_url("**/trainings/catalogue/")
    # Until the French messages are merged the page may read in English: check the form only.
    assert page.locator("#catalogue-table form[action$='/cancel/']").count() == 1
    assert catalogue_actions.WaitingListEntry.objects.filter(user=world.bob).exists()
