"""The scenario simulator's core: the issue's vectors, agreement with the scalar formulas,
percentiles, reproducibility, refusals, speed, and the overlaid histogram chart."""

from __future__ import annotations

import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maillage.impact import charts
from maillage.impact.sharing import carbon_per_hour, cost_per_hour, payback_years
from maillage.impact.simulation import (
    RETROFIT_INPUTS,
    SHARE_INPUTS,
    Distribution,
    InputError,
    draw,
    retrofit_outputs,
    share_outputs,
    simulate_retrofit,
    simulate_share,
)
from maillage.maintenance.retrofit import compare_retrofit_replace

F = Distribution.fixed
T = Distribution.triangular

# The method's example (issue 12): P €150,000, S 10 %, 5 %, 15 years, 3 % + €2,000 fixed,
# 1,760 h, €6.50/h; solo at 30 %, shared by three at 70 % with €3/h; 24 tCO2e embodied.
VECTOR = {
    "price": F(150_000),
    "residual_share": F(0.10),
    "discount_rate": F(0.05),
    "life_years": F(15),
    "fixed_share_of_price": F(0.03),
    "fixed_costs_per_year": F(2_000),
    "hours_available": F(1_760),
    "utilisation_solo": F(0.30),
    "utilisation_shared": F(0.70),
    "variable_per_hour": F(6.50),
    "coordination_per_hour": F(3.0),
    "coordination_setup": F(5_000),
    "embodied_kgco2e": F(24_000),
    "kwh_per_hour": F(0.0),
    "grid_kgco2e_per_kwh": F(0.052),
}
UNCERTAIN = {
    **VECTOR,
    "price": T(120_000, 150_000, 200_000),
    "life_years": T(10, 15, 20),
    "utilisation_solo": T(0.15, 0.30, 0.45),
    "utilisation_shared": T(0.50, 0.70, 0.85),
    "coordination_per_hour": Distribution.uniform(1, 6),
    "embodied_kgco2e": T(18_000, 24_000, 32_000),
    "kwh_per_hour": T(5, 9, 12),
    "grid_kgco2e_per_kwh": T(0.03, 0.052, 0.08),
}
RETROFIT_VECTOR = {
    "new_price": F(150_000),
    "new_life_years": F(15),
    "retrofit_price": F(50_000),
    "retrofit_life_years": F(10),
    "discount_rate": F(0.05),
    "new_embodied_kgco2e": F(24_000),
    "retrofit_embodied_kgco2e": F(4_000),
    "new_kwh_per_year": F(12_000),
    "retrofit_kwh_per_year": F(13_500),
    "grid_kgco2e_per_kwh": F(0.052),
    "electricity_eur_per_kwh": F(0.20),
    "horizon_years": F(15),
}
RETROFIT_UNCERTAIN = {
    **RETROFIT_VECTOR,
    "new_price": T(120_000, 150_000, 190_000),
    "retrofit_price": T(30_000, 50_000, 90_000),
    "retrofit_life_years": T(6, 10, 14),
    "new_kwh_per_year": T(9_000, 12_000, 14_000),
    "grid_kgco2e_per_kwh": T(0.03, 0.052, 0.08),
}


def test_with_every_input_fixed_the_median_is_the_issue_vector():
    result = simulate_share(VECTOR, organisations=3)
    out = result.outputs
    assert round(out["cost_solo"].p50, 2) == 44.86
    assert round(out["cost_shared"].p50, 2) == 25.94
    assert round(out["carbon_solo"].p50, 2) == 3.03
    assert round(out["carbon_shared"].p50, 2) == 1.30
    assert out["capex_avoided"].p50 == 300_000
    assert out["embodied_avoided_kgco2e"].p50 == 48_000
    # Every draw is the same: P10 = P50 = P90, and sharing wins in every draw.
    assert out["cost_solo"].p10 == out["cost_solo"].p90
    assert result.probabilities["shared_cheaper"] == 1.0


