"""Walks through the real pages in Chromium: sign-up to publication on the map, i18n.

Run alone with `pytest -m browser`; they need Debian's Chromium at /usr/bin/chromium.
The French catalogue may be incomplete, so only html[lang] is checked for French.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from maillage.map.tests.test_browser import expect_map_loaded
from maillage.testing import PASSWORD, log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # live_server's handler includes whitenoise, which warns that collectstatic never ran.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def test_it_publishes_a_new_organisation_once_a_coordinator_validates_it(
    page: Any, make_page: Any, coordinator: Any
) -> None:
    from maillage.directory.models import Organisation

    name = "Atelier du Garlaban"
    search = urlencode({"q": name})

    # A newcomer signs up and lists an organisation.
    page.goto("/accounts/signup/")
    signup = page.locator("main form")
    signup.locator("input[name=username]").fill("amelie")
    signup.locator("input[name=email]").fill("amelie@example.org")
    signup.locator("input[name=password1]").fill("Garlaban-Atelier-2026")
    signup.locator("input[name=password2]").fill("Garlaban-Atelier-2026")
    signup.locator("button[type=submit]").click()
    page.wait_for_url("**/me/")

    page.goto("/organisations/new/")
    form = page.locator("main form")
    form.locator("[name=org-name]").fill(name)
    form.locator("select[name=org-kind]").select_option("collective_workshop")
    form.locator("[name=site-commune]").fill("Aubagne")
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/o/[\w-]+/$"))
    slug = page.url.rstrip("/").rsplit("/", 1)[-1]
    assert Organisation.objects.get(slug=slug).status == "pending"

    # Anonymous visitors do not see it yet, neither in the GeoJSON, the map nor the list.
    visitor = make_page()
    geojson = visitor.request.get("/api/v1/sites.geojson?bbox=4,42,7,45&" + search)
    assert geojson.ok, geojson.text()
    assert geojson.json()["total"] == 0
    visitor.goto("/?" + search)
    expect_map_loaded(visitor, 0)
    visitor.goto("/organisations/?" + search)
    expect(visitor.locator(f"main a[href='/o/{slug}/']")).to_have_count(0)

    # The coordinator validates it from the moderation queue (no decision is chosen for them).
    moderator = make_page()
    log_in(moderator, coordinator.username, PASSWORD)
    moderator.goto("/moderation/")
    item = moderator.locator(f"#mod-{slug}")
    expect(item.locator("select[name=status]")).to_have_value("")
    item.locator("select[name=status]").select_option("validated")
    item.locator("button[type=submit]").click()
    expect(moderator.locator("main .messages .success")).to_contain_text(name)
    expect(moderator.locator(f"#mod-{slug}")).to_have_count(0)
    assert Organisation.objects.get(slug=slug).status == "validated"

    # Now the public map and list show it.
    visitor.goto("/?" + search)
    expect_map_loaded(visitor, 1)
    expect(visitor.locator(".map-marker, .marker-cluster").first).to_be_visible()
    visitor.goto("/organisations/?" + search)
    expect(visitor.locator(f"main a[href='/o/{slug}/']")).to_have_text(name)


def test_it_switches_the_interface_between_french_and_english(page: Any) -> None:
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")

    page.locator("#lang-en").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("header nav a[href='/']")).to_have_text("Map")
    expect(page).to_have_url(re.compile(r"/$"))

    page.locator("#lang-fr").click()

    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("#lang-en")).to_be_visible()


def test_it_names_the_commune_field_when_the_commune_is_unknown(page: Any, make_user: Any) -> None:
    from maillage.directory.models import Organisation

    make_user("bruno")
    log_in(page, "bruno")
    page.goto("/organisations/new/")
    form = page.locator("main form")
    form.locator("[name=org-name]").fill("Forge Fantôme")
    form.locator("select[name=org-kind]").select_option("sme")
    form.locator("[name=site-commune]").fill("Nowhereville-xyz")

    form.locator("button[type=submit]").click()

    commune = page.locator("#field-site-commune")
    expect(commune).to_have_class(re.compile(r"\bhas-error\b"))
    expect(commune.locator(".errorlist")).to_contain_text("Nowhereville-xyz")
    # The message stands beside its field only, not again at the top of the form.
    expect(page.locator(".errorlist.nonfield")).to_have_count(0)
    expect(page.locator("[name=org-name]")).to_have_value("Forge Fantôme")
    expect(page).to_have_url(re.compile(r"/organisations/new/$"))
    assert not Organisation.objects.filter(name="Forge Fantôme").exists()
