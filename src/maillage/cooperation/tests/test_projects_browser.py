"""The portfolio in Chromium: the map draws the visible projects; pages fit a phone's width.

Run alone with `pytest -m browser`.
"""

from __future__ import annotations

from typing import Any

import pytest

from maillage.cooperation.models import Milestone, ProjectNeed
from maillage.cooperation.tests.projects_world import world
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


def test_the_map_and_the_pages_at_1280_and_390(page: Any, site: Any, world: Any) -> None:
    ProjectNeed.objects.create(
        project=world["secret"], kind="skill", label="Soudeur TIG expérimenté", quantity=2
    )
    Milestone.objects.create(project=world["secret"], title="Prototype", due_on="2027-01-15")
    log_in(page, "lena")
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/projects/map/")
        page.wait_for_selector("#projects-map[data-loaded-features]")
        assert page.locator("#projects-map").get_attribute("data-loaded-features") == "2"
        assert page.locator("#projects-map .project-marker").count() == 2
        _fits(page, width)
        for url in ("/projects/", "/projects/secret-one/", "/projects/secret-one/edit/"):
            answer = page.goto(url)
            assert answer is not None and answer.status == 200, url
            _fits(page, width)
    page.goto("/projects/secret-one/")
    assert page.locator("#stage-stepper li[aria-current=step]").count() == 1
