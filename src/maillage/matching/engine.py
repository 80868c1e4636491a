"""The matching engine: filter capable machines near a need, then rank them (no Django import).

The index holds every shareable machine as columns of NumPy arrays plus a k-d tree of unit
vectors on the sphere, so that one query touches only the machines within reach:

1. ball query in the k-d tree (chord length for the great-circle radius),
2. vectorised filters: process (bit of the taxonomy node or any descendant), material,
   envelope (with rotation when allowed), tolerance, status, budget,
3. exact distances, nearest first, then free time for the best few (a callback the caller
   provides, since bookings live in the database),
4. a transparent score: weighted, normalised distance, cost and transport CO2.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from maillage.core.carbon import VAN_EUR_PER_KM, VAN_KG_CO2_PER_KM
from maillage.core.geo import EARTH_RADIUS_KM, haversine_km_many

if TYPE_CHECKING:
    from scipy.spatial import cKDTree

STATUS_USABLE = (0, 1)  # operational, degraded


@dataclass(frozen=True, slots=True)
class MachineRecord:
    """One shareable machine as the engine sees it."""

    machine_id: int
    latitude: float
    longitude: float
    process_nodes: frozenset[int]  # taxonomy node indices: its processes and their ancestors
    materials: int = 0  # bit mask; 0 = not declared (accepted)
    envelope: tuple[float, float, float] | None = None
    status: int = 0  # 0 operational, 1 degraded, 2 down, 3 retired
    tolerance_rank: int = 9  # 0 f, 1 m, 2 c, 3 v, 9 unknown
    rate_cents: int = 0  # hourly price for the network tier
    fixed_fee_cents: int = 0
    with_operator: bool = False
    organisation_id: int = 0


@dataclass(frozen=True, slots=True)
class Need:
    process_node: int
    latitude: float
    longitude: float
    max_km: float
    hours: float = 1.0
    material_bit: int = 0
    part: tuple[float, float, float] | None = None
    allow_rotation: bool = True
    tolerance_rank: int | None = None  # the finest class needed; None: any
    # True: with the host's operator; False: without one; None: either.
    needs_operator: bool | None = None
    budget_cents_per_hour: int | None = None
    earliest: dt.datetime | None = None
    deadline: dt.datetime | None = None
    weight_distance: float = 1.0
    weight_price: float = 1.0
    weight_impact: float = 1.0
    limit: int = 20


@dataclass(frozen=True, slots=True)
class Result:
    machine_id: int
    distance_km: float
    cost_cents: int
    transport_cents: int
    co2_kg: float
    first_free: dt.datetime | None
    score: float
    reasons: tuple[str, ...] = ()


@dataclass(slots=True)
class Answer:
    results: list[Result]
    candidates_in_reach: int
    excluded: dict[str, int] = field(default_factory=dict)
    nearest_excluded: list[tuple[int, float, str]] = field(default_factory=list)

    @property
    def unmet_reason(self) -> str:
        """Why nothing fits, from the reasons that excluded the nearest machines."""
        if self.results:
            return ""
        if not self.nearest_excluded:
            return "too_far" if self.excluded.get("too_far") else "no_such_process"
        return self.nearest_excluded[0][2]


FreeSlot = Callable[[int, dt.timedelta, dt.datetime | None, dt.datetime | None], dt.datetime | None]


def _unit_vectors(
    lat_deg: NDArray[np.float64], lon_deg: NDArray[np.float64]
) -> NDArray[np.float64]:
    lat, lon = np.radians(lat_deg), np.radians(lon_deg)
    cos_lat = np.cos(lat)
    return np.column_stack((cos_lat * np.cos(lon), cos_lat * np.sin(lon), np.sin(lat)))


class MachineIndex:
    """Columns of every machine and a k-d tree over their positions; immutable once built."""

    def __init__(self, machines: Sequence[MachineRecord], node_count: int) -> None:
        n = len(machines)
        self.node_count = node_count
        self.ids = np.fromiter((m.machine_id for m in machines), dtype=np.int64, count=n)
        self.lat = np.fromiter((m.latitude for m in machines), dtype=np.float64, count=n)
        self.lon = np.fromiter((m.longitude for m in machines), dtype=np.float64, count=n)
        words = max(1, (node_count + 63) // 64)
        # Every (row, node) pair at once: one bit per pair, and each node's rows by grouping.
        counts = np.fromiter((len(m.process_nodes) for m in machines), dtype=np.int64, count=n)
        nodes = np.fromiter(
            (node for m in machines for node in m.process_nodes),
            dtype=np.int64,
            count=int(counts.sum()),
        )
        pair_rows = np.repeat(np.arange(n, dtype=np.int64), counts)
        self.capabilities = np.zeros((n, words), dtype=np.uint64)
        np.bitwise_or.at(
            self.capabilities,
            (pair_rows, nodes // 64),
            np.left_shift(np.uint64(1), (nodes % 64).astype(np.uint64)),
        )
        self.materials = np.fromiter((m.materials for m in machines), dtype=np.int64, count=n)
        env = np.array(
            [m.envelope if m.envelope is not None else (np.inf, np.inf, np.inf) for m in machines],
            dtype=np.float64,
        ).reshape(n, 3)
        self.has_envelope = np.fromiter(
            (m.envelope is not None for m in machines), dtype=bool, count=n
        )
        self.envelope = env
        self.envelope_sorted = np.sort(env, axis=1)
        self.status = np.fromiter((m.status for m in machines), dtype=np.int8, count=n)
        self.tolerance = np.fromiter((m.tolerance_rank for m in machines), dtype=np.int8, count=n)
        self.rate = np.fromiter((m.rate_cents for m in machines), dtype=np.int64, count=n)
        self.fee = np.fromiter((m.fixed_fee_cents for m in machines), dtype=np.int64, count=n)
        self.with_operator = np.fromiter((m.with_operator for m in machines), dtype=bool, count=n)
        points = _unit_vectors(self.lat, self.lon)
        # One tree per taxonomy node over the machines that can do it (or a sub-process):
        # a query then only ever touches capable machines.
        self.node_rows: dict[int, NDArray[np.int64]] = {}
        # SciPy is imported here, not at module level: a process that never builds an index
        # (the worker between batches, most web workers at start) does not carry it.
        from scipy.spatial import cKDTree

        self.node_trees: dict[int, cKDTree] = {}
        order = np.lexsort((pair_rows, nodes))
        sorted_nodes, sorted_rows = nodes[order], pair_rows[order]
        edges = np.searchsorted(sorted_nodes, np.arange(node_count + 1))
        for node in range(node_count):
            rows = sorted_rows[edges[node] : edges[node + 1]]
            if len(rows):
                self.node_rows[node] = rows
                self.node_trees[node] = cKDTree(points[rows])

    def __len__(self) -> int:
        return len(self.ids)

    def query(self, need: Need, free_slot: FreeSlot | None = None) -> Answer:
        """Ranked capable machines for one need, with the reasons that excluded the others."""
        if len(self) == 0 or need.max_km <= 0:
            return Answer([], 0, {"too_far": len(self)})
        chord = 2 * math.sin(min(need.max_km / EARTH_RADIUS_KM, math.pi) / 2)
        centre = _unit_vectors(np.array([need.latitude]), np.array([need.longitude]))[0]
        tree = self.node_trees.get(need.process_node)
        if tree is None:
            return Answer([], 0, {"no_such_process": len(self)})
        local = tree.query_ball_point(centre, chord, return_sorted=False)
        idx = self.node_rows[need.process_node][np.asarray(local, dtype=np.int64)]
        excluded: dict[str, int] = {}
        reach = len(idx)
        if reach == 0:
            return Answer(
                [],
                0,
                {"too_far": len(self.node_rows[need.process_node])},
                self._nearest_capable(need),
            )
        checks: list[tuple[str, NDArray[np.bool_]]] = [
            ("out_of_service", self.status[idx] <= max(STATUS_USABLE)),
        ]
        if need.material_bit:
            mats = self.materials[idx]
            checks.append(("wrong_material", (mats == 0) | ((mats & need.material_bit) != 0)))
        if need.part is not None:
            checks.append(("too_small", self._fits(idx, need)))
        if need.tolerance_rank is not None:
            checks.append(("not_precise_enough", self.tolerance[idx] <= need.tolerance_rank))
        if need.needs_operator is True:
            checks.append(("no_operator", self.with_operator[idx]))
        elif need.needs_operator is False:
            checks.append(("operator_only", ~self.with_operator[idx]))
        if need.budget_cents_per_hour is not None:
            checks.append(("over_budget", self.rate[idx] <= need.budget_cents_per_hour))
        keep = np.ones(reach, dtype=bool)
        for reason, ok in checks:
            excluded[reason] = int(np.count_nonzero(keep & ~ok))
            keep &= ok
        kept = idx[keep]
        distances = haversine_km_many(need.latitude, need.longitude, self.lat[kept], self.lon[kept])
        asked = need.limit * 3
        if len(distances) > asked > 0:
            # Only the nearest few are ever looked at: partition, then sort those.
            nearest = np.argpartition(distances, asked - 1)[:asked]
            order = nearest[np.lexsort((nearest, distances[nearest]))]
        else:
            order = np.argsort(distances, kind="stable")
        results: list[Result] = []
        busy = 0
        duration = dt.timedelta(hours=need.hours)
        # Free time costs a database look-up: only the nearest few are asked, all at once.
        closest = order[: need.limit * 3]
        prepare = getattr(free_slot, "prepare", None)
        if prepare is not None:
            prepare([int(self.ids[kept[p]]) for p in closest])
        for position in closest:
            row = int(kept[position])
            machine_id = int(self.ids[row])
            first_free = None
            if free_slot is not None:
                first_free = free_slot(machine_id, duration, need.earliest, need.deadline)
                if first_free is None:
                    busy += 1
                    continue
            results.append(self._result(need, row, float(distances[position]), first_free))
            if len(results) >= need.limit:
                break
        excluded["busy"] = busy
        ranked = _score(results, need)
        left_out = [] if ranked else self._nearest_excluded(need, idx, checks, busy)
        return Answer(ranked, reach, excluded, left_out)

    def _fits(self, idx: NDArray[np.int64], need: Need) -> NDArray[np.bool_]:
        assert need.part is not None
        if need.allow_rotation:
            part = np.sort(np.asarray(need.part, dtype=np.float64))
            inside = np.all(self.envelope_sorted[idx] >= part, axis=1)
        else:
            inside = np.all(self.envelope[idx] >= np.asarray(need.part, dtype=np.float64), axis=1)
        # A machine that does not declare its envelope is kept: the host can say.
        fits: NDArray[np.bool_] = inside | ~self.has_envelope[idx]
        return fits

    def _result(
        self, need: Need, row: int, distance: float, first_free: dt.datetime | None
    ) -> Result:
        machine_cost = round(need.hours * int(self.rate[row])) + int(self.fee[row])
        # Parts go there and back once.
        transport = round(2 * distance * VAN_EUR_PER_KM * 100)
        return Result(
            machine_id=int(self.ids[row]),
            distance_km=round(distance, 2),
            cost_cents=machine_cost + transport,
            transport_cents=transport,
            co2_kg=round(2 * distance * VAN_KG_CO2_PER_KM, 2),
            first_free=first_free,
            score=0.0,
        )

    def _nearest_capable(self, need: Need) -> list[tuple[int, float, str]]:
        """When nothing is in reach: the nearest machines that can do the process, 'too far'."""
        capable = self.node_rows.get(need.process_node)
        if capable is None or len(capable) == 0:
            return []
        d = haversine_km_many(need.latitude, need.longitude, self.lat[capable], self.lon[capable])
        order = np.argsort(d)[:3]
        return [(int(self.ids[capable[i]]), round(float(d[i]), 1), "too_far") for i in order]

    def _nearest_excluded(
        self,
        need: Need,
        idx: NDArray[np.int64],
        checks: list[tuple[str, NDArray[np.bool_]]],
        busy: int,
    ) -> list[tuple[int, float, str]]:
        """The three nearest machines in reach, each with the first rule that excluded it."""
        d = haversine_km_many(need.latitude, need.longitude, self.lat[idx], self.lon[idx])
        found: list[tuple[int, float, str]] = []
        for position in np.argsort(d)[:50]:
            reason = next((r for r, ok in checks if not ok[position]), "busy" if busy else "")
            if reason and (reason != "no_such_process" or not found):
                found.append((int(self.ids[idx[position]]), round(float(d[position]), 1), reason))
            if len(found) == 3:
                break
        if not found or all(r == "no_such_process" for _, _, r in found):
            far = self._nearest_capable(need)
            return far or found
        return found


def _score(results: list[Result], need: Need) -> list[Result]:
    """Lower is better: each criterion divided by the worst among the results, then weighted."""
    if not results:
        return []
    worst_d = max(r.distance_km for r in results) or 1.0
    worst_c = max(r.cost_cents for r in results) or 1
    worst_i = max(r.co2_kg for r in results) or 1.0
    total = (need.weight_distance + need.weight_price + need.weight_impact) or 1.0
    scored = []
    for r in results:
        score = (
            need.weight_distance * r.distance_km / worst_d
            + need.weight_price * r.cost_cents / worst_c
            + need.weight_impact * r.co2_kg / worst_i
        ) / total
        scored.append(
            Result(
                r.machine_id,
                r.distance_km,
                r.cost_cents,
                r.transport_cents,
                r.co2_kg,
                r.first_free,
                round(score, 4),
                r.reasons,
            )
        )
    scored.sort(key=lambda r: (r.score, r.distance_km, r.machine_id))
    return scored


def scan_query(machines: Sequence[MachineRecord], need: Need) -> list[int]:
    """The obvious baseline: look at every machine. Used to check and to measure the index."""
    found = []
    for m in machines:
        if need.process_node not in m.process_nodes or m.status not in STATUS_USABLE:
            continue
        if need.material_bit and m.materials and not (m.materials & need.material_bit):
            continue
        if need.part is not None and m.envelope is not None:
            part = sorted(need.part) if need.allow_rotation else list(need.part)
            env = sorted(m.envelope) if need.allow_rotation else list(m.envelope)
            if any(p > e for p, e in zip(part, env, strict=True)):
                continue
        if need.tolerance_rank is not None and m.tolerance_rank > need.tolerance_rank:
            continue
        if need.needs_operator is not None and need.needs_operator != m.with_operator:
            continue
        if need.budget_cents_per_hour is not None and m.rate_cents > need.budget_cents_per_hour:
            continue
        p1, p2 = math.radians(need.latitude), math.radians(m.latitude)
        dp, dl = p2 - p1, math.radians(m.longitude - need.longitude)
        a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
        if 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a))) <= need.max_km:
            found.append(m.machine_id)
    return found
