"""The issue's test vectors for the plain formulas, and their refusals."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from maillage.impact.circularity import (
    MaterialFlow,
    fleet_mci,
    machine_mci,
    material_circularity_indicator,
)
from maillage.impact.cti import Inflow, Outflow, circularity
from maillage.impact.sharing import carbon_per_hour, cost_per_hour

LINEAR = dict(
    mass=1000.0,
    recycled_feedstock=0.0,
    reused_feedstock=0.0,
    recycled_collection=0.0,
    reused_collection=0.0,
    feedstock_recycling_efficiency=1.0,
    collection_recycling_efficiency=1.0,
)
MACHINE_8T = dict(
    mass=8000.0,
    recycled_feedstock=0.4,
    reused_feedstock=0.0,
    recycled_collection=0.95,
    reused_collection=0.0,
    feedstock_recycling_efficiency=0.9,
    collection_recycling_efficiency=0.9,
)


def test_fully_linear_is_one_tenth():
    assert material_circularity_indicator(**LINEAR) == pytest.approx(0.100)


def test_fully_recycled_with_perfect_efficiency_is_one():
    full = {**LINEAR, "recycled_feedstock": 1.0, "recycled_collection": 1.0}
    assert material_circularity_indicator(**full) == pytest.approx(1.000)


def test_utility_doubles_and_halves():
    assert material_circularity_indicator(**LINEAR, lifetime_ratio=2.0) == pytest.approx(0.550)
    assert material_circularity_indicator(**LINEAR, intensity_ratio=0.5) == 0.0


def test_the_eight_tonne_machine_retrofitted_then_shared():
    assert round(material_circularity_indicator(**MACHINE_8T), 3) == 0.672
    retrofitted = {**MACHINE_8T, "reused_feedstock": 0.9, "recycled_feedstock": 0.04}
    assert round(material_circularity_indicator(**retrofitted), 4) == 0.9265
    shared = material_circularity_indicator(**retrofitted, intensity_ratio=2.0)
    assert round(shared, 4) == 0.9632


@pytest.mark.parametrize(
    "change",
    [
        {"recycled_feedstock": -0.1},
        {"recycled_feedstock": 1.2},
        {"recycled_feedstock": 0.6, "reused_feedstock": 0.5},
        {"recycled_collection": 0.7, "reused_collection": 0.4},
        {"collection_recycling_efficiency": 1.5},
        {"mass": 0.0},
    ],
)
def test_shares_outside_the_unit_interval_are_refused(change):
    with pytest.raises(ValueError):
        material_circularity_indicator(**{**MACHINE_8T, **change})


def test_several_materials_sum_their_flows_before_the_index():
    steel = MaterialFlow(
        mass=4000,
        recycled_feedstock=0.4,
        recycled_collection=0.95,
        feedstock_recycling_efficiency=0.9,
        collection_recycling_efficiency=0.9,
    )
    # Two halves of the same material give the machine's own figure.
    assert machine_mci([steel, steel]) == pytest.approx(
        material_circularity_indicator(**MACHINE_8T)
    )
    virgin = MaterialFlow(mass=1000)
    mixed = machine_mci([steel, virgin])
    assert machine_mci([virgin]) < mixed < machine_mci([steel])


def test_fleet_is_mass_weighted():
    assert fleet_mci([(1000, 0.1), (3000, 0.9)]) == pytest.approx(0.7)
    assert fleet_mci([]) is None


SHARES = st.floats(min_value=0.0, max_value=1.0)
EFFICIENCIES = st.floats(min_value=0.05, max_value=1.0)


@st.composite
def flows(draw):
    f_r = draw(SHARES)
    f_u = draw(st.floats(min_value=0.0, max_value=1.0 - f_r))
    c_r = draw(SHARES)
    c_u = draw(st.floats(min_value=0.0, max_value=1.0 - c_r))
    return dict(
        mass=draw(st.floats(min_value=0.01, max_value=1e6)),
        recycled_feedstock=f_r,
        reused_feedstock=f_u,
        recycled_collection=c_r,
        reused_collection=c_u,
        feedstock_recycling_efficiency=draw(EFFICIENCIES),
        collection_recycling_efficiency=draw(EFFICIENCIES),
    )


@given(flows(), st.floats(min_value=0.1, max_value=10), st.floats(min_value=0.1, max_value=10))
def test_mci_stays_in_the_unit_interval(flow, lifetime, intensity):
    mci = material_circularity_indicator(**flow, lifetime_ratio=lifetime, intensity_ratio=intensity)
    assert 0.0 <= mci <= 1.0


@given(flows(), st.floats(min_value=0.0, max_value=1.0), st.floats(min_value=1.0, max_value=3.0))
def test_mci_rises_with_reuse_recycling_and_utility(flow, step, factor):
    base = material_circularity_indicator(**flow)
    more_utility = material_circularity_indicator(**flow, intensity_ratio=factor)
    assert more_utility >= base - 1e-12
    room = 1.0 - flow["recycled_feedstock"] - flow["reused_feedstock"]
    more_reuse = {**flow, "reused_feedstock": flow["reused_feedstock"] + room * step}
    assert material_circularity_indicator(**more_reuse) >= base - 1e-12
    collected = 1.0 - flow["recycled_collection"] - flow["reused_collection"]
    more_reused_collection = {
        **flow,
        "reused_collection": flow["reused_collection"] + collected * step,
    }
    assert material_circularity_indicator(**more_reused_collection) >= base - 1e-12
    # Recycled feedstock replaces virgin: with perfect recycling it never lowers the index.
    perfect = {**flow, "feedstock_recycling_efficiency": 1.0}
    more_recycled = {**perfect, "recycled_feedstock": perfect["recycled_feedstock"] + room * step}
    assert (
        material_circularity_indicator(**more_recycled)
        >= material_circularity_indicator(**perfect) - 1e-12
    )


COST = dict(
    price=150_000,
    residual_value=15_000,
    rate=0.05,
    life_years=15,
    fixed_costs_per_year=6_500,
    hours_available=1_760,
    variable_per_hour=6.50,
)


def test_cost_per_hour_solo_and_shared():
    assert round(cost_per_hour(**COST, utilisation=0.30), 2) == 44.86
    shared = cost_per_hour(**COST, utilisation=0.70, coordination_per_hour=3.0)
    assert round(shared, 2) == 25.94


def test_carbon_per_hour_solo_and_shared():
    solo = carbon_per_hour(
        embodied_kgco2e=24_000, life_years=15, hours_available=1_760, utilisation=0.3
    )
    shared = carbon_per_hour(
        embodied_kgco2e=24_000, life_years=15, hours_available=1_760, utilisation=0.7
    )
    assert (round(solo, 2), round(shared, 2)) == (3.03, 1.30)


@pytest.mark.parametrize(
    "change",
    [
        {"utilisation": 0.0},
        {"utilisation": 1.2},
        {"residual_value": 200_000},
        {"hours_available": 0},
    ],
)
def test_cost_per_hour_refuses_impossible_inputs(change):
    with pytest.raises(ValueError):
        cost_per_hour(**{**COST, "utilisation": 0.3, **change})


def test_circular_transition_indicators_vector():
    result = circularity(
        [
            Inflow(mass=10, recycled=0.4),
            Inflow(mass=2),
            Inflow(mass=1, certified_renewable=1.0),
        ],
        [Outflow(mass=11, recovery_potential=0.9, actual_recovery=0.8), Outflow(2, 1.0, 1.0)],
    )
    assert round(result.circular_inflow * 100, 1) == 38.5
    assert round(result.circular_outflow * 100, 1) == 76.3
    assert round(result.material_circularity * 100, 1) == 57.4


def test_circular_transition_refuses_overlapping_shares_and_says_nothing_of_nothing():
    with pytest.raises(ValueError):
        circularity([Inflow(mass=1, recycled=0.7, reused=0.5)], [])
    empty = circularity([], [])
    assert empty.circular_inflow is None and empty.material_circularity is None


def test_a_line_charts_edge_labels_stay_inside_the_drawing():
    from maillage.impact.charts import Series, line_chart

    svg = line_chart(["Jan", "Feb", "Mar"], [Series("use", [1.0, 2.0, 3.0])], title="t")
    assert 'text-anchor="start">Jan<' in svg
    assert 'text-anchor="middle">Feb<' in svg
    assert 'text-anchor="end">Mar<' in svg