def test_with_every_input_fixed_the_median_is_the_scalar_formula():
    out = simulate_share(VECTOR, organisations=3).outputs
    common = dict(
        price=150_000,
        residual_value=15_000,
        rate=0.05,
        life_years=15,
        fixed_costs_per_year=0.03 * 150_000 + 2_000,
        hours_available=1_760,
        variable_per_hour=6.50,
    )
    solo = cost_per_hour(**common, utilisation=0.30)
    shared = cost_per_hour(**common, utilisation=0.70, coordination_per_hour=3.0)
    assert out["cost_solo"].p50 == pytest.approx(solo, rel=1e-12)
    assert out["cost_shared"].p50 == pytest.approx(shared, rel=1e-12)
    saving = (solo - shared) * 1_760 * 0.70
    assert out["saving_per_year"].p50 == pytest.approx(saving, rel=1e-12)
    assert out["payback_years"].p50 == pytest.approx(payback_years(5_000, saving), rel=1e-12)


def test_the_retrofit_vector_matches_the_maintenance_comparison():
    result = simulate_retrofit(RETROFIT_VECTOR, machines=3)
    one = compare_retrofit_replace(
        new_price=150_000,
        new_life_years=15,
        retrofit_price=50_000,
        retrofit_life_years=10,
        discount_rate=0.05,
        new_embodied_kgco2e=24_000,
        retrofit_embodied_kgco2e=4_000,
        new_kwh_per_year=12_000,
        retrofit_kwh_per_year=13_500,
        grid_kgco2e_per_kwh=0.052,
        horizon_years=15,
    )
    out = result.outputs
    assert out["replace_cost_per_year"].p50 == pytest.approx(3 * one.replace_cost_per_year)
    assert round(out["replace_cost_per_year"].p50 / 3) == 14_451  # the maintenance API's vector
    assert out["retrofit_kgco2e"].p50 == pytest.approx(3 * one.retrofit_kgco2e)
    assert out["carbon_breakeven_years"].p50 == pytest.approx(one.breakeven_years)
    # €100,000 more repaid by 1,500 kWh a year at €0.20: 333 years.
    assert out["payback_years"].p50 == pytest.approx(100_000 / 300)


def _share_values(index: int, values: dict[str, np.ndarray]) -> dict[str, float]:
    return {name: float(array[index]) for name, array in values.items()}


def test_the_arrays_agree_with_the_scalar_formulas_draw_by_draw():
    inputs = {**UNCERTAIN, "discount_rate": Distribution.uniform(0.0, 0.12)}
    values = draw(inputs, 300, 7)
    values["discount_rate"][:5] = 0.0  # CRF's 1/n branch
    out = share_outputs(values, 4)
    for i in range(300):
        v = _share_values(i, values)
        common = dict(
            price=v["price"],
            residual_value=v["residual_share"] * v["price"],
            rate=v["discount_rate"],
            life_years=v["life_years"],
            fixed_costs_per_year=v["fixed_share_of_price"] * v["price"] + v["fixed_costs_per_year"],
            hours_available=v["hours_available"],
            variable_per_hour=v["variable_per_hour"],
        )
        solo = cost_per_hour(**common, utilisation=v["utilisation_solo"])
        shared = cost_per_hour(
            **common,
            utilisation=v["utilisation_shared"],
            coordination_per_hour=v["coordination_per_hour"],
        )
        assert out["cost_solo"][i] == pytest.approx(solo, rel=1e-9, abs=1e-9)
        assert out["cost_shared"][i] == pytest.approx(shared, rel=1e-9, abs=1e-9)
        carbon = dict(
            embodied_kgco2e=v["embodied_kgco2e"],
            life_years=v["life_years"],
            hours_available=v["hours_available"],
            use_kgco2e_per_hour=v["kwh_per_hour"] * v["grid_kgco2e_per_kwh"],
        )
        solo_kg = carbon_per_hour(**carbon, utilisation=v["utilisation_solo"])
        shared_kg = carbon_per_hour(**carbon, utilisation=v["utilisation_shared"])
        assert out["carbon_solo"][i] == pytest.approx(solo_kg, rel=1e-9)
        assert out["carbon_shared"][i] == pytest.approx(shared_kg, rel=1e-9)
        back = payback_years(v["coordination_setup"], float(out["saving_per_year"][i]))
        expected = np.inf if back is None else back
        assert out["payback_years"][i] == pytest.approx(expected, rel=1e-9)


