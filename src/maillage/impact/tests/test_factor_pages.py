"""The factor table and a factor's history are public; only coordinators change a factor there."""

from __future__ import annotations

import re

import pytest

from maillage.impact.actions.factors import override_factor
from maillage.impact.factors import shipped_factors
from maillage.impact.models import FactorOverride

pytestmark = pytest.mark.django_db

KEY = "recycled_feedstock.steel"
URL = f"/impact/factors/{KEY}/"
SURVEY = "Enquête régionale des négociants en aciers, 2025"


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def _form(**changes: str) -> dict[str, str]:
    return {
        "do": "override",
        "value": "0,55",
        "source": SURVEY,
        "year": "2025",
        "note": "Aciers achetés dans la région",
        "expected_version": "0",
        **changes,
    }


def _row(page: str, key: str) -> str:
    match = re.search(rf'<tr id="factor-{re.escape(key)}">(.*?)</tr>', page, re.S)
    assert match, key
    return match.group(1)


def test_anyone_reads_every_factor_with_value_unit_status_version_and_source(client):
    page = client.get("/impact/factors/").content.decode()
    for key in shipped_factors():
        assert f'id="factor-{key}"' in page
        assert f'href="/impact/factors/{key}/"' in page
    row = _row(page, "grid_kgco2e_per_kwh")
    assert "0.052" in row and "kgCO2e/kWh" in row and "sourced" in row and "v0" in row
    assert "ADEME Base Empreinte" in row and "2023" in row
    assert "assumption" in _row(page, "machine_life_years")
    assert "To change a factor" not in page


def test_the_table_shows_the_territorys_value_and_its_version(client, coordinator):
    override_factor(coordinator, KEY, 0.55, SURVEY, 2025)
    row = _row(client.get("/impact/factors/").content.decode(), KEY)
    assert "0.55" in row and "v1" in row and "territory&#x27;s value" in row and SURVEY in row


def test_a_factors_history_lists_its_versions_newest_first(client, coordinator):
    override_factor(coordinator, KEY, 0.55, SURVEY, 2025, "Aciers de la région")
    override_factor(coordinator, KEY, 0.6, SURVEY, 2026)
    page = client.get(URL).content.decode()
    assert re.findall(r'<tr id="version-(\d+)">', page) == ["2", "1", "0"]
    assert "Aciers de la région" in page and "shipped with Maillage" in page
    assert "worldsteel" in page  # the shipped source, version 0
    assert 'href="/impact/methods/mci/"' in page  # the methods that use it
    # Who changed it is for coordinators; the public page has no form.
    assert coordinator.username not in page and '<form method="post">' not in page


def test_an_unknown_factor_is_a_404(client):
    assert client.get("/impact/factors/no_such_factor/").status_code == 404


def test_a_coordinator_saves_a_new_version_with_a_decimal_comma(client, coordinator):
    client.force_login(coordinator)
    assert 'name="expected_version"' in client.get(URL).content.decode()
    response = client.post(URL, _form())
    assert response.status_code == 302 and response.url == URL
    row = FactorOverride.objects.get()
    assert (row.key, row.version, row.value, row.source, row.year) == (KEY, 1, 0.55, SURVEY, 2025)
    assert "every machine&#x27;s figures are being recomputed" in client.get(URL).content.decode()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"value": "1,5"}, "value", "A share: give a number between 0 and 1"),
        ({"value": "beaucoup"}, "value", "Give a number, such as 2,5."),
        ({"source": ""}, "source", "This field is required."),
        ({"year": "1850"}, "year", "Ensure this value is greater than or equal to 1900."),
        ({"year": "2999"}, "year", "Give the year of the source, between 1900 and"),
    ],
)
def test_bad_input_is_shown_beside_its_field_and_saves_nothing(
    client, coordinator, changes, field, message
):
    client.force_login(coordinator)
    response = client.post(URL, _form(**changes))
    assert response.status_code == 400
    page = response.content.decode()
    field_html = page[page.index(f'id="field-{field}"') :]
    assert message in field_html[: field_html.index("</div>")]
    assert not FactorOverride.objects.exists()


@pytest.mark.parametrize("username", [None, "member"])
def test_someone_who_is_not_a_coordinator_gets_403_and_nothing_is_saved(
    client, make_user, username
):
    if username:
        client.force_login(make_user(username))
    assert client.post(URL, _form()).status_code == 403
    assert client.post(URL, {"do": "revert", "revert-expected_version": "0"}).status_code == 403
    assert not FactorOverride.objects.exists()


def test_a_form_read_before_someone_elses_change_gets_409_and_saves_nothing(client, coordinator):
    client.force_login(coordinator)
    override_factor(coordinator, KEY, 0.7, "Another survey", 2025)
    response = client.post(URL, _form(expected_version="0"))
    assert response.status_code == 409
    assert "changed meanwhile: it is now at version 1" in response.content.decode()
    assert FactorOverride.objects.count() == 1


def test_a_coordinator_goes_back_to_the_shipped_value(client, coordinator):
    client.force_login(coordinator)
    assert "Go back to the shipped value" not in client.get(URL).content.decode()
    override_factor(coordinator, KEY, 0.55, SURVEY, 2025)
    assert "Go back to the shipped value" in client.get(URL).content.decode()
    response = client.post(
        URL, {"do": "revert", "revert-note": "Enquête retirée", "revert-expected_version": "1"}
    )
    assert response.status_code == 302
    back = FactorOverride.objects.get(version=2)
    assert (back.value, back.note) == (0.4, "Enquête retirée")
    page = client.get(URL).content.decode()
    assert "version 2 in force" in page and "Go back to the shipped value" not in page
