"""Importing OKH manifests as designs: parts, processes, masses and sizes; all or nothing;
re-imports keep hand corrections; who may import and correct."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from maillage.designs.actions import designs as design_actions
from maillage.designs.actions import okh as actions
from maillage.designs.models import Design, DesignPart, PartProcess, ProcessSource
from maillage.designs.tests.okh_world import World, make_world, manifest_bytes
from maillage.equipment.models import Process

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Any:
    """The messages are checked in English (the French ones come with the translations)."""
    with translation.override("en"):
        yield


@pytest.fixture
def world(make_user: Any, make_organisation: Any) -> World:
    return make_world(make_user, make_organisation)


def _codes(part: DesignPart) -> list[str]:
    return sorted(part.processes.values_list("process__code", flat=True))


def test_ohloom_imports_its_18_parts_with_processes_masses_and_sizes(world: World) -> None:
    design = actions.import_manifest(
        world.member, world.organisation, manifest_bytes("ohloom.okh.toml")
    )
    design.refresh_from_db()
    assert (design.slug, design.name, design.licence) == ("ohloom", "OHLOOM", "CC-BY-SA-4.0")
    assert design.organisation == world.organisation and design.created_by == world.member
    assert design.image_url == (
        "https://gitlab.com/OSEGermany/ohloom/-/raw/HEAD/Documentation/User_Guide/User_Guide.jpg"
    )
    parts = list(design.parts.order_by("position"))
    assert len(parts) == 18
    clamp = parts[0]
    assert (clamp.name, clamp.material_text, clamp.material, clamp.mass_g) == (
        "Clamp Ring",
        "ABS",
        "plastics",
        30.0,
    )
    assert (clamp.size_x_mm, clamp.size_y_mm, clamp.size_z_mm) == (56.0, 56.0, 30.0)
    assert _codes(clamp) == ["AM.3"]
    side = design.parts.get(name="SideFrame")
    assert (side.tsdc, side.material, side.off_the_shelf) == ("CNC COT", "wood", False)
    assert (side.size_x_mm, side.size_y_mm, side.size_z_mm, side.mass_g) == (580, 140, 18, 700)
    assert _codes(side) == ["WOOD.3.1"]
    assert PartProcess.objects.filter(part__design=design).count() == 18
    assert PartProcess.objects.filter(part__design=design, process__code="AM.3").count() == 11


def test_planktoscope_and_acraea(world: World) -> None:
    plankto = actions.import_manifest(
        world.admin, world.organisation, manifest_bytes("planktoscope.okh.toml")
    )
    case, hat = plankto.parts.order_by("position")
    assert _codes(case) == ["3.2.3"] and _codes(hat) == ["ELEC.2"]
    assert (case.size_x_mm, case.size_y_mm, case.size_z_mm) == (275, 125, 105)
    assert hat.mass_g is None
    acraea = actions.import_manifest(
        world.admin, world.organisation, manifest_bytes("librewater-acraea.okh.toml")
    )
    assert acraea.parts.count() == 0 and acraea.licence == "CERN-OHL-S-2.0"
    assert acraea.repository == "https://codeberg.org/LibreWater/Acraea-Prototype/"


def test_off_the_shelf_part_has_no_process(world: World) -> None:
    text = b'name = "Tabouret"\n[[part]]\nname = "Vis M6"\ntsdc = "COT"\nquantity = 12\n'
    design = actions.import_manifest(world.member, world.organisation, text)
    part = design.parts.get()
    assert part.off_the_shelf and part.quantity == 12 and part.processes.count() == 0


def test_not_toml_saves_nothing_and_names_the_line(world: World) -> None:
    with pytest.raises(ValidationError) as error:
        actions.import_manifest(world.member, world.organisation, b'name = "x"\n\nbad line\n')
    assert "line 3" in error.value.messages[0]
    assert Design.objects.count() == 0


def test_a_bad_part_on_reimport_leaves_the_design_as_it_was(world: World) -> None:
    design = actions.import_manifest(
        world.member, world.organisation, manifest_bytes("planktoscope.okh.toml")
    )
    broken = manifest_bytes("planktoscope.okh.toml").replace(
        b'outer-dimension = "cube(size = [100,65,10])"', b'outer-dimension = "torus(1)"'
    )
    with pytest.raises(ValidationError) as error:
        actions.import_manifest(world.member, world.organisation, broken)
    assert "part 2 (PlanktoScope-HAT)" in error.value.messages[0]
    assert design.parts.count() == 2 and PartProcess.objects.count() == 2


def test_reimport_updates_and_keeps_hand_corrections(world: World) -> None:
    data = manifest_bytes("ohloom.okh.toml")
    design = actions.import_manifest(world.member, world.organisation, data)
    shuttle = design.parts.get(name="Shuttle")
    laser = Process.objects.get(code="3.4.1.1")
    design_actions.correct_processes(world.admin, shuttle, [laser.pk])
    changed = data.replace(b'version = "0.10.0"', b'version = "0.11.0"').replace(
        b'name = "CrossBeam"', b'name = "Cross Beam"'
    )
    again = actions.import_manifest(world.member, world.organisation, changed)
    assert again.pk == design.pk and Design.objects.count() == 1
    again.refresh_from_db()
    assert again.version == "0.11.0"
    shuttle.refresh_from_db()
    assert list(shuttle.processes.values_list("process__code", "source")) == [
        ("3.4.1.1", ProcessSource.MANUAL)
    ]
    assert design.parts.count() == 18
    assert not design.parts.filter(name="CrossBeam").exists()
    assert _codes(design.parts.get(name="Cross Beam")) == ["WOOD.3.1"]


def test_only_members_import_and_only_admins_correct(world: World, coordinator: Any) -> None:
    with pytest.raises(PermissionDenied):
        actions.import_manifest(
            world.outsider, world.organisation, manifest_bytes("ohloom.okh.toml")
        )
    design = actions.import_manifest(
        world.member, world.organisation, manifest_bytes("ohloom.okh.toml")
    )
    # Another organisation cannot take the design over by importing the same repository.
    with pytest.raises(PermissionDenied):
        actions.import_manifest(world.outsider, world.other, manifest_bytes("ohloom.okh.toml"))
    part = design.parts.first()
    assert part is not None
    laser = Process.objects.get(code="3.4.1.1")
    for user in (world.member, world.outsider):
        with pytest.raises(PermissionDenied):
            design_actions.correct_processes(user, part, [laser.pk])
    design_actions.correct_processes(coordinator, part, [laser.pk])
    assert _codes(part) == ["3.4.1.1"]
    with pytest.raises(ValidationError):
        design_actions.correct_processes(world.admin, part, [])
    assert _codes(part) == ["3.4.1.1"]


def test_import_from_a_private_address_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as error:
        actions.import_from_url(world.member, world.organisation, "http://169.254.169.254/")
    assert "link-local" in error.value.messages[0]
    assert Design.objects.count() == 0


def test_demo_loads_twice(make_user: Any, make_organisation: Any, coordinator: Any) -> None:
    from maillage.demo.designs_okh import PUBLISHERS, load_designs_okh_demo
    from maillage.directory.models import Organisation

    make_user("coordination", is_coordinator=True)
    for index, (_file, slug) in enumerate(PUBLISHERS):
        organisation = make_organisation(f"Atelier {index}")
        Organisation.objects.filter(pk=organisation.pk).update(slug=slug)
    assert load_designs_okh_demo() == 3
    assert load_designs_okh_demo() == 3
    assert Design.objects.count() == 3
    assert DesignPart.objects.count() == 20


def test_a_bad_repository_is_named_and_an_odd_image_dropped(world: World) -> None:
    text = b'name = "Banc"\nrepo = "not an address"\n'
    with pytest.raises(ValidationError) as error:
        actions.import_manifest(world.member, world.organisation, text)
    assert error.value.messages[0].startswith("repo: ")
    text = b'name = "Banc"\nrepo = "https://example.org/banc"\nimage = "a b\\u0000c.jpg"\n'
    with pytest.raises(ValidationError) as error:
        actions.import_manifest(world.member, world.organisation, text)
    assert error.value.messages == ["The field 'image' holds a control character."]
    text = b'name = "Banc"\nrepo = "https://example.org/banc"\nimage = "a b c.jpg"\n'
    design = actions.import_manifest(world.member, world.organisation, text)
    assert design.image_url == ""


def test_same_name_from_another_repository_is_another_design(world: World) -> None:
    first = actions.import_manifest(
        world.member, world.organisation, b'name = "Banc"\nrepo = "https://example.org/a"\n'
    )
    second = actions.import_manifest(
        world.outsider, world.other, b'name = "Banc"\nrepo = "https://example.org/b"\n'
    )
    assert (first.slug, second.slug) == ("banc", "banc-2")
    assert second.organisation == world.other
