"""The allocation core: capacities kept, honest lower bounds, optimal where it can be checked.

Plain Python (no database). The OR-Library problems gap1 … gap12 (60 problems, published
optima) run here too: about a minute in all, each problem with a 10 s limit.
"""

from __future__ import annotations

import itertools
import math
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from maillage.matching import allocation
from maillage.matching.allocation import Assignment, greedy, solve_assignment
from maillage.matching.orlib import (
    KNOWN_OPTIMA,
    GapProblem,
    OrlibFormatError,
    parse_gap,
    read_gap_directory,
)

INF = math.inf
ORLIB_DIR = Path(__file__).resolve().parents[4] / "bench" / "data" / "orlib_gap"
# Float loads are compared with this slack (sums of a few hours).
EPS = 1e-6


def check_valid(result: Assignment, cost: np.ndarray, load: np.ndarray, capacity: np.ndarray):
    """Everything an allocation must satisfy whatever the solver's status."""
    n, m = cost.shape
    assert len(result.machine_of) == n
    used = np.zeros(m)
    for need, machine in enumerate(result.machine_of):
        assert -1 <= machine < m
        if machine >= 0:
            assert math.isfinite(cost[need, machine]), "an impossible pair was used"
            used[machine] += load[need, machine]
    assert np.all(used <= capacity + EPS), f"over capacity: used {used}, capacity {capacity}"
    assert result.unassigned == [i for i, j in enumerate(result.machine_of) if j < 0]
    total = sum(cost[i, j] for i, j in enumerate(result.machine_of) if j >= 0)
    assert result.total_cost == pytest.approx(total)
    assert result.objective >= result.lower_bound - 1e-9
    assert 0.0 <= result.gap <= 1.0 or result.objective < 0
    assert result.status in {"optimal", "feasible", "heuristic"}


def default_penalty(cost: np.ndarray, load: np.ndarray, capacity: np.ndarray) -> float:
    usable = np.isfinite(cost) & (load <= capacity[np.newaxis, :] + 1e-9)
    max_cost = float(cost[usable].max()) if usable.any() else 0.0
    return max_cost * cost.shape[0] + 1.0


def brute_force(cost: np.ndarray, load: np.ndarray, capacity: np.ndarray) -> float:
    """The least objective (cost + penalty per need left out) over every assignment."""
    n, m = cost.shape
    penalty = default_penalty(cost, load, capacity)
    best = INF
    for choice in itertools.product(range(-1, m), repeat=n):
        used = np.zeros(m)
        value = 0.0
        for need, machine in enumerate(choice):
            if machine < 0:
                value += penalty
            elif math.isfinite(cost[need, machine]):
                used[machine] += load[need, machine]
                value += cost[need, machine]
            else:
                value = INF
                break
        if value < best and np.all(used <= capacity + 1e-9):
            best = value
    return best


# --- hand-made instances ------------------------------------------------------------------


def test_each_need_goes_to_its_cheapest_machine_when_capacity_allows():
    cost = np.array([[3.0, 1.0, 2.0], [1.0, 5.0, 4.0], [2.0, 2.0, 1.0]])
    load = np.ones((3, 3))
    result = solve_assignment(cost, load, np.array([5.0, 5.0, 5.0]))
    assert result.machine_of == [1, 0, 2]
    assert result.total_cost == 3.0
    assert result.status == "optimal"
    assert result.lower_bound == result.objective == 3.0
    assert result.gap == 0.0


def test_capacity_pushes_the_second_need_to_its_next_choice():
    # Both prefer machine 0, which has room for one of them only.
    cost = np.array([[1.0, 10.0], [2.0, 4.0]])
    load = np.array([[6.0, 6.0], [6.0, 6.0]])
    capacity = np.array([8.0, 8.0])
    result = solve_assignment(cost, load, capacity)
    check_valid(result, cost, load, capacity)
    # Need 0 on machine 0 and need 1 on machine 1 costs 5; the other way round 12.
    assert result.machine_of == [0, 1]
    assert result.total_cost == 5.0


