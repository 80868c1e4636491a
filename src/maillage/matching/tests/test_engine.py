"""The matching engine on hand-made territories where the right answer is known, and properties.

Plain Python (no database). Machines are placed due north of a need, so that the distance
is exactly the arc along the meridian: d km is math.degrees(d / R) degrees of latitude.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Iterable

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from maillage.core.carbon import VAN_EUR_PER_KM
from maillage.core.geo import EARTH_RADIUS_KM
from maillage.matching.engine import (
    MachineIndex,
    MachineRecord,
    Need,
    scan_query,
)

# A small taxonomy, parents before children (indices are the engine's node numbers).
SEPARATING, MACHINING, TURNING, MILLING, JOINING, WELDING, TIG, AM, FDM, FOOD = range(10)
PARENT = {MACHINING: SEPARATING, TURNING: MACHINING, MILLING: MACHINING, WELDING: JOINING,
          TIG: WELDING, FDM: AM}  # fmt: skip
NODE_COUNT = 10
STEEL, ALUMINIUM, WOOD = 1, 2, 4

LYON = (45.764, 4.8357)
START = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


def closure(*nodes: int) -> frozenset[int]:
    """A machine's processes and all their ancestors, as the engine expects them."""
    found: set[int] = set()
    for node in nodes:
        while True:
            found.add(node)
            if node not in PARENT:
                break
            node = PARENT[node]
    return frozenset(found)


def north_of(origin: tuple[float, float], km: float) -> tuple[float, float]:
    return origin[0] + math.degrees(km / EARTH_RADIUS_KM), origin[1]


def haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def machine(machine_id: int, km: float, *nodes: int, **extra) -> MachineRecord:
    lat, lon = north_of(LYON, km)
    return MachineRecord(machine_id, lat, lon, closure(*nodes), **extra)


def need(process: int, max_km: float = 50.0, **extra) -> Need:
    return Need(process, LYON[0], LYON[1], max_km, **extra)


def ids(answer) -> list[int]:
    return [r.machine_id for r in answer.results]


def busy(machine_ids: Iterable[int]):
    """A free-slot callback: the given machines have no free time, the others are free now."""
    taken = set(machine_ids)

    def free_slot(machine_id, duration, earliest, deadline):
        return None if machine_id in taken else (earliest or START)

    return free_slot


# --- hand-made territories -----------------------------------------------------------------


def test_the_nearest_capable_machine_comes_first_and_incapable_ones_never():
    index = MachineIndex(
        [machine(1, 3, MILLING), machine(2, 5, TURNING), machine(3, 12, TURNING)], NODE_COUNT
    )
    answer = index.query(need(TURNING))
    assert ids(answer) == [2, 3]
    assert answer.results[0].distance_km == pytest.approx(5.0, abs=0.01)
    assert answer.candidates_in_reach == 2


def test_when_the_nearest_capable_machine_is_busy_the_next_one_is_offered():
    index = MachineIndex(
        [machine(1, 3, MILLING), machine(2, 5, TURNING), machine(3, 12, TURNING)], NODE_COUNT
    )
    answer = index.query(need(TURNING), busy([2]))
    assert ids(answer) == [3]
    assert answer.excluded["busy"] == 1
    assert answer.results[0].first_free == START


def test_when_every_capable_machine_is_busy_the_reason_is_busy():
    index = MachineIndex([machine(2, 5, TURNING), machine(3, 12, TURNING)], NODE_COUNT)
    answer = index.query(need(TURNING), busy([2, 3]))
    assert answer.results == []
    assert answer.unmet_reason == "busy"


def test_the_free_slot_callback_gets_the_duration_and_window_and_its_answer_is_kept():
    calls = []
    later = START + dt.timedelta(days=2)

    def free_slot(machine_id, duration, earliest, deadline):
        calls.append((machine_id, duration, earliest, deadline))
        return later

    index = MachineIndex([machine(7, 5, TURNING)], NODE_COUNT)
    deadline = START + dt.timedelta(days=10)
    answer = index.query(need(TURNING, hours=2.5, earliest=START, deadline=deadline), free_slot)
    assert calls == [(7, dt.timedelta(hours=2.5), START, deadline)]
    assert answer.results[0].first_free == later


def test_a_descendant_process_is_accepted_for_its_parent_but_not_the_reverse():
    index = MachineIndex([machine(1, 5, TURNING), machine(2, 8, MACHINING)], NODE_COUNT)
    # A need for machining in general: a lathe does it.
    assert ids(index.query(need(MACHINING))) == [1, 2]
    # A need for turning: the machine only declared as "machining" is not known to turn.
    assert ids(index.query(need(TURNING))) == [1]
    # Two levels up: a TIG welder serves a need for joining.
    tig = MachineIndex([machine(3, 5, TIG)], NODE_COUNT)
    assert ids(tig.query(need(JOINING))) == [3]


