"""Machine pages: the list and its filters, a machine, its form, documents, the process tree."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape

from maillage.directory.models import OrganisationStatus
from maillage.equipment import actions
from maillage.equipment.models import Machine, MachineDocument

pytestmark = pytest.mark.django_db

LASER_CUTTING, LASER_ENGRAVING, MILLING = "3.4.1.1", "3.4.1.2", "3.2.3"


@pytest.fixture
def alice(make_user):
    return make_user("alice")


@pytest.fixture
def bob(make_user):
    return make_user("bob")


@pytest.fixture
def workshop(make_organisation, alice):
    return make_organisation("Atelier Alice", admin=alice)


@pytest.fixture
def other_workshop(make_organisation, bob):
    return make_organisation("Atelier Bob", admin=bob)


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
def laser(alice, workshop):
    return _add(alice, workshop, serial_number="TR-0042")


def _form_data(organisation, **overrides):
    """What the machine form posts, as a browser would send it."""
    data = {
        "name": "Trotec Speedy 400",
        "site": str(organisation.sites.get(is_main=True).pk),
        "processes": [LASER_CUTTING, LASER_ENGRAVING],
        "materials": ["wood", "plastics"],
        "envelope_x_mm": "1000",
        "envelope_y_mm": "600",
        "envelope_z_mm": "20",
        "condition": "good",
        "status": "operational",
    }
    data.update(overrides)
    return data


def _listed(response):
    """Machine names in the list page's table."""
    assert response.status_code == 200
    return sorted(m.name for m in response.context["page"])


def _has_error_beside(response, field):
    return re.search(rf'class="field has-error" id="field-{field}"', response.content.decode())


# ---------- the list ----------


def test_the_list_shows_machines_matching_the_filters(client, alice, bob, workshop, other_workshop):
    _add(alice, workshop, "Laser")
    _add(bob, other_workshop, "Fraiseuse", process_codes=[MILLING], envelope_x_mm=400.0)

    assert _listed(client.get("/machines/")) == ["Fraiseuse", "Laser"]
    assert _listed(client.get("/machines/?process=3.4")) == ["Laser"]
    assert _listed(client.get("/machines/?min_x=500")) == ["Laser"]
    assert _listed(client.get("/machines/?q=fraiseuse")) == ["Fraiseuse"]
    page = client.get("/machines/?process=3.4").content.decode()
    assert "Laser" in page and "Fraiseuse" not in page


def test_the_list_shows_a_bad_filter_on_the_form(client, laser):
    response = client.get("/machines/?min_x=-3")

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"min_x"}
    assert escape(errors["min_x"][0]) in response.content.decode()
    # The bad filter is dropped, not applied.
    assert _listed(response) == ["Trotec Speedy 400"]


def test_the_list_links_to_the_map_with_the_same_machine_filters(client, laser):
    response = client.get("/machines/?process=3.4&min_x=10")

    assert 'href="/?machines=1&amp;process=3.4"' in response.content.decode()


def test_the_list_hides_machines_of_a_pending_organisation(client, make_user, make_organisation):
    owner = make_user("owner")
    pending = make_organisation("Atelier Secret", admin=owner, status=OrganisationStatus.PENDING)
    _add(owner, pending, "Laser secret")

    assert _listed(client.get("/machines/")) == []
    client.force_login(owner)
    assert _listed(client.get("/machines/")) == ["Laser secret"]


# ---------- a machine ----------


def test_the_detail_page_shows_the_machine(client, laser):
    response = client.get(f"/machines/{laser.pk}/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Trotec Speedy 400" in page
    assert f'href="/processes/{LASER_CUTTING}/"' in page
    assert "1000 × 600 × 20 mm" in page


def test_the_serial_number_is_shown_to_members_only(client, laser, alice, bob, other_workshop):
    assert "TR-0042" not in client.get(f"/machines/{laser.pk}/").content.decode()
    client.force_login(bob)
    assert "TR-0042" not in client.get(f"/machines/{laser.pk}/").content.decode()
    client.force_login(alice)
    assert "TR-0042" in client.get(f"/machines/{laser.pk}/").content.decode()


def test_a_machine_of_a_pending_organisation_is_404_for_the_public(
    client, make_user, make_organisation
):
    owner = make_user("owner")
    pending = make_organisation("Atelier Secret", admin=owner, status=OrganisationStatus.PENDING)
    machine = _add(owner, pending, "Laser secret")

    assert client.get(f"/machines/{machine.pk}/").status_code == 404


# ---------- the form ----------


def test_a_member_adds_a_machine_through_the_form(client, alice, workshop):
    client.force_login(alice)

    response = client.post(f"/o/{workshop.slug}/machines/new/", _form_data(workshop))

    machine = Machine.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/machines/{machine.pk}/"
    assert sorted(p.code for p in machine.processes.all()) == [LASER_CUTTING, LASER_ENGRAVING]
    assert machine.material_codes() == ["plastics", "wood"]
    assert machine.envelope() == (1000.0, 600.0, 20.0)
    assert machine.organisation == workshop


def test_the_new_machine_form_lists_the_organisations_sites_and_the_processes(
    client, alice, workshop
):
    client.force_login(alice)

    response = client.get(f"/o/{workshop.slug}/machines/new/")

    assert response.status_code == 200
    form = response.context["form"]
    assert [value for value, _label in form.fields["site"].choices] == [
        str(workshop.sites.get().pk)
    ]
    assert LASER_CUTTING in dict(form.fields["processes"].choices)
    assert '<select name="processes"' in response.content.decode()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"envelope_x_mm": "-3"}, "envelope_x_mm"),
        ({"processes": [LASER_CUTTING, "9.9.9"]}, "processes"),
        ({"processes": []}, "processes"),
        ({"name": ""}, "name"),
        ({"envelope_y_mm": "large"}, "envelope_y_mm"),
    ],
)
def test_the_form_shows_errors_beside_their_fields_and_saves_nothing(
    client, alice, workshop, change, field
):
    client.force_login(alice)

    response = client.post(f"/o/{workshop.slug}/machines/new/", _form_data(workshop, **change))

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {field}
    assert _has_error_beside(response, field)
    assert Machine.objects.count() == 0


