"""The scenario API: the issue's vectors, pre-fill under the privacy threshold, 422 by name."""

from __future__ import annotations

import pytest
from django.test import Client

from maillage.directory.actions import people as people_actions
from maillage.impact.tests.scenario_world import LASER

pytestmark = pytest.mark.django_db

SHARE = "/api/v1/impact/scenarios/share"
RETROFIT = "/api/v1/impact/scenarios/retrofit"


def fixed(value: float) -> dict:
    return {"shape": "fixed", "likely": value}


VECTOR = {
    "organisations": 3,
    "draws": 2_000,
    "price": fixed(150_000),
    "residual_share": fixed(0.10),
    "discount_rate": fixed(0.05),
    "life_years": fixed(15),
    "fixed_share_of_price": fixed(0.03),
    "fixed_costs_per_year": fixed(2_000),
    "hours_available": fixed(1_760),
    "utilisation_solo": fixed(0.30),
    "utilisation_shared": fixed(0.70),
    "variable_per_hour": fixed(6.50),
    "coordination_per_hour": fixed(3),
    "coordination_setup": fixed(5_000),
    "embodied_kgco2e": fixed(24_000),
    "kwh_per_hour": fixed(0),
    "grid_kgco2e_per_kwh": fixed(0.052),
}


def token_client(user) -> tuple[Client, dict]:
    token = people_actions.create_api_token(user, "scenarios")[1]
    return Client(), {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def post(user, url: str, body: dict):
    client, headers = token_client(user)
    return client.post(url, body, content_type="application/json", **headers)


def test_the_share_vector_answers_44_86_and_25_94(scenario_world):
    answer = post(scenario_world.fanny, SHARE, VECTOR)
    assert answer.status_code == 200, answer.content
    body = answer.json()
    out = body["outputs"]
    assert round(out["cost_solo"]["p50"], 2) == 44.86
    assert round(out["cost_shared"]["p50"], 2) == 25.94
    assert round(out["carbon_solo"]["p50"], 2) == 3.03
    assert round(out["carbon_shared"]["p50"], 2) == 1.30
    assert out["cost_solo"]["p10"] == out["cost_solo"]["p90"]
    assert body["probabilities"]["shared_cheaper"] == 1.0
    assert body["draws"] == 2_000 and body["seed"] == 2026 and body["count"] == 3
    assert all(item["given"] for item in body["inputs"].values())
    assert sum(out["cost_shared"]["histogram"]["counts"]) == 2_000


def test_omitted_inputs_come_from_the_inventory_of_the_process(scenario_world, settings):
    answer = post(scenario_world.fanny, SHARE, {"organisations": 3, "process": LASER})
    assert answer.status_code == 200, answer.content
    body = answer.json()
    price = body["inputs"]["price"]
    assert (price["low"], price["likely"], price["high"]) == (140_000, 160_000, 180_000)
    assert price["origin"] == "inventory" and not price["given"]
    keys = {factor["key"]: factor for factor in body["factors"]}
    assert keys["coordination_cost_per_hour"]["version"] == 0
    settings.IMPACT_MIN_CONTRIBUTORS = 4
    below = post(scenario_world.fanny, SHARE, {"organisations": 3, "process": LASER}).json()
    assert below["inputs"]["price"]["likely"] == 50_000
    assert below["inputs"]["price"]["origin"] == "factor"


def test_the_same_seed_answers_the_same_figures(scenario_world):
    body = {"organisations": 4, "process": LASER, "seed": 99, "draws": 5_000}
    first = post(scenario_world.fanny, SHARE, body).json()
    again = post(scenario_world.fanny, SHARE, body).json()
    assert first["outputs"] == again["outputs"]
    other = post(scenario_world.fanny, SHARE, {**body, "seed": 100}).json()
    assert other["outputs"]["cost_shared"]["p50"] != first["outputs"]["cost_shared"]["p50"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"price": {"low": 200_000, "likely": 150_000, "high": 250_000}}, "price"),
        ({"price": {"shape": "triangular", "low": 1, "high": 2}}, "price"),
        ({"utilisation_shared": {"shape": "uniform", "low": 0.5}}, "utilisation_shared"),
        ({"utilisation_solo": fixed(1.5)}, "utilisation_solo"),
        ({"life_years": {"shape": "fixed"}}, "life_years"),
        ({"grid_kgco2e_per_kwh": fixed(1e300)}, "grid_kgco2e_per_kwh"),
        ({"organisations": 1}, "organisations"),
        ({"process": "9.9.9"}, "process"),
        ({"draws": 0}, "draws"),
        ({"price": {"shape": "lognormal", "likely": 1}}, "price"),
    ],
)
def test_a_refused_input_answers_422_naming_it(scenario_world, change, field):
    answer = post(scenario_world.fanny, SHARE, {**VECTOR, **change})
    assert answer.status_code == 422, answer.content
    locations = [entry["loc"] for entry in answer.json()["detail"]]
    assert any(field in location for location in locations), locations


def test_a_payback_that_never_comes_is_null_not_infinity(scenario_world):
    dear = {**VECTOR, "coordination_per_hour": fixed(80)}
    body = post(scenario_world.fanny, SHARE, dear).json()
    payback = body["outputs"]["payback_years"]
    assert payback["p50"] is None and payback["never"] == 1.0 and payback["mean"] is None


def test_signing_in_is_needed(scenario_world):
    answer = Client().post(SHARE, VECTOR, content_type="application/json")
    assert answer.status_code == 401


def test_retrofit_by_count_matches_the_maintenance_vector(scenario_world):
    body = {
        "machines": 3,
        "new_price": fixed(150_000),
        "new_life_years": fixed(15),
        "retrofit_price": fixed(50_000),
        "retrofit_life_years": fixed(10),
        "discount_rate": fixed(0.05),
        "new_embodied_kgco2e": fixed(24_000),
        "retrofit_embodied_kgco2e": fixed(4_000),
        "new_kwh_per_year": fixed(12_000),
        "retrofit_kwh_per_year": fixed(13_500),
        "grid_kgco2e_per_kwh": fixed(0.052),
        "electricity_eur_per_kwh": fixed(0.2),
        "horizon_years": fixed(15),
    }
    answer = post(scenario_world.fanny, RETROFIT, body)
    assert answer.status_code == 200, answer.content
    out = answer.json()["outputs"]
    assert round(out["replace_cost_per_year"]["p50"] / 3) == 14_451
    assert round(out["retrofit_kgco2e"]["p50"] / 3) == 14_530
    assert round(out["carbon_breakeven_years"]["p50"]) == 256


def test_retrofit_pre_fills_from_machines_the_caller_may_see(scenario_world):
    world = scenario_world
    mine = post(world.alice, RETROFIT, {"machine_ids": [world.a_laser.pk]}).json()
    assert mine["count"] == 1 and mine["inputs"]["new_price"]["likely"] == 100_000
    assert mine["inputs"]["new_price"]["origin"] == "records"
    theirs = post(world.bob, RETROFIT, {"machine_ids": [world.a_laser.pk]}).json()
    assert theirs["inputs"]["new_price"]["likely"] == 150_000
    hidden = post(world.bob, RETROFIT, {"machine_ids": [world.d_laser.pk]})
    assert hidden.status_code == 422 and "machine_ids" in str(hidden.json())
    nothing = post(world.bob, RETROFIT, {})
    assert nothing.status_code == 422 and "machines" in str(nothing.json())
