"""The van's collection round: a capacitated vehicle routing problem with pickups and deliveries.

Every route starts and ends at the depot (the washing centre). A shop hands over crates of
empties (a pickup, carried back to the depot) and receives full crates (a delivery, loaded at
the depot). The van leaves with the full crates of the shops it will serve, so its load after
a stop is: deliveries still on board + empties picked up so far; it may never exceed the
capacity in crates.

Solved with OR-Tools routing: distances are great circles × a road detour factor (1.3 by
default) in metres; a "delivered" dimension counts the full crates handed over (its value at
the end of a route is what the van loaded), a "load" dimension starts at that value and moves
by pickup − delivery at each stop. A stop may be dropped at a penalty larger than any detour,
growing with its crates, so the solver serves all it can and drops the fewest crates. Each
vehicle is one trip of one van: two vehicles may be the same van going out twice.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from maillage.core.geo import haversine_km

DETOUR = 1.3
NO_LOCATION = "no_location"
TOO_BIG = "too_big"
NO_ROOM = "no_room"


class RoutingError(ValueError):
    """An input the router cannot plan with, named."""


@dataclass(frozen=True, slots=True)
class Stop:
    key: int
    latitude: float | None
    longitude: float | None
    pickup: int  # crates of empties to take back
    delivery: int  # full crates to drop


@dataclass(frozen=True, slots=True)
class Visit:
    key: int
    pickup: int
    delivery: int
    load_after: int  # crates on board when the van leaves the stop
    km_from_previous: float


@dataclass(frozen=True, slots=True)
class Trip:
    vehicle: int
    load_at_start: int
    visits: tuple[Visit, ...]
    km: float  # back to the depot included


@dataclass(frozen=True, slots=True)
class Unserved:
    key: int
    reason: str  # NO_LOCATION, TOO_BIG or NO_ROOM


@dataclass(frozen=True, slots=True)
class RoundPlan:
    trips: tuple[Trip, ...]
    km: float
    unserved: tuple[Unserved, ...]

    @property
    def visits(self) -> tuple[Visit, ...]:
        return tuple(v for trip in self.trips for v in trip.visits)


def road_km(a: tuple[float, float], b: tuple[float, float], detour: float = DETOUR) -> float:
    return haversine_km(a[0], a[1], b[0], b[1]) * detour


def _check(depot: tuple[float, float], stops: Sequence[Stop], capacity: int, vehicles: int) -> None:
    if capacity < 1:
        raise RoutingError("capacity must be 1 crate or more")
    if vehicles < 1:
        raise RoutingError("vehicles must be 1 or more")
    if not all(math.isfinite(x) for x in depot):
        raise RoutingError("the depot needs coordinates")
    keys = [s.key for s in stops]
    if len(set(keys)) != len(keys):
        raise RoutingError("each stop must appear once")
    for s in stops:
        if s.pickup < 0 or s.delivery < 0:
            raise RoutingError(f"stop {s.key}: crates cannot be negative")


def plan_round(
    depot: tuple[float, float],
    stops: Sequence[Stop],
    capacity: int,
    *,
    vehicles: int = 1,
    time_limit_s: float = 2.0,
    detour: float = DETOUR,
) -> RoundPlan:
    """The trips from and back to the depot serving what fits; the rest unserved, with why."""
    _check(depot, stops, capacity, vehicles)
    unserved: list[Unserved] = []
    todo: list[Stop] = []
    for s in stops:
        if s.pickup == 0 and s.delivery == 0:
            continue  # nothing to carry: no visit
        if s.latitude is None or s.longitude is None:
            unserved.append(Unserved(s.key, NO_LOCATION))
        elif s.pickup > capacity or s.delivery > capacity:
            unserved.append(Unserved(s.key, TOO_BIG))
        else:
            todo.append(s)
    if not todo:
        return RoundPlan((), 0.0, tuple(unserved))
    points = [depot] + [(float(s.latitude or 0), float(s.longitude or 0)) for s in todo]
    km = [[road_km(a, b, detour) for b in points] for a in points]
    served = _solve(km, todo, capacity, vehicles, time_limit_s)
    trips = []
    for vehicle, order in enumerate(served):
        if order:
            trips.append(_trip(vehicle, order, todo, km))
    done = {todo[i - 1].key for order in served for i in order}
    unserved.extend(Unserved(s.key, NO_ROOM) for s in todo if s.key not in done)
    total = sum(t.km for t in trips)
    return RoundPlan(tuple(trips), round(total, 3), tuple(unserved))


def _trip(vehicle: int, order: list[int], todo: list[Stop], km: list[list[float]]) -> Trip:
    load = sum(todo[i - 1].delivery for i in order)
    start, previous, length = load, 0, 0.0
    visits = []
    for i in order:
        stop = todo[i - 1]
        load += stop.pickup - stop.delivery
        length += km[previous][i]
        visits.append(Visit(stop.key, stop.pickup, stop.delivery, load, round(km[previous][i], 3)))
        previous = i
    length += km[previous][0]
    return Trip(vehicle, start, tuple(visits), round(length, 3))


def _solve(
    km: list[list[float]], todo: list[Stop], capacity: int, vehicles: int, time_limit_s: float
) -> list[list[int]]:
    """Node indices (1 = the first stop) of each vehicle's route, in order."""
    metres = [[round(d * 1000) for d in row] for row in km]
    manager = pywrapcp.RoutingIndexManager(len(metres), vehicles, 0)
    routing = pywrapcp.RoutingModel(manager)

    def distance(from_index: int, to_index: int) -> int:
        metre: int = metres[manager.IndexToNode(from_index)][manager.IndexToNode(to_index)]
        return metre

    arc = routing.RegisterTransitCallback(distance)
    routing.SetArcCostEvaluatorOfAllVehicles(arc)
    deliveries = [0] + [s.delivery for s in todo]
    moves = [0] + [s.pickup - s.delivery for s in todo]
    delivered = routing.RegisterUnaryTransitCallback(
        lambda index: deliveries[manager.IndexToNode(index)]
    )
    moved = routing.RegisterUnaryTransitCallback(lambda index: moves[manager.IndexToNode(index)])
    routing.AddDimension(delivered, 0, capacity, True, "delivered")
    routing.AddDimension(moved, 0, capacity, False, "load")
    delivered_dim = routing.GetDimensionOrDie("delivered")
    load_dim = routing.GetDimensionOrDie("load")
    solver = routing.solver()
    for v in range(vehicles):
        # The van leaves with exactly the full crates it hands over on this trip.
        solver.Add(load_dim.CumulVar(routing.Start(v)) == delivered_dim.CumulVar(routing.End(v)))
    longest = max(max(row) for row in metres)
    base = 10 * (longest * 2 + 1) * max(1, len(todo))
    for node, stop in enumerate(todo, start=1):
        crates = stop.pickup + stop.delivery
        routing.AddDisjunction([manager.NodeToIndex(node)], base * (1 + crates))
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = (
        routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
    )
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    params.time_limit.FromMilliseconds(max(1, int(time_limit_s * 1000)))
    solution = routing.SolveWithParameters(params)
    if solution is None:
        return [[] for _ in range(vehicles)]
    routes = []
    for v in range(vehicles):
        order = []
        index = solution.Value(routing.NextVar(routing.Start(v)))
        while not routing.IsEnd(index):
            order.append(manager.IndexToNode(index))
            index = solution.Value(routing.NextVar(index))
        routes.append(order)
    return routes
