"""The heat pages in Chromium: the list's map draws every source and sink, a study's map draws
its ends and route line, and the study page shows its French figures, with no script error.

Run alone with `pytest -m browser`.
"""

from __future__ import annotations

from typing import Any

import pytest

from maillage.testing import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


@pytest.fixture
def heat_study(site: Any, make_user: Any, make_organisation: Any, coordinator: Any) -> Any:
    from maillage.symbiosis.actions import heat as actions
    from maillage.symbiosis.tests.heat_world import make_world

    world = make_world(make_user, make_organisation, coordinator)
    return actions.create_study(
        world.owner,
        actions.StudyInput(
            name="Fonderie → réseau",
            source_id=world.source.pk,
            sink_ids=[world.sink.pk],
            route_length_m=9000,
        ),
    )


def test_the_heat_maps_draw_their_points_and_the_route(page: Any, heat_study: Any) -> None:
    page.goto("/symbiosis/heat/")
    page.wait_for_selector("#heat-map[data-loaded-features='2']")
    assert page.locator(".heat-source").count() == 1
    log_in(page, "fondeur")
    page.goto(f"/symbiosis/heat/studies/{heat_study.pk}/")
    page.wait_for_selector("#heat-map[data-loaded-features='3']")
    text = page.locator("#heat-figures").inner_text().replace("\u202f", " ").replace("\xa0", " ")
    assert "2,8 MWh/m/an" in text and "25 GWh/an" in text and "9,0 km" in text
