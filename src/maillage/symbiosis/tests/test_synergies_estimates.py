"""A synergy's estimates were computed from both sides' private figures: before both accept,
the other side reads neither the € and CO2 nor the exact distance, and the proposal's answer
keeps the other side's quantity and price hidden."""

from __future__ import annotations

import json

import pytest

from maillage.symbiosis.models import Synergy
from maillage.symbiosis.tests import declaration_world
from maillage.symbiosis.tests.declaration_world import World, secrets_in

world = declaration_world.world

pytestmark = pytest.mark.django_db


def _estimated(world: World, *, accepted: bool) -> Synergy:
    synergy = world.synergy(accepted=accepted)
    synergy.euros_saved_per_year = 4321.0
    synergy.co2_avoided_kg_per_year = 9876.0
    synergy.distance_km = 23.37
    synergy.explanation = "Environ 23 km par la route."
    synergy.save()
    return synergy


def test_the_proposal_answer_hides_the_other_side_s_private_figures(world: World) -> None:
    client = world.client("partner")
    response = client.post(
        "/api/v1/symbiosis/synergies",
        json.dumps({"offer_id": world.offer.pk, "demand_id": world.demand.pk}),
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert not any(secrets_in(response.content.decode()).values())
    assert body["euros_saved_per_year"] is None and body["co2_avoided_kg_per_year"] is None
    assert body["distance_km"] is None or body["distance_km"] % 5 == 0


def test_before_both_accept_a_side_reads_no_estimate_and_a_rounded_distance(
    world: World,
) -> None:
    synergy = _estimated(world, accepted=False)
    page = world.client("partner").get(f"/symbiosis/synergies/{synergy.pk}/").content.decode()
    api = world.client("partner").get(f"/api/v1/symbiosis/synergies/{synergy.pk}").json()

    assert "4\u202f321" not in page and "4 321" not in page and "9,9" not in page
    assert "environ 25 km" in page and "23,4" not in page
    assert "Environ 23 km par la route" not in page
    assert api["euros_saved_per_year"] is None and api["distance_km"] == 25.0


def test_once_both_accept_each_side_reads_the_estimates(world: World) -> None:
    synergy = _estimated(world, accepted=True)
    page = world.client("partner").get(f"/symbiosis/synergies/{synergy.pk}/").content.decode()
    api = world.client("owner").get(f"/api/v1/symbiosis/synergies/{synergy.pk}").json()

    assert "23,4 km" in page and "Environ 23 km par la route" in page
    assert api["euros_saved_per_year"] == 4321.0 and api["distance_km"] == 23.37


def test_a_coordinator_reads_the_estimates_before_acceptance(world: World) -> None:
    synergy = _estimated(world, accepted=False)
    api = world.client("coordinator").get(f"/api/v1/symbiosis/synergies/{synergy.pk}").json()
    assert api["co2_avoided_kg_per_year"] == 9876.0 and api["distance_km"] == 23.37
