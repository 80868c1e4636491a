"""OKW mapping (plain Python) and the import: round trip, idempotency, errors, permissions."""

import copy
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maillage.directory.actions import people as people_actions
from maillage.directory.models import Membership, Organisation, OrganisationStatus, Role, Site
from maillage.equipment.actions import MachineInput, create_machine
from maillage.equipment.models import Machine
from maillage.interop.exports.okw import site_okw
from maillage.interop.imports.okw import import_okw
from maillage.interop.okw.build import collection_to_okw, facility_to_okw
from maillage.interop.okw.model import Agent, Equipment, Facility, Location, OkwError, ProcessRef
from maillage.interop.okw.parse import okw_to_facilities, okw_to_facility
from maillage.interop.okw.vocabulary import (
    condition_code,
    guess_kind,
    material_code,
    parse_process_ref,
    tolerance_code,
)

# --- plain Python: the mapping -------------------------------------------------------------


def _facility() -> Facility:
    return Facility(
        id="https://example.org/api/v1/okw/sites/1",
        name="Atelier du Port",
        location=Location(
            latitude=43.296482, longitude=5.36978, street="1 quai du Port", city="Marseille"
        ),
        owner=Agent(
            id="https://example.org/o/atelier/", name="Atelier", kind="fablab", fields=("food",)
        ),
        contact=Agent(name="Atelier", email="bonjour@example.org"),
        access_type="Public",
        description="Un atelier",
        equipment=(
            Equipment(
                id="https://example.org/api/v1/machines/1",
                name="Tour",
                process_refs=(ProcessRef("maillage", "3.2.1"),),
                process_codes=("3.2.1",),
                serial_number="SN-SECRET",
                power_kw=2.2,
                materials=("aluminium", "steel"),
                x_travel_mm=600.0,
                y_travel_mm=250.5,
                z_travel_mm=None,
                computer_controlled=False,
                tolerance_class="m",
                year=1998,
                status="degraded",
                condition="worn",
            ),
        ),
    )


def test_a_facility_survives_json_and_back_except_its_serial_number():
    facility = _facility()
    data = facility_to_okw(facility)
    assert "serial_number" not in str(data) and "SN-SECRET" not in str(data)
    back = okw_to_facility(data)
    expected_equipment = (Equipment(**{**_asdict(facility.equipment[0]), "serial_number": ""}),)
    assert back.equipment == expected_equipment
    assert back.location == facility.location
    assert back.owner == facility.owner and back.contact == facility.contact
    assert back.name == facility.name and back.id == facility.id


def _asdict(obj):
    return {name: getattr(obj, name) for name in obj.__slots__}


def test_it_writes_the_spec_keys_in_snake_case_with_okw_units():
    data = facility_to_okw(_facility())
    assert data["facility_status"] == "Active"
    assert data["access_type"] == "Public"
    assert data["location"]["gps_coordinates"] == "43.296482, 5.369780"
    assert data["location"]["address"] == {
        "street": "1 quai du Port",
        "city": "Marseille",
        "country": "FR",
    }
    equipment = data["equipment"][0]
    assert equipment["manufacturing_process"] == ["maillage:process:3.2.1"]
    assert equipment["power_rating"] == 2200
    assert equipment["x_travel"] == 600 and isinstance(equipment["x_travel"], int)
    assert equipment["y_travel"] == 250.5
    assert "z_travel" not in equipment
    assert equipment["condition"] == "Worn"
    assert equipment["tolerance_class"] == "ISO 2768-m"
    assert equipment["materials_worked"] == [
        {"material_type": "https://en.wikipedia.org/wiki/Aluminium"},
        {"material_type": "https://en.wikipedia.org/wiki/Steel"},
    ]
    assert data["manufacturing_processes"] == ["maillage:process:3.2.1"]
    assert data["typical_materials"] == equipment["materials_worked"]
    assert facility_to_okw(_facility(), include_private=True)["equipment"][0]["serial_number"] == (
        "SN-SECRET"
    )


