"""The machine endpoints of /api/v1/: filters, writes with a token, who sees what, map layers."""

import json

import pytest

from maillage.directory.actions import people as people_actions
from maillage.directory.models import OrganisationStatus
from maillage.equipment import actions
from maillage.equipment.models import Machine, Process

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


@pytest.fixture
def token_for(db):
    def make(user):
        return {"HTTP_AUTHORIZATION": f"Bearer {people_actions.create_api_token(user, 'test')[1]}"}

    return make


def _add(actor, organisation, name="Trotec Speedy 400", **fields):
    data = {
        "process_codes": [LASER_CUTTING, LASER_ENGRAVING],
        "envelope_x_mm": 1000.0,
        "envelope_y_mm": 600.0,
        "envelope_z_mm": 20.0,
        **fields,
    }
    return actions.create_machine(actor, organisation, actions.MachineInput(name=name, **data))


def _send(client, method, url, payload, **extra):
    return getattr(client, method)(
        url, json.dumps(payload), content_type="application/json", **extra
    )


def _names(response):
    assert response.status_code == 200, response.content
    return sorted(item["name"] for item in response.json()["items"])


def _fields(response):
    return {entry["loc"][-1] for entry in response.json()["detail"]}


@pytest.fixture
def inventory(alice, bob, workshop, sheet_metal):
    """Four machines in two organisations and departments, one of them retired."""
    _add(alice, workshop, "Laser", materials=["wood", "plastics"])
    _add(alice, workshop, "Imprimante", process_codes=[FDM], envelope_x_mm=250.0)
    _add(bob, sheet_metal, "Fraiseuse", process_codes=[MILLING], materials=["steel"])
    _add(bob, sheet_metal, "Vieille cisaille", process_codes=["3.1.1"], status="retired")


def test_it_lists_machines_with_their_processes_and_materials(client, inventory):
    response = client.get("/api/v1/machines")

    assert _names(response) == ["Fraiseuse", "Imprimante", "Laser"]
    laser = next(m for m in response.json()["items"] if m["name"] == "Laser")
    assert laser["processes"] == [LASER_CUTTING, LASER_ENGRAVING]
    assert laser["materials"] == ["plastics", "wood"]
    assert laser["organisation"] == "atelier-alice"
    assert laser["url"] == f"/machines/{laser['id']}/"


def test_the_process_filter_includes_descendants(client, inventory):
    assert _names(client.get("/api/v1/machines?process=3.4")) == ["Laser"]
    assert _names(client.get("/api/v1/machines?process=3")) == ["Fraiseuse", "Laser"]
    assert _names(client.get("/api/v1/machines?process=AM")) == ["Imprimante"]
    assert _names(client.get("/api/v1/machines?process=3.3")) == []


def test_it_filters_by_material(client, inventory):
    assert _names(client.get("/api/v1/machines?material=wood")) == ["Laser"]


def test_it_filters_by_envelope(client, inventory):
    assert _names(client.get("/api/v1/machines?min_x=900")) == ["Fraiseuse", "Laser"]
    assert _names(client.get("/api/v1/machines?min_x=900&min_y=700")) == []


def test_it_filters_by_department_and_kind_of_organisation(client, inventory):
    assert _names(client.get("/api/v1/machines?dept=06")) == ["Fraiseuse"]
    assert _names(client.get("/api/v1/machines?kind=fablab")) == ["Imprimante", "Laser"]


def test_it_lists_retired_machines_only_when_asked(client, inventory):
    assert _names(client.get("/api/v1/machines?status=retired")) == ["Vieille cisaille"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("process=9.9", "process"),
        ("material=unobtainium", "material"),
        ("min_x=-3", "min_x"),
        ("dept=999", "dept"),
        ("status=broken", "status"),
    ],
)
def test_a_bad_filter_answers_422_naming_it(client, inventory, query, field):
    response = client.get(f"/api/v1/machines?{query}")

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", field]


