"""A small territory for "who can make this": machines in and out of reach, a design to make.

Marseille: a laser cutter for steel (1000 × 600 × 20 mm) at the Atelier Vieux-Port. Nice (about
160 km away): a large laser cutter (3000 × 1500 × 30 mm), out of a 50 km reach. The design has a
small steel plate (made in Marseille), a large one (too big for the Marseille laser), a wooden
lid (no laser near takes wood), a screw bought off the shelf.
"""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps

from maillage.designs.models import Design, DesignPart, PartProcess
from maillage.directory.models import Membership, Role
from maillage.equipment import actions as equipment_actions
from maillage.equipment.models import Process
from maillage.matching.loader import CACHE
from maillage.sharing.actions import offers as offer_actions

LASER_CUTTING = "3.4.1.1"


@pytest.fixture(autouse=True)
def _fresh_index() -> Any:
    CACHE.clear()
    yield
    CACHE.clear()


@pytest.fixture
def taxonomy(db: Any) -> None:
    if not Process.objects.exists():
        importlib.import_module("maillage.equipment.migrations.0002_processes").load(apps, None)


def shared_machine(
    host: Any,
    organisation: Any,
    name: str,
    envelope: Any,
    materials: list[str],
    audience: str = "registered",
):
    machine = equipment_actions.create_machine(
        host,
        organisation,
        equipment_actions.MachineInput(
            name=name,
            process_codes=[LASER_CUTTING],
            materials=materials,
            envelope_x_mm=envelope[0],
            envelope_y_mm=envelope[1],
            envelope_z_mm=envelope[2],
        ),
    )
    offer_actions.save_offer(
        host,
        machine,
        offer_actions.OfferInput(
            audience=audience,
            mode="self_service",
            price_own_cents=1000,
            price_member_cents=2000,
            price_outsider_cents=3000,
            max_minutes=600,
        ),
    )
    return machine


def part(design: Design, name: str, *, processes=(LASER_CUTTING,), position=0, **fields):
    made = DesignPart.objects.create(design=design, name=name, position=position, **fields)
    for code in processes:
        PartProcess.objects.create(part=made, process=Process.objects.get(code=code))
    return made


@pytest.fixture
def world(taxonomy: Any, make_user: Any, make_organisation: Any) -> dict[str, Any]:
    alice, nina, dave = make_user("alice"), make_user("nina"), make_user("dave")
    org_a = make_organisation("Atelier Vieux-Port", admin=alice)
    org_n = make_organisation("Fablab Niçois", admin=nina, commune="Nice", postal_code="06000")
    org_d = make_organisation("Menuiserie du Panier", commune="Marseille", postal_code="13002")
    Membership.objects.create(user=dave, organisation=org_d, role=Role.MEMBER)
    near = shared_machine(alice, org_a, "Laser Vieux-Port", (1000, 600, 20), ["steel"])
    far = shared_machine(nina, org_n, "Grand laser", (3000, 1500, 30), ["steel", "wood"])
    design = Design.objects.create(slug="presse", name="Presse à huile", organisation=org_a)
    parts = {
        "plate": part(
            design,
            "Plaque",
            position=1,
            material="steel",
            quantity=2,
            mass_g=800,
            size_x_mm=500,
            size_y_mm=300,
            size_z_mm=3,
        ),
        "big": part(
            design,
            "Grande plaque",
            position=2,
            material="steel",
            mass_g=4000,
            size_x_mm=1800,
            size_y_mm=1200,
            size_z_mm=3,
        ),
        "lid": part(
            design,
            "Couvercle",
            position=3,
            material="wood",
            mass_g=1200,
            size_x_mm=400,
            size_y_mm=400,
            size_z_mm=18,
        ),
        "screw": part(design, "Vis M6", position=4, processes=(), off_the_shelf=True, quantity=8),
    }
    CACHE.clear()
    return {
        "alice": alice,
        "nina": nina,
        "dave": dave,
        "orgs": {"a": org_a, "n": org_n, "d": org_d},
        "machines": {"near": near, "far": far},
        "design": design,
        "parts": parts,
    }