def test_an_unknown_process_is_named_in_the_error(client, alice, workshop):
    client.force_login(alice)

    response = client.post(
        f"/o/{workshop.slug}/machines/new/", _form_data(workshop, processes=["9.9.9"])
    )

    assert "9.9.9" in response.context["form"].errors["processes"][0]


def test_the_action_errors_land_beside_their_fields(client, alice, workshop):
    client.force_login(alice)
    future = "2999"

    response = client.post(f"/o/{workshop.slug}/machines/new/", _form_data(workshop, year=future))

    assert set(response.context["form"].errors) == {"year"}
    assert _has_error_beside(response, "year")
    assert Machine.objects.count() == 0


def test_a_member_edits_a_machine(client, alice, laser, workshop):
    client.force_login(alice)
    form = client.get(f"/machines/{laser.pk}/edit/").context["form"]
    assert form.initial["processes"] == [LASER_CUTTING, LASER_ENGRAVING]

    response = client.post(
        f"/machines/{laser.pk}/edit/",
        _form_data(
            workshop, name="Trotec Speedy 400 (2)", processes=[LASER_CUTTING], status="down"
        ),
    )

    assert response.status_code == 302
    laser.refresh_from_db()
    assert (laser.name, laser.status) == ("Trotec Speedy 400 (2)", "down")
    assert [p.code for p in laser.processes.all()] == [LASER_CUTTING]


def test_a_bad_edit_changes_nothing(client, alice, laser, workshop):
    client.force_login(alice)

    response = client.post(
        f"/machines/{laser.pk}/edit/", _form_data(workshop, name="Renommée", envelope_z_mm="0")
    )

    assert response.status_code == 200
    assert _has_error_beside(response, "envelope_z_mm")
    laser.refresh_from_db()
    assert (laser.name, laser.envelope_z_mm) == ("Trotec Speedy 400", 20.0)


def test_a_member_of_another_organisation_gets_403(client, bob, laser, workshop, other_workshop):
    client.force_login(bob)

    assert client.get(f"/o/{workshop.slug}/machines/new/").status_code == 403
    assert client.post(f"/o/{workshop.slug}/machines/new/", _form_data(workshop)).status_code == 403
    assert client.get(f"/machines/{laser.pk}/edit/").status_code == 403
    response = client.post(f"/machines/{laser.pk}/edit/", _form_data(workshop, name="Pwned"))
    assert response.status_code == 403
    assert client.post(f"/machines/{laser.pk}/delete/").status_code == 403
    assert list(Machine.objects.values_list("name", flat=True)) == ["Trotec Speedy 400"]


def test_anonymous_visitors_are_sent_to_log_in(client, laser, workshop):
    response = client.post(f"/o/{workshop.slug}/machines/new/", _form_data(workshop))

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Machine.objects.count() == 1


def test_a_member_removes_a_machine(client, alice, laser, workshop):
    client.force_login(alice)

    response = client.post(f"/machines/{laser.pk}/delete/")

    assert response.status_code == 302 and response["Location"] == f"/o/{workshop.slug}/"
    assert not Machine.objects.filter(pk=laser.pk).exists()


def test_a_change_through_the_page_records_its_author(client, alice, laser, workshop):
    client.force_login(alice)

    client.post(f"/machines/{laser.pk}/edit/", _form_data(workshop, status="down"))

    latest = laser.history.order_by("-history_date", "-history_id").first()
    assert (latest.status, latest.history_user) == ("down", alice)


# ---------- documents ----------