def test_the_retrofit_arrays_agree_with_compare_retrofit_replace_draw_by_draw():
    inputs = {
        **RETROFIT_UNCERTAIN,
        "discount_rate": Distribution.uniform(0.0, 0.10),
        "new_kwh_per_year": T(9_000, 14_000, 16_000),  # sometimes above the retrofit's
    }
    values = draw(inputs, 300, 11)
    values["discount_rate"][:3] = 0.0
    out = retrofit_outputs(values, 1)
    for i in range(300):
        v = {name: float(array[i]) for name, array in values.items()}
        electricity = v.pop("electricity_eur_per_kwh")
        one = compare_retrofit_replace(**v)
        assert out["replace_cost_per_year"][i] == pytest.approx(one.replace_cost_per_year)
        assert out["retrofit_cost_per_year"][i] == pytest.approx(one.retrofit_cost_per_year)
        assert out["replace_kgco2e"][i] == pytest.approx(one.replace_kgco2e, rel=1e-9)
        assert out["retrofit_kgco2e"][i] == pytest.approx(one.retrofit_kgco2e, rel=1e-9)
        breakeven = np.inf if one.breakeven_years is None else one.breakeven_years
        assert out["carbon_breakeven_years"][i] == pytest.approx(breakeven, rel=1e-9)
        money = payback_years(
            max(0.0, v["new_price"] - v["retrofit_price"]),
            (v["retrofit_kwh_per_year"] - v["new_kwh_per_year"]) * electricity,
        )
        assert out["payback_years"][i] == pytest.approx(
            np.inf if money is None else money, rel=1e-9
        )


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32), organisations=st.integers(2, 12))
def test_percentiles_are_ordered_for_every_output(seed, organisations):
    for result in (
        simulate_share(UNCERTAIN, organisations=organisations, draws=2_000, seed=seed),
        simulate_retrofit(RETROFIT_UNCERTAIN, machines=organisations, draws=2_000, seed=seed),
    ):
        for name, summary in result.outputs.items():
            assert summary.p10 <= summary.p50 <= summary.p90, name
            assert sum(summary.histogram.counts) == round(2_000 * (1 - summary.never)), name
            assert len(summary.histogram.edges) == len(summary.histogram.counts) + 1


def test_uncertainty_spreads_the_cost_and_sharing_still_wins_most_draws():
    result = simulate_share(UNCERTAIN, organisations=3)
    solo, shared = result.outputs["cost_solo"], result.outputs["cost_shared"]
    assert solo.p10 < solo.p50 < solo.p90
    assert shared.p90 < solo.p50
    assert 0.9 < result.probabilities["shared_cheaper"] <= 1.0
    # The pairs shown together share their bins.
    assert solo.histogram.edges == shared.histogram.edges


def test_the_same_seed_gives_the_same_draws_and_another_seed_others():
    first = simulate_share(UNCERTAIN, organisations=3, seed=42)
    again = simulate_share(UNCERTAIN, organisations=3, seed=42)
    other = simulate_share(UNCERTAIN, organisations=3, seed=43)
    assert np.array_equal(first.samples["cost_shared"], again.samples["cost_shared"])
    assert first.outputs == again.outputs
    assert not np.array_equal(first.samples["cost_shared"], other.samples["cost_shared"])


def test_changing_one_range_leaves_the_other_inputs_draws_unchanged():
    before = draw(UNCERTAIN, 1_000, 5)
    after = draw({**UNCERTAIN, "price": T(100_000, 140_000, 300_000)}, 1_000, 5)
    assert not np.array_equal(before["price"], after["price"])
    for name in UNCERTAIN:
        if name != "price":
            assert np.array_equal(before[name], after[name]), name


def test_triangular_and_uniform_draws_have_their_means_and_stay_in_range():
    values = draw({"a": T(10, 20, 60), "b": Distribution.uniform(1, 3), "c": F(7)}, 200_000, 1)
    assert values["a"].mean() == pytest.approx(30, rel=0.01)  # (a + b + c) / 3
    assert values["a"].min() >= 10 and values["a"].max() <= 60
    assert np.median(values["a"]) < 30  # skewed to the right
    assert values["b"].mean() == pytest.approx(2, rel=0.01)
    assert (values["c"] == 7).all()


def test_a_payback_that_never_comes_is_counted_not_averaged():
    # Coordination so dear that sharing costs more than owning alone in most draws.
    dear = {**UNCERTAIN, "coordination_per_hour": T(30, 60, 90)}
    result = simulate_share(dear, organisations=3, draws=5_000)
    payback = result.outputs["payback_years"]
    assert payback.never > 0.5
    assert payback.p90 == np.inf and payback.mean is None
    assert result.probabilities["shared_cheaper"] < 0.5