def test_impossible_pairs_are_never_used_even_when_they_would_be_cheaper():
    cost = np.array([[INF, 9.0], [1.0, INF], [INF, INF]])
    load = np.array([[0.5, 1.0], [1.0, 0.5], [1.0, 1.0]])
    capacity = np.array([10.0, 10.0])
    result = solve_assignment(cost, load, capacity)
    check_valid(result, cost, load, capacity)
    assert result.machine_of == [1, 0, -1]
    assert result.unassigned == [2]


def test_needs_that_do_not_fit_are_reported_unassigned_with_their_penalty():
    cost = np.array([[1.0], [2.0], [3.0]])
    load = np.array([[5.0], [5.0], [5.0]])
    capacity = np.array([10.0])
    result = solve_assignment(cost, load, capacity)
    check_valid(result, cost, load, capacity)
    assert result.unassigned == [2]  # the dearest one stays out
    assert result.total_cost == 3.0
    penalty = default_penalty(cost, load, capacity)
    assert result.objective == pytest.approx(3.0 + penalty)
    assert result.status == "optimal"


def test_a_need_larger_than_every_machine_is_unassigned_not_squeezed_in():
    cost = np.array([[1.0, 1.0], [1.0, 1.0]])
    load = np.array([[12.0, 12.0], [2.0, 2.0]])
    result = solve_assignment(cost, load, np.array([10.0, 10.0]))
    assert result.machine_of[0] == -1
    assert result.machine_of[1] in (0, 1)


def test_serving_more_needs_comes_before_a_lower_cost():
    # Machine 0 takes one large need or both small ones: both small ones win despite the cost.
    cost = np.array([[1.0], [50.0], [50.0]])
    load = np.array([[10.0], [5.0], [5.0]])
    result = solve_assignment(cost, load, np.array([10.0]))
    assert result.machine_of == [-1, 0, 0]


def test_an_explicit_penalty_lets_expensive_needs_stay_out():
    cost = np.array([[100.0], [1.0]])
    load = np.ones((2, 1))
    result = solve_assignment(cost, load, np.array([5.0]), unassigned_penalty=10.0)
    assert result.machine_of == [-1, 0]
    assert result.objective == pytest.approx(11.0)


def test_fractional_costs_and_hours_give_the_right_answer():
    cost = np.array([[12.5, 12.75], [0.3, 0.2], [7.125, 9.5]])
    load = np.array([[1.5, 1.5], [2.25, 2.25], [0.75, 0.75]])
    capacity = np.array([2.5, 3.0])
    result = solve_assignment(cost, load, capacity)
    check_valid(result, cost, load, capacity)
    assert result.objective == pytest.approx(brute_force(cost, load, capacity), abs=1e-6)


def test_no_needs_is_an_empty_optimal_allocation():
    result = solve_assignment(np.zeros((0, 2)), np.zeros((0, 2)), np.ones(2))
    assert result.machine_of == [] and result.objective == 0.0 and result.gap == 0.0


@pytest.mark.parametrize("seed", range(6))
def test_optimal_on_small_random_instances_against_brute_force(seed):
    rng = np.random.default_rng(seed)
    n, m = 8, 2
    cost = rng.integers(1, 40, size=(n, m)).astype(float)
    cost[rng.random((n, m)) < 0.2] = INF
    load = rng.integers(1, 6, size=(n, m)).astype(float)
    capacity = rng.integers(4, 14, size=m).astype(float)
    result = solve_assignment(cost, load, capacity)
    check_valid(result, cost, load, capacity)
    assert result.status == "optimal"
    assert result.objective == pytest.approx(brute_force(cost, load, capacity))


# --- the time limit and the heuristic -------------------------------------------------------


def random_instance(seed: int, n: int, m: int):
    rng = np.random.default_rng(seed)
    cost = rng.uniform(10, 500, size=(n, m)).round(2)
    cost[rng.random((n, m)) < 0.5] = INF
    load = rng.integers(1, 9, size=(n, m)).astype(float)
    capacity = rng.integers(8, 30, size=m).astype(float)
    return cost, load, capacity


def test_a_tiny_time_limit_still_returns_a_valid_allocation():
    cost, load, capacity = random_instance(3, 150, 30)
    result = solve_assignment(cost, load, capacity, time_limit_s=0.001)
    check_valid(result, cost, load, capacity)