def test_an_envelope_too_small_is_excluded_and_undeclared_envelopes_are_kept():
    index = MachineIndex(
        [
            machine(1, 2, MILLING, envelope=(400.0, 400.0, 400.0)),
            machine(2, 4, MILLING, envelope=(600.0, 400.0, 300.0)),
            machine(3, 6, MILLING),
        ],
        NODE_COUNT,
    )
    answer = index.query(need(MILLING, part=(500.0, 300.0, 200.0)))
    assert sorted(ids(answer)) == [2, 3]
    assert answer.excluded["too_small"] == 1


def test_rotation_lets_a_part_fit_only_when_allowed():
    index = MachineIndex([machine(1, 2, MILLING, envelope=(500.0, 300.0, 250.0))], NODE_COUNT)
    part = (300.0, 500.0, 200.0)
    assert ids(index.query(need(MILLING, part=part, allow_rotation=True))) == [1]
    refused = index.query(need(MILLING, part=part, allow_rotation=False))
    assert refused.results == []
    assert refused.unmet_reason == "too_small"
    # The same orientation fits either way.
    assert ids(index.query(need(MILLING, part=(500.0, 300.0, 250.0), allow_rotation=False))) == [1]


def test_materials_a_declared_mismatch_is_excluded_an_undeclared_one_kept():
    index = MachineIndex(
        [
            machine(1, 2, MILLING, materials=STEEL),
            machine(2, 4, MILLING, materials=STEEL | ALUMINIUM),
            machine(3, 6, MILLING, materials=0),
        ],
        NODE_COUNT,
    )
    answer = index.query(need(MILLING, material_bit=ALUMINIUM))
    assert ids(answer) == [2, 3]
    assert answer.excluded["wrong_material"] == 1


def test_tolerance_only_machines_at_least_as_precise_and_known():
    index = MachineIndex(
        [
            machine(1, 2, TURNING, tolerance_rank=0),  # fine
            machine(2, 4, TURNING, tolerance_rank=1),  # medium
            machine(3, 6, TURNING, tolerance_rank=2),  # coarse
            machine(4, 8, TURNING),  # unknown
        ],
        NODE_COUNT,
    )
    answer = index.query(need(TURNING, tolerance_rank=1))
    assert ids(answer) == [1, 2]
    assert answer.excluded["not_precise_enough"] == 2
    assert len(ids(index.query(need(TURNING)))) == 4


def test_budget_excludes_dearer_machines_and_operator_when_asked():
    index = MachineIndex(
        [
            machine(1, 2, FDM, rate_cents=3000),
            machine(2, 4, FDM, rate_cents=1500, with_operator=True),
            machine(3, 6, FDM, rate_cents=500),
        ],
        NODE_COUNT,
    )
    cheap = index.query(need(FDM, budget_cents_per_hour=2000))
    assert sorted(ids(cheap)) == [2, 3]
    assert cheap.excluded["over_budget"] == 1
    assert ids(index.query(need(FDM, needs_operator=True))) == [2]
    assert len(ids(index.query(need(FDM, needs_operator=None)))) == 3
    without = index.query(need(FDM, needs_operator=False))
    assert sorted(ids(without)) == [1, 3]
    assert without.excluded["operator_only"] == 1
    alone = MachineIndex([machine(2, 4, FDM, with_operator=True)], NODE_COUNT)
    assert alone.query(need(FDM, needs_operator=False)).unmet_reason == "operator_only"


def test_machines_down_or_retired_are_excluded_degraded_ones_kept():
    index = MachineIndex(
        [
            machine(1, 2, WELDING, status=2),
            machine(2, 3, WELDING, status=3),
            machine(3, 4, WELDING, status=1),
            machine(4, 5, WELDING, status=0),
        ],
        NODE_COUNT,
    )
    answer = index.query(need(WELDING))
    assert ids(answer) == [3, 4]
    assert answer.excluded["out_of_service"] == 2


def test_too_far_is_the_reason_with_the_nearest_capable_machine_and_its_distance():
    index = MachineIndex(
        [machine(1, 10, MILLING), machine(2, 150, TURNING), machine(3, 220, TURNING)],
        NODE_COUNT,
    )
    answer = index.query(need(TURNING, max_km=50))
    assert answer.results == []
    assert answer.unmet_reason == "too_far"
    assert answer.nearest_excluded[0][0] == 2
    assert answer.nearest_excluded[0][1] == pytest.approx(150.0, abs=0.1)
    assert [m for m, _, _ in answer.nearest_excluded] == [2, 3]


