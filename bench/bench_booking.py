#!/usr/bin/env python
"""Benchmark of booking under contention: 20 concurrent clients on PostgreSQL.

    python bench/bench_booking.py [--clients 20] [--attempts 50] [--http-attempts 20]
                                  [--clients-as processes|threads] [--machines 4] [--days 10]
                                  [--seed 2026] [--profile] [--keep-db]

It builds a dedicated PostgreSQL database (`maillage_bench_booking`, dropped and created
through psycopg on the `postgres` database, then migrated), sets up a host organisation with
a few machines, their offers and opening hours, and one validated organisation per client,
all through the real actions. Then:

(a) through the action: `--clients` processes (forked after Django is set up, as web
    workers are; `--clients-as threads` for threads of one interpreter), each with its own
    database connection, start together and each make `--attempts` calls of
    `maillage.sharing.booking_actions.request_booking` for random slots of the machines, so that
    many of them conflict;
(b) through the HTTP API: a real gunicorn (4 workers x 4 threads) on 127.0.0.1 and a free
    port; `--clients` threads, each authenticated with its own API token and keeping its
    connection alive, make `--http-attempts` POST /api/v1/bookings each.

For each: attempts per second, latency p50/p95/p99/max, accepted (201) / refused (422)
counts, unexpected errors, and the overlapping live bookings found afterwards by a plain SQL
query (must be 0). A table is printed and JSON written to bench/results/bench_booking.json.
`--profile` also runs a few single-threaded attempts under cProfile and prints where the time
goes, with the number of SQL queries per attempt.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import datetime as dt
import http.client
import io
import json
import multiprocessing
import os
import pstats
import random
import statistics
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import common

RESULTS_FILE = common.RESULTS_DIR / "bench_booking.json"
STATIC_ROOT = common.RESULTS_DIR / "static-booking"
PG_BENCH_DB = "maillage_bench_booking"

TARGET_RATE = 200.0  # attempts per second through the action
TARGET_P99_MS = 100.0

OPENS, CLOSES = dt.time(8), dt.time(20)
BUFFER_MINUTES = 15
DURATIONS = (60, 90, 120)  # minutes
GRID_MINUTES = 30

OVERLAP_SQL = """
    SELECT count(*) FROM sharing_booking a
    JOIN sharing_booking b ON a.machine_id = b.machine_id AND a.id < b.id
    WHERE a.state IN ('requested', 'confirmed', 'checked_in')
      AND b.state IN ('requested', 'confirmed', 'checked_in')
      AND a.start < b.blocked_until AND b.start < a.blocked_until