def test_when_the_solver_finds_nothing_the_greedy_start_is_returned(monkeypatch):
    cost, load, capacity = random_instance(5, 60, 12)
    monkeypatch.setattr(allocation.cp_model.CpSolver, "solve", lambda self, model: cp_model.UNKNOWN)
    result = solve_assignment(cost, load, capacity, time_limit_s=1)
    check_valid(result, cost, load, capacity)
    assert result.status == "heuristic"
    assert result.machine_of == greedy(cost, load, capacity)
    # The bound is then each need's cheapest possible machine, a true lower bound.
    assert result.lower_bound <= brute_lower_bound(cost, load, capacity) + 1e-6


def brute_lower_bound(cost: np.ndarray, load: np.ndarray, capacity: np.ndarray) -> float:
    penalty = default_penalty(cost, load, capacity)
    usable = np.where(np.isfinite(cost) & (load <= capacity + 1e-9), cost, INF)
    return float(np.minimum(usable.min(axis=1), penalty).sum())


def test_the_greedy_heuristic_alone_never_exceeds_a_capacity():
    cost, load, capacity = random_instance(8, 200, 25)
    chosen = greedy(cost, load, capacity)
    used = np.zeros(len(capacity))
    for need, machine in enumerate(chosen):
        if machine >= 0:
            assert math.isfinite(cost[need, machine])
            used[machine] += load[need, machine]
    assert np.all(used <= capacity + EPS)


# --- validation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cost", "load", "capacity", "message"),
    [
        (np.ones((2, 3)), np.ones((3, 2)), np.ones(3), "same shape"),
        (np.ones(3), np.ones(3), np.ones(3), "same shape"),
        (np.ones((2, 3)), np.ones((2, 3)), np.ones(2), "one entry per machine"),
        (np.array([[1.0, np.nan]]), np.ones((1, 2)), np.ones(2), "NaN"),
        (np.ones((1, 2)), np.array([[1.0, -0.5]]), np.ones(2), "negative"),
        (np.ones((1, 2)), np.ones((1, 2)), np.array([1.0, -1.0]), "negative"),
    ],
)
def test_malformed_inputs_are_refused(cost, load, capacity, message):
    with pytest.raises(ValueError, match=message):
        solve_assignment(cost, load, capacity)


def test_a_negative_load_on_an_impossible_pair_is_not_an_error():
    result = solve_assignment(np.array([[INF, 1.0]]), np.array([[-1.0, 1.0]]), np.ones(2))
    assert result.machine_of == [1]


def test_hundredths_of_an_hour_rounded_down_never_overfill_a_machine():
    cost, load, capacity = np.ones((3, 1)), np.full((3, 1), 0.334), np.array([1.0])
    result = solve_assignment(cost, load, capacity)
    check_valid(result, cost, load, capacity)


def test_nan_loads_are_refused():
    with pytest.raises(ValueError):
        solve_assignment(np.ones((1, 2)), np.array([[np.nan, 1.0]]), np.ones(2))


def test_no_machines_leaves_every_need_unassigned():
    result = solve_assignment(np.zeros((2, 0)), np.zeros((2, 0)), np.zeros(0))
    assert result.unassigned == [0, 1]


def test_negative_costs_are_refused():
    with pytest.raises(ValueError):
        solve_assignment(np.array([[-5.0], [-5.0]]), np.ones((2, 1)), np.array([5.0]))


# --- properties on random small instances --------------------------------------------------


