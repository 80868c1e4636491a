"""The candidates page in Chromium: it renders at a phone's width and a desktop's without
overflowing, and the Propose button makes the synergy and says so.

Run alone with `pytest -m browser`.
"""

from __future__ import annotations

from typing import Any

import pytest

from maillage.symbiosis.models import Synergy
from maillage.symbiosis.tests import candidates_world
from maillage.testing import log_in

world = candidates_world.world

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def test_a_member_reads_the_candidates_and_proposes_one(page: Any, site: Any, world: Any) -> None:
    log_in(page, "bob")
    url = f"/symbiosis/declarations/{world['sand'].pk}/candidates/"
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        answer = page.goto(url)
        assert answer is not None and answer.status == 200
        overflow = page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= width, f"the page is {overflow}px wide at {width}px"
    card = page.locator(f"#candidate-{world['offer'].pk}")
    assert "Calcin de verre" in card.inner_text()
    assert "€/an" in card.inner_text() and "ordre de grandeur" in card.inner_text()
    card.get_by_label("Véhicule").select_option("articulated")
    card.get_by_role("button", name="Proposer cette synergie").click()
    page.wait_for_load_state()
    assert "Synergie proposée" in page.content()
    synergy = Synergy.objects.get(offer=world["offer"], demand=world["sand"])
    assert synergy.vehicle == "articulated" and synergy.proposed_by == world["bob"]
