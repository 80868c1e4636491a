"""The round's map in Chromium: the depot and the numbered stops drawn, the route between them.

Run alone with `pytest -m browser`.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from maillage.symbiosis.actions import loops as actions
from maillage.symbiosis.tests.loop_world import report_all, world
from maillage.testing import log_in

__all__ = ["world"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def test_the_round_map_numbers_the_stops_in_order(page: Any, site: Any, world: Any) -> None:
    report_all(world, [(1, 1), (2, 0), (0, 2)])
    found = actions.plan_round(
        world["alice"], world["loop"], timezone.localdate(), time_limit_s=0.2
    )
    log_in(page, "alice")
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        answer = page.goto(f"/symbiosis/loops/consigne-test/rounds/{found.pk}/")
        assert answer is not None and answer.status == 200
        page.wait_for_selector("#round-map[data-ready='true']")
        numbers = page.locator("#round-map .stop-number").all_text_contents()
        assert numbers == ["0", "1", "2", "3"]
        assert page.locator("#round-map path.leaflet-interactive").count() == 1
        assert page.evaluate("document.documentElement.scrollWidth") <= width