def test_no_such_process_when_no_machine_anywhere_can_do_it():
    index = MachineIndex([machine(1, 5, TURNING), machine(2, 6, WELDING)], NODE_COUNT)
    answer = index.query(need(FOOD))
    assert answer.results == []
    assert answer.unmet_reason == "no_such_process"


def test_too_small_is_the_reason_when_the_only_machines_in_reach_are_too_small():
    index = MachineIndex(
        [
            machine(1, 5, MILLING, envelope=(200.0, 200.0, 100.0)),
            machine(2, 9, MILLING, envelope=(300.0, 200.0, 100.0)),
        ],
        NODE_COUNT,
    )
    answer = index.query(need(MILLING, part=(800.0, 600.0, 400.0)))
    assert answer.unmet_reason == "too_small"
    assert [(m, reason) for m, _, reason in answer.nearest_excluded] == [
        (1, "too_small"),
        (2, "too_small"),
    ]


def test_cost_transport_and_co2_follow_the_distance():
    index = MachineIndex(
        [machine(1, 20, MILLING, rate_cents=4000, fixed_fee_cents=1500)], NODE_COUNT
    )
    result = index.query(need(MILLING, hours=3)).results[0]
    transport = round(2 * 20 * VAN_EUR_PER_KM * 100)
    assert result.transport_cents == pytest.approx(transport, abs=1)
    assert result.cost_cents == pytest.approx(3 * 4000 + 1500 + transport, abs=1)
    assert result.co2_kg == pytest.approx(2 * 20 * 0.25, abs=0.01)


def test_the_limit_keeps_the_best_few():
    index = MachineIndex([machine(i, i, TURNING) for i in range(1, 30)], NODE_COUNT)
    answer = index.query(need(TURNING, limit=5))
    assert ids(answer) == [1, 2, 3, 4, 5]


def test_price_weight_can_rank_a_cheaper_farther_machine_first():
    index = MachineIndex(
        [machine(1, 5, MILLING, rate_cents=20000), machine(2, 25, MILLING, rate_cents=2000)],
        NODE_COUNT,
    )
    by_distance = index.query(need(MILLING, weight_price=0, weight_impact=0))
    assert ids(by_distance) == [1, 2]
    by_price = index.query(need(MILLING, hours=4, weight_distance=0, weight_impact=0))
    assert ids(by_price) == [2, 1]


def test_an_empty_index_and_a_zero_radius_answer_nothing():
    assert MachineIndex([], NODE_COUNT).query(need(TURNING)).results == []
    index = MachineIndex([machine(1, 5, TURNING)], NODE_COUNT)
    assert index.query(need(TURNING, max_km=0)).results == []


def test_scan_query_agrees_on_a_hand_made_territory():
    machines = [
        machine(1, 2, MILLING, envelope=(400.0, 400.0, 400.0)),
        machine(2, 4, MILLING, materials=STEEL),
        machine(3, 30, TURNING, status=2),
        machine(4, 45, TURNING, tolerance_rank=0),
        machine(5, 70, TURNING),
    ]
    index = MachineIndex(machines, NODE_COUNT)
    query = need(MACHINING, part=(100.0, 100.0, 100.0), material_bit=STEEL, limit=50)
    assert sorted(ids(index.query(query))) == sorted(scan_query(machines, query)) == [1, 2, 4]


# --- properties ------------------------------------------------------------------------------

LEAVES = [TURNING, MILLING, TIG, WELDING, FDM, FOOD]
dims = st.floats(10.0, 2000.0, allow_nan=False)
envelopes = st.one_of(st.none(), st.tuples(dims, dims, dims))


@st.composite
def machine_records(draw, machine_id: int) -> MachineRecord:
    nodes = draw(st.lists(st.sampled_from(LEAVES), min_size=1, max_size=2))
    return MachineRecord(
        machine_id=machine_id,
        latitude=draw(st.floats(44.5, 47.0)),
        longitude=draw(st.floats(3.0, 6.5)),
        process_nodes=closure(*nodes),
        materials=draw(st.integers(0, 7)),
        envelope=draw(envelopes),
        status=draw(st.sampled_from([0, 0, 0, 1, 2, 3])),
        tolerance_rank=draw(st.sampled_from([0, 1, 2, 3, 9])),
        rate_cents=draw(st.integers(0, 10000)),
        fixed_fee_cents=draw(st.integers(0, 3000)),
        with_operator=draw(st.booleans()),
    )


