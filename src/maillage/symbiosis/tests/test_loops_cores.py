"""The loop's indicators, the bottle's carbon against single-use glass, and the van's round."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from maillage.symbiosis import containers as c
from maillage.symbiosis import routing as r

F = c.load_factors()
BOTTLE = c.Bottles(reusable_kg=0.45, single_use_kg=0.40)


def test_it_reads_every_factor_with_a_source() -> None:
    rows = c.read_factors()
    assert {row.key for row in rows} == set(c.FACTOR_KEYS)
    assert all(row.source and row.unit for row in rows)
    assert any("ADEME" in row.source for row in rows)


def test_it_names_the_line_of_a_bad_factor(tmp_path: Path) -> None:
    bad = tmp_path / "f.csv"
    bad.write_text("key,value,unit,source\nwashing,abc,kg,x\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 2"):
        c.read_factors(bad)


def test_it_computes_the_loop_indicators() -> None:
    counts = c.LoopCounts(filled=1500, sold=1000, returned=800, broken=40, months=6)
    found = c.loop_indicators(counts, containers_in_circulation=1000)
    assert found.return_rate == pytest.approx(0.8)
    assert found.breakage_rate == pytest.approx(0.05)
    assert found.filled_per_year == pytest.approx(3000)
    assert found.rotations_per_year == pytest.approx(3.0)
    assert found.average_uses == pytest.approx(1 / (1 - 0.8 * 0.95))


def test_it_says_nothing_where_it_would_divide_by_zero() -> None:
    found = c.loop_indicators(c.LoopCounts(0, 0, 0, 0, 0), containers_in_circulation=0)
    assert found == c.LoopIndicators(None, None, None, None, None)


def test_it_counts_infinite_uses_when_every_bottle_comes_back_whole() -> None:
    assert math.isinf(c.average_uses(1.0, 0.0))
    assert c.average_uses(0.0, 0.5) == 1
    with pytest.raises(ValueError):
        c.average_uses(1.2, 0)


@pytest.mark.parametrize("distance_km", [0, 50, 100, 200, 300, 400])
def test_it_makes_reuse_win_after_two_to_four_uses(distance_km: float) -> None:
    wins = [n for n in range(1, 30) if c.compare(BOTTLE, n, distance_km, F).saving > 0]
    assert 2 <= wins[0] <= 4
    assert c.compare(BOTTLE, 1, distance_km, F).saving < 0  # one use: the heavier bottle loses
    even = c.break_even_uses(BOTTLE, distance_km, F)
    assert even is not None and wins[0] - 1 <= even <= wins[0]


@pytest.mark.parametrize("uses", [10, 20, 50])
def test_it_makes_reuse_lose_beyond_about_600_km(uses: int) -> None:
    assert c.compare(BOTTLE, uses, 500, F).saving > 0
    assert c.compare(BOTTLE, uses, 700, F).saving < 0
    distance = c.break_even_distance_km(BOTTLE, uses, F)
    assert distance is not None and 550 <= distance <= 700
    assert c.compare(BOTTLE, uses, distance, F).saving == pytest.approx(0, abs=1e-9)


def test_it_never_breaks_even_when_the_trip_is_too_long() -> None:
    assert c.break_even_uses(BOTTLE, 2000, F) is None
    assert c.break_even_distance_km(BOTTLE, 1, F) is None


def test_it_refuses_nonsense_inputs() -> None:
    with pytest.raises(ValueError, match="uses"):
        c.reusable_per_use(BOTTLE, 0.5, 10, F)
    with pytest.raises(ValueError, match="distance"):
        c.reusable_per_use(BOTTLE, 3, -1, F)


# --- routing ---

DEPOT = (43.30, 5.40)
STEP = 0.01  # degrees of longitude between shops on a line, ≈ 0.81 km × 1.3


def _line(n: int, pickup: int, delivery: int) -> list[r.Stop]:
    return [r.Stop(i, DEPOT[0], DEPOT[1] + STEP * i, pickup, delivery) for i in range(1, n + 1)]


def _check_plan(plan: r.RoundPlan, stops: list[r.Stop], capacity: int) -> None:
    by_key = {s.key: s for s in stops}
    keys = [v.key for v in plan.visits]
    assert len(keys) == len(set(keys))  # every served stop once
    assert set(keys).isdisjoint({u.key for u in plan.unserved})
    for trip in plan.trips:
        load = trip.load_at_start
        assert load == sum(by_key[v.key].delivery for v in trip.visits) <= capacity
        for visit in trip.visits:
            load += by_key[visit.key].pickup - by_key[visit.key].delivery
            assert visit.load_after == load
            assert 0 <= load <= capacity


def test_it_serves_a_line_of_shops_out_and_back() -> None:
    stops = _line(5, pickup=2, delivery=2)
    plan = r.plan_round(DEPOT, stops, capacity=10, time_limit_s=0.3)
    _check_plan(plan, stops, 10)
    far = r.road_km(DEPOT, (DEPOT[0], DEPOT[1] + STEP * 5))
    assert plan.km == pytest.approx(2 * far, rel=1e-3)  # the optimum: to the end and back
    assert plan.unserved == ()
    assert len(plan.visits) == 5
    assert [v.key for v in plan.visits] in ([1, 2, 3, 4, 5], [5, 4, 3, 2, 1])


def test_it_drops_the_stops_that_do_not_fit_and_says_so() -> None:
    stops = _line(3, pickup=4, delivery=3)
    plan = r.plan_round(DEPOT, stops, capacity=8, time_limit_s=0.3)
    _check_plan(plan, stops, 8)
    assert len(plan.visits) == 2
    assert [u.reason for u in plan.unserved] == [r.NO_ROOM]


def test_it_makes_two_trips_when_one_cannot_carry_everything() -> None:
    stops = _line(3, pickup=4, delivery=3)
    plan = r.plan_round(DEPOT, stops, capacity=8, vehicles=2, time_limit_s=0.3)
    _check_plan(plan, stops, 8)
    assert plan.unserved == ()
    assert len(plan.trips) == 2
    one = r.road_km(DEPOT, (DEPOT[0], DEPOT[1] + STEP))
    # Best by hand: one trip to shop 1 alone, another to 2 and 3 (2 + 6 legs of a step).
    assert plan.km == pytest.approx(8 * one, rel=1e-3)


def test_it_picks_up_before_the_van_is_full_only_when_deliveries_make_room() -> None:
    # Shop 1 takes 6 full crates and gives 0, shop 2 gives 6 empties: 1 must come before 2.
    stops = [
        r.Stop(1, DEPOT[0], DEPOT[1] + 0.02, pickup=0, delivery=6),
        r.Stop(2, DEPOT[0], DEPOT[1] + 0.01, pickup=6, delivery=0),
    ]
    plan = r.plan_round(DEPOT, stops, capacity=6, time_limit_s=0.3)
    _check_plan(plan, stops, 6)
    assert [v.key for v in plan.visits] == [1, 2]


def test_it_leaves_out_stops_without_a_place_or_too_big_and_skips_empty_ones() -> None:
    stops = [
        r.Stop(1, None, None, 1, 1),
        r.Stop(2, DEPOT[0], DEPOT[1] + 0.01, 20, 0),
        r.Stop(3, DEPOT[0], DEPOT[1] + 0.02, 0, 0),
        r.Stop(4, DEPOT[0], DEPOT[1] + 0.03, 1, 1),
    ]
    plan = r.plan_round(DEPOT, stops, capacity=10, time_limit_s=0.3)
    assert {u.key: u.reason for u in plan.unserved} == {1: r.NO_LOCATION, 2: r.TOO_BIG}
    assert [v.key for v in plan.visits] == [4]


def test_it_refuses_a_van_without_room() -> None:
    with pytest.raises(r.RoutingError, match="capacity"):
        r.plan_round(DEPOT, _line(1, 1, 1), capacity=0)
    with pytest.raises(r.RoutingError, match="once"):
        r.plan_round(DEPOT, _line(1, 1, 1) * 2, capacity=5)
