"""Machines through their actions: what is checked, what is stored, how the filters read it."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from maillage.equipment import actions
from maillage.equipment.models import Machine, MachineMaterial, Process
from maillage.equipment.queries import MachineFilters, filter_machines

pytestmark = pytest.mark.django_db

LASER_CUTTING, LASER_ENGRAVING, MILLING = "3.4.1.1", "3.4.1.2", "3.2.3"


@pytest.fixture
def alice(make_user):
    return make_user("alice")


@pytest.fixture
def workshop(make_organisation, alice):
    return make_organisation("Atelier Alice", admin=alice)


def _input(**overrides):
    data = {
        "name": "Trotec Speedy 400",
        "process_codes": [LASER_CUTTING, LASER_ENGRAVING],
        "envelope_x_mm": 1000.0,
        "envelope_y_mm": 600.0,
        "envelope_z_mm": 20.0,
        **overrides,
    }
    return actions.MachineInput(**data)


def _add(actor, organisation, **overrides):
    return actions.create_machine(actor, organisation, _input(**overrides))


def _errors(exc_info):
    return exc_info.value.message_dict


def _found(**filters):
    """Names of the machines the shared filters keep, as the list, API and map read them."""
    params = MachineFilters.from_params(filters)
    return sorted(m.name for m in filter_machines(Machine.objects.all(), params))


def test_it_creates_a_machine_with_two_processes_and_an_envelope(alice, workshop):
    machine = _add(alice, workshop)

    machine = Machine.objects.get(pk=machine.pk)
    assert sorted(p.code for p in machine.processes.all()) == [LASER_CUTTING, LASER_ENGRAVING]
    assert machine.envelope() == (1000.0, 600.0, 20.0)
    assert machine.organisation == workshop
    assert machine.site == workshop.sites.get(is_main=True)


def test_it_refuses_a_negative_dimension_and_saves_nothing(alice, workshop):
    with pytest.raises(ValidationError) as exc_info:
        _add(alice, workshop, envelope_x_mm=-5.0)

    assert set(_errors(exc_info)) == {"envelope_x_mm"}
    assert Machine.objects.count() == 0
    assert Machine.processes.through.objects.count() == 0


def test_it_refuses_an_unknown_process_code_naming_it(alice, workshop):
    with pytest.raises(ValidationError) as exc_info:
        _add(alice, workshop, process_codes=[LASER_CUTTING, "9.9.9"])

    assert "9.9.9" in _errors(exc_info)["processes"][0]
    assert LASER_CUTTING not in _errors(exc_info)["processes"][0]
    assert Machine.objects.count() == 0


def test_it_refuses_a_year_in_the_future(alice, workshop):
    with pytest.raises(ValidationError) as exc_info:
        _add(alice, workshop, year=datetime.date.today().year + 1)

    assert set(_errors(exc_info)) == {"year"}
    assert Machine.objects.count() == 0


def test_it_refuses_a_site_of_another_organisation(alice, workshop, make_organisation):
    elsewhere = make_organisation("Atelier Bob").sites.get()

    with pytest.raises(ValidationError) as exc_info:
        _add(alice, workshop, site_id=elsewhere.pk)

    assert set(_errors(exc_info)) == {"site"}
    assert Machine.objects.count() == 0


def test_it_asks_for_at_least_one_process(alice, workshop):
    with pytest.raises(ValidationError) as exc_info:
        _add(alice, workshop, process_codes=["  "])

    assert set(_errors(exc_info)) == {"processes"}
    assert Machine.objects.count() == 0


def test_it_stores_the_materials_worked(alice, workshop):
    machine = _add(alice, workshop, materials=["wood", "plastics", "wood"])

    assert Machine.objects.get(pk=machine.pk).material_codes() == ["plastics", "wood"]


def test_it_replaces_the_materials_on_update(alice, workshop):
    machine = _add(alice, workshop, materials=["wood", "plastics"])

    actions.update_machine(alice, machine, _input(materials=["plastics", "leather"]))

    assert sorted(MachineMaterial.objects.values_list("material", flat=True)) == [
        "leather",
        "plastics",
    ]


def test_it_refuses_an_unknown_material(alice, workshop):
    with pytest.raises(ValidationError) as exc_info:
        _add(alice, workshop, materials=["wood", "unobtainium"])

    assert "unobtainium" in _errors(exc_info)["materials"][0]
    assert Machine.objects.count() == 0


def test_a_search_without_accents_finds_the_machine_name(alice, workshop):
    _add(alice, workshop, name="Découpe laser de l'atelier", process_codes=[MILLING])

    assert _found(q="decoupe laser") == ["Découpe laser de l'atelier"]
    assert _found(q="DÉCOUPE plasma") == []


def test_a_search_finds_a_machine_by_its_process_label(alice, workshop):
    _add(alice, workshop, name="Trotec Speedy 400", process_codes=[LASER_CUTTING])

    assert _found(q="decoupe laser") == ["Trotec Speedy 400"]


def test_the_database_refuses_a_zero_or_negative_envelope_past_the_action(alice, workshop):
    machine = _add(alice, workshop)

    for value in (0.0, -1.0):
        with pytest.raises(IntegrityError), transaction.atomic():
            Machine.objects.filter(pk=machine.pk).update(envelope_y_mm=value)

    machine.refresh_from_db()
    assert machine.envelope_y_mm == 600.0


def test_the_database_accepts_an_unknown_envelope(alice, workshop):
    machine = _add(alice, workshop, envelope_x_mm=None, envelope_y_mm=None, envelope_z_mm=None)

    assert Machine.objects.get(pk=machine.pk).envelope() is None


def test_the_process_filter_includes_descendants(alice, workshop):
    _add(alice, workshop, name="Laser", process_codes=[LASER_CUTTING])

    assert _found(process="3.4") == ["Laser"]
    assert _found(process="3") == ["Laser"]
    assert _found(process=LASER_CUTTING) == ["Laser"]
    assert _found(process="3.2") == []
    assert _found(process=LASER_ENGRAVING) == []


def test_the_process_filter_lists_a_machine_once_even_with_two_matching_processes(alice, workshop):
    _add(alice, workshop, name="Laser", process_codes=[LASER_CUTTING, LASER_ENGRAVING])

    assert _found(process="3.4.1") == ["Laser"]


def test_the_process_filter_refuses_an_unknown_code(alice, workshop):
    with pytest.raises(ValidationError) as exc_info:
        MachineFilters.from_params({"process": "9.9.9"})

    assert "9.9.9" in _errors(exc_info)["process"][0]


def test_the_envelope_filter_keeps_machines_at_least_that_large(alice, workshop):
    _add(alice, workshop, name="Grand", envelope_x_mm=1000.0, envelope_y_mm=600.0)
    _add(alice, workshop, name="Petit", envelope_x_mm=300.0, envelope_y_mm=200.0)
    _add(alice, workshop, name="Inconnu", envelope_x_mm=None, envelope_y_mm=None)

    assert _found(min_x="900") == ["Grand"]
    assert _found(min_x="1000", min_y="600", min_z="20") == ["Grand"]
    assert _found(min_x="1000,5") == []
    assert _found(min_y="200") == ["Grand", "Petit"]
    assert _found(min_z="21") == []


def test_the_envelope_filter_refuses_a_negative_or_non_numeric_value(alice, workshop):
    with pytest.raises(ValidationError) as exc_info:
        MachineFilters.from_params({"min_x": "-3", "min_z": "abc"})

    assert set(_errors(exc_info)) == {"min_x", "min_z"}


def test_retired_machines_are_hidden_unless_asked_for(alice, workshop):
    _add(alice, workshop, name="En service")
    _add(alice, workshop, name="Réformée", status="retired")

    assert _found() == ["En service"]
    assert _found(status="retired") == ["Réformée"]
    assert _found(status="operational") == ["En service"]


def test_a_member_of_another_organisation_cannot_add_edit_or_remove(alice, workshop, make_user):
    machine = _add(alice, workshop)
    bob = make_user("bob")

    with pytest.raises(PermissionDenied):
        _add(bob, workshop, name="Intrus")
    with pytest.raises(PermissionDenied):
        actions.update_machine(bob, machine, _input(name="Renommée"))
    with pytest.raises(PermissionDenied):
        actions.delete_machine(bob, machine)

    assert list(Machine.objects.values_list("name", flat=True)) == ["Trotec Speedy 400"]


def test_a_coordinator_moves_a_process_and_its_subtree_follows(alice, workshop, coordinator):
    _add(alice, workshop, name="Laser", process_codes=[LASER_CUTTING])
    thermal = Process.objects.get(code="3.4.1")
    thermal.parent = Process.objects.get(code="3.3.6")

    actions.save_process(coordinator, thermal)

    moved = Process.objects.get(code=LASER_CUTTING)
    assert moved.path == "|3|3.3|3.3.6|3.4.1|3.4.1.1|"
    assert (Process.objects.get(code="3.4.1").depth, moved.depth) == (3, 4)
    assert _found(process="3.3") == ["Laser"]
    assert _found(process="3.4") == []


def test_only_a_coordinator_edits_the_taxonomy(alice):
    thermal = Process.objects.get(code="3.4.1")
    thermal.parent = Process.objects.get(code="3.3")

    with pytest.raises(PermissionDenied):
        actions.save_process(alice, thermal)

    assert Process.objects.get(code=LASER_CUTTING).path == "|3|3.4|3.4.1|3.4.1.1|"


def test_a_process_cannot_be_moved_under_its_own_descendant(coordinator):
    branch = Process.objects.get(code="3.4")
    branch.parent = Process.objects.get(code=LASER_CUTTING)

    with pytest.raises(ValidationError) as exc_info:
        actions.save_process(coordinator, branch)

    assert "parent" in _errors(exc_info)
    assert Process.objects.get(code="3.4").path == "|3|3.4|"
    assert Process.objects.get(code=LASER_CUTTING).path == "|3|3.4|3.4.1|3.4.1.1|"


def test_the_audit_trail_records_who_changed_a_machine(alice, workshop, make_user):
    from maillage.directory.models import Membership

    bruno = make_user("bruno")
    Membership.objects.create(user=bruno, organisation=workshop, role="member")
    machine = _add(alice, workshop)

    actions.update_machine(bruno, machine, _input(status="down"))

    history = list(machine.history.order_by("history_date", "history_id"))
    assert (history[0].history_type, history[0].history_user) == ("+", alice)
    assert (history[-1].status, history[-1].history_user) == ("down", bruno)
