"""`manage.py recompute_impact`, the nightly run: every machine, or the ones named."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from maillage.equipment import actions as equipment_actions
from maillage.impact.models import FactorOverride, MachineImpact, MaterialShare
from maillage.impact.tasks import recompute_impacts

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("recompute_impact", *args, stdout=out)
    return out.getvalue()


def test_it_recomputes_every_machine_with_the_factors_in_force(world, coordinator):
    lathe = equipment_actions.create_machine(
        world.host,
        world.organisation,
        equipment_actions.MachineInput(name="Tour", process_codes=["3.2.1"]),
    )
    MaterialShare.objects.create(machine=world.laser, material="steel", mass_kg=500)
    assert _run().startswith("2 machine(s) recomputed in ")
    laser = MachineImpact.objects.get(machine=world.laser)
    assert laser.mci is not None
    assert MachineImpact.objects.get(machine=lathe).mci is None

    FactorOverride.objects.create(
        key="recycled_feedstock.steel",
        version=1,
        value=0.9,
        unit="fraction",
        source="Regional survey",
        year=2025,
    )
    before = laser.mci
    _run()
    laser.refresh_from_db()
    assert laser.mci > before and laser.factor_versions["recycled_feedstock.steel"] == 1


def test_it_recomputes_only_the_machines_named(world):
    other = equipment_actions.create_machine(
        world.host,
        world.organisation,
        equipment_actions.MachineInput(name="Tour", process_codes=["3.2.1"]),
    )
    assert _run(str(world.laser.pk)).startswith("1 machine(s) recomputed")
    assert list(MachineImpact.objects.values_list("machine_id", flat=True)) == [world.laser.pk]
    assert not MachineImpact.objects.filter(machine=other).exists()


def test_the_task_the_worker_runs_does_the_same(world):
    world.checked_out("2")
    result = recompute_impacts.enqueue()
    assert result.return_value == 1
    assert MachineImpact.objects.get(machine=world.laser).hours_shared == pytest.approx(2)
