"""The map in Chromium: markers from the GeoJSON layer, its filters kept in the URL.

Run alone with `pytest -m browser`; they need Debian's Chromium at /usr/bin/chromium.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # live_server's handler includes whitenoise, which warns that collectstatic never ran.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


FABLABS = [
    ("Fablab du Panier", "13002"),
    ("Makerspace Belle de Mai", "13003"),
    ("Fablab de la Joliette", "13002"),
]
SMES = [("Chaudronnerie Aixoise", "13100"), ("Usinage du Pays d'Aix", "13090")]


@pytest.fixture
def territory(site: Any, make_organisation: Any) -> dict[str, int]:
    """Three fab labs in Marseille and two SMEs in Aix, all validated; counts by kind."""
    for name, postal_code in FABLABS:
        make_organisation(name, kind="fablab", commune="Marseille", postal_code=postal_code)
    for name, postal_code in SMES:
        make_organisation(name, kind="sme", commune="Aix-en-Provence", postal_code=postal_code)
    return {"fablab": len(FABLABS), "sme": len(SMES), "all": len(FABLABS) + len(SMES)}


def expect_map_loaded(page: Any, features: int) -> None:
    """Wait for the map to have rendered a GeoJSON answer with this many features."""
    expect(page.locator("#map")).to_have_attribute("data-loaded-features", str(features))
    expect(page.locator("#result-count")).to_have_text(str(features))


def test_it_shows_validated_organisations_as_markers_on_the_map(
    page: Any, territory: Any, blocked_requests: list[str]
) -> None:
    page.goto("/")

    page.wait_for_function(
        "() => Number(document.querySelector('#map').dataset.loadedFeatures) >= 1"
    )
    expect_map_loaded(page, territory["all"])
    expect(page.locator(".map-marker, .marker-cluster").first).to_be_visible()
    assert page.locator("#map").get_attribute("data-load-error") is None
    # The tiles were asked for, and stopped before leaving the machine.
    assert any("tile.openstreetmap.org" in url for url in blocked_requests)


def test_it_narrows_the_map_by_kind_and_keeps_the_filter_after_a_reload(
    page: Any, territory: Any
) -> None:
    page.goto("/")
    expect_map_loaded(page, territory["all"])
    kind = page.locator("#map-filters select[name=kind]")

    kind.select_option("fablab")

    expect(page).to_have_url(re.compile(r"[?&]kind=fablab(&|$)"))
    expect_map_loaded(page, territory["fablab"])
    expect(page.locator("#list-link")).to_have_attribute("href", re.compile(r"kind=fablab"))

    page.reload()

    expect(kind).to_have_value("fablab")
    expect_map_loaded(page, territory["fablab"])