def test_a_member_uploads_a_document(client, settings, tmp_path, alice, laser):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(alice)
    upload = SimpleUploadedFile("notice.pdf", b"%PDF-1.4 notice", content_type="application/pdf")

    response = client.post(
        f"/machines/{laser.pk}/documents/", {"kind": "manual", "title": "Notice", "file": upload}
    )

    assert response.status_code == 302
    document = MachineDocument.objects.get(machine=laser)
    assert (document.kind, document.title, document.url) == ("manual", "Notice", "")
    stored = tmp_path / document.file.name
    assert stored.read_bytes() == b"%PDF-1.4 notice"
    assert f'href="{document.file.url}"' in client.get(f"/machines/{laser.pk}/").content.decode()


def test_a_member_links_a_document(client, alice, laser):
    client.force_login(alice)

    client.post(
        f"/machines/{laser.pk}/documents/",
        {"kind": "risk_sheet", "title": "Fiche de risques", "url": "https://example.org/risk.pdf"},
    )

    document = MachineDocument.objects.get(machine=laser)
    assert (document.kind, document.url, document.file.name) == (
        "risk_sheet",
        "https://example.org/risk.pdf",
        "",
    )
    page = client.get(f"/machines/{laser.pk}/").content.decode()
    assert 'href="https://example.org/risk.pdf"' in page


def test_a_document_needs_a_file_or_a_link(client, alice, laser):
    client.force_login(alice)

    response = client.post(
        f"/machines/{laser.pk}/documents/", {"kind": "manual", "title": "Rien"}, follow=True
    )

    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert MachineDocument.objects.count() == 0


def test_a_stranger_cannot_add_a_document(client, bob, other_workshop, laser):
    client.force_login(bob)

    response = client.post(
        f"/machines/{laser.pk}/documents/",
        {"kind": "manual", "title": "Spam", "url": "https://example.org/spam"},
    )

    assert response.status_code == 403
    assert MachineDocument.objects.count() == 0


# ---------- the process tree, the organisation page, the map ----------


def _counts(response):
    assert response.status_code == 200
    return {p.code: count for p, count in response.context["processes"]}


def test_the_process_tree_shows_every_process_with_public_machine_counts(
    client, alice, bob, workshop, other_workshop, make_user, make_organisation
):
    _add(alice, workshop, "Laser", process_codes=[LASER_CUTTING])
    _add(bob, other_workshop, "Fraiseuse", process_codes=[MILLING])
    owner = make_user("owner")
    pending = make_organisation("Atelier Secret", admin=owner, status=OrganisationStatus.PENDING)
    _add(owner, pending, "Laser secret", process_codes=[LASER_CUTTING])

    response = client.get("/processes/")

    counts = _counts(response)
    assert counts[LASER_CUTTING] == 1
    assert counts["3.4"] == 1
    assert counts["3"] == 2
    assert counts["AM"] == 0
    page = response.content.decode()
    assert f'href="/processes/{LASER_CUTTING}/"' in page
    assert 'href="/processes/AM.3/"' in page


def test_the_process_tree_counts_a_machine_once_under_a_shared_ancestor(client, laser):
    # The laser cuts (3.4.1.1) and engraves (3.4.1.2): one machine for thermal removal (3.4.1).
    counts = _counts(client.get("/processes/"))

    assert (counts[LASER_CUTTING], counts[LASER_ENGRAVING]) == (1, 1)
    assert counts["3.4.1"] == 1
    assert counts["3"] == 1


def test_the_process_tree_counts_what_the_machine_list_shows(client, alice, workshop):
    _add(alice, workshop, "Laser", process_codes=[LASER_CUTTING])
    _add(alice, workshop, "Vieux laser", process_codes=[LASER_CUTTING], status="retired")

    counts = _counts(client.get("/processes/"))

    assert counts[LASER_CUTTING] == len(_listed(client.get(f"/machines/?process={LASER_CUTTING}")))


def test_a_process_link_opens_the_filtered_machine_list(client):
    response = client.get("/processes/3.4/")

    assert response.status_code == 302 and response["Location"] == "/machines/?process=3.4"
    assert client.get("/processes/9.9.9/").status_code == 404


def test_the_organisation_page_lists_its_machines(client, alice, workshop, laser):
    _add(alice, workshop, "Vieille cisaille", process_codes=["3.1.1"], status="retired")

    page = client.get(f"/o/{workshop.slug}/").content.decode()

    assert f'<a href="/machines/{laser.pk}/">Trotec Speedy 400</a>' in page
    assert "Vieille cisaille" not in page
    assert f"/o/{workshop.slug}/machines/new/" not in page


def test_the_organisation_page_offers_members_to_add_a_machine(client, alice, workshop):
    client.force_login(alice)

    page = client.get(f"/o/{workshop.slug}/").content.decode()

    assert f'href="/o/{workshop.slug}/machines/new/"' in page