@st.composite
def territories(draw):
    count = draw(st.integers(0, 40))
    machines = [draw(machine_records(1000 + k)) for k in range(count)]
    query = Need(
        process_node=draw(st.sampled_from(range(NODE_COUNT))),
        latitude=draw(st.floats(44.5, 47.0)),
        longitude=draw(st.floats(3.0, 6.5)),
        max_km=draw(st.floats(1.0, 300.0)),
        hours=draw(st.floats(0.25, 40.0)),
        material_bit=draw(st.sampled_from([0, 0, 0, STEEL, ALUMINIUM, WOOD])),
        part=draw(st.one_of(st.none(), st.none(), st.tuples(dims, dims, dims))),
        allow_rotation=draw(st.booleans()),
        tolerance_rank=draw(st.sampled_from([None, None, None, 0, 1, 2, 3])),
        needs_operator=draw(st.sampled_from([None, None, True, False])),
        budget_cents_per_hour=draw(st.one_of(st.none(), st.none(), st.integers(0, 10000))),
        weight_distance=draw(st.floats(0.0, 3.0)),
        weight_price=draw(st.floats(0.0, 3.0)),
        weight_impact=draw(st.floats(0.0, 3.0)),
        limit=draw(st.integers(1, 60)),
    )
    taken = draw(st.sets(st.sampled_from([m.machine_id for m in machines]))) if machines else set()
    return machines, query, taken


def capable(m: MachineRecord, q: Need) -> bool:
    if q.process_node not in m.process_nodes or m.status not in (0, 1):
        return False
    if q.material_bit and m.materials and not m.materials & q.material_bit:
        return False
    if q.part is not None and m.envelope is not None:
        part = sorted(q.part) if q.allow_rotation else list(q.part)
        env = sorted(m.envelope) if q.allow_rotation else list(m.envelope)
        if any(p > e for p, e in zip(part, env, strict=True)):
            return False
    if q.tolerance_rank is not None and m.tolerance_rank > q.tolerance_rank:
        return False
    if q.needs_operator is True and not m.with_operator:
        return False
    if q.needs_operator is False and m.with_operator:
        return False
    return q.budget_cents_per_hour is None or m.rate_cents <= q.budget_cents_per_hour


def on_the_edge(m: MachineRecord, q: Need) -> bool:
    """Within a metre of the radius, where rounding may legitimately decide either way."""
    return abs(haversine(q.latitude, q.longitude, m.latitude, m.longitude) - q.max_km) < 1e-3


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(territories())
def test_property_results_are_capable_in_reach_and_never_busy(territory):
    machines, query, taken = territory
    by_id = {m.machine_id: m for m in machines}
    answer = MachineIndex(machines, NODE_COUNT).query(query, busy(taken))
    assert len(answer.results) <= query.limit
    assert len({r.machine_id for r in answer.results}) == len(answer.results)
    for result in answer.results:
        m = by_id[result.machine_id]
        assert capable(m, query), f"incapable machine {m} returned for {query}"
        assert result.machine_id not in taken, "a machine without free time was returned"
        assert result.first_free is not None
        distance = haversine(query.latitude, query.longitude, m.latitude, m.longitude)
        assert distance <= query.max_km + 1e-6
        assert result.distance_km == pytest.approx(distance, abs=0.006)
    scores = [r.score for r in answer.results]
    assert scores == sorted(scores)
    if not answer.results:
        assert answer.unmet_reason in {
            "too_far",
            "no_such_process",
            "out_of_service",
            "wrong_material",
            "too_small",
            "not_precise_enough",
            "no_operator",
            "operator_only",
            "over_budget",
            "busy",
        }


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(territories())
def test_property_with_a_large_limit_the_index_finds_what_a_full_scan_finds(territory):
    machines, query, taken = territory
    assume(not any(on_the_edge(m, query) for m in machines))
    wide = dataclasses.replace(query, limit=100)
    index = MachineIndex(machines, NODE_COUNT)
    expected = set(scan_query(machines, wide))
    assert {r.machine_id for r in index.query(wide).results} == expected
    # Busy machines are the only ones a free-slot callback takes away.
    assert {r.machine_id for r in index.query(wide, busy(taken)).results} == expected - taken


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(territories(), st.integers(1, 8))
def test_property_booked_slots_are_never_overlapped(territory, hours):
    """A calendar-like callback: each machine is booked on some whole days; results must start
    on a free day inside the window, and machines booked throughout are never returned."""
    machines, query, _ = territory
    booked_days = {m.machine_id: (m.machine_id * 7919) % 5 for m in machines}
    window_days = 3

    def free_slot(machine_id, duration, earliest, deadline):
        assert duration == dt.timedelta(hours=hours)
        first_free_day = booked_days[machine_id]  # booked on days [0, n)
        if first_free_day >= window_days:
            return None
        return earliest + dt.timedelta(days=first_free_day)

    deadline = START + dt.timedelta(days=window_days)
    timed = dataclasses.replace(query, hours=float(hours), earliest=START, deadline=deadline)
    answer = MachineIndex(machines, NODE_COUNT).query(timed, free_slot)
    for result in answer.results:
        assert result.first_free is not None
        day = (result.first_free - START).days
        assert booked_days[result.machine_id] <= day < window_days