def test_a_collection_wraps_the_facilities_with_a_version():
    data = collection_to_okw([_facility()], source="https://example.org/")
    assert data["okw_version"] == "1.0" and data["facility_count"] == 1
    assert [f.name for f in okw_to_facilities(data)] == ["Atelier du Port"]
    assert collection_to_okw([])["facilities"] == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://www.wikidata.org/wiki/Q229367", ProcessRef("wikidata", "Q229367")),
        ("http://www.wikidata.org/entity/q229367", ProcessRef("wikidata", "Q229367")),
        ("Q229367", ProcessRef("wikidata", "Q229367")),
        ("maillage:process:3.4.1.1", ProcessRef("maillage", "3.4.1.1")),
        (
            "https://en.wikipedia.org/wiki/Laser_cutting",
            ProcessRef("wikipedia", "Laser cutting", "en"),
        ),
        (
            "https://fr.wikipedia.org/wiki/D%C3%A9coupe_laser#Principe",
            ProcessRef("wikipedia", "Découpe laser", "fr"),
        ),
    ],
)
def test_it_reads_process_references(text, expected):
    assert parse_process_ref(text, "p") == expected


def test_an_unknown_reference_names_its_path():
    with pytest.raises(OkwError) as caught:
        parse_process_ref("laser", "equipment[0].manufacturing_process[1]")
    assert caught.value.path == "equipment[0].manufacturing_process[1]"


def test_it_maps_materials_conditions_and_tolerances():
    assert material_code("https://en.wikipedia.org/wiki/Polylactic_acid") == "plastics"
    assert material_code("https://en.wikipedia.org/wiki/Medium-density_fibreboard") == "wood"
    assert material_code("Stainless steel") == "stainless"
    assert material_code("maillage:material:glass") == "glass"
    assert material_code("https://en.wikipedia.org/wiki/Soil") is None
    assert condition_code("Needs repair") == "needs_repair"
    assert condition_code("as_new") == "as_new"
    assert tolerance_code("ISO 2768-mK") == "m"
    assert tolerance_code("very coarse") == "v"
    assert tolerance_code("IT7") is None


def _doc(**equipment):
    return {
        "name": "Atelier",
        "location": {"gps_coordinates": "43.3, 5.4"},
        "equipment": [
            {"name": "A", "manufacturing_process": "maillage:process:3.2.1"},
            {"name": "B", "manufacturing_process": ["maillage:process:3.2.1"], **equipment},
        ],
    }


@pytest.mark.parametrize(
    ("equipment", "path"),
    [
        ({"x_travel": -3}, "equipment[1].x_travel"),
        ({"y_travel": "wide"}, "equipment[1].y_travel"),
        ({"power_rating": True}, "equipment[1].power_rating"),
        ({"computer_controlled": "maybe"}, "equipment[1].computer_controlled"),
        ({"quantity": 0}, "equipment[1].quantity"),
        ({"manufacturing_process": [3]}, "equipment[1].manufacturing_process[0]"),
        ({"manufacturing_process": ["turning"]}, "equipment[1].manufacturing_process[0]"),
        ({"maillage_status": "lost"}, "equipment[1].maillage_status"),
        ({"make": {"x": 1}}, "equipment[1].make"),
    ],
)
def test_a_bad_value_names_its_json_path(equipment, path):
    with pytest.raises(OkwError) as caught:
        okw_to_facility(_doc(**equipment))
    assert caught.value.path == path
    with pytest.raises(OkwError) as caught:
        okw_to_facilities({"okw_version": "1.0", "facilities": [_doc(**equipment)]})
    assert caught.value.path == f"facilities[0].{path}"


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"name": ""}, "name"),
        ({"location": None}, "location"),
        ({"location": {"address": {"street": "somewhere"}}}, "location"),
        ({"location": {"gps_coordinates": "43.3"}}, "location.gps_coordinates"),
        ({"location": {"gps_coordinates": [95, 5]}}, "location.gps_coordinates"),
        (
            {"location": {"gps_coordinates": "1, 2", "address": {"country": "Narnia"}}},
            "location.address.country",
        ),
        ({"facility_status": "Open"}, "facility_status"),
        ({"access_type": "Anyone"}, "access_type"),
        ({"equipment": {"name": "x"}}, "equipment"),
        ({"owner": 3}, "owner"),
    ],
)
def test_a_bad_facility_value_names_its_path(change, path):
    with pytest.raises(OkwError) as caught:
        okw_to_facility({**_doc(), **change})
    assert caught.value.path == path


