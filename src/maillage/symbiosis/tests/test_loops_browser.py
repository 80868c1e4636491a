"""The round's map in Chromium: the depot and the numbered stops drawn, the route between them.

Run alone with `pytest -m browser`.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

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


def test_a_hub_admin_creates_a_loop_and_adds_a_shop_on_a_phone(
    page: Any, site: Any, world: Any
) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "alice")

    def fits() -> None:
        page.wait_for_load_state("load")  # the stylesheet applied: layout is measured after it
        wide = page.evaluate(
            "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect()"
            ".right > 390).map(e => e.tagName + '#' + e.id + '.' + e.className).slice(0, 5)"
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, (page.url, wide)

    page.goto("/symbiosis/loops/")
    fits()
    page.get_by_role("link", name="Créer une boucle").click()
    page.wait_for_url("**/symbiosis/loops/new/")
    fits()
    form = page.locator("#loop-form")
    form.locator("[name=name]").fill("Consigne de l’Estaque")
    form.locator("[name=container]").fill("Bouteille 75 cl")
    form.locator("[name=container_mass_g]").fill("450")
    form.locator("[name=single_use_mass_g]").fill("400")
    form.locator("[name=crate_size]").fill("12")
    form.locator("[name=van_capacity_crates]").fill("0")
    form.locator("[name=deposit_eur]").fill("0,50")
    form.locator("[name=containers_in_circulation]").fill("2000")
    form.locator("button[type=submit]").click()
    expect(page.locator("#field-van_capacity_crates .errorlist")).to_contain_text("Au moins 1.")
    fits()
    page.locator("#loop-form").locator("[name=van_capacity_crates]").fill("30")
    page.locator("#loop-form button[type=submit]").click()
    page.wait_for_url("**/symbiosis/loops/consigne-de-lestaque/members/")
    expect(page.locator(".messages, [role=status], body").first).to_contain_text("Boucle créée")
    fits()
    page.locator("#member-search input[name=q]").fill("Ailleurs")
    page.locator("#member-search button").click()
    add = page.locator("#member-form")
    add.locator("select[name=organisation]").select_option(label="Ailleurs")
    add.locator("select[name=site]").select_option(index=1)
    add.locator("select[name=role]").select_option(label="Commerce (vend et reprend les vides)")
    add.locator("button[type=submit]").click()
    expect(page.locator("body")).to_contain_text("Membre ajouté.")
    expect(page.locator("#members")).to_contain_text("Commerce (vend et reprend les vides)")
    fits()
    page.locator("#members summary").first.click()
    fits()
    page.goto("/symbiosis/loops/consigne-de-lestaque/")
    expect(page.locator("#loop-manage")).to_contain_text("Gérer les membres")
    fits()
    page.get_by_role("link", name="Modifier").click()
    page.wait_for_url("**/symbiosis/loops/consigne-de-lestaque/edit/")
    fits()
