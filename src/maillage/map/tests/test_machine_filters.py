"""The map's machine filters: the page's form and the site layer's counts of matching machines."""

import re

import pytest

from maillage.directory.actions import sites as site_actions
from maillage.equipment import actions

pytestmark = pytest.mark.django_db

LASER_CUTTING, LASER_ENGRAVING, MILLING, FDM = "3.4.1.1", "3.4.1.2", "3.2.3", "AM.1"
EVERYWHERE = "bbox=-5,41,10,51"


@pytest.fixture
def alice(make_user):
    return make_user("alice")


@pytest.fixture
def bob(make_user):
    return make_user("bob")


@pytest.fixture
def workshop(make_organisation, alice):
    """A fab lab in Marseille (13)."""
    return make_organisation("Atelier Alice", admin=alice, kind="fablab")


@pytest.fixture
def sheet_metal(make_organisation, bob):
    """An SME in Nice (06)."""
    return make_organisation(
        "Tôlerie Nord", admin=bob, kind="sme", commune="Nice", postal_code="06000"
    )


def _add(actor, organisation, name="Trotec Speedy 400", **fields):
    data = {
        "process_codes": [LASER_CUTTING, LASER_ENGRAVING],
        "envelope_x_mm": 1000.0,
        "envelope_y_mm": 600.0,
        "envelope_z_mm": 20.0,
        **fields,
    }
    return actions.create_machine(actor, organisation, actions.MachineInput(name=name, **data))


@pytest.fixture
def inventory(alice, bob, workshop, sheet_metal):
    """Four machines in two organisations and departments, one of them retired."""
    _add(alice, workshop, "Laser", materials=["wood", "plastics"])
    _add(alice, workshop, "Imprimante", process_codes=[FDM], envelope_x_mm=250.0)
    _add(bob, sheet_metal, "Fraiseuse", process_codes=[MILLING], materials=["steel"])
    _add(bob, sheet_metal, "Vieille cisaille", process_codes=["3.1.1"], status="retired")


@pytest.fixture
def laser(alice, workshop):
    return _add(alice, workshop, serial_number="TR-0042")


def test_the_map_page_renders_with_the_machine_filter_selected(client, laser):
    response = client.get("/?process=AM&machines=1")

    assert response.status_code == 200
    form = response.context["form"]
    assert (form["process"].value(), form["machines"].value()) == ("AM", True)
    page = response.content.decode()
    assert re.search(r'<option value="AM" selected>', page)
    assert '<details class="machine-filters" open>' in page
    assert "process=AM" in response.context["filters_query"]


def test_the_map_page_shows_an_unknown_process_on_the_form(client):
    response = client.get("/?process=9.9.9")

    assert response.status_code == 200
    assert "9.9.9" in response.context["form"].errors["process"][0]


def test_the_site_layer_keeps_sites_with_a_matching_machine_and_counts_them(
    client, inventory, alice, workshop, make_organisation
):
    make_organisation("Atelier Sans Machine")
    second_site = site_actions.add_site(
        alice, workshop, site_actions.SiteInput(commune="Aubagne", postal_code="13400")
    )
    _add(alice, workshop, "Laser d'Aubagne", site_id=second_site.pk)
    _add(alice, workshop, "Graveur", process_codes=[LASER_ENGRAVING])

    body = client.get(f"/api/v1/sites.geojson?{EVERYWHERE}&process=3.4").json()

    counts = {f["properties"]["id"]: f["properties"]["machines"] for f in body["features"]}
    assert counts == {workshop.sites.get(is_main=True).pk: 2, second_site.pk: 1}
    assert body["total"] == 2


def test_the_site_layer_without_machine_filters_keeps_every_site(client, inventory):
    body = client.get(f"/api/v1/sites.geojson?{EVERYWHERE}").json()

    assert body["total"] == 2
    assert all("machines" not in f["properties"] for f in body["features"])


def test_the_organisation_api_keeps_the_organisations_with_a_matching_machine(client, inventory):
    body = client.get("/api/v1/organisations?process=3.2&machines=1").json()
    assert [item["name"] for item in body["items"]] == ["Tôlerie Nord"]
    assert client.get("/api/v1/organisations?machines=1").json()["count"] == 2
    response = client.get("/api/v1/organisations?process=9.9.9&dept=999")
    assert response.status_code == 422
    assert [entry["loc"] for entry in response.json()["detail"]] == [
        ["query", "dept"],
        ["query", "process"],
    ]


def test_the_organisation_list_page_keeps_the_organisations_with_a_matching_machine(
    client, inventory, make_organisation
):
    make_organisation("Atelier Sans Machine")
    page = client.get("/organisations/?material=wood").content.decode()
    assert "Atelier Alice" in page
    assert "Tôlerie Nord" not in page and "Atelier Sans Machine" not in page
    assert 'href="/?material=wood"' in page


def test_the_organisations_path_answers_its_get_and_its_post(client):
    operations = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/organisations"]
    assert set(operations) == {"get", "post"}
    assert operations["get"]["tags"] == operations["post"]["tags"] == ["directory"]