def test_it_reads_loose_but_valid_shapes_and_warns_of_what_it_drops():
    facility = okw_to_facility(
        {
            "name": "Lab",
            "facility_status": "temporary closure",
            "location": {
                "gps_coordinates": {"lat": 43.1, "lng": 5.9},
                "address": {"number": "12", "street": "rue Haute", "country": "France"},
            },
            "affiliations": [{"name": "Fab Foundation", "website": "https://fablabs.io"}],
            "equipment": [
                {
                    "equipment_type": "https://en.wikipedia.org/wiki/Laser_cutting",
                    "manufacturing_process": "https://en.wikipedia.org/wiki/Laser_cutting",
                    "materials_worked": ["https://en.wikipedia.org/wiki/Soil", "Plywood"],
                    "condition": "Excellent condition, recently serviced",
                    "computer_controlled": "TRUE",
                    "x_travel": "600",
                    "tolerance_class": "IT7",
                }
            ],
        }
    )
    assert facility.facility_status == "Temporary Closure"
    assert facility.location.street == "12 rue Haute" and facility.location.country == "FR"
    equipment = facility.equipment[0]
    assert equipment.name == "Laser cutting"
    assert equipment.materials == ("wood",)
    assert equipment.computer_controlled is True and equipment.x_travel_mm == 600
    assert equipment.condition == "good" and "Excellent condition" in equipment.notes
    assert guess_kind(facility) == "fablab"
    assert len(facility.warnings) == 3
    assert facility.warnings[0].startswith("equipment[0].condition")


def test_an_unsupported_version_is_refused():
    with pytest.raises(OkwError) as caught:
        okw_to_facilities({"okw_version": "2.0", "facilities": []})
    assert caught.value.path == "okw_version"


# --- the import (database) -----------------------------------------------------------------


@pytest.fixture
def workshop(make_organisation, coordinator):
    """A validated fab lab in Marseille with three public machines and a retired one."""
    organisation = make_organisation(
        "Atelier Étoile",
        kind="fablab",
        fields=["local_manufacturing", "repair_maintenance"],
        description="Atelier partagé du quartier",
        website="https://etoile.example.org",
        contact_email="contact@etoile.example.org",
        naf_code="25.62A",
    )
    machines = [
        MachineInput(
            name="Tour conventionnel",
            make="Cazeneuve",
            model="HB 575",
            serial_number="CZ-12345",
            year=1987,
            process_codes=["3.2.1"],
            materials=["steel", "aluminium"],
            envelope_x_mm=575.0,
            envelope_y_mm=280.0,
            envelope_z_mm=1000.0,
            power_kw=4.0,
            tolerance_class="m",
            condition="worn",
            notes="Mandrin 3 mors",
        ),
        MachineInput(
            name="Découpeuse laser",
            make="Trotec",
            model="Speedy 400",
            serial_number="TR-999",
            process_codes=["3.4.1.1"],
            materials=["wood", "plastics"],
            envelope_x_mm=1000.0,
            envelope_y_mm=610.0,
            envelope_z_mm=305.5,
            power_kw=0.12,
            computer_controlled=True,
        ),
        MachineInput(
            name="Imprimante 3D",
            make="Prusa",
            model="MK4",
            process_codes=["AM", "AM.3"],
            materials=["plastics"],
            envelope_x_mm=250.0,
            envelope_y_mm=210.0,
            envelope_z_mm=220.0,
            computer_controlled=True,
            status="degraded",
        ),
        MachineInput(name="Vieille scie", process_codes=["3.2.1"], status="retired"),
    ]
    for data in machines:
        create_machine(coordinator, organisation, data)
    return organisation


