"""Allocate many needs to machines at least total cost, within the machines' free hours.

A generalised assignment problem: each need goes to at most one machine; a machine's load
(hours) stays within its capacity; cost is minimised, and leaving a need unassigned costs a
penalty larger than any assignment so that as many needs as possible are served first.
Solved with OR-Tools CP-SAT from a greedy start; when the time limit stops the search, the
best solution found is returned with the solver's proven lower bound (no Django import).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from ortools.sat.python import cp_model


@dataclass(frozen=True)
class Assignment:
    machine_of: list[int]  # machine column per need, -1 when unassigned
    total_cost: float  # cost of the assigned needs
    unassigned: list[int]
    objective: float  # total_cost + penalty × len(unassigned)
    lower_bound: float  # no assignment can have a smaller objective
    status: str  # "optimal", "feasible" (time limit) or "heuristic"
    seconds: float

    @property
    def gap(self) -> float:
        """Relative distance between the objective and its proven lower bound."""
        if self.objective == 0:
            return 0.0
        return max(0.0, (self.objective - self.lower_bound) / abs(self.objective))


def _validate(
    cost: NDArray[np.float64], load: NDArray[np.float64], capacity: NDArray[np.float64]
) -> None:
    if cost.ndim != 2 or load.shape != cost.shape:
        raise ValueError("cost and load must be matrices of the same shape (needs × machines)")
    if capacity.shape != (cost.shape[1],):
        raise ValueError("capacity must have one entry per machine")
    possible = np.isfinite(cost)
    if np.any(np.isnan(cost)) or np.any(cost[possible] < 0):
        raise ValueError("costs must not be NaN or negative")
    if not np.all(load[possible] >= 0) or not np.all(np.isfinite(load[possible])):
        raise ValueError("loads must be finite and not negative (NaN included)")
    if not np.all(capacity >= 0):
        raise ValueError("capacities must not be negative or NaN")


def greedy(
    cost: NDArray[np.float64], load: NDArray[np.float64], capacity: NDArray[np.float64]
) -> list[int]:
    """Regret heuristic: needs with the most to lose go first, each to its cheapest room."""
    n, m = cost.shape
    if m == 0:
        return [-1] * n
    left = capacity.astype(np.float64).copy()
    finite = np.isfinite(cost)
    sorted_costs = np.sort(np.where(finite, cost, np.inf), axis=1)
    best = sorted_costs[:, 0]
    second = sorted_costs[:, 1] if m > 1 else np.full(n, np.inf)
    with np.errstate(invalid="ignore"):
        regret = np.where(
            np.isfinite(second), second - best, np.where(np.isfinite(best), 1e18, -1.0)
        )
    assignment = [-1] * n
    for need in np.argsort(-regret, kind="stable"):
        for machine in np.argsort(cost[need], kind="stable"):
            if not finite[need, machine]:
                break
            if load[need, machine] <= left[machine] + 1e-9:
                assignment[int(need)] = int(machine)
                left[machine] -= load[need, machine]
                break
    return assignment


def solve_assignment(
    cost: NDArray[np.float64],
    load: NDArray[np.float64],
    capacity: NDArray[np.float64],
    time_limit_s: float = 10.0,
    unassigned_penalty: float | None = None,
    workers: int = 2,
) -> Assignment:
    """Assign each need (row) to one machine (column) or to none, at least total cost.

    cost[i, j] is math.inf where need i cannot go to machine j; load[i, j] is the hours it
    takes there; capacity[j] the machine's free hours. Costs may be any non-negative reals;
    they are scaled to integers for the solver (exactly when they already are integers).
    """
    started = time.perf_counter()
    cost = np.asarray(cost, dtype=np.float64)
    load = np.asarray(load, dtype=np.float64)
    capacity = np.asarray(capacity, dtype=np.float64)
    _validate(cost, load, capacity)
    n, m = cost.shape
    finite = np.isfinite(cost) & (load <= capacity[np.newaxis, :] + 1e-9)
    max_cost = float(cost[finite].max()) if finite.any() else 0.0
    penalty = unassigned_penalty if unassigned_penalty is not None else max_cost * n + 1.0
    integral = bool(np.all(cost[finite] == np.round(cost[finite]))) and float(penalty).is_integer()
    scale = 1.0 if integral else 1000.0 / max(1.0, max_cost / 1000.0)
    load_scale = (
        1.0
        if np.all(load[finite] == np.round(load[finite])) and np.all(capacity == np.round(capacity))
        else 100.0
    )

    start = greedy(np.where(finite, cost, np.inf), load, capacity)
    model = cp_model.CpModel()
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    rows, cols = np.nonzero(finite)
    for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
        x[i, j] = model.new_bool_var(f"x{i}_{j}")
    by_need: list[list[tuple[int, cp_model.IntVar]]] = [[] for _ in range(n)]
    by_machine: list[list[tuple[int, cp_model.IntVar]]] = [[] for _ in range(m)]
    for (i, j), var in x.items():
        by_need[i].append((j, var))
        by_machine[j].append((i, var))
    unserved = [model.new_bool_var(f"u{i}") for i in range(n)]
    for i in range(n):
        model.add_exactly_one([v for _, v in by_need[i]] + [unserved[i]])
    for j in range(m):
        if by_machine[j]:
            model.add(
                # Loads round up and capacities down: the scaled model never lets a machine
                # take more hours than it has.
                sum(int(math.ceil(load[i, j] * load_scale - 1e-9)) * v for i, v in by_machine[j])
                <= int(math.floor(capacity[j] * load_scale + 1e-9))
            )
    penalty_int = int(round(penalty * scale))
    model.minimize(
        sum(int(round(cost[i, j] * scale)) * v for (i, j), v in x.items())
        + sum(penalty_int * u for u in unserved)
    )
    for i, j in enumerate(start):
        for jj, var in by_need[i]:
            model.add_hint(var, jj == j)
        model.add_hint(unserved[i], j == -1)
    solver = cp_model.CpSolver()
    remaining = time_limit_s - (time.perf_counter() - started)
    solver.parameters.max_time_in_seconds = max(0.0, remaining)
    solver.parameters.num_workers = workers
    # Building the model may have spent the budget: then the greedy start is the answer.
    result = solver.solve(model) if remaining > 0.01 else cp_model.UNKNOWN

    trivial_bound = float(
        sum(
            min(float(cost[i][finite[i]].min()) if finite[i].any() else penalty, penalty)
            for i in range(n)
        )
    )
    if result in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        chosen = [-1] * n
        for (i, j), var in x.items():
            if solver.boolean_value(var):
                chosen[i] = j
        status = "optimal" if result == cp_model.OPTIMAL else "feasible"
        bound = max(trivial_bound, solver.best_objective_bound / scale)
    else:
        chosen, status, bound = start, "heuristic", trivial_bound
    total = float(sum(cost[i, j] for i, j in enumerate(chosen) if j >= 0))
    missing = [i for i, j in enumerate(chosen) if j < 0]
    objective = total + penalty * len(missing)
    if status == "optimal":
        bound = objective
    return Assignment(
        machine_of=chosen,
        total_cost=total,
        unassigned=missing,
        objective=objective,
        lower_bound=min(bound, objective),
        status=status,
        seconds=time.perf_counter() - started,
    )
