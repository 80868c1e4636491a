"""Optimal allocation of resource flows over a whole territory, as a min-cost flow.

The problem: suppliers i give out at most supply[i] units, consumers j take at most demand[j].
Moving one unit from i to j costs transport_cost[i, j] (inf where it is not allowed); a unit a
supplier cannot place costs it disposal_cost[i]; a unit a consumer does not receive costs it
virgin_cost[j]. We minimise

    sum(transport * x) + sum(disposal * (supply - taken)) + sum(virgin * (demand - received)).

Expanding the two "remaining" terms gives a constant, sum(disposal * supply) +
sum(virgin * demand), plus sum((transport[i, j] - disposal[i] - virgin[j]) * x[i, j]): each
unit moved changes the total by its *reduced cost*. Only arcs with a negative reduced cost can
lower the total, so the network holds those arcs and an arc from every supplier straight to the
sink (the unit is disposed of, reduced cost 0). OR-Tools' SimpleMinCostFlow solves it on
integers: quantities and costs are scaled, and the returned flows and cost are in the caller's
units, the cost recomputed from the flows on the exact objective.

Sources: Ahuja, Magnanti and Orlin, *Network Flows* (1993), chapter 9 (the transportation
problem as a min-cost flow); Google OR-Tools, "Minimum Cost Flows".
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray
from ortools.graph.python import min_cost_flow

__all__ = ["AllocationError", "AllocationResult", "allocate_flows", "total_cost"]

# Integer scales: the largest quantity becomes about 1e9 units and the largest cost 1e6, so
# that flow x cost stays far below 2**63 on any instance and rounding moves the optimum by
# less than a millionth.
_QUANTITY_SPAN = 1e9
_COST_SPAN = 1e6


class AllocationError(ValueError):
    """Inputs that do not describe an allocation problem (shapes, negative or NaN values)."""


class AllocationResult(NamedTuple):
    """The flow matrix (suppliers x consumers, caller's units) and the total cost it gives."""

    flows: NDArray[np.float64]
    total_cost: float


def _vector(name: str, values: ArrayLike) -> NDArray[np.float64]:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1:
        raise AllocationError(f"{name} must be a one-dimensional list of numbers")
    if not np.all(np.isfinite(array)):
        raise AllocationError(f"{name} must hold finite numbers only")
    return array


def total_cost(
    flows: NDArray[np.float64],
    supply: NDArray[np.float64],
    demand: NDArray[np.float64],
    transport_cost: NDArray[np.float64],
    disposal_cost: NDArray[np.float64],
    virgin_cost: NDArray[np.float64],
) -> float:
    """The objective for given flows: transport, then what is left to dispose of and to buy."""
    used = flows > 0
    transport = float(np.sum(np.where(used, transport_cost, 0.0) * flows))
    disposal = float(np.dot(disposal_cost, supply - flows.sum(axis=1)))
    virgin = float(np.dot(virgin_cost, demand - flows.sum(axis=0)))
    return transport + disposal + virgin


def allocate_flows(
    supply: ArrayLike,
    demand: ArrayLike,
    transport_cost: ArrayLike,
    disposal_cost: ArrayLike,
    virgin_cost: ArrayLike,
) -> AllocationResult:
    """The flows that minimise transport + remaining disposal + remaining virgin purchase.

    `supply` (n suppliers) and `demand` (m consumers) are quantities >= 0; `transport_cost` is
    n x m, per unit, `inf` where a pair is not allowed; `disposal_cost` (n) and `virgin_cost`
    (m) are per unit. No supplier gives more than its supply, no consumer receives more than its
    demand. Returns the n x m flow matrix and the total cost; unpack as `flows, cost = ...`.
    """
    s = _vector("supply", supply)
    d = _vector("demand", demand)
    disposal = _vector("disposal_cost", disposal_cost)
    virgin = _vector("virgin_cost", virgin_cost)
    if np.any(s < 0) or np.any(d < 0):
        raise AllocationError("supply and demand must be zero or more")
    n, m = s.size, d.size
    if disposal.size != n:
        raise AllocationError(f"disposal_cost must have one value per supplier ({n})")
    if virgin.size != m:
        raise AllocationError(f"virgin_cost must have one value per consumer ({m})")
    transport = np.asarray(transport_cost, dtype=np.float64)
    if transport.shape != (n, m):
        raise AllocationError(f"transport_cost must be {n} suppliers x {m} consumers")
    if np.any(np.isnan(transport)) or np.any(transport == -np.inf):
        raise AllocationError("transport_cost must hold numbers or inf, not NaN or -inf")

    flows = np.zeros((n, m), dtype=np.float64)
    reduced = transport - disposal[:, None] - virgin[None, :]
    rows, cols = np.nonzero(
        np.isfinite(reduced) & (reduced < 0) & (s[:, None] > 0) & (d[None, :] > 0)
    )
    if rows.size == 0:
        return AllocationResult(flows, total_cost(flows, s, d, transport, disposal, virgin))

    largest = max(float(s.max()), float(d.max()))
    q_scale = _QUANTITY_SPAN / largest
    c_scale = _COST_SPAN / float(np.max(-reduced[rows, cols]))
    # Floors keep every scaled supply and demand within the true one.
    s_int = np.floor(s * q_scale).astype(np.int64)
    d_int = np.floor(d * q_scale).astype(np.int64)
    arc_cost = np.rint(reduced[rows, cols] * c_scale).astype(np.int64)

    # Nodes: suppliers 0..n-1, consumers n..n+m-1, the sink n+m.
    sink = n + m
    solver = min_cost_flow.SimpleMinCostFlow()
    pair_arcs = solver.add_arcs_with_capacity_and_unit_cost(
        rows.astype(np.int32),
        (cols + n).astype(np.int32),
        np.minimum(s_int[rows], d_int[cols]),
        arc_cost,
    )
    supplier_ids = np.arange(n, dtype=np.int32)
    consumer_ids = np.arange(m, dtype=np.int32)
    solver.add_arcs_with_capacity_and_unit_cost(
        supplier_ids, np.full(n, sink, dtype=np.int32), s_int, np.zeros(n, dtype=np.int64)
    )
    solver.add_arcs_with_capacity_and_unit_cost(
        consumer_ids + n, np.full(m, sink, dtype=np.int32), d_int, np.zeros(m, dtype=np.int64)
    )
    solver.set_nodes_supplies(supplier_ids, s_int)
    solver.set_node_supply(sink, -int(s_int.sum()))
    status = solver.solve()
    if status != solver.OPTIMAL:  # cannot happen: every supplier can always reach the sink
        raise AllocationError(f"the min-cost flow solver stopped with status {status}")

    moved = solver.flows(pair_arcs)
    flows[rows, cols] = moved / q_scale
    # Scaled floors never exceed the true quantities; clip the last float rounding anyway.
    flows[rows, cols] = np.minimum(flows[rows, cols], np.minimum(s[rows], d[cols]))
    return AllocationResult(flows, total_cost(flows, s, d, transport, disposal, virgin))