@st.composite
def instances(draw, max_needs: int = 6, max_machines: int = 3, hundredths: bool = False):
    n = draw(st.integers(0, max_needs))
    m = draw(st.integers(1, max_machines))
    costs = st.one_of(st.just(INF), st.integers(0, 60).map(float))
    if hundredths:
        loads = st.integers(0, 800).map(lambda v: v / 100)
        capacities = st.integers(0, 1500).map(lambda v: v / 100)
    else:
        loads = st.integers(0, 8).map(float)
        capacities = st.integers(0, 15).map(float)
    cost = np.array([[draw(costs) for _ in range(m)] for _ in range(n)], dtype=float).reshape(n, m)
    load = np.array([[draw(loads) for _ in range(m)] for _ in range(n)], dtype=float).reshape(n, m)
    capacity = np.array([draw(capacities) for _ in range(m)], dtype=float)
    return cost, load, capacity


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_property_valid_optimal_and_bounded_on_small_instances(instance):
    cost, load, capacity = instance
    result = solve_assignment(cost, load, capacity, time_limit_s=5)
    check_valid(result, cost, load, capacity)
    best = brute_force(cost, load, capacity)
    assert result.lower_bound <= best + 1e-6, "the lower bound is above the true optimum"
    if result.status == "optimal":
        assert result.objective == pytest.approx(best)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(max_needs=7, max_machines=3, hundredths=True))
def test_property_hundredth_hour_loads_never_exceed_a_capacity(instance):
    cost, load, capacity = instance
    result = solve_assignment(cost, load, capacity, time_limit_s=5)
    check_valid(result, cost, load, capacity)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32 - 1), st.sampled_from([0.001, 0.05, 0.3]))
def test_property_any_time_limit_gives_a_valid_allocation(seed, limit):
    cost, load, capacity = random_instance(seed, 80, 15)
    result = solve_assignment(cost, load, capacity, time_limit_s=limit)
    check_valid(result, cost, load, capacity)


# --- OR-Library gap1 … gap12 -----------------------------------------------------------------


def orlib_problems() -> list[GapProblem]:
    return [problem for gap_file in read_gap_directory(ORLIB_DIR) for problem in gap_file.problems]


def test_the_orlib_files_hold_the_60_published_problems():
    problems = orlib_problems()
    assert [p.name for p in problems] == list(KNOWN_OPTIMA)
    sizes = {(p.agents, p.jobs) for p in problems}
    assert sizes == {
        (5, 15), (5, 20), (5, 25), (5, 30), (8, 24), (8, 32), (8, 40), (8, 48),
        (10, 30), (10, 40), (10, 50), (10, 60),
    }  # fmt: skip


def test_the_orlib_reader_refuses_a_truncated_or_padded_file():
    text = (ORLIB_DIR / "gap1.txt").read_text()
    with pytest.raises(OrlibFormatError, match="ends inside"):
        parse_gap(text.rsplit(maxsplit=3)[0])
    with pytest.raises(OrlibFormatError, match="after the last problem"):
        parse_gap(text + " 7\n")
    with pytest.raises(OrlibFormatError, match="not an integer"):
        parse_gap("1\n1 1\n5\n2\nx\n")


def test_orlib_cost_transformation_keeps_the_profit():
    problem = orlib_problems()[0]
    cost, load, _ = problem.assignment_inputs()
    assert cost.shape == load.shape == (problem.jobs, problem.agents)
    assert cost.min() == 0.0
    choice = [0] * problem.jobs
    top = max(max(row) for row in problem.profit)
    assert problem.profit_of(choice) == problem.jobs * top - sum(
        cost[j, 0] for j in range(problem.jobs)
    )


ORLIB_TIMES: dict[str, float] = {}


@pytest.mark.parametrize("name", list(KNOWN_OPTIMA))
def test_orlib_problem_reaches_its_known_optimum(name):
    problem = next(p for p in _orlib_cache() if p.name == name)
    cost, load, capacity = problem.assignment_inputs()
    started = time.perf_counter()
    result = solve_assignment(cost, load, capacity, time_limit_s=10)
    ORLIB_TIMES[name] = time.perf_counter() - started
    check_valid(result, cost, load, capacity)
    assert result.unassigned == []
    assert problem.is_feasible(result.machine_of)
    assert problem.profit_of(result.machine_of) == KNOWN_OPTIMA[name]
    # The bound, turned back into profit, can never promise more than the optimum.
    top = max(max(row) for row in problem.profit)
    assert problem.jobs * top - result.lower_bound >= KNOWN_OPTIMA[name] - 1e-6


_CACHE: list[GapProblem] = []


def _orlib_cache() -> list[GapProblem]:
    if not _CACHE:
        _CACHE.extend(orlib_problems())
    return _CACHE
