"""The plain cores: retrofit or replace (the issue's vectors), reliability, due tasks."""

from __future__ import annotations

import datetime as dt

import pytest

from maillage.maintenance import due, reliability, retrofit

VECTOR = dict(
    new_price=150_000,
    new_life_years=15,
    retrofit_price=50_000,
    retrofit_life_years=10,
    discount_rate=0.05,
    new_embodied_kgco2e=24_000,
    retrofit_embodied_kgco2e=4_000,
    new_kwh_per_year=12_000,
    retrofit_kwh_per_year=13_500,
    horizon_years=15,
)


def test_annualised_costs_of_the_issue() -> None:
    assert round(retrofit.annualised_cost(150_000, 15, 0.05)) == 14_451
    assert round(retrofit.annualised_cost(50_000, 10, 0.05)) == 6_475


def test_rate_zero_spreads_the_price_evenly() -> None:
    assert retrofit.annualised_cost(150_000, 15, 0) == pytest.approx(10_000)


@pytest.mark.parametrize(
    ("args", "name"),
    [((-1, 10, 0.05), "price"), ((100, 0, 0.05), "life_years"), ((100, 10, -0.01), "rate")],
)
def test_bad_inputs_name_the_parameter(args: tuple, name: str) -> None:
    with pytest.raises(ValueError, match=name):
        retrofit.annualised_cost(*args)


def test_comparison_on_the_french_grid() -> None:
    result = retrofit.compare_retrofit_replace(**VECTOR, grid_kgco2e_per_kwh=0.052)
    assert round(result.replace_cost_per_year) == 14_451
    assert round(result.retrofit_cost_per_year) == 6_475
    assert round(result.replace_kgco2e) == 33_360
    assert round(result.retrofit_kgco2e) == 14_530
    assert result.carbon_saving_ratio is not None
    assert round(result.carbon_saving_ratio * 100, 1) == -56.4
    assert result.breakeven_years is not None
    assert round(result.breakeven_years) == 256
    assert round(result.breakeven_years, 1) == 256.4


def test_comparison_on_a_coal_heavy_grid() -> None:
    result = retrofit.compare_retrofit_replace(**VECTOR, grid_kgco2e_per_kwh=0.38)
    assert round(result.replace_kgco2e) == 92_400
    assert round(result.retrofit_kgco2e) == 80_950
    assert result.breakeven_years is not None
    assert round(result.breakeven_years, 1) == 35.1


def test_no_breakeven_when_the_new_machine_saves_no_electricity() -> None:
    result = retrofit.compare_retrofit_replace(
        **{**VECTOR, "new_kwh_per_year": 14_000}, grid_kgco2e_per_kwh=0.052
    )
    assert result.breakeven_years is None


@pytest.mark.parametrize(
    "name", ["horizon_years", "new_life_years", "retrofit_life_years", "retrofit_price"]
)
def test_comparison_names_the_bad_parameter(name: str) -> None:
    with pytest.raises(ValueError, match=f"^{name}"):
        retrofit.compare_retrofit_replace(
            **{**VECTOR, name: 0 if "years" in name else -1}, grid_kgco2e_per_kwh=0.052
        )


def test_factor_table_has_every_material_with_a_source() -> None:
    factors = retrofit.load_factors()
    assert set(factors.per_kg) == set(retrofit.MATERIALS)
    assert factors.per_kg["steel"].value == 1.91
    assert "worldsteel" in factors.per_kg["steel"].source
    assert all("ICE v2.0" in factors.per_kg[m].source for m in ("cast_iron", "copper", "aluminium"))
    assert "Assumption" in factors.uplift.source
    assert all(row.source for row in factors.rows())


def test_embodied_carbon_of_a_new_machine_and_of_parts() -> None:
    factors = retrofit.load_factors()
    uplift = 1 + factors.uplift.value
    kg = retrofit.new_machine_kgco2e(1000, {"cast_iron": 0.6, "steel": 0.4}, factors)
    assert kg == pytest.approx((600 * 2.03 + 400 * 1.91) * uplift)
    parts = [retrofit.Part("copper", 10), retrofit.Part("electronics", 2)]
    assert retrofit.embodied_kgco2e(parts, factors) == pytest.approx(
        (10 * 2.71 + 2 * factors.per_kg["electronics"].value) * uplift
    )
    with pytest.raises(ValueError, match="mix"):
        retrofit.new_machine_kgco2e(1000, {"steel": 0.5}, factors)
    with pytest.raises(ValueError, match="material"):
        retrofit.embodied_kgco2e([retrofit.Part("wood", 1)], factors)


UTC = dt.UTC
T0 = dt.datetime(2026, 1, 1, tzinfo=UTC)


def at(days: float) -> dt.datetime:
    return T0 + dt.timedelta(days=days)


def test_reliability_of_a_hand_computed_history() -> None:
    # 30 days; 300 h of use; two failures: 10 h to repair, then 14 h to repair.
    failures = [
        reliability.Failure(at(5), at(5) + dt.timedelta(hours=10)),
        reliability.Failure(at(20), at(20) + dt.timedelta(hours=14)),
    ]
    result = reliability.reliability([100, 120, 80], failures, at(0), at(30))
    assert result.operating_hours == 300
    assert result.failures == 2
    assert result.mtbf_hours == 150
    assert result.mttr_hours == 12
    assert result.failures_per_1000_hours == pytest.approx(2000 / 300)
    assert result.availability == pytest.approx(1 - 24 / 720)


