"""Recomputing a machine's stored figures from its records, on the real database."""

from __future__ import annotations

import pytest

from maillage.impact.actions.machines import recompute_all, recompute_machine_impact
from maillage.impact.circularity import material_circularity_indicator
from maillage.impact.models import FactorOverride, MachineImpact, MaterialShare
from maillage.impact.queries.factors import current_factors
from maillage.maintenance.models import Acquisition, OwnershipPeriod

pytestmark = pytest.mark.django_db


def test_a_machine_without_composition_has_no_mci_but_counts_its_use(world):
    world.checked_out("3.5")
    impact = recompute_machine_impact(world.laser)
    assert impact.mci is None and impact.mass_kg is None
    assert impact.hours_used == pytest.approx(3.5)
    assert impact.hours_shared == pytest.approx(3.5)
    assert impact.organisations_served == 1
    assert impact.utilisation == pytest.approx(3.5 / 1760)


def test_composition_gives_mci_mass_and_embodied_carbon(world):
    MaterialShare.objects.create(
        machine=world.laser, material="steel", mass_kg=8000, recycled_collection=0.95
    )
    impact = recompute_machine_impact(world.laser)
    expected = material_circularity_indicator(
        mass=8000,
        recycled_feedstock=0.40,
        reused_feedstock=0.0,
        recycled_collection=0.95,
        reused_collection=0.0,
        feedstock_recycling_efficiency=0.9,
        collection_recycling_efficiency=0.9,
    )
    assert impact.mci == pytest.approx(expected)
    assert round(impact.mci, 3) == 0.672
    assert impact.mass_kg == 8000
    assert impact.embodied_kgco2e == pytest.approx(8000 * 1.91 * 1.30)
    assert impact.factor_versions["recycled_feedstock.steel"] == 0


def test_a_second_hand_machine_is_reused_feedstock(world):
    MaterialShare.objects.create(machine=world.laser, material="steel", mass_kg=8000)
    before = recompute_machine_impact(world.laser).mci
    OwnershipPeriod.objects.create(
        machine=world.laser, organisation=world.organisation, acquisition=Acquisition.SECOND_HAND
    )
    after = recompute_machine_impact(world.laser).mci
    assert after > before


def test_an_override_is_used_and_named_with_its_version(world, coordinator):
    MaterialShare.objects.create(machine=world.laser, material="steel", mass_kg=1000)
    FactorOverride.objects.create(
        key="recycled_feedstock.steel",
        version=1,
        value=0.9,
        unit="fraction",
        source="Regional steel survey",
        year=2026,
        created_by=coordinator,
    )
    assert current_factors().get("recycled_feedstock.steel").status == "override"
    impact = recompute_machine_impact(world.laser)
    assert impact.factor_versions["recycled_feedstock.steel"] == 1
    assert recompute_all() == 1 and MachineImpact.objects.count() == 1