def _snapshot(organisation_name):
    organisation = Organisation.objects.get(name=organisation_name)
    site = organisation.sites.get()
    machines = Machine.objects.filter(organisation=organisation).exclude(status="retired")
    return {
        "organisation": {
            "name": organisation.name,
            "slug": organisation.slug,
            "kind": organisation.kind,
            "description": organisation.description,
            "website": organisation.website,
            "contact_email": organisation.contact_email,
            "naf": organisation.naf.code if organisation.naf else "",
            "fields": organisation.field_codes(),
            "status": organisation.status,
        },
        "site": {
            "name": site.name,
            "address": site.address,
            "postal_code": site.postal_code,
            "commune": site.commune.insee_code if site.commune else None,
            "city": site.city,
            "department": site.department_id,
            "latitude": site.latitude,
            "longitude": site.longitude,
            "is_main": site.is_main,
        },
        "machines": sorted(
            (
                m.name,
                m.make,
                m.model,
                m.year,
                tuple(sorted(p.code for p in m.processes.all())),
                tuple(m.material_codes()),
                m.envelope_x_mm,
                m.envelope_y_mm,
                m.envelope_z_mm,
                m.power_kw,
                m.computer_controlled,
                m.tolerance_class,
                m.condition,
                m.status,
                m.notes,
            )
            for m in machines
        ),
    }


def _delete(organisation):
    Machine.objects.filter(organisation=organisation).delete()
    organisation.delete()


def _counts():
    return (Organisation.objects.count(), Site.objects.count(), Machine.objects.count())


def test_round_trip_rebuilds_the_same_organisation_site_and_machines(workshop, coordinator):
    site = workshop.sites.get()
    before = _snapshot(workshop.name)
    document = site_okw(site)
    _delete(workshop)
    assert Organisation.objects.count() == 0

    report = import_okw(copy.deepcopy(document), coordinator)

    assert _snapshot("Atelier Étoile") == before
    assert report.organisations_created == [before["organisation"]["slug"]]
    assert len(report.sites_created) == 1 and len(report.machines_created) == 3
    new_site = Site.objects.get()
    assert new_site.pk != site.pk
    # Serial numbers never left, so none came back.
    assert set(Machine.objects.values_list("serial_number", flat=True)) == {""}
    # The new site's own export matches the first one but for identifiers and dates.
    again = site_okw(new_site)
    for data in (document, again):
        data.pop("id"), data.pop("date_created"), data.pop("last_updated")
        data["owner"].pop("id")
        for equipment in data["equipment"]:
            equipment.pop("id")
    assert again == document


def test_a_second_import_of_the_same_document_changes_nothing(workshop, coordinator):
    document = site_okw(workshop.sites.get())
    _delete(workshop)
    import_okw(copy.deepcopy(document), coordinator)
    counts, machine_ids = _counts(), set(Machine.objects.values_list("pk", flat=True))

    report = import_okw(copy.deepcopy(document), coordinator)

    assert _counts() == counts
    assert set(Machine.objects.values_list("pk", flat=True)) == machine_ids
    assert not (report.organisations_created or report.sites_created or report.machines_created)
    assert not (report.organisations_updated or report.sites_updated or report.machines_updated)
    assert report.unchanged == 1 + 1 + 3