def test_reliability_counts_an_open_failure_as_down_to_the_end_but_not_in_mttr() -> None:
    failures = [
        reliability.Failure(at(-2), at(1)),  # began before: only its day inside counts as down
        reliability.Failure(at(9), at(9) + dt.timedelta(hours=6)),
        reliability.Failure(at(29)),  # still down at the end
    ]
    result = reliability.reliability([50.0], failures, at(0), at(30))
    assert result.failures == 2
    assert result.mtbf_hours == 25
    assert result.mttr_hours == 6
    assert result.availability == pytest.approx(1 - (24 + 6 + 24) / 720)


def test_reliability_without_failures_or_use() -> None:
    result = reliability.reliability([], [], at(0), at(1))
    assert result.mtbf_hours is None and result.mttr_hours is None
    assert result.failures_per_1000_hours is None
    assert result.availability == 1


def test_totals_of_several_machines_add_up() -> None:
    one = reliability.totals(
        [10], [reliability.Failure(at(1), at(1) + dt.timedelta(hours=2))], at(0), at(10)
    )
    two = reliability.totals(
        [30], [reliability.Failure(at(2), at(2) + dt.timedelta(hours=4))], at(0), at(10)
    )
    both = reliability.figures(one + two)
    assert both.mtbf_hours == 20
    assert both.mttr_hours == 3


def test_reliability_refuses_negative_usage_and_time_running_back() -> None:
    with pytest.raises(ValueError, match="usage_hours"):
        reliability.reliability([-1], [], at(0), at(1))
    with pytest.raises(ValueError, match="restored_at"):
        reliability.reliability([], [reliability.Failure(at(1), at(0))], at(0), at(2))


DAY = dt.date(2026, 3, 1)


@pytest.mark.parametrize(
    ("meter", "state"),
    [(100, "ok"), (130, "planned"), (140, "due"), (144, "due"), (144.5, "overdue")],
)
def test_hours_driven_task(meter: float, state: str) -> None:
    # Lens cleaning every 40 h, planned 10 h ahead; last done at 100 h.
    schedule = due.Schedule(every_hours=40, lead_hours=10)
    result = due.due(schedule, 100, DAY, meter, DAY)
    assert result.state == state
    assert result.due_hours == 140


@pytest.mark.parametrize(
    ("days", "state"), [(0, "ok"), (24, "planned"), (30, "due"), (33, "due"), (34, "overdue")]
)
def test_calendar_driven_task(days: int, state: str) -> None:
    schedule = due.Schedule(every_days=30, lead_days=7)
    result = due.due(schedule, 0, DAY, 0, DAY + dt.timedelta(days=days))
    assert result.state == state
    assert result.due_on == DAY + dt.timedelta(days=30)


def test_whichever_comes_first() -> None:
    schedule = due.Schedule(every_hours=200, every_days=365, lead_hours=20, lead_days=30)
    assert due.due(schedule, 0, DAY, 250, DAY).state == "overdue"  # hours passed
    late = DAY + dt.timedelta(days=366)
    assert due.due(schedule, 0, DAY, 5, late).state == "due"  # calendar reached


def test_thresholds_agree_with_the_states() -> None:
    schedule = due.Schedule(every_hours=40, every_days=30, lead_hours=10, lead_days=7)
    plan_h, plan_on, over_h, over_on = due.thresholds(schedule, 100, DAY)
    assert (plan_h, over_h) == (130, 144)
    assert plan_on == DAY + dt.timedelta(days=23)
    assert over_on == DAY + dt.timedelta(days=33)
    assert due.due(schedule, 100, DAY, 0 + 100, plan_on).state == "planned"
    assert due.due(schedule, 100, DAY, 100, over_on).state == "due"
    assert due.due(schedule, 100, DAY, 100, over_on + dt.timedelta(days=1)).state == "overdue"


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"every_hours": 0}, "every_hours"),
        ({"every_days": 0}, "every_days"),
        ({}, "every_hours or every_days"),
        ({"every_hours": 10, "lead_hours": -1}, "lead_hours"),
    ],
)
def test_a_zero_interval_is_refused(kwargs: dict, name: str) -> None:
    with pytest.raises(ValueError, match=name):
        due.Schedule(**kwargs)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("new_life_years", 5.97e16),  # (1 + i)^n would overflow
        ("horizon_years", 201),
        ("discount_rate", 3600),  # 360,000 % a year: a percentage typed as a fraction
        ("retrofit_embodied_kgco2e", 5.3e175),
        ("new_price", float("inf")),
    ],
)
def test_figures_beyond_any_machine_are_refused_by_name(name: str, value: float) -> None:
    with pytest.raises(ValueError, match=f"^{name}"):
        retrofit.compare_retrofit_replace(**{**VECTOR, name: value}, grid_kgco2e_per_kwh=0.052)
