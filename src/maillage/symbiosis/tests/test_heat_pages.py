"""Heat pages, exports and API honour each declaration's visibility: a visitor and another
organisation read the order of magnitude, the owner everything, a coordinator everything with
each read logged by channel."""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from maillage.symbiosis.actions import heat as actions
from maillage.symbiosis.models import HeatDeclaration, HeatStudy, PrivateFieldRead
from maillage.symbiosis.tests.heat_world import make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user, make_organisation, coordinator):
    return make_world(make_user, make_organisation, coordinator)


def client_of(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def source_row(response, world):
    [row] = [r for r in response.context["rows"] if r.declaration.pk == world.source.pk]
    return row


def reads(channel):
    return list(PrivateFieldRead.objects.filter(kind="heat", channel=channel))


def test_it_shows_the_public_list_with_magnitudes_to_a_visitor_and_logs_nothing(world):
    response = client_of().get(reverse("symbiosis:heat"))
    assert response.status_code == 200
    row = source_row(response, world)
    assert row.power_kw is None and row.site_name is None
    assert row.magnitude_mwh == (10_000, 100_000)
    text = response.content.decode()
    assert "Fours de la fonderie" in text and "Marseille" in text
    assert "10 000 à 100 000 MWh/an" in text.replace("\u202f", " ").replace("\xa0", " ")
    assert PrivateFieldRead.objects.count() == 0


def test_it_hides_private_values_from_another_organisation(world):
    response = client_of(world.outsider).get(reverse("symbiosis:heat"))
    assert source_row(response, world).power_kw is None
    detail = client_of(world.outsider).get(
        reverse("symbiosis:heat_declaration", args=[world.source.pk])
    )
    assert detail.context["row"].power_kw is None and detail.context["row"].site_name is None
    public_sink = next(r for r in response.context["rows"] if r.declaration.pk == world.sink.pk)
    assert public_sink.power_kw == 6250


def test_it_shows_the_owner_everything_without_logging(world):
    response = client_of(world.owner).get(
        reverse("symbiosis:heat_declaration", args=[world.source.pk])
    )
    assert response.context["row"].power_kw == 5000
    assert response.context["can_edit"]
    assert PrivateFieldRead.objects.count() == 0


def test_it_logs_a_coordinators_reads_on_the_page(world):
    path = reverse("symbiosis:heat_declaration", args=[world.source.pk])
    response = client_of(world.coordinator).get(path)
    assert response.context["row"].power_kw == 5000
    [read] = reads("page")
    assert read.object_id == world.source.pk and read.user == world.coordinator
    assert read.fields == "quantity,site" and read.path == path


@pytest.mark.parametrize("name", ["symbiosis:heat_csv", "symbiosis:heat_geojson"])
def test_the_exports_honour_visibility_and_log_a_coordinators_reads(world, name):
    channel = "csv" if name.endswith("csv") else "geojson"

    def power_in(user):
        body = client_of(user).get(reverse(name)).content.decode()
        if channel == "csv":
            rows = {r["id"]: r for r in csv.DictReader(io.StringIO(body))}
            return rows[str(world.source.pk)]["power_kw"]
        import json

        features = json.loads(body)["features"]
        [feature] = [f for f in features if f["properties"]["id"] == world.source.pk]
        return feature["properties"]["power_kw"]

    assert power_in(None) in ("", None)
    assert power_in(world.outsider) in ("", None)
    assert not reads(channel)
    assert float(power_in(world.owner)) == 5000
    assert not reads(channel)
    assert float(power_in(world.coordinator)) == 5000
    assert [r.object_id for r in reads(channel)] == [world.source.pk]


def test_the_api_honours_visibility_and_logs_a_coordinators_reads(world):
    url = f"/api/v1/symbiosis/heat/{world.source.pk}"
    assert client_of().get(url).json()["power_kw"] is None
    assert client_of(world.outsider).get(url).json()["power_kw"] is None
    assert client_of(world.owner).get(url).json()["power_kw"] == 5000
    assert not reads("api")
    body = client_of(world.coordinator).get(url).json()
    assert body["power_kw"] == 5000 and body["energy_mwh_min"] == 10_000
    assert len(reads("api")) == 1
    listed = client_of().get("/api/v1/symbiosis/heat?kind=source").json()
    assert [item["id"] for item in listed] == [world.source.pk]


def test_the_api_declares_heat_for_members_only(world):
    payload = {
        "organisation_id": world.foundry.pk,
        "kind": "source",
        "title": "Compresseurs",
        "medium": "air",
        "temperature_c": 40,
        "power_kw": 80,
        "hours_per_year": 5000,
    }
    answer = client_of(world.owner).post(
        "/api/v1/symbiosis/heat", payload, content_type="application/json"
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["power_kw"] == 80
    refused = client_of(world.outsider).post(
        "/api/v1/symbiosis/heat", payload, content_type="application/json"
    )
    assert refused.status_code == 403
    wrong = client_of(world.owner).post(
        "/api/v1/symbiosis/heat", {**payload, "power_kw": -1}, content_type="application/json"
    )
    assert wrong.status_code in (400, 422) and "power_kw" in wrong.content.decode()
    assert HeatDeclaration.objects.filter(title="Compresseurs").count() == 1


def test_the_api_computes_a_study_for_who_may_read_its_figures(world):
    payload = {"source_id": world.source.pk, "sink_ids": [world.sink.pk], "route_length_m": 9000}
    url = "/api/v1/symbiosis/heat/studies/compute"
    body = client_of(world.owner).post(url, payload, content_type="application/json").json()
    assert round(body["density_mwh_per_m"], 1) == 2.8 and body["verdict"] == "viable"
    assert body["losses_share"] < 0.1 and body["factors"]
    refused = client_of(world.outsider).post(url, payload, content_type="application/json")
    assert refused.status_code in (403, 422)
    assert "power_kw" not in refused.content.decode()


def test_the_study_page_reads_in_french_with_its_verdict_and_sources(world):
    study = actions.create_study(
        world.owner,
        actions.StudyInput(
            name="Fonderie → réseau",
            source_id=world.source.pk,
            sink_ids=[world.sink.pk],
            route_length_m=9000,
        ),
    )
    response = client_of(world.owner).get(reverse("symbiosis:heat_study", args=[study.pk]))
    assert response.status_code == 200
    text = response.content.decode().replace("\u202f", " ").replace("\xa0", " ")
    for figure in ("2,8 MWh/m/an", "25 GWh/an", "9,0 km", "t CO2e/an", "DN 200", "Fonds Chaleur"):
        assert figure in text, figure
    assert "Viable" in text or "viable" in text.lower()
    assert 'id="heat-map"' in text
    assert (
        client_of(world.outsider).get(reverse("symbiosis:heat_study", args=[study.pk])).status_code
        == 403
    )
    assert client_of().get(reverse("symbiosis:heat_study", args=[study.pk])).status_code == 403
    client_of(world.coordinator).get(reverse("symbiosis:heat_study", args=[study.pk]))
    assert [r.object_id for r in reads("page")] == [world.source.pk]


def test_it_declares_and_edits_through_the_pages_and_shows_named_errors(world):
    url = reverse("symbiosis:heat_declare", args=[world.foundry.slug])
    assert client_of(world.outsider).get(url).status_code == 403
    owner = client_of(world.owner)
    site = world.foundry.sites.get()
    form = {
        "kind": "sink",
        "title": "Séchage des moules",
        "site": site.pk,
        "medium": "air",
        "temperature_c": "70",
        "return_temperature_c": "",
        "power_kw": "abc",
        "hours_per_year": "2000",
        "monthly_profile": "",
        "quantity_visibility": "public",
        "site_visibility": "coordinators",
    }
    refused = owner.post(url, form)
    assert refused.status_code == 200
    assert "power_kw" in refused.context["form"].errors
    answer = owner.post(url, {**form, "power_kw": "120,5"})
    declaration = HeatDeclaration.objects.get(title="Séchage des moules")
    assert answer.status_code == 302 and declaration.power_kw == 120.5
    edit = reverse("symbiosis:heat_edit", args=[declaration.pk])
    assert client_of(world.outsider).post(edit, {**form, "power_kw": "1"}).status_code == 403
    owner.post(edit, {**form, "power_kw": "150", "monthly_profile": "20 17 13 7 2 0 0 0 2 7 13 19"})
    declaration.refresh_from_db()
    assert declaration.power_kw == 150 and len(declaration.monthly_profile) == 12
    owner.post(edit, {"close": "1"})
    declaration.refresh_from_db()
    assert declaration.state == "closed"
    assert (
        client_of().get(reverse("symbiosis:heat_declaration", args=[declaration.pk])).status_code
        == 403
    )


def test_the_new_study_page_offers_only_readable_declarations_and_saves(world):
    owner = client_of(world.owner)
    page = owner.get(reverse("symbiosis:heat_study_new"))
    choices = dict(page.context["form"].fields["source"].choices)
    assert str(world.source.pk) in choices
    outsider_page = client_of(world.outsider).get(reverse("symbiosis:heat_study_new"))
    assert str(world.source.pk) not in dict(outsider_page.context["form"].fields["source"].choices)
    answer = owner.post(
        reverse("symbiosis:heat_study_new"),
        {
            "name": "Étude",
            "source": world.source.pk,
            "sinks": [world.sink.pk],
            "route_length_m": "9000",
            "pipe_dn": "",
        },
    )
    study = HeatStudy.objects.get()
    assert answer.status_code == 302 and answer["Location"] == reverse(
        "symbiosis:heat_study", args=[study.pk]
    )
