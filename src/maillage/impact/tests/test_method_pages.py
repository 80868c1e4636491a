"""Method pages: one per indicator, public, each with its formula, sources and limits, and the
factors it uses as they stand, linked to their history; French by default."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from maillage.impact import methods
from maillage.impact.actions.factors import override_factor
from maillage.impact.factors import shipped_factors

pytestmark = pytest.mark.django_db

KEYS = ["mci", "repairability", "durability", "sharing", "avoided", "cti", "local", "scenarios"]
HEADINGS = ["What it measures", "Formula", "Sources", "Assumptions and limits"]


@pytest.fixture
def english(settings):
    settings.LANGUAGE_CODE = "en"


def test_every_indicator_of_the_issue_has_a_method(english):
    assert list(methods.METHODS) == KEYS
    # Every factor a method names exists in the table (or stands for one per material).
    shipped = shipped_factors()
    for method in methods.METHODS.values():
        for entry in method.factors:
            assert any(key == entry or key.startswith(entry) for key in shipped), entry


def test_the_index_links_every_method_and_the_factor_table(client, english):
    page = client.get("/impact/methods/").content.decode()
    for key in KEYS:
        assert f'href="/impact/methods/{key}/"' in page
    assert 'href="/impact/factors/"' in page


@pytest.mark.parametrize("key", KEYS)
def test_each_method_page_explains_itself_and_lists_its_factors_live(client, english, key):
    response = client.get(f"/impact/methods/{key}/")
    assert response.status_code == 200
    page = response.content.decode()
    for heading in HEADINGS:
        assert f"<h2>{heading}</h2>" in page, heading
    method = methods.METHODS[key]
    listed = re.findall(r'<tr id="factor-([\w.]+)">', page)
    shipped = shipped_factors()
    expected = sorted(
        k
        for k in shipped
        if any(k == e or (e.endswith(".") and k.startswith(e)) for e in method.factors)
    )
    assert listed == expected
    for factor in listed:
        assert f'href="/impact/factors/{factor}/"' in page
    if not method.factors:
        assert "uses no factor of the table" in page


def test_a_method_page_shows_the_version_in_force(client, english, coordinator):
    override_factor(coordinator, "machine_life_years", 20, "Regional survey of workshops", 2025)
    page = client.get("/impact/methods/durability/").content.decode()
    row = re.search(r'<tr id="factor-machine_life_years">(.*?)</tr>', page, re.S).group(1)
    assert "v1" in row and "20" in row and "Regional survey of workshops" in row


def test_the_mci_page_gives_the_formula_and_the_worked_example(client, english):
    page = client.get("/impact/methods/mci/").content.decode()
    assert "LFI = (V + W) / (2M + (W<sub>F</sub> − W<sub>C</sub>) / 2)" in page
    assert "MCI = max(0, 1 − LFI · 0.9 / X)" in page
    assert "0.672" in page and "0.9632" in page
    assert "Ellen MacArthur Foundation" in page


def test_the_repairability_page_says_it_is_not_the_legal_index(client, english):
    page = client.get("/impact/methods/repairability/").content.decode()
    assert "It is an adaptation, not the legal index" in page
    assert "Décret n° 2020-1757" in page


def test_an_unknown_method_is_a_404(client, english):
    assert client.get("/impact/methods/happiness/").status_code == 404


def test_the_pages_read_in_french(client, settings):
    settings.LANGUAGE_CODE = "fr"
    page = client.get("/impact/methods/mci/").content.decode()
    assert "Indicateur de circularité matière" in page
    assert "<h2>Ce qu’il mesure</h2>" in page
    assert "<h2>Hypothèses et limites</h2>" in page
    table = client.get("/impact/factors/").content.decode()
    assert "Table des facteurs" in table
    assert "Matière recyclée en entrée (F_R) : acier" in table
    with translation.override("fr"):
        assert methods.unit_label("EUR/h") == "€/h"
