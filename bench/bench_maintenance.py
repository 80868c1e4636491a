#!/usr/bin/env python
"""Benchmark of the maintenance lists: due tasks and the reliability table, 100,000 machines.

    python bench/bench_maintenance.py [--database sqlite|postgres] [--machines 100000]
                                      [--usage 1000000] [--requests 100] [--seed 2026]

It reuses bench_map's synthetic directory and bench_machines' machine park, adds maintenance
plans on every (organisation, process), a task state per machine and task, 1,000,000 usage
records and each machine's meter (with failures and repairs) by bulk inserts, then times, one
call at a time: an organisation's due tasks through the query the page and API use and through
the HTTP API with a token (Django's test Client), and pages of the coordinators' reliability
table. Figures are printed and written to bench/results/bench-maintenance-<db>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import random
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_machines
import bench_map
import common

TARGET_MS = 150.0
SQLITE_FILE = common.RESULTS_DIR / "bench-maintenance.sqlite3"
PG_BENCH_DB = "maillage_bench_maint"
BIG_ORG_MACHINES = 2000  # a national network's biggest member: its due list is the longest


def prepare_database(database: str, pg_admin_url: str) -> str:
    if database == "sqlite":
        return common.create_sqlite_database(SQLITE_FILE)
    return common.create_postgres_database(pg_admin_url, PG_BENCH_DB)


def _tasks() -> list[dict[str, Any]]:
    return [
        {"title": "Nettoyer et graisser", "every_hours": Decimal(50), "every_days": 30,
         "lead_hours": Decimal(10), "lead_days": 7},
        {"title": "Révision", "every_hours": Decimal(500), "every_days": None,
         "lead_hours": Decimal(50), "lead_days": 0},
    ]  # fmt: skip


def generate_maintenance(
    usage: int, rng: random.Random, batch_size: int = 10_000
) -> dict[str, int]:
    """Plans per (organisation, process), task states, usage records and meters."""
    from django.db import transaction

    from maillage.equipment.models import Machine
    from maillage.maintenance.actions.plans import set_thresholds
    from maillage.maintenance.models import (
        MachineMeter,
        MaintenancePlan,
        PlanTask,
        TaskState,
        UsageRecord,
        UsageSource,
    )

    through = Machine.processes.through
    machines = list(
        through.objects.values_list("machine_id", "machine__organisation_id", "process_id")
    )
    pairs = sorted({(org, process) for _m, org, process in machines})
    plans = MaintenancePlan.objects.bulk_create(
        [MaintenancePlan(organisation_id=o, process_id=p, name=f"Plan {p}") for o, p in pairs],
        batch_size=batch_size,
    )
    tasks = PlanTask.objects.bulk_create(
        [PlanTask(plan=plan, position=i, **t) for plan in plans for i, t in enumerate(_tasks())],
        batch_size=batch_size,
    )
    tasks_of: dict[tuple[int, int | None], list[PlanTask]] = {}
    for task in tasks:
        tasks_of.setdefault((task.plan.organisation_id, task.plan.process_id), []).append(task)
    now = dt.datetime.now(dt.UTC)
    today = now.date()
    per_machine: dict[int, float] = {}
    made = 0
    machine_ids = [m for m, _o, _p in machines]
    while made < usage:
        size = min(batch_size, usage - made)
        rows = []
        for _ in range(size):
            machine_id = rng.choice(machine_ids)
            hours = round(rng.uniform(0.5, 8), 2)
            per_machine[machine_id] = per_machine.get(machine_id, 0.0) + hours
            rows.append(
                UsageRecord(
                    machine_id=machine_id,
                    when=now - dt.timedelta(minutes=rng.randint(60, 365 * 24 * 60)),
                    hours=Decimal(str(hours)),
                    source=UsageSource.OWNER,
                )
            )
        with transaction.atomic():
            UsageRecord.objects.bulk_create(rows)
        made += size
    meters, states = [], []
    for machine_id, org, process in machines:
        hours = round(per_machine.get(machine_id, 0.0), 2)
        failures = rng.choices([0, 1, 2, 3], [70, 18, 8, 4])[0]
        repairs = failures - (1 if failures and rng.random() < 0.1 else 0)
        meters.append(
            MachineMeter(
                machine_id=machine_id,
                hours=Decimal(str(hours)),
                failures=failures,
                repairs=repairs,
                repair_hours=sum(rng.uniform(2, 200) for _ in range(repairs)),
            )
        )
        for task in tasks_of[(org, process)]:
            # Last done some time ago: a spread of ok, planned, due and overdue today.
            state = TaskState(
                machine_id=machine_id,
                task=task,
                organisation_id=org,
                last_done_hours=Decimal(str(max(0.0, hours - rng.uniform(0, 80)))),
                last_done_on=today - dt.timedelta(days=rng.randint(0, 45)),
            )
            set_thresholds(state, task)
            states.append(state)
    with transaction.atomic():
        MachineMeter.objects.bulk_create(meters, batch_size=batch_size)
        TaskState.objects.bulk_create(states, batch_size=batch_size)
    return {
        "plans": len(plans),
        "tasks": len(tasks),
        "task_states": len(states),
        "usage_records": made,
        "meters": len(meters),
    }


def big_organisation(size: int) -> int:
    """Gather `size` machines in one organisation (before the maintenance rows are made)."""
    from maillage.equipment.models import Machine

    org_id = Machine.objects.order_by("pk").values_list("organisation_id", flat=True)[0]
    ids = list(Machine.objects.order_by("pk").values_list("pk", flat=True)[:size])
    Machine.objects.filter(pk__in=ids).update(organisation_id=org_id)
    return int(org_id)


def users(org_id: int) -> tuple[Any, Any, str]:
    from maillage.directory.actions.people import create_api_token
    from maillage.directory.models import Membership, MembershipState, Role, User

    host = User.objects.create_user("bench-host", "bench-host@example.invalid", "x")
    Membership.objects.create(
        user=host, organisation_id=org_id, role=Role.HOST, state=MembershipState.ACTIVE
    )
    coordinator = User.objects.create_user(
        "bench-coordinator", "bench-coordinator@example.invalid", "x", is_coordinator=True
    )
    return host, coordinator, create_api_token(host, "bench")[1]


def time_calls(call: Callable[[], int], requests: int, warmup: int) -> dict[str, Any]:
    return common.time_calls(call, requests, warmup, target_ms=TARGET_MS, size="rows")


Case = tuple[str, Callable[[], int]]


def cases(
    org_id: int, small_org_id: int, host: Any, coordinator: Any, token: str
) -> dict[str, Case]:
    from django.test import Client

    from maillage.directory.models import Organisation
    from maillage.maintenance.queries import plans as queries

    big = Organisation.objects.get(pk=org_id)
    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {token}")

    def api(org: int) -> Callable[[], int]:
        def call() -> int:
            response = client.get(f"/api/v1/maintenance/organisations/{org}/due-tasks")
            if response.status_code not in (200, 403):
                raise RuntimeError(f"due-tasks API answered {response.status_code}")
            return len(response.json()) if response.status_code == 200 else -1

        return call

    def table(**kwargs: Any) -> Callable[[], int]:
        # The page's own read: the query family and Django's paginator, as the view calls it.
        return lambda: len(list(queries.reliability_page(coordinator, **kwargs).object_list))

    page_client = Client(HTTP_HOST="127.0.0.1")
    page_client.force_login(coordinator)

    def page(query: str) -> Callable[[], int]:
        def call() -> int:
            response = page_client.get(f"/maintenance/reliability/?{query}")
            if response.status_code != 200:
                raise RuntimeError(f"reliability page answered {response.status_code}")
            return response.content.count(b"<tr>") - 1  # the header row

        return call

    return {
        "due_query_big": (
            f"due tasks, query, organisation of {BIG_ORG_MACHINES} machines",
            lambda: len(queries.due_for_organisation(host, big)),
        ),
        "due_api_big": (f"GET …/organisations/{org_id}/due-tasks (token)", api(org_id)),
        "due_api_other": ("GET …/due-tasks of another organisation (403)", api(small_org_id)),
        "reliability_mtbf": ("reliability table, page 1 by MTBF", table(sort="mtbf")),
        "reliability_failures_p20": (
            "reliability table, page 20 by failures (most first)",
            table(sort="-failures", page=20),
        ),
        "reliability_rate_13": (
            "reliability table, dept 13, by failures per 1,000 h",
            table(sort="-rate", department="13"),
        ),
        "reliability_process": (
            "reliability table, process 3.2 (machining), by MTBF",
            table(sort="mtbf", process="3.2"),
        ),
        "reliability_by_process": (
            "reliability table per process, by failures",
            table(by="process", sort="-failures"),
        ),
        "reliability_page_http": (
            "GET /maintenance/reliability/?sort=mtbf (coordinator)",
            page("sort=mtbf"),
        ),
    }


def explain(call: Callable[[], int]) -> list[dict[str, Any]]:
    """The plan of every query one call makes (EXPLAIN QUERY PLAN on SQLite, EXPLAIN on
    PostgreSQL), to see which index each sort and filter walks."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        call()
    plans = []
    for query in captured.captured_queries:
        sql = query["sql"]
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
        with connection.cursor() as cursor:
            cursor.execute(prefix + sql)
            lines = [" ".join(str(part) for part in row[-1:]) for row in cursor.fetchall()]
        plans.append({"sql": sql[:300], "plan": lines})
    return plans


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--machines", type=int, default=100_000)
    parser.add_argument("--usage", type=int, default=1_000_000)
    parser.add_argument("--orgs", type=int, default=10_000)
    parser.add_argument("--sites", type=int, default=15_000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--explain", action="store_true", help="print the reliability plans")
    common.add_postgres_options(parser, keep_db=False)  # its database is always dropped
    args = parser.parse_args(argv)

    common.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    database_url = prepare_database(args.database, args.pg_admin_url)
    common.use_bench_environment(database_url, common.STATIC_ROOT)
    import django
    from django.db import connection

    django.setup()
    # The 403 case would log a warning per request.
    logging.getLogger("django.request").setLevel(logging.ERROR)
    rng = random.Random(args.seed)
    results: dict[str, Any] = {
        **common.results_header("bench_maintenance"),
        "database": bench_map.database_info(),
        "target_p95_ms": TARGET_MS,
        "load_average_before": os.getloadavg(),
    }
    try:
        common.migrate_bench_database(args.database)
        start = time.perf_counter()
        dataset = bench_map.generate_directory(args.orgs, args.sites, rng)
        dataset["machines"] = bench_machines.generate_machines(args.machines, rng)
        org_id = big_organisation(min(BIG_ORG_MACHINES, args.machines // 2))
        dataset.update(generate_maintenance(args.usage, rng))
        results["dataset"] = dataset
        results["load_s"] = round(time.perf_counter() - start, 1)
        common.analyze_database()
        print(f"Loaded {dataset} in {results['load_s']} s", flush=True)
        host, coordinator, token = users(org_id)
        from maillage.directory.models import Organisation

        other = Organisation.objects.exclude(pk=org_id).order_by("pk").values_list("pk")[0][0]
        timings = {}
        for key, (label, call) in cases(org_id, other, host, coordinator, token).items():
            timing = {"label": label, **time_calls(call, args.requests, args.warmup)}
            timings[key] = timing
            print(
                f"  {label:<58} p50 {timing['p50_ms']:>7} ms  p95 {timing['p95_ms']:>7} ms  "
                f"max {timing['max_ms']:>7} ms  rows {timing['rows']:>4}  "
                f"{'PASS' if timing['pass'] else 'FAIL'}",
                flush=True,
            )
        results["cases"] = timings
        if args.explain:
            all_cases = cases(org_id, other, host, coordinator, token)
            results["plans"] = {
                key: explain(call)
                for key, (_label, call) in all_cases.items()
                if key.startswith("reliability_")
            }
            for key, plans in results["plans"].items():
                print(f"  {key}:")
                for plan in plans:
                    print(f"    {plan['sql'][:100]}…")
                    print("".join(f"      {line}\n" for line in plan["plan"]), end="")
        results["load_average_after"] = os.getloadavg()
        results["pass"] = all(t["pass"] for t in timings.values())
        print(f"Load average: {results['load_average_before']} → {results['load_average_after']}")
        print("PASS" if results["pass"] else "FAIL", f"(p95 < {TARGET_MS:.0f} ms)")
    finally:
        if args.database == "postgres":
            connection.close()
            common.drop_postgres_database(args.pg_admin_url, PG_BENCH_DB)
    out = common.RESULTS_DIR / f"bench-maintenance-{args.database}.json"
    out.write_text(json.dumps(results, indent=2, default=str))
    print(f"Written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