def test_reimporting_our_own_export_updates_in_place_and_keeps_serial_numbers(
    workshop, coordinator
):
    site = workshop.sites.get()
    document = site_okw(site)
    lathe = Machine.objects.get(name="Tour conventionnel")
    for equipment in document["equipment"]:
        if equipment["name"] == lathe.name:
            equipment["x_travel"] = 800
    document["description"] = "Nouvelle description"

    report = import_okw(document, coordinator)

    assert report.machines_updated == [lathe.pk] and not report.machines_created
    assert report.organisations_updated == [workshop.slug]
    assert report.sites_created == [] and report.unchanged == 1 + 2
    lathe.refresh_from_db()
    assert lathe.envelope_x_mm == 800 and lathe.serial_number == "CZ-12345"
    workshop.refresh_from_db()
    assert workshop.description == "Nouvelle description"
    assert Machine.objects.count() == 4


def test_a_member_imports_into_a_pending_organisation(make_user):
    user = make_user("ana")
    document = {
        "okw_version": "1.0",
        "facilities": [
            {
                "id": "https://other.example/okw/1",
                "name": "Repair Café Aubagne",
                "location": {"address": {"city": "Aubagne", "postcode": "13400"}},
                "affiliations": [{"name": "Repair Café", "website": "https://repaircafe.org"}],
                "equipment": [
                    {
                        "id": "e1",
                        "equipment_type": "https://en.wikipedia.org/wiki/Laser_cutting",
                        "manufacturing_process": "https://en.wikipedia.org/wiki/Laser_cutting",
                    },
                    {
                        "id": "e2",
                        "name": "Printer",
                        "manufacturing_process": ["https://www.wikidata.org/wiki/Q229367"],
                        "quantity": 2,
                    },
                ],
            }
        ],
    }
    report = import_okw(copy.deepcopy(document), user)

    organisation = Organisation.objects.get()
    assert organisation.status == OrganisationStatus.PENDING
    assert organisation.kind == "reuse_repair"
    assert Membership.objects.get(organisation=organisation).user == user
    assert Membership.objects.get(organisation=organisation).role == Role.ADMIN
    site = organisation.sites.get()
    assert site.commune.insee_code == "13005" and site.name == ""
    names = sorted(Machine.objects.values_list("name", flat=True))
    assert names == ["Laser cutting", "Printer (1/2)", "Printer (2/2)"]
    assert Machine.objects.get(name="Laser cutting").processes.get().code == "3.4.1.1"
    assert Machine.objects.get(name="Printer (1/2)").processes.get().code == "AM"
    assert report.facilities[0]["site"] == site.pk

    # A second import of this foreign document finds everything again by its identifiers.
    report = import_okw(copy.deepcopy(document), user)
    assert _counts() == (1, 1, 3) and report.unchanged == 1 + 1 + 3


def test_a_site_whose_owner_appears_twice_joins_one_organisation(coordinator):
    owner = {"name": "Coop Bois"}
    facilities = [
        {"name": "Coop Bois", "owner": owner, "location": {"gps_coordinates": "43.3, 5.4"}},
        {"name": "Scierie", "owner": owner, "location": {"gps_coordinates": "43.5, 5.5"}},
    ]
    import_okw({"facilities": facilities}, coordinator)
    organisation = Organisation.objects.get()
    assert organisation.status == OrganisationStatus.VALIDATED
    assert organisation.kind == "collective_workshop"
    assert sorted(organisation.sites.values_list("name", flat=True)) == ["", "Scierie"]


def test_an_unknown_process_fails_with_its_path_and_saves_nothing(coordinator):
    document = {
        "facilities": [
            {"name": "Un", "location": {"gps_coordinates": "43.3, 5.4"}},
            {
                "name": "Deux",
                "location": {"gps_coordinates": "43.3, 5.4"},
                "equipment": [
                    {"name": "A", "manufacturing_process": "maillage:process:3.2.1"},
                    {"name": "B", "manufacturing_process": ["https://www.wikidata.org/wiki/Q1"]},
                ],
            },
        ]
    }
    with pytest.raises(ValidationError) as caught:
        import_okw(document, coordinator)
    assert list(caught.value.message_dict) == [
        "facilities[1].equipment[1].manufacturing_process[0]"
    ]
    assert _counts() == (0, 0, 0)


