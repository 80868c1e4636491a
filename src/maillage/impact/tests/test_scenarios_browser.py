"""The share scenario in Chromium: a funder picks a process and three organisations, reads
P10/P50/P90 and the chart, changes an input, and the address keeps the result; the page fits a
phone's width. Run alone with `pytest -m browser`; IMPACT_SHOTS=<folder> keeps screenshots."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from maillage.impact.tests.scenario_world import LASER
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


def _shot(page: Any, name: str) -> None:
    shots = os.environ.get("IMPACT_SHOTS")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{shots}/{name}.png", full_page=True)


def test_a_funder_simulates_sharing_one_laser_between_three_workshops(
    page: Any, scenario_world: Any
) -> None:
    world = scenario_world
    log_in(page, "fanny")
    page.goto("/impact/scenarios/")
    page.get_by_role("link", name="Partager une machine entre plusieurs structures").click()
    page.locator("#id_process").select_option(LASER)
    page.locator("#show-organisations").click()
    for organisation in (world.a, world.b, world.c):
        page.get_by_label(organisation.name).check()
    page.locator("#simulate-inventory").click()

    table = page.locator("#percentiles")
    expect(table).to_be_visible()
    for heading in ("P10", "P50", "P90"):
        expect(table.locator("thead")).to_contain_text(heading)
    expect(table).to_contain_text("Coût d'une heure productive, machine partagée")
    charts = page.locator("svg.chart")
    expect(charts).to_have_count(2)
    assert page.locator("svg.chart rect.chart-hist").count() > 10
    expect(page.locator("#conclusion")).to_contain_text("Partager une machine entre 3 structures")
    _shot(page, "share-1280")

    # A funder doubts the price: a wider range, simulate again; the address keeps it all.
    page.locator("input[name=price_high]").fill("260000")
    page.locator("#scenario-form button[type=submit]").click()
    expect(page.locator("input[name=price_high]")).to_have_value("260000")
    assert "price_high=260000" in page.url and "seed=2026" in page.url
    expect(page.locator("#scenario-inputs")).to_contain_text("modifié")
    first = page.locator("#percentiles").inner_text()
    page.goto(page.url)
    assert page.locator("#percentiles").inner_text() == first

    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(page.url)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width}px wide at 390px: {page.evaluate(WIDEST)}"
    _shot(page, "share-390")


def test_a_refused_input_is_shown_beside_its_field(page: Any, scenario_world: Any) -> None:
    world = scenario_world
    log_in(page, "fanny")
    organisations = "&".join(f"organisations={o.pk}" for o in (world.a, world.b))
    page.goto(f"/impact/scenarios/share/?process={LASER}&{organisations}&step=simulate")
    page.locator("input[name=utilisation_shared_high]").fill("140")
    page.locator("#scenario-form button[type=submit]").click()
    expect(page.locator("#field-utilisation_shared .errorlist")).to_be_visible()
    expect(page.locator("#percentiles")).to_have_count(0)


def test_a_member_simulates_retrofitting_her_laser_on_a_phone_and_prints_it(
    page: Any, scenario_world: Any
) -> None:
    world = scenario_world
    log_in(page, "alice")
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto("/impact/scenarios/retrofit/")
    page.get_by_label("Laser A1 — Atelier A").check()
    page.locator("#simulate-inventory").click()
    expect(page.locator("#conclusion")).to_contain_text("Rétrofiter 1 machine")
    expect(page.locator("input[name=new_price_likely]")).to_have_value("100000")
    expect(page.locator("svg.chart")).to_have_count(2)
    page.wait_for_load_state("load")  # the style sheets too, before measuring
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width}px wide at 390px: {page.evaluate(WIDEST)}"
    _shot(page, "retrofit-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.emulate_media(media="print")
    expect(page.locator("#scenario-form")).to_be_hidden()
    expect(page.locator("table.print-only")).to_be_visible()
    expect(page.locator("#percentiles")).to_be_visible()
    _shot(page, "retrofit-print")
    assert world.a_laser.name == "Laser A1"
