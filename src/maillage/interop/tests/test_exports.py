"""Public exports (OKW site and directory, machine CSV and GeoJSON), their API and commands."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from maillage.directory.actions import people as people_actions
from maillage.directory.actions import sites as site_actions
from maillage.directory.models import Organisation, OrganisationStatus
from maillage.equipment.actions import MachineInput, create_machine
from maillage.equipment.models import Machine
from maillage.interop.exports.identifiers import site_uri
from maillage.interop.exports.machines import CSV_COLUMNS
from maillage.interop.exports.okw import directory_okw, site_okw

pytestmark = pytest.mark.django_db


@pytest.fixture
def token_for(db):
    def make(user):
        return {"HTTP_AUTHORIZATION": f"Bearer {people_actions.create_api_token(user, 'test')[1]}"}

    return make


@pytest.fixture
def territory(make_organisation, coordinator):
    """A validated fab lab with a lathe, a laser and a retired saw; a pending SME with a mill."""
    lab = make_organisation("Fablab Étoile", kind="fablab", contact_email="hello@etoile.example")
    create_machine(
        coordinator,
        lab,
        MachineInput(
            name="Tour",
            make="Cazeneuve",
            serial_number="SN-LATHE-1",
            process_codes=["3.2.1"],
            materials=["steel"],
            envelope_x_mm=575.0,
            envelope_y_mm=280.0,
            envelope_z_mm=1000.0,
            power_kw=4.0,
            tolerance_class="m",
        ),
    )
    create_machine(
        coordinator,
        lab,
        MachineInput(
            name="=Laser",
            make="Trotec",
            serial_number="SN-LASER-2",
            process_codes=["3.4.1.1"],
            materials=["wood", "plastics"],
            envelope_x_mm=1000.0,
            envelope_y_mm=610.0,
            envelope_z_mm=305.5,
            computer_controlled=True,
        ),
    )
    create_machine(
        coordinator, lab, MachineInput(name="Scie", process_codes=["3.2.1"], status="retired")
    )
    pending = make_organisation(
        "Usine Secrète", kind="sme", commune="Aubagne", postal_code="13400", status="pending"
    )
    create_machine(
        coordinator,
        pending,
        MachineInput(name="Fraiseuse cachée", serial_number="SN-HIDDEN", process_codes=["3.2.1"]),
    )
    return lab


# --- OKW -----------------------------------------------------------------------------------


def test_a_site_exports_as_an_okw_facility_without_private_data(territory):
    site = territory.sites.get()
    data = site_okw(site)
    text = json.dumps(data)
    assert "SN-" not in text and "serial_number" not in text
    assert data["id"] == site_uri(site.pk)
    assert data["name"] == "Fablab Étoile" and data["facility_status"] == "Active"
    assert data["access_type"] == "Public"
    assert data["owner"]["maillage_kind"] == "fablab"
    assert data["owner"]["id"].endswith(f"/o/{territory.slug}/")
    assert data["contact"]["contact"]["email"] == "hello@etoile.example"
    assert data["location"]["address"]["postcode"] == "13002"
    assert data["location"]["address"]["region"] == "Provence-Alpes-Côte d'Azur"
    lat, lon = (float(v) for v in data["location"]["gps_coordinates"].split(","))
    assert (round(lat, 6), round(lon, 6)) == (site.latitude, site.longitude)
    assert [e["name"] for e in data["equipment"]] == ["=Laser", "Tour"]  # not the retired saw
    lathe = data["equipment"][1]
    assert lathe["manufacturing_process"] == ["maillage:process:3.2.1"]
    assert lathe["x_travel"] == 575 and lathe["power_rating"] == 4000
    assert data["manufacturing_processes"] == [
        "maillage:process:3.2.1",
        "maillage:process:3.4.1.1",
    ]


def test_a_process_with_a_wikidata_item_is_exported_by_it(territory, coordinator):
    create_machine(
        coordinator, territory, MachineInput(name="Imprimante", process_codes=["AM", "AM.3"])
    )
    data = site_okw(territory.sites.get())
    printer = next(e for e in data["equipment"] if e["name"] == "Imprimante")
    assert printer["manufacturing_process"] == [
        "https://www.wikidata.org/wiki/Q229367",
        "maillage:process:AM.3",
    ]
    assert printer["maillage_process_codes"] == ["AM", "AM.3"]


def test_a_pending_site_is_not_exported(territory):
    hidden = Organisation.objects.get(name="Usine Secrète").sites.get()
    with pytest.raises(ValueError):
        site_okw(hidden)


def test_the_directory_is_one_collection_of_public_sites(
    territory, make_organisation, coordinator, django_assert_max_num_queries, no_api_throttle
):
    for n in range(3):
        other = make_organisation(f"Atelier {n}", commune="Aubagne", postal_code="13400")
        site_actions.add_site(
            coordinator, other, site_actions.SiteInput(name="Annexe", commune="Cassis")
        )
        for m in range(3):
            create_machine(
                coordinator,
                other,
                MachineInput(name=f"Machine {m}", process_codes=["3.2.1", "AM.3"]),
            )
    with django_assert_max_num_queries(6):
        data = directory_okw()
    assert data["okw_version"] == "1.0" and data["generator"] == "Maillage"
    assert data["facility_count"] == len(data["facilities"]) == 1 + 3 * 2
    names = {f["owner"]["name"] for f in data["facilities"]}
    assert "Usine Secrète" not in names and "Fablab Étoile" in names
    assert "SN-" not in json.dumps(data)


# --- CSV and GeoJSON -----------------------------------------------------------------------


def _csv(response):
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text))), text


def test_machines_csv_has_a_header_and_one_row_per_public_machine(client, territory):
    response = client.get("/api/v1/machines.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="maillage-machines.csv"'
    rows, text = _csv(response)
    assert text.splitlines()[0] == ",".join(CSV_COLUMNS)
    assert [r["name"] for r in rows] == ["'=Laser", "Tour"]  # no formula, no retired, no pending
    assert "SN-" not in text and "Fraiseuse" not in text
    lathe = rows[1]
    site = territory.sites.get()
    assert lathe["organisation"] == "Fablab Étoile"
    assert lathe["commune"] == site.commune.name and lathe["department"] == "13"
    assert float(lathe["latitude"]) == site.latitude
    assert lathe["processes"] == "3.2.1" and lathe["materials"] == "steel"
    assert lathe["envelope_x_mm"] == "575" and lathe["power_kw"] == "4"
    assert lathe["tolerance_class"] == "m" and lathe["computer_controlled"] == "false"
    assert lathe["url"].startswith("http") and lathe["url"].rstrip("/").endswith(
        str(Machine.objects.get(name="Tour").pk)
    )


def test_machines_csv_takes_the_machine_filters(client, territory):
    rows, _text = _csv(client.get("/api/v1/machines.csv", {"process": "3.4"}))
    assert [r["name"] for r in rows] == ["'=Laser"]
    rows, _text = _csv(client.get("/api/v1/machines.csv", {"status": "retired"}))
    assert [r["name"] for r in rows] == ["Scie"]
    response = client.get("/api/v1/machines.csv", {"process": "nope"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "process"]


def test_machines_geojson_is_a_feature_collection_of_points(client, territory):
    response = client.get("/api/v1/machines.export.geojson", {"min_x": "600"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert "attachment" in response["Content-Disposition"]
    data = response.json()
    assert data["type"] == "FeatureCollection"
    assert [f["properties"]["name"] for f in data["features"]] == ["=Laser"]
    feature = data["features"][0]
    site = territory.sites.get()
    assert feature["type"] == "Feature"
    assert feature["geometry"] == {"type": "Point", "coordinates": [site.longitude, site.latitude]}
    assert -180 <= feature["geometry"]["coordinates"][0] <= 180
    assert feature["properties"]["processes"] == ["3.4.1.1"]
    assert "serial_number" not in feature["properties"]
    everything = client.get("/api/v1/machines.export.geojson").json()
    assert len(everything["features"]) == 2
    assert "SN-" not in json.dumps(everything)


# --- API -----------------------------------------------------------------------------------


def test_the_okw_endpoints_answer_public_sites_only(client, territory):
    site = territory.sites.get()
    response = client.get(f"/api/v1/okw/sites/{site.pk}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["id"].endswith(f"/api/v1/okw/sites/{site.pk}")
    hidden = Organisation.objects.get(name="Usine Secrète").sites.get()
    assert client.get(f"/api/v1/okw/sites/{hidden.pk}").status_code == 404
    assert client.get("/api/v1/okw/sites/999999").status_code == 404
    response = client.get("/api/v1/okw/directory")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="maillage-okw.json"'
    assert response.json()["facility_count"] == 1


def test_import_needs_a_signed_in_user(client):
    response = client.post(
        "/api/v1/okw/import",
        json.dumps({"name": "X", "location": {"gps_coordinates": "43.3, 5.4"}}),
        content_type="application/json",
    )
    assert response.status_code == 401
    assert Organisation.objects.count() == 0


def test_import_through_the_api(client, make_user, token_for):
    user = make_user("ana")
    document = {
        "okw_version": "1.0",
        "facilities": [
            {
                "name": "Atelier API",
                "location": {"address": {"city": "Aubagne", "postcode": "13400"}},
                "equipment": [
                    {"name": "Tour", "manufacturing_process": "maillage:process:3.2.1"},
                ],
            }
        ],
    }
    response = client.post(
        "/api/v1/okw/import",
        json.dumps(document),
        content_type="application/json",
        **token_for(user),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert len(body["organisations_created"]) == 1 and len(body["machines_created"]) == 1
    assert Organisation.objects.get().status == OrganisationStatus.PENDING

    document["facilities"][0]["equipment"][0]["x_travel"] = -1
    response = client.post(
        "/api/v1/okw/import",
        json.dumps(document),
        content_type="application/json",
        **token_for(user),
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "facilities[0].equipment[0].x_travel"]


def test_import_of_someone_elses_facility_is_forbidden(client, territory, make_user, token_for):
    document = site_okw(territory.sites.get())
    response = client.post(
        "/api/v1/okw/import",
        json.dumps(document),
        content_type="application/json",
        **token_for(make_user("mallory")),
    )
    assert response.status_code == 403


# --- commands ------------------------------------------------------------------------------


def test_the_commands_export_and_import_a_file(territory, coordinator, tmp_path):
    path = tmp_path / "okw.json"
    call_command("export_okw", "--output", str(path), stderr=io.StringIO())
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["facility_count"] == 1
    Machine.objects.filter(organisation=territory).delete()
    territory.delete()

    out = io.StringIO()
    call_command(
        "import_okw", str(path), "--as", coordinator.username, "--dry-run", stdout=out, stderr=out
    )
    assert Organisation.objects.filter(name="Fablab Étoile").count() == 0
    out = io.StringIO()
    call_command("import_okw", str(path), "--as", coordinator.username, stdout=out)
    assert len(json.loads(out.getvalue())["machines_created"]) == 2
    assert Organisation.objects.get(name="Fablab Étoile").machines.count() == 2


def test_the_import_command_reports_errors_with_their_path(coordinator, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"facilities": [{"name": "X"}]}), encoding="utf-8")
    with pytest.raises(CommandError, match=r"facilities\[0\]\.location"):
        call_command("import_okw", str(path), "--as", coordinator.username)
    with pytest.raises(CommandError, match="No active user"):
        call_command("import_okw", str(path), "--as", "nobody")