def test_an_error_in_a_later_facility_rolls_back_the_earlier_ones(coordinator):
    document = {
        "facilities": [
            {
                "name": "Un",
                "location": {"gps_coordinates": "43.3, 5.4"},
                "equipment": [{"name": "A", "manufacturing_process": "maillage:process:3.2.1"}],
            },
            {
                "name": "Deux",
                "owner": {"name": "Deux", "website": "pas une adresse"},
                "location": {"gps_coordinates": "43.3, 5.4"},
            },
            {"name": "Trois", "location": {"address": {"city": "Nulle-Part-Sur-Mer"}}},
        ]
    }
    with pytest.raises(ValidationError) as caught:
        import_okw(document, coordinator)
    assert list(caught.value.message_dict) == ["facilities[1].owner.website"]
    assert _counts() == (0, 0, 0)

    del document["facilities"][1]
    with pytest.raises(ValidationError) as caught:
        import_okw(document, coordinator)
    assert list(caught.value.message_dict) == ["facilities[1].location.address.city"]
    assert _counts() == (0, 0, 0)


def test_a_schema_error_names_its_path(coordinator):
    with pytest.raises(ValidationError) as caught:
        import_okw(
            {"facilities": [{"name": "X", "location": {"gps_coordinates": "north"}}]}, coordinator
        )
    assert list(caught.value.message_dict) == ["facilities[0].location.gps_coordinates"]


def test_an_outsider_cannot_update_someone_elses_organisation(workshop, make_user):
    document = site_okw(workshop.sites.get())
    with pytest.raises(PermissionDenied) as caught:
        import_okw(document, make_user("mallory"))
    assert "owner.name" in str(caught.value)
    # Nor by its name alone.
    with pytest.raises(PermissionDenied):
        import_okw(
            {"name": "atelier etoile", "location": {"gps_coordinates": "43.3, 5.4"}},
            make_user("eve"),
        )


def test_an_unpublished_organisation_is_not_named_to_who_may_not_see_it(
    client, make_organisation, make_user, coordinator
):
    hidden = make_organisation("Atelier Secret")
    document = site_okw(hidden.sites.get())
    # Exported while public, then taken back to moderation: its ids now point to a hidden one.
    Organisation.objects.filter(pk=hidden.pk).update(status=OrganisationStatus.PENDING)
    document["name"] = document["owner"]["name"] = "Autre nom"
    with pytest.raises(PermissionDenied) as caught:
        import_okw(copy.deepcopy(document), make_user("mallory"))
    assert "owner.name" in str(caught.value)
    assert "Atelier Secret" not in str(caught.value)

    eve = make_user("eve")
    key = people_actions.create_api_token(eve, "t")[1]
    response = client.post(
        "/api/v1/okw/import",
        json.dumps(document),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 403, response.content
    assert "Atelier Secret" not in response.content.decode()

    # Once validated, it is public: the message names it, so that one can ask its admins.
    Organisation.objects.filter(pk=hidden.pk).update(status=OrganisationStatus.VALIDATED)
    with pytest.raises(PermissionDenied) as caught:
        import_okw(copy.deepcopy(document), eve)
    assert "Atelier Secret" in str(caught.value)


def test_a_closed_facility_is_skipped(coordinator):
    report = import_okw(
        {
            "name": "Ancien atelier",
            "facility_status": "Closed",
            "location": {"gps_coordinates": "43.3, 5.4"},
        },
        coordinator,
    )
    assert Organisation.objects.count() == 0
    assert report.skipped and "closed" in report.skipped[0]


def test_a_dry_run_saves_nothing(coordinator):
    report = import_okw(
        {"name": "Essai", "location": {"gps_coordinates": "43.3, 5.4"}}, coordinator, dry_run=True
    )
    assert report.organisations_created and Organisation.objects.count() == 0
