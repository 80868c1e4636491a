"""From declaring an offer to an accepted synergy, in Chromium, as the two firms would do it:
the sawmill declares its sawdust, finds the boiler house among its candidates and proposes;
both sides accept, and only then does each read the other's private composition.

Run alone with `pytest -m browser`.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from maillage.symbiosis.actions.declarations import DeclarationInput, declare_resource
from maillage.symbiosis.models import ResourceDeclaration, Synergy, SynergyState
from maillage.testing import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

BOILER_SECRET = "Humidite maxi 35 pour cent, granulometrie P31"
SAWDUST_SECRET = "Hetre non traite, sans colle, 12 pour cent humidite"


@pytest.fixture
def neighbours(site: Any, make_user: Any, make_organisation: Any) -> dict[str, Any]:
    sawyer, stoker = make_user("scieur"), make_user("chauffeur")
    sawmill = make_organisation(
        "Scierie du Luberon", admin=sawyer, commune="Aubagne", postal_code="13400"
    )
    boiler = make_organisation("Chaufferie des Aygalades", admin=stoker)
    declare_resource(
        stoker,
        boiler,
        DeclarationInput(
            site_id=boiler.sites.get().pk,
            direction="demand",
            title="Plaquettes et sciure pour chaudière",
            quantity_min="40",
            quantity_max="60",
            unit="t",
            period="year",
            regulatory_status="by_product",
            waste_code="03 01 05",
            composition=BOILER_SECRET,
            current_cost="95",
        ),
    )
    return {"sawmill": sawmill, "boiler": boiler}


def _accept(page: Any, synergy: Synergy) -> None:
    page.goto(f"/symbiosis/synergies/{synergy.pk}/")
    page.locator("#synergy-steps form.step-accept button").click()
    expect(page.locator("ul.messages")).to_be_visible()


def test_it_goes_from_a_declared_offer_to_an_accepted_synergy(
    page: Any, make_page: Any, neighbours: dict[str, Any]
) -> None:
    sawmill = neighbours["sawmill"]
    # given the sawmill declares its sawdust
    log_in(page, "scieur")
    page.goto(f"/o/{sawmill.slug}/symbiosis/declare/")
    page.get_by_label("Offre (ce qui sort)").check()
    page.locator("#id_title").fill("Sciure de hêtre")
    page.locator("#id_waste_code").fill("03 01 05")
    page.locator("#id_quantity_min").fill("30")
    page.locator("#id_quantity_max").fill("45")
    page.locator("#id_regulatory_status").select_option("by_product")
    page.locator("#id_composition").fill(SAWDUST_SECRET)
    page.locator("#declaration-form button[type=submit]").click()
    page.wait_for_url(lambda url: "/symbiosis/declarations/" in url)
    offer = ResourceDeclaration.objects.get(direction="offer")

    # when it finds the boiler house among its candidates and proposes
    page.locator("#see-candidates").click()
    expect(page.locator("main")).to_contain_text("Plaquettes et sciure pour chaudière")
    expect(page.locator("main")).not_to_contain_text(BOILER_SECRET)
    page.get_by_role("button", name="Proposer cette synergie").first.click()
    expect(page.locator("ul.messages")).to_contain_text("Synergie proposée")
    synergy = Synergy.objects.get(offer=offer)
    assert synergy.state == SynergyState.PROPOSED

    # then the boiler house does not read the sawmill's composition before both accept
    other = make_page()
    log_in(other, "chauffeur")
    other.goto("/symbiosis/synergies/")
    other.locator(f"tr[data-synergy='{synergy.pk}'] a").click()
    expect(other.locator("main")).to_contain_text("Sciure de hêtre")
    expect(other.locator("main")).not_to_contain_text(SAWDUST_SECRET)

    # when both sides accept, each for its own side
    _accept(page, synergy)
    _accept(other, synergy)

    # then the synergy is agreed and each side reads the other's private composition
    synergy.refresh_from_db()
    assert synergy.state == SynergyState.AGREED and synergy.both_accepted
    other.reload()
    expect(other.locator("main")).to_contain_text(SAWDUST_SECRET)
    expect(other.locator("main")).to_contain_text("Conclue")
    page.reload()
    expect(page.locator("main")).to_contain_text(BOILER_SECRET)