@pytest.mark.parametrize(
    ("change", "name", "words"),
    [
        ({"price": T(200_000, 150_000, 250_000)}, "price", "likely value"),
        ({"price": Distribution("uniform", 10, 10, 5)}, "price", "low value"),
        ({"price": F(-1)}, "price", "at least 0"),
        ({"utilisation_solo": T(0, 0.3, 0.5)}, "utilisation_solo", "more than 0"),
        ({"utilisation_shared": T(0.5, 0.7, 1.2)}, "utilisation_shared", "at most 1"),
        ({"life_years": F(0)}, "life_years", "more than 0"),
        ({"life_years": F(float("nan"))}, "life_years", "finite"),
        ({"hours_available": F(9_000)}, "hours_available", "at most 8784"),
        ({"grid_kgco2e_per_kwh": F(52)}, "grid_kgco2e_per_kwh", "at most 2"),
        ({"price": Distribution("lognormal", 1, 2, 3)}, "price", "unknown shape"),
        ({"price": Distribution("fixed", 1, 2, 3)}, "price", "fixed value"),
        ({"colour": F(1)}, "colour", "not an input"),
    ],
)
def test_bad_distributions_are_refused_naming_the_input(change, name, words):
    with pytest.raises(InputError) as caught:
        simulate_share({**VECTOR, **change}, organisations=3)
    assert caught.value.name == name
    assert str(caught.value).startswith(f"{name}: ") and words in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_a_missing_input_and_bad_counts_are_refused_by_name():
    missing = {k: v for k, v in VECTOR.items() if k != "price"}
    with pytest.raises(InputError, match=r"^price: is missing"):
        simulate_share(missing, organisations=3)
    for options, name in (
        ({"organisations": 1}, "organisations"),
        ({"organisations": 3, "draws": 0}, "draws"),
        ({"organisations": 3, "seed": -1}, "seed"),
        ({"organisations": 3, "bins": 0}, "bins"),
    ):
        with pytest.raises(InputError) as caught:
            simulate_share(VECTOR, **options)
        assert caught.value.name == name
    with pytest.raises(InputError, match=r"^machines: "):
        simulate_retrofit(RETROFIT_VECTOR, machines=0)


def test_the_inputs_lists_name_every_input_once():
    for specs in (SHARE_INPUTS, RETROFIT_INPUTS):
        names = [spec.name for spec in specs]
        assert len(names) == len(set(names))
    assert set(VECTOR) == {spec.name for spec in SHARE_INPUTS}
    assert set(RETROFIT_VECTOR) == {spec.name for spec in RETROFIT_INPUTS}


def test_ten_thousand_draws_take_less_than_a_second():
    simulate_share(UNCERTAIN, organisations=3, draws=100)  # imports and caches warm
    for run in (
        lambda: simulate_share(UNCERTAIN, organisations=5, draws=10_000),
        lambda: simulate_retrofit(RETROFIT_UNCERTAIN, machines=3, draws=10_000),
    ):
        start = time.perf_counter()
        run()
        assert time.perf_counter() - start < 1.0


def test_the_overlaid_histogram_draws_each_series_over_the_same_bins():
    svg = charts.histogram_overlay(
        [0.0, 1.0, 2.0, 3.0],
        [charts.Series("alone <solo>", [10, 50, 40]), charts.Series("shared", [0, 30, 70])],
        title="Cost & carbon",
        unit="% of draws",
        markers=[(0, 1.5, "Median"), (1, 9.0, "off the chart")],
    )
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count('class="chart-hist chart-line-0"') == 3
    assert svg.count('class="chart-hist chart-line-1"') == 2  # an empty bin draws nothing
    assert svg.count("chart-marker") == 1  # a marker outside the bins is left out
    assert "alone &lt;solo&gt;" in svg and "Cost &amp; carbon" in svg
    with pytest.raises(ValueError):
        charts.histogram_overlay([0.0, 1.0], [charts.Series("a", [1, 2])], title="t")
    with pytest.raises(ValueError):
        charts.histogram_overlay([1.0, 1.0], [charts.Series("a", [1])], title="t")
