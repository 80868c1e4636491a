"""allocate_flows: the territory's optimum equals a linear program's on random instances."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import linprog

from maillage.symbiosis.allocation import AllocationError, allocate_flows

INF = float("inf")


def _lp_optimum(supply, demand, transport, disposal, virgin) -> float:
    """The same problem as a dense LP solved by HiGHS: the reference optimum."""
    n, m = len(supply), len(demand)
    allowed = np.isfinite(transport).ravel()
    reduced = np.where(np.isfinite(transport), transport, 0.0).ravel()
    reduced = reduced - np.repeat(disposal, m) - np.tile(virgin, n)
    rows = []
    for i in range(n):
        row = np.zeros(n * m)
        row[i * m : (i + 1) * m] = 1
        rows.append(row)
    for j in range(m):
        row = np.zeros(n * m)
        row[j::m] = 1
        rows.append(row)
    bounds = [(0, None) if a else (0, 0) for a in allowed]
    result = linprog(
        reduced,
        A_ub=np.array(rows),
        b_ub=np.concatenate([supply, demand]),
        bounds=bounds,
        method="highs",
    )
    assert result.status == 0
    return float(result.fun + disposal @ supply + virgin @ demand)


@pytest.mark.parametrize("seed", range(40))
def test_it_equals_the_lp_optimum_on_random_instances(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(1, 9)), int(rng.integers(1, 9))
    supply = rng.uniform(0, 120, n)
    demand = rng.uniform(0, 120, m)
    transport = rng.uniform(0, 60, (n, m))
    transport[rng.random((n, m)) < 0.35] = INF
    disposal = rng.uniform(0, 45, n)
    virgin = rng.uniform(0, 45, m)

    flows, cost = allocate_flows(supply, demand, transport, disposal, virgin)

    reference = _lp_optimum(supply, demand, transport, disposal, virgin)
    assert cost == pytest.approx(reference, rel=1e-6, abs=1e-6)
    assert np.all(flows >= 0)
    assert np.all(flows.sum(axis=1) <= supply + 1e-9)
    assert np.all(flows.sum(axis=0) <= demand + 1e-9)
    assert np.all(flows[~np.isfinite(transport)] == 0)


def test_it_moves_nothing_when_transport_costs_more_than_it_saves() -> None:
    flows, cost = allocate_flows([10], [10], [[50.0]], [20.0], [25.0])
    assert flows.tolist() == [[0.0]]
    assert cost == pytest.approx(10 * 20 + 10 * 25)


def test_it_sends_to_the_consumer_that_saves_most() -> None:
    # One supplier of 10 t, two consumers of 10 t: the nearer one saves more per tonne.
    flows, cost = allocate_flows([10], [10, 10], [[5.0, 15.0]], [30.0], [20.0, 20.0])
    assert flows.tolist() == [[10.0, 0.0]]
    assert cost == pytest.approx(10 * 5 + 10 * 20)


def test_it_never_gives_more_than_the_supply_nor_takes_more_than_the_demand() -> None:
    flows, _cost = allocate_flows(
        [4, 6],
        [5],
        [
            [
                1.0,
            ],
            [2.0],
        ],
        [10.0, 10.0],
        [10.0],
    )
    assert flows.sum() == pytest.approx(5)
    assert flows[0, 0] == pytest.approx(4)


def test_it_refuses_a_transport_matrix_of_the_wrong_shape() -> None:
    with pytest.raises(AllocationError, match="2 suppliers x 1 consumers"):
        allocate_flows([1, 2], [3], [[1.0, 2.0]], [0, 0], [0])


def test_it_refuses_negative_or_nan_quantities() -> None:
    with pytest.raises(AllocationError, match="zero or more"):
        allocate_flows([-1], [3], [[1.0]], [0], [0])
    with pytest.raises(AllocationError, match="finite"):
        allocate_flows([float("nan")], [3], [[1.0]], [0], [0])
