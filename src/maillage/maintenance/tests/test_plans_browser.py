"""The plans pages in Chromium at a phone's width and a desktop's: each renders, the header
stays on one line at 1280 px, nothing overflows the page sideways at 390 px.

Run alone with `pytest -m browser`; MAINT_SHOTS=<folder> keeps a screenshot of each page.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from maillage.testing import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


@pytest.fixture
def laser_park(site: Any, make_user: Any, make_organisation: Any, coordinator: Any) -> Any:
    from maillage.equipment import actions as equipment_actions
    from maillage.maintenance.actions import plans, usage

    host = make_user("hote")
    organisation = make_organisation("Atelier Hôte", admin=host)
    laser = equipment_actions.create_machine(
        host,
        organisation,
        equipment_actions.MachineInput(name="Laser CO2", process_codes=["3.4.1.1"]),
    )
    plans.apply_starter_plans(host, organisation)
    usage.record_own_use(host, laser, "205")
    return organisation, laser


def test_the_plans_pages_render_on_a_phone_and_a_desktop(page: Any, laser_park: Any) -> None:
    organisation, laser = laser_park
    shots = os.environ.get("MAINT_SHOTS")
    log_in(page, "hote")
    urls = {
        "due": f"/o/{organisation.slug}/maintenance/",
        "machine": f"/machines/{laser.pk}/maintenance/",
        "intervention": f"/machines/{laser.pk}/maintenance/intervention/",
        "plans": f"/o/{organisation.slug}/maintenance/plans/",
        "retrofit": f"/machines/{laser.pk}/retrofit/",
        "machine_page": f"/machines/{laser.pk}/",
        "host_dashboard": "/bookings/host/",
    }
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        for name, url in urls.items():
            answer = page.goto(url)
            assert answer is not None and answer.status == 200, url
            overflow = page.evaluate("document.documentElement.scrollWidth")
            assert overflow <= width, f"{url} is {overflow}px wide at {width}px"
            if width == 1280:
                header = page.locator(".site-header").bounding_box()
                assert header is not None and header["height"] < 90, url
            if shots:
                Path(shots).mkdir(parents=True, exist_ok=True)
                page.screenshot(path=f"{shots}/{name}-{width}.png", full_page=True)
    page.goto(urls["due"])
    assert page.locator("table.due-tasks tr[data-state]").count() >= 1