"""


# --- measurements ----------------------------------------------------------------------


@dataclass
class Outcome:
    latency_s: float
    kind: str  # accepted | refused | error
    detail: str = ""


@dataclass
class Run:
    outcomes: list[Outcome] = field(default_factory=list)
    wall_s: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    client_cpu_s: float = 0.0

    def add(self, outcomes: list[Outcome], cpu_s: float = 0.0) -> None:
        with self.lock:
            self.outcomes.extend(outcomes)
            self.client_cpu_s += cpu_s


def summarise(run: Run, overlaps: int) -> dict[str, Any]:
    latencies_ms = [o.latency_s * 1000 for o in run.outcomes]
    counts = {kind: sum(1 for o in run.outcomes if o.kind == kind) for kind in KINDS}
    errors = sorted({o.detail for o in run.outcomes if o.kind == "error"})
    return {
        "attempts": len(run.outcomes),
        "wall_s": round(run.wall_s, 3),
        "attempts_per_s": round(len(run.outcomes) / run.wall_s, 1),
        "p50_ms": round(common.percentile(latencies_ms, 0.50), 2),
        "p95_ms": round(common.percentile(latencies_ms, 0.95), 2),
        "p99_ms": round(common.percentile(latencies_ms, 0.99), 2),
        "max_ms": round(max(latencies_ms), 2),
        "mean_ms": round(statistics.fmean(latencies_ms), 2),
        # CPU of the clients themselves (Django and the action); the rest of the two cores
        # went to PostgreSQL, the kernel and whatever else ran.
        "client_cpu_ms_per_attempt": round(run.client_cpu_s * 1000 / len(run.outcomes), 3),
        "client_cpu_share_of_machine": round(
            run.client_cpu_s / (run.wall_s * (os.cpu_count() or 1)), 3
        ),
        **counts,
        "by_outcome": {
            kind: {
                "p50_ms": round(common.percentile(values, 0.50), 2),
                "p99_ms": round(common.percentile(values, 0.99), 2),
            }
            for kind in KINDS
            if (values := [o.latency_s * 1000 for o in run.outcomes if o.kind == kind])
        },
        "error_samples": errors[:5],
        "overlaps": overlaps,
    }


KINDS = ("accepted", "refused", "error")


# --- the territory ---------------------------------------------------------------------


@dataclass
class Territory:
    machine_ids: list[int]
    booker_ids: list[int]
    first_day: dt.date


def build_territory(clients: int, machines: int) -> Territory:
    """Everything through the real actions: organisations, machines, offers, opening hours."""
    from django.utils import timezone

    from maillage.directory.actions import organisations as organisation_actions
    from maillage.directory.actions import people as people_actions
    from maillage.directory.actions import sites as site_actions
    from maillage.directory.models import User
    from maillage.equipment import actions as equipment
    from maillage.sharing.actions import hours as hour_actions
    from maillage.sharing.actions import offers as offer_actions
    from maillage.sharing.availability import PARIS

    coordinator = User.objects.create_user("bench-coordinator", "coord@bench.invalid")
    people_actions.grant_coordinator(coordinator)
    host_admin = User.objects.create_user("bench-host", "host@bench.invalid")
    site = site_actions.SiteInput(commune="Marseille", postal_code="13002")
    host = organisation_actions.create_organisation(
        host_admin,
        organisation_actions.OrganisationInput(name="Atelier partagé du banc", kind="fablab"),
        [site],
    )
    organisation_actions.moderate_organisation(coordinator, host, "validated")
    machine_ids = []
    for number in range(machines):
        machine = equipment.create_machine(
            host_admin,
            host,
            equipment.MachineInput(name=f"Découpe laser {number + 1}", process_codes=["3.4.1.1"]),
        )
        offer_actions.save_offer(
            host_admin,
            machine,
            offer_actions.OfferInput(
                mode="self_service",
                price_own_cents=1000,
                price_member_cents=1500,
                price_outsider_cents=3000,
                buffer_minutes=BUFFER_MINUTES,
                min_minutes=30,
                max_minutes=240,
                horizon_days=90,
            ),
        )
        hour_actions.set_opening_windows(
            host_admin,
            [hour_actions.WindowInput(day, OPENS, CLOSES) for day in range(7)],
            machine=machine,
        )
        machine_ids.append(machine.pk)
    booker_ids = []
    for number in range(clients):
        user = User.objects.create_user(f"bench-booker-{number}", f"b{number}@bench.invalid")
        organisation = organisation_actions.create_organisation(
            user,
            organisation_actions.OrganisationInput(name=f"Collectif du banc {number}", kind="sme"),
            [site],
        )
        organisation_actions.moderate_organisation(coordinator, organisation, "validated")
        booker_ids.append(user.pk)
    first_day = timezone.now().astimezone(PARIS).date() + dt.timedelta(days=2)
    return Territory(machine_ids, booker_ids, first_day)


def random_slot(
    rng: random.Random, territory: Territory, days: int
) -> tuple[int, dt.datetime, dt.datetime]:
    """A machine and a slot inside the opening hours, in UTC (never two ends in one ZoneInfo)."""
    from maillage.sharing.availability import PARIS, local_instant

    machine_id = rng.choice(territory.machine_ids)
    day = territory.first_day + dt.timedelta(days=rng.randrange(days))
    minutes = rng.choice(DURATIONS)
    open_minutes = (CLOSES.hour - OPENS.hour) * 60
    start_minute = OPENS.hour * 60 + GRID_MINUTES * rng.randrange(
        (open_minutes - minutes) // GRID_MINUTES + 1
    )
    start = local_instant(day, dt.time(start_minute // 60, start_minute % 60), PARIS)
    start = start.astimezone(dt.UTC)
    return machine_id, start, start + dt.timedelta(minutes=minutes)


def count_overlaps() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(OVERLAP_SQL)
        return int(cursor.fetchone()[0])


def warm_up(territory: Territory, days: int, seed: int) -> None:
    """A few attempts in the parent before the clients fork, then a clean slate.

    Web workers answer many requests in their life: modules imported on first use, the
    translation catalogues, the SQL texts cached per database would otherwise land in the
    first measured attempts of every client.
    """
    from django.core.exceptions import ValidationError

    from maillage.directory.models import User
    from maillage.equipment.models import Machine
    from maillage.sharing.actions import bookings as booking_actions

    rng = random.Random(seed - 1)
    user = User.objects.get(pk=territory.booker_ids[0])
    machines = {m.pk: m for m in Machine.objects.filter(pk__in=territory.machine_ids)}
    for _ in range(20):
        machine_id, start, end = random_slot(rng, territory, days)
        with contextlib.suppress(ValidationError):
            booking_actions.request_booking(user, machines[machine_id], start, end)
    clear_bookings()


def _warm_client(
    number: int, user: Any, machines: dict[int, Any], territory: Territory, days: int
) -> None:
    """Before the start: one booking (then cancelled) on a day after the measured ones, and one
    refused attempt, so that pages touched for the first time since the fork are not timed."""
    from django.core.exceptions import ValidationError

    from maillage.sharing.actions import bookings as booking_actions
    from maillage.sharing.availability import PARIS, local_instant

    machine = machines[territory.machine_ids[0]]
    day = territory.first_day + dt.timedelta(days=days + 1 + number)
    start = local_instant(day, OPENS, PARIS)
    booking = booking_actions.request_booking(user, machine, start, start + dt.timedelta(hours=1))
    booking_actions.cancel_booking(user, booking)
    with contextlib.suppress(ValidationError):
        booking_actions.request_booking(user, machine, start, start + dt.timedelta(minutes=1))


def clear_bookings() -> None:
    from maillage.sharing.models import Booking

    Booking.history.all().delete()
    Booking.objects.all().delete()


# --- (a) through the action ------------------------------------------------------------


@dataclass(frozen=True)
class Load:
    """How the action clients ask: back to back (closed loop) or paced at a total rate."""

    clients: int
    attempts: int  # per client
    days: int
    seed: int
    rate: float = 0.0  # attempts per second over all clients; 0: each asks again at once
    as_processes: bool = True


def run_threads(client: Any, clients: int, barrier: threading.Barrier) -> float:
    """Start `client(n)` in `clients` threads, release them together, return the wall time."""
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - began


def _action_client(number: int, load: Load, territory: Territory, barrier: Any) -> Run:
    """One client: its own connection, its planned slots, one `request_booking` after another.

    Paced (`load.rate` > 0), the client sends on a Poisson schedule of rate / clients per
    second, and each latency runs from the scheduled instant, not from the actual send: a
    client held up by a slow answer does not hide the delay it causes (no coordinated
    omission).
    """
    from django.core.exceptions import ValidationError
    from django.db import connections

    from maillage.directory.models import User
    from maillage.equipment.models import Machine
    from maillage.sharing.actions import bookings as booking_actions

    rng = random.Random(load.seed * 1000 + number)
    own = Run()
    clock = time.process_time if load.as_processes else time.thread_time
    try:
        user = User.objects.get(pk=territory.booker_ids[number])
        machines = {m.pk: m for m in Machine.objects.filter(pk__in=territory.machine_ids)}
        plan = [random_slot(rng, territory, load.days) for _ in range(load.attempts)]
        _warm_client(number, user, machines, territory, load.days)
        gaps = [0.0] * len(plan)
        if load.rate:
            # Poisson arrivals (bursty, like people) with exactly `attempts` of them over
            # attempts / (rate / clients) seconds: n + 1 exponential gaps scaled to that span,
            # the last one dropped (uniform order statistics; clients do not end together).
            span = len(plan) * load.clients / load.rate
            drawn = [rng.expovariate(1.0) for _ in range(len(plan) + 1)]
            gaps = [gap * span / sum(drawn) for gap in drawn[:-1]]
        barrier.wait()
        cpu_began = clock()
        due = time.perf_counter()
        for (machine_id, start, end), gap in zip(plan, gaps, strict=True):
            if load.rate:
                due += gap
                time.sleep(max(0.0, due - time.perf_counter()))
            else:
                due = time.perf_counter()
            try:
                booking_actions.request_booking(user, machines[machine_id], start, end)
                kind, detail = "accepted", ""
            except ValidationError as exc:
                kind, detail = "refused", " ".join(exc.messages)
            except Exception as exc:  # a deadlock, a lost connection: counted, not hidden
                kind, detail = "error", f"{type(exc).__name__}: {exc}".splitlines()[0]
            own.outcomes.append(Outcome(time.perf_counter() - due, kind, detail))
        own.client_cpu_s = clock() - cpu_began
    finally:
        connections.close_all()
    return own


def _process_client(
    number: int, load: Load, territory: Territory, barrier: Any, queue: Any
) -> None:
    own = _action_client(number, load, territory, barrier)
    queue.put((own.outcomes, own.client_cpu_s))


def run_action(territory: Territory, load: Load) -> Run:
    """`load.clients` concurrent clients, as processes (one interpreter each) or threads."""
    from django.db import connections

    run = Run()
    if load.as_processes:
        connections.close_all()  # no connection crosses the fork
        context = multiprocessing.get_context("fork")
        barrier: Any = context.Barrier(load.clients + 1)
        queue = context.Queue()
        processes = [
            context.Process(target=_process_client, args=(n, load, territory, barrier, queue))
            for n in range(load.clients)
        ]
        for process in processes:
            process.start()
        barrier.wait()
        began = time.perf_counter()
        for _ in processes:
            run.add(*queue.get())
        run.wall_s = time.perf_counter() - began
        for process in processes:
            process.join()
        return run

    barrier = threading.Barrier(load.clients + 1)

    def client(number: int) -> None:
        own = _action_client(number, load, territory, barrier)
        run.add(own.outcomes, own.client_cpu_s)

    run.wall_s = run_threads(client, load.clients, barrier)
    return run


def profile_action(territory: Territory, attempts: int, days: int, seed: int) -> dict[str, Any]:
    """Single-threaded attempts: CPU time and SQL queries each, then the same under cProfile.

    CPU time (this thread's, not the wall clock) is what the interpreter lock serialises: with
    every client in one process, throughput cannot exceed 1 / (mean CPU time per attempt).
    """
    from django.core.exceptions import ValidationError
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from maillage.directory.models import User
    from maillage.equipment.models import Machine
    from maillage.sharing.actions import bookings as booking_actions

    rng = random.Random(seed + 7)
    user = User.objects.get(pk=territory.booker_ids[0])
    machines = {m.pk: m for m in Machine.objects.filter(pk__in=territory.machine_ids)}
    cpu_ms: dict[str, list[float]] = {"accepted": [], "refused": []}
    queries: dict[str, list[int]] = {"accepted": [], "refused": []}
    profiler = cProfile.Profile()
    for number in range(2 * attempts):
        machine_id, start, end = random_slot(rng, territory, days)
        profiled = number >= attempts
        began = time.thread_time()
        with CaptureQueriesContext(connection) as captured:
            if profiled:
                profiler.enable()
            try:
                booking_actions.request_booking(user, machines[machine_id], start, end)
                kind = "accepted"
            except ValidationError:
                kind = "refused"
            finally:
                if profiled:
                    profiler.disable()
        if not profiled:
            cpu_ms[kind].append((time.thread_time() - began) * 1000)
            queries[kind].append(len(captured.captured_queries))
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(25)
    every = cpu_ms["accepted"] + cpu_ms["refused"]

    def mean(values: Sequence[float]) -> float | None:
        return round(statistics.fmean(values), 2) if values else None

    return {
        "attempts": attempts,
        "cpu_ms_accepted": mean(cpu_ms["accepted"]),
        "cpu_ms_refused": mean(cpu_ms["refused"]),
        "cpu_ms_mean": mean(every),
        "one_process_ceiling_per_s": round(1000 / statistics.fmean(every), 1),
        "queries_per_accepted": mean(queries["accepted"]),
        "queries_per_refused": mean(queries["refused"]),
        "top_cumulative": text.getvalue(),
    }


# --- (b) through the HTTP API ----------------------------------------------------------


def check_api_serves_bookings(port: int) -> None:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=10) as r:
        paths = json.load(r)["paths"]
    if "/api/v1/bookings" not in paths:
        raise RuntimeError(
            "the API has no /api/v1/bookings: register the sharing router in "
            "src/maillage/api.py (api.add_router('/', sharing_router))"
        )


def run_http(
    territory: Territory,
    port: int,
    tokens: list[str],
    clients: int,
    attempts: int,
    days: int,
    seed: int,
) -> Run:
    run = Run()
    barrier = threading.Barrier(clients + 1)

    def client(number: int) -> None:
        rng = random.Random(seed * 7919 + number)
        plan = [random_slot(rng, territory, days) for _ in range(attempts)]
        headers = {
            "Authorization": f"Bearer {tokens[number]}",
            "Content-Type": "application/json",
        }
        outcomes: list[Outcome] = []
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            conn.connect()
            # Untimed: one refused attempt (a slot in the past) per connection, so that no
            # measured request pays a worker's first-time imports and catalogues.
            past = dt.datetime(2020, 1, 6, 9, tzinfo=dt.UTC)
            warm = {"machine_id": plan[0][0], "start": past.isoformat()}
            warm["end"] = (past + dt.timedelta(hours=1)).isoformat()
            conn.request("POST", "/api/v1/bookings", json.dumps(warm), headers)
            conn.getresponse().read()
            barrier.wait()
            for machine_id, start, end in plan:
                body = json.dumps(
                    {"machine_id": machine_id, "start": start.isoformat(), "end": end.isoformat()}
                )
                began = time.perf_counter()
                try:
                    conn.request("POST", "/api/v1/bookings", body, headers)
                    answer = conn.getresponse()
                    payload = answer.read()
                    status = answer.status
                except (OSError, http.client.HTTPException) as exc:
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                    status, payload = 0, f"{type(exc).__name__}: {exc}".encode()
                latency = time.perf_counter() - began
                if status == 201:
                    outcomes.append(Outcome(latency, "accepted"))
                elif status == 422:
                    outcomes.append(
                        Outcome(latency, "refused", payload[:200].decode(errors="replace"))
                    )
                else:
                    detail = f"HTTP {status}: {payload[:200].decode(errors='replace')}"
                    outcomes.append(Outcome(latency, "error", detail))
        finally:
            conn.close()
            run.add(outcomes)

    run.wall_s = run_threads(client, clients, barrier)
    return run


# --- database and environment ----------------------------------------------------------


def database_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return str(cursor.fetchone()[0])


# --- report ----------------------------------------------------------------------------


def build_targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Throughput and latency back to back (the clients saturate the machine), and latency
    when they ask at the target rate."""
    action = results["action"]
    targets = [
        common.target(
            "action, back to back: attempts/s",
            action["attempts_per_s"],
            f">= {TARGET_RATE:g}",
            action["attempts_per_s"] >= TARGET_RATE,
        ),
        common.target(
            "action, back to back: p99 (ms)",
            action["p99_ms"],
            f"< {TARGET_P99_MS:g}",
            action["p99_ms"] < TARGET_P99_MS,
        ),
    ]
    paced = results.get("action_paced")
    if paced is not None and paced["offered_per_s"] >= TARGET_RATE:
        targets.append(
            common.target(
                f"action at {paced['offered_per_s']:g}/s: p99 (ms)",
                paced["p99_ms"],
                f"< {TARGET_P99_MS:g}",
                paced["p99_ms"] < TARGET_P99_MS,
            )
        )
    for key in ("action", "action_paced", "http"):
        if key in results:
            overlaps, errors = results[key]["overlaps"], results[key]["error"]
            targets.append(
                common.target(f"{key}: overlaps found by SQL", overlaps, "0", overlaps == 0)
            )
            targets.append(common.target(f"{key}: unexpected errors", errors, "0", errors == 0))
    return targets


LABELS = {"action": "action", "action_paced": "action paced", "http": "HTTP"}


def print_report(results: dict[str, Any]) -> None:
    settings = results["settings"]
    common.print_title(
        "booking",
        f"PostgreSQL {results['database_version']}",
        results["machine"],
        then=f"; {settings['clients']} clients, {settings['machines']} machines over "
        f"{settings['days']} days",
    )
    header = (
        f"{'path':<13} {'attempts':>8} {'att/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'max ms':>8} {'accepted':>8} {'refused':>8} {'errors':>7} {'overlaps':>8}"
    )
    common.print_table_header(header)
    for key in ("action", "action_paced", "http"):
        if key not in results:
            continue
        r = results[key]
        print(
            f"{LABELS[key]:<13} {r['attempts']:>8} {r['attempts_per_s']:>8.1f} {r['p50_ms']:>8.1f} "
            f"{r['p95_ms']:>8.1f} {r['p99_ms']:>8.1f} {r['max_ms']:>8.1f} {r['accepted']:>8} "
            f"{r['refused']:>8} {r['error']:>7} {r['overlaps']:>8}"
        )
        by_outcome = ", ".join(
            f"{kind} p50 {v['p50_ms']:.1f} / p99 {v['p99_ms']:.1f} ms"
            for kind, v in r["by_outcome"].items()
        )
        print(f"              {by_outcome}")
        for sample in r["error_samples"]:
            print(f"              error: {sample}")
    print(
        f"Load average (1 min) before / after: {results['load_average']['before']:.2f} / "
        f"{results['load_average']['after']:.2f} (other work on the machine skews the figures)"
    )
    clients = settings["clients"]
    print(
        f"{clients} clients that each wait for an answer before asking again: mean latency = "
        f"{clients} / throughput (Little's law), so p99 < {TARGET_P99_MS:g} ms needs well over "
        f"{clients / TARGET_P99_MS * 1000:g} attempts/s."
    )
    if "profile" in results:
        profile = results["profile"]
        print()
        print(
            f"Single-threaded CPU time per attempt: accepted {profile['cpu_ms_accepted']} ms "
            f"({profile['queries_per_accepted']} SQL queries), refused "
            f"{profile['cpu_ms_refused']} ms ({profile['queries_per_refused']} queries); "
            f"one process (one interpreter lock) tops out near "
            f"{profile['one_process_ceiling_per_s']} attempts/s"
        )
        print(profile["top_cumulative"])
    common.print_targets(results["targets"], 36)


# --- main ------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--attempts", type=int, default=50, help="per client, through the action")
    parser.add_argument(
        "--http-attempts", type=int, default=20, help="per client, through the API (0: skip)"
    )
    parser.add_argument(
        "--rate",
        type=float,
        default=TARGET_RATE,
        help="total attempts per second of the paced run (a'); 0: skip it",
    )
    parser.add_argument(
        "--paced-attempts", type=int, default=100, help="per client, in the paced run"
    )
    parser.add_argument("--machines", type=int, default=4)
    parser.add_argument("--days", type=int, default=10, help="days the random slots fall on")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    parser.add_argument("--gunicorn-config", default=None, help="passed to gunicorn --config")
    parser.add_argument(
        "--clients-as",
        choices=("processes", "threads"),
        default="processes",
        help="action clients: one process each (like web workers) or threads of one process",
    )
    parser.add_argument("--profile", action="store_true", help="cProfile single-threaded attempts")
    common.add_postgres_options(parser)
    args = parser.parse_args(argv)
    if args.clients < 1 or args.attempts < 1 or args.http_attempts < 0 or args.machines < 1:
        parser.error("need --clients, --attempts, --machines >= 1 and --http-attempts >= 0")
    if args.rate < 0 or args.paced_attempts < 1:
        parser.error("need --rate >= 0 and --paced-attempts >= 1")
    if (
        args.clients * args.http_attempts > 5000
        or args.clients * args.attempts > 20000
        or args.clients * args.paced_attempts > 20000
    ):
        parser.error("keep the run bounded: at most 20,000 action and 5,000 HTTP attempts")

    common.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    STATIC_ROOT.mkdir(exist_ok=True)
    database_url = common.create_postgres_database(args.pg_admin_url, PG_BENCH_DB)
    common.use_bench_environment(
        database_url,
        STATIC_ROOT,  # created above: whitenoise warns when it does not exist
        log_level="ERROR",
        # Notifications are rendered and "sent", into memory.
        extra={"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"},
    )

    import django
    from django.db import connection

    django.setup()
    results: dict[str, Any] = {
        **common.results_header("bench_booking"),
        "database_version": database_version(),
        "settings": {
            "clients": args.clients,
            "action_clients_as": args.clients_as,
            "attempts_per_client": args.attempts,
            "paced_rate_per_s": args.rate,
            "paced_attempts_per_client": args.paced_attempts,
            "http_attempts_per_client": args.http_attempts,
            "machines": args.machines,
            "days": args.days,
            "seed": args.seed,
            "slot": f"{'/'.join(map(str, DURATIONS))} min on a {GRID_MINUTES}-min grid, "
            f"{OPENS:%H:%M}-{CLOSES:%H:%M}, buffer {BUFFER_MINUTES} min",
            "server": f"gunicorn gthread, {args.workers} workers x {args.threads} threads, DEBUG=0",
        },
    }
    server: common.Server | None = None
    results["load_average"] = {"before": os.getloadavg()[0]}
    try:
        results["migrate_s"] = round(common.migrate_bench_database("PostgreSQL"), 1)
        territory = build_territory(args.clients, args.machines)
        common.analyze_database()
        connection.close()

        if args.profile:
            print("Profiling single-threaded attempts …", flush=True)
            results["profile"] = profile_action(territory, 150, args.days, args.seed)
            clear_bookings()

        total = args.clients * args.attempts
        as_processes = args.clients_as == "processes"
        warm_up(territory, args.days, args.seed)
        print(
            f"(a) {args.clients} {args.clients_as} x {args.attempts} attempts through the action, "
            "back to back …",
            flush=True,
        )
        load = Load(args.clients, args.attempts, args.days, args.seed, 0.0, as_processes)
        results["action"] = summarise(run_action(territory, load), count_overlaps())
        assert results["action"]["attempts"] == total

        if args.rate:
            clear_bookings()
            paced = Load(
                args.clients, args.paced_attempts, args.days, args.seed, args.rate, as_processes
            )
            print(
                f"(a') {args.clients} {args.clients_as} x {args.paced_attempts} attempts, "
                f"paced at {args.rate:g} attempts/s in all …",
                flush=True,
            )
            results["action_paced"] = summarise(run_action(territory, paced), count_overlaps())
            results["action_paced"]["offered_per_s"] = args.rate

        if args.http_attempts:
            clear_bookings()
            from maillage.directory.actions.people import create_api_token
            from maillage.directory.models import User

            tokens = [
                create_api_token(User.objects.get(pk=pk), "bench")[1] for pk in territory.booker_ids
            ]
            connection.close()
            log_path = common.RESULTS_DIR / "gunicorn-booking.log"
            extra_args = ["--keep-alive", "30"]
            if args.gunicorn_config:
                extra_args += ["--config", args.gunicorn_config]
            # Django logs every 422 on stderr: into the log file with gunicorn's own lines.
            server = common.start_gunicorn(
                os.environ,
                log_path,
                workers=args.workers,
                threads=args.threads,
                extra_args=extra_args,
                output_to_log=True,
            )
            port = server.port
            check_api_serves_bookings(port)
            print(
                f"(b) {args.clients} clients x {args.http_attempts} POST /api/v1/bookings "
                f"through gunicorn on port {port} …",
                flush=True,
            )
            http_run = run_http(
                territory, port, tokens, args.clients, args.http_attempts, args.days, args.seed
            )
            results["http"] = summarise(http_run, count_overlaps())
        results["load_average"]["after"] = os.getloadavg()[0]
        results["targets"] = build_targets(results)
    finally:
        if server is not None:
            server.stop()
        common.release_database("postgres", args.pg_admin_url, PG_BENCH_DB, keep=args.keep_db)

    print_report(results)
    stored = {k: v for k, v in results.items() if k != "profile"}
    if "profile" in results:
        stored["profile"] = {k: v for k, v in results["profile"].items() if k != "top_cumulative"}
    common.write_results(RESULTS_FILE, stored)
    print(f"\nWritten to {RESULTS_FILE.relative_to(common.PROJECT_DIR)}")
    return 0 if all(t["pass"] for t in results["targets"]) else 1


if __name__ == "__main__":
    sys.exit(main())
