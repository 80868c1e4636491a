"""The heat study pages on a phone: the index with its studies, a declaration with the studies it
is part of, a study and its edit form fit 390 px with no horizontal scrolling; editing a study
in the browser clears its drawn route back to the estimate.

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

# What sticks out of a 390 px page, for the failure message.
WIDEST = """[...document.querySelectorAll("body *")]
  .filter((e) => e.getBoundingClientRect().right > 392).slice(0, 5)
  .map((e) => `${e.tagName}#${e.id} ${Math.round(e.getBoundingClientRect().right)}`)"""


@pytest.fixture
def heat_study(site: Any, make_user: Any, make_organisation: Any, coordinator: Any) -> Any:
    from maillage.symbiosis.actions import heat as actions
    from maillage.symbiosis.tests.heat_world import make_world

    world = make_world(make_user, make_organisation, coordinator)
    return actions.create_study(
        world.owner,
        actions.StudyInput(
            name="Fonderie → réseau de chaleur de Gardanne",
            source_id=world.source.pk,
            sink_ids=[world.sink.pk],
            route_length_m=9000,
            pipe_dn=200,
        ),
    )


def test_the_study_pages_fit_a_phone_and_an_edit_clears_the_route(
    page: Any, heat_study: Any
) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "fondeur")
    pages = [
        "/symbiosis/heat/",
        f"/symbiosis/heat/{heat_study.source_id}/",
        f"/symbiosis/heat/studies/{heat_study.pk}/",
        f"/symbiosis/heat/studies/{heat_study.pk}/edit/",
    ]
    for path in pages:
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} is {width}px wide at 390px: {page.evaluate(WIDEST)}"
    page.goto("/symbiosis/heat/")
    assert "Fonderie → réseau" in page.locator("#heat-studies").inner_text()
    page.goto(f"/symbiosis/heat/studies/{heat_study.pk}/")
    page.get_by_role("link", name="Modifier l'étude").click()
    page.locator("#id_route_length_m").fill("")
    page.locator("#id_pipe_dn").select_option("")
    page.locator("#study-form button[type=submit]").click()
    page.wait_for_selector("#heat-route-kind")
    assert "estimée" in page.locator("#heat-route-kind").inner_text()