def test_it_gets_one_machine(client, alice, workshop):
    machine = _add(alice, workshop, year=2019, materials=["wood"])

    response = client.get(f"/api/v1/machines/{machine.pk}")

    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["year"], body["site"]) == (
        "Trotec Speedy 400",
        2019,
        machine.site_id,
    )
    assert (body["envelope_x_mm"], body["envelope_y_mm"], body["envelope_z_mm"]) == (1000, 600, 20)
    assert body["status"] == "operational" and body["condition"] == "good"


def test_an_unknown_machine_is_404(client):
    assert client.get("/api/v1/machines/999999").status_code == 404


def test_it_creates_a_machine_with_a_token(client, alice, workshop, token_for):
    response = _send(
        client,
        "post",
        f"/api/v1/organisations/{workshop.slug}/machines",
        {
            "name": "Trotec Speedy 400",
            "process_codes": [LASER_CUTTING, LASER_ENGRAVING],
            "materials": ["wood", "plastics"],
            "envelope_x_mm": 1000,
            "envelope_y_mm": 600,
            "envelope_z_mm": 20,
            "serial_number": "TR-0042",
        },
        **token_for(alice),
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["processes"] == [LASER_CUTTING, LASER_ENGRAVING]
    assert body["materials"] == ["plastics", "wood"]
    assert body["serial_number"] == "TR-0042"
    machine = Machine.objects.get(pk=body["id"])
    assert machine.organisation == workshop
    assert machine.site == workshop.sites.get(is_main=True)


@pytest.mark.parametrize(
    ("change", "field", "named"),
    [
        ({"envelope_x_mm": -10}, "envelope_x_mm", None),
        ({"process_codes": [LASER_CUTTING, "9.9.9"]}, "processes", "9.9.9"),
        ({"materials": ["unobtainium"]}, "materials", "unobtainium"),
    ],
)
def test_bad_input_answers_422_naming_the_field_and_saves_nothing(
    client, alice, workshop, token_for, change, field, named
):
    payload = {"name": "Laser", "process_codes": [LASER_CUTTING], **change}

    response = _send(
        client,
        "post",
        f"/api/v1/organisations/{workshop.slug}/machines",
        payload,
        **token_for(alice),
    )

    assert response.status_code == 422
    assert _fields(response) == {field}
    if named:
        assert named in response.json()["detail"][0]["msg"]
    assert Machine.objects.count() == 0


def test_a_wrong_type_answers_422_naming_the_field(client, alice, workshop, token_for):
    response = _send(
        client,
        "post",
        f"/api/v1/organisations/{workshop.slug}/machines",
        {"name": "Laser", "process_codes": [LASER_CUTTING], "envelope_x_mm": "wide"},
        **token_for(alice),
    )

    assert response.status_code == 422
    assert _fields(response) == {"envelope_x_mm"}
    assert Machine.objects.count() == 0


def test_it_updates_a_machine_partially(client, alice, workshop, token_for):
    machine = _add(alice, workshop, materials=["wood"], serial_number="TR-0042")

    response = _send(
        client, "patch", f"/api/v1/machines/{machine.pk}", {"status": "down"}, **token_for(alice)
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "down"
    assert body["processes"] == [LASER_CUTTING, LASER_ENGRAVING]
    assert body["materials"] == ["wood"]
    assert (body["name"], body["serial_number"], body["envelope_x_mm"]) == (
        "Trotec Speedy 400",
        "TR-0042",
        1000,
    )
    machine.refresh_from_db()
    assert machine.status == "down"


def test_a_bad_patch_answers_422_and_changes_nothing(client, alice, workshop, token_for):
    machine = _add(alice, workshop)

    response = _send(
        client,
        "patch",
        f"/api/v1/machines/{machine.pk}",
        {"name": "Renommée", "envelope_z_mm": 0},
        **token_for(alice),
    )

    assert response.status_code == 422
    assert _fields(response) == {"envelope_z_mm"}
    machine.refresh_from_db()
    assert (machine.name, machine.envelope_z_mm) == ("Trotec Speedy 400", 20.0)


def test_it_deletes_a_machine(client, alice, workshop, token_for):
    machine = _add(alice, workshop)

    response = client.delete(f"/api/v1/machines/{machine.pk}", **token_for(alice))

    assert response.status_code == 204
    assert not Machine.objects.filter(pk=machine.pk).exists()


def test_a_member_of_another_organisation_cannot_write(
    client, alice, bob, workshop, sheet_metal, token_for
):
    machine = _add(alice, workshop)
    auth = token_for(bob)

    patch = _send(client, "patch", f"/api/v1/machines/{machine.pk}", {"name": "Pwned"}, **auth)
    delete = client.delete(f"/api/v1/machines/{machine.pk}", **auth)
    post = _send(
        client,
        "post",
        f"/api/v1/organisations/{workshop.slug}/machines",
        {"name": "Intrus", "process_codes": [MILLING]},
        **auth,
    )

    assert (patch.status_code, delete.status_code, post.status_code) == (403, 403, 403)
    assert list(Machine.objects.values_list("name", flat=True)) == ["Trotec Speedy 400"]


def test_anonymous_callers_cannot_write(client, alice, workshop):
    machine = _add(alice, workshop)

    patch = _send(client, "patch", f"/api/v1/machines/{machine.pk}", {"name": "Anon"})
    delete = client.delete(f"/api/v1/machines/{machine.pk}")
    post = _send(
        client,
        "post",
        f"/api/v1/organisations/{workshop.slug}/machines",
        {"name": "Anon", "process_codes": [MILLING]},
    )

    assert (patch.status_code, delete.status_code, post.status_code) == (401, 401, 401)
    assert list(Machine.objects.values_list("name", flat=True)) == ["Trotec Speedy 400"]


def test_a_bad_token_is_refused(client, alice, workshop):
    machine = _add(alice, workshop)

    response = client.delete(
        f"/api/v1/machines/{machine.pk}", HTTP_AUTHORIZATION="Bearer mlg_not-a-token"
    )

    assert response.status_code == 401
    assert Machine.objects.filter(pk=machine.pk).exists()


@pytest.fixture
def hidden_machine(make_user, make_organisation):
    """A laser cutter in Aubagne, at an organisation still waiting for moderation."""
    owner = make_user("owner")
    pending = make_organisation(
        "Atelier Secret",
        admin=owner,
        status=OrganisationStatus.PENDING,
        commune="Aubagne",
        postal_code="13400",
    )
    return _add(owner, pending, "Laser secret")


def test_machines_of_a_pending_organisation_are_invisible_to_the_public(client, hidden_machine):
    assert client.get(f"/api/v1/machines/{hidden_machine.pk}").status_code == 404
    assert client.get("/api/v1/machines?q=secret").json()["count"] == 0
    layer = client.get(f"/api/v1/machines.geojson?{EVERYWHERE}").json()
    assert (layer["total"], layer["features"]) == (0, [])
    sites = client.get(f"/api/v1/sites.geojson?{EVERYWHERE}&process=3.4").json()
    assert (sites["total"], sites["features"]) == (0, [])


def test_members_see_the_machines_of_their_pending_organisation(client, hidden_machine):
    client.force_login(hidden_machine.organisation.memberships.get().user)

    assert client.get(f"/api/v1/machines/{hidden_machine.pk}").status_code == 200
    assert _names(client.get("/api/v1/machines?q=secret")) == ["Laser secret"]
    # The public map layers stay public, whoever asks.
    assert client.get(f"/api/v1/machines.geojson?{EVERYWHERE}").json()["total"] == 0


def test_a_stranger_cannot_see_a_machine_of_a_pending_organisation(
    client, hidden_machine, token_for, bob
):
    response = client.get(f"/api/v1/machines/{hidden_machine.pk}", **token_for(bob))

    assert response.status_code == 404


def test_the_serial_number_is_for_members_only(
    client, alice, bob, workshop, sheet_metal, token_for
):
    machine = _add(alice, workshop, serial_number="TR-0042")
    url = f"/api/v1/machines/{machine.pk}"

    assert client.get(url).json()["serial_number"] is None
    assert client.get(url, **token_for(bob)).json()["serial_number"] is None
    assert client.get(url, **token_for(alice)).json()["serial_number"] == "TR-0042"
    assert client.get("/api/v1/machines").json()["items"][0]["serial_number"] is None
    client.force_login(alice)
    assert client.get("/api/v1/machines").json()["items"][0]["serial_number"] == "TR-0042"


def test_it_lists_the_process_tree(client):
    response = client.get("/api/v1/processes")

    assert response.status_code == 200
    by_code = {p["code"]: p for p in response.json()}
    assert len(by_code) == Process.objects.count()
    assert by_code["3"]["parent"] is None and by_code["3"]["depth"] == 0
    assert (by_code[LASER_CUTTING]["parent"], by_code[LASER_CUTTING]["depth"]) == ("3.4.1", 3)
    assert by_code[LASER_CUTTING]["fablabs_key"] == "laser"
    assert by_code[LASER_CUTTING]["label_en"] == "Laser cutting"


def test_the_machine_layer_groups_matching_machines_per_site(client, inventory, workshop):
    body = client.get(f"/api/v1/machines.geojson?{EVERYWHERE}").json()

    assert body["total"] == 3
    by_org = {f["properties"]["org"]: f["properties"] for f in body["features"]}
    assert set(by_org) == {"Atelier Alice", "Tôlerie Nord"}
    alice_site = by_org["Atelier Alice"]
    assert alice_site["id"] == workshop.sites.get().pk
    assert alice_site["machines"] == 2
    assert sorted(alice_site["machine_names"]) == ["Imprimante", "Laser"]
    assert alice_site["url"] == f"/o/{workshop.slug}/"
    assert by_org["Tôlerie Nord"]["machines"] == 1


def test_the_machine_layer_applies_the_filters_and_the_box(client, inventory):
    body = client.get(f"/api/v1/machines.geojson?{EVERYWHERE}&process=3.4").json()
    assert [(f["properties"]["org"], f["properties"]["machines"]) for f in body["features"]] == [
        ("Atelier Alice", 1)
    ]
    marseille_only = client.get("/api/v1/machines.geojson?bbox=5,43,6,44").json()
    assert {f["properties"]["org"] for f in marseille_only["features"]} == {"Atelier Alice"}


def test_the_machine_layer_needs_a_valid_box(client, inventory):
    response = client.get("/api/v1/machines.geojson?bbox=north")

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "bbox"]


def test_the_machine_layer_clusters_past_the_point_limit(client, settings, inventory):
    settings.MAP_MAX_POINTS = 2

    body = client.get(f"/api/v1/machines.geojson?{EVERYWHERE}").json()

    assert body["total"] == 3
    assert body["features"]
    assert all(f["properties"]["cluster"] for f in body["features"])
    assert sum(f["properties"]["count"] for f in body["features"]) == 3


def _thirty_machines(alice, workshop):
    for i in range(30):
        _add(alice, workshop, f"Machine {i:02}", materials=["wood", "steel"])


def test_listing_machines_runs_a_bounded_number_of_queries(
    client, alice, workshop, django_assert_max_num_queries, no_api_throttle
):
    _thirty_machines(alice, workshop)

    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/machines?limit=50")

    assert response.json()["count"] == 30


def test_listing_machines_for_a_member_runs_a_bounded_number_of_queries(
    client, alice, workshop, token_for, django_assert_max_num_queries, no_api_throttle
):
    _thirty_machines(alice, workshop)
    auth = token_for(alice)

    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/machines?limit=50", **auth)

    assert response.json()["count"] == 30
    assert all(m["serial_number"] is not None for m in response.json()["items"])


def test_a_change_through_the_api_records_its_author(client, alice, workshop, token_for):
    machine = _add(alice, workshop)

    _send(client, "patch", f"/api/v1/machines/{machine.pk}", {"status": "down"}, **token_for(alice))

    latest = machine.history.order_by("-history_date", "-history_id").first()
    assert (latest.status, latest.history_user) == ("down", alice)
