"""Walks through the machine pages in Chromium: add a machine, find it by filters and on the map.

Run alone with `pytest -m browser`; they need Debian's Chromium at /usr/bin/chromium.
"""

from __future__ import annotations

import importlib
import re
from typing import Any

import pytest
from playwright.sync_api import expect

from maillage.testing import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # live_server's handler includes whitenoise, which warns that collectstatic never ran.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

LASER_CUTTING, LASER_ENGRAVING, MILLING = "3.4.1.1", "3.4.1.2", "3.2.3"
ORGANISATION = "Fablab du Panier"


@pytest.fixture
def taxonomy(site: Any) -> None:
    """The process tree as its data migration loads it.

    Transactional tests end with a flush that empties every table; the browser fixtures reload
    the directory's reference tables, not this one.
    """
    from django.apps import apps

    from maillage.equipment.models import Process

    if not Process.objects.exists():
        importlib.import_module("maillage.equipment.migrations.0002_processes").load(apps, None)


@pytest.fixture
def territory(taxonomy: Any, make_user: Any, make_organisation: Any) -> Any:
    """A fab lab in Marseille run by Ana, and an SME in Aix whose only machine is a mill."""
    from maillage.equipment import actions

    ana = make_user("ana")
    fablab = make_organisation(ORGANISATION, admin=ana, commune="Marseille", postal_code="13002")
    bruno = make_user("bruno")
    sme = make_organisation(
        "Usinage du Pays d'Aix", admin=bruno, kind="sme", commune="Aix-en-Provence"
    )
    actions.create_machine(
        bruno,
        sme,
        actions.MachineInput(name="Fraiseuse Haas", process_codes=[MILLING], envelope_x_mm=1500),
    )
    return fablab


def _listed(page: Any) -> Any:
    return page.locator("#machine-table tbody a[href^='/machines/']")


def test_an_admin_adds_a_machine_then_finds_it_by_filters_and_on_the_map(
    page: Any, territory: Any
) -> None:
    from maillage.equipment.models import Machine

    log_in(page, "ana")

    # Ana lists her laser cutter through the form.
    page.goto(f"/o/{territory.slug}/machines/new/")
    form = page.locator("#machine-form")
    form.locator("[name=name]").fill("Trotec Speedy 400")
    form.locator("select[name=processes]").select_option([LASER_CUTTING, LASER_ENGRAVING])
    form.locator("[name=envelope_x_mm]").fill("1000")
    form.locator("[name=envelope_y_mm]").fill("600")
    form.locator("[name=envelope_z_mm]").fill("20")
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/machines/\d+/$"))

    machine = Machine.objects.get(name="Trotec Speedy 400")
    assert sorted(p.code for p in machine.processes.all()) == [LASER_CUTTING, LASER_ENGRAVING]
    assert machine.envelope() == (1000.0, 600.0, 20.0)
    assert machine.organisation == territory
    expect(page.locator("main h1")).to_have_text("Trotec Speedy 400")

    # The list's filters find it: non-mechanical removal (3.4) holds laser cutting.
    page.goto("/machines/")
    page.locator("#machine-filters-box summary").click()  # folded until a filter is used
    filters = page.locator("#machine-filters")
    filters.locator("select[name=process]").select_option("3.4")
    filters.locator("[name=min_x]").fill("900")
    filters.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"[?&]min_x=900(&|$)"))
    expect(_listed(page)).to_have_text(["Trotec Speedy 400"])

    # A larger envelope than the machine has: not listed any more (the mill is not a laser).
    filters.locator("[name=min_x]").fill("1200")
    filters.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"[?&]min_x=1200(&|$)"))
    expect(_listed(page)).to_have_count(0)
    expect(filters.locator("select[name=process]")).to_have_value("3.4")

    # On the map, filtered on laser cutting, the fab lab's site is the only place.
    page.goto(f"/?process={LASER_CUTTING}&machines=1")
    expect(page.locator("#map-filters select[name=process]")).to_have_value(LASER_CUTTING)
    expect(page.locator("#map")).to_have_attribute("data-loaded-features", "1")
    expect(page.locator("#result-count")).to_have_text("1")
    marker = page.locator(f".map-marker[title='{ORGANISATION}']")
    expect(marker).to_have_count(1)
    marker.click()
    popup = page.locator(".leaflet-popup .map-popup")
    expect(popup.locator("strong a")).to_have_text(ORGANISATION)
    expect(popup.locator("strong a")).to_have_attribute("href", f"/o/{territory.slug}/")
    # Its last line counts the matching machines ("1 matching machine", whatever the language).
    expect(popup.locator("div").last).to_have_text(re.compile(r"^1\b"))
