#!/usr/bin/env python
"""Benchmark of the network's impact figures: 100,000 machines and 1,000,000 bookings.

    python bench/bench_impact.py [--database sqlite|postgres] [--machines 100000]
                                 [--bookings 1000000] [--requests 10] [--seed 2026]

It reuses bench_map's synthetic directory and bench_machines' machine park, adds each
machine's stored impact figures (`MachineImpact`, an MCI for 70 % of them), prices and opening
hours for 30 % (`MachineEconomics`), 1,000,000 bookings over two years (80 % completed, most
between two organisations, 80 % of an organisation's on its two to four favourite machines), a
usage record per completed booking plus the owners' own use, and 50,000 needs (matched, unmet,
allocated by batches), all by bulk inserts. Then it times, one
call at a time, what the network dashboard reads (`queries.network.network_figures`, with no
filter, a department, a process), the dashboard page, its CSV, the API and the annual report
page (Django's test Client, HTML included). Figures are printed and written to
bench/results/bench-impact-<db>.json. Target: p95 < 2 s on PostgreSQL.
"""

from __future__ import annotations

import argparse
import datetime as dt
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

TARGET_MS = 2000.0
SQLITE_FILE = common.RESULTS_DIR / "bench-impact.sqlite3"
PG_BENCH_DB = "maillage_bench_impact"
DAYS = 730  # the bookings and needs spread over the last two years
BATCH = 10_000


def _users(count: int) -> list[int]:
    from django.contrib.auth.hashers import make_password

    from maillage.directory.models import User

    password = make_password(None)  # unusable: these people never sign in
    users = User.objects.bulk_create(
        [
            User(username=f"bench-{i}", email=f"bench-{i}@example.invalid", password=password)
            for i in range(count)
        ],
        batch_size=BATCH,
    )
    return [user.pk for user in users]


def generate_impacts(rng: random.Random) -> dict[str, int]:
    """A stored impact record per machine; economics (price, hours) for 30 % of them."""
    from django.db import transaction

    from maillage.equipment.models import Machine
    from maillage.impact.models import MachineEconomics, MachineImpact

    ids = list(Machine.objects.order_by("pk").values_list("pk", flat=True))
    impacts, economics = [], []
    for machine_id in ids:
        mass = rng.uniform(200, 9000)
        known = rng.random() < 0.7
        impacts.append(
            MachineImpact(
                machine_id=machine_id,
                mass_kg=mass if known else None,
                mci=min(1.0, max(0.0, rng.betavariate(2.2, 3.0))) if known else None,
                embodied_kgco2e=mass * 1.91 * 1.3 if known else None,
                utilisation=rng.uniform(0.05, 0.8),
            )
        )
        if rng.random() < 0.3:
            economics.append(
                MachineEconomics(
                    machine_id=machine_id,
                    price_cents=rng.randint(8_000, 200_000) * 100,
                    hours_available_per_year=rng.choice([None, 1607, 1760, 3520]),
                )
            )
    with transaction.atomic():
        MachineImpact.objects.bulk_create(impacts, batch_size=BATCH)
        MachineEconomics.objects.bulk_create(economics, batch_size=BATCH)
    return {"machine_impacts": len(impacts), "machine_economics": len(economics)}


def generate_bookings(count: int, rng: random.Random, now: dt.datetime) -> dict[str, int]:
    """`count` bookings over two years and a usage record per completed one, plus own use."""
    from django.db import transaction

    from maillage.directory.models import Organisation
    from maillage.equipment.models import Machine
    from maillage.maintenance.models import UsageRecord, UsageSource
    from maillage.sharing.models import Booking

    machines = list(Machine.objects.values_list("pk", "organisation_id"))
    organisations = list(Organisation.objects.values_list("pk", flat=True))
    people = _users(2000)
    # People book the same few machines again and again: each organisation has two to four
    # favourites that get 80 % of its bookings, so some use one process for 100 h a year.
    favourites = {org: rng.sample(machines, rng.randint(2, 4)) for org in organisations}
    states = ["completed", "cancelled", "no_show", "refused"]
    made = completed = used = 0
    while made < count:
        size = min(BATCH, count - made)
        bookings = []
        for _ in range(size):
            draw = rng.random()
            booker = None if draw < 0.05 else rng.choice(organisations)
            if booker is not None and draw < 0.85:
                machine_id, host = rng.choice(favourites[booker])
            else:
                machine_id, host = rng.choice(machines)
            if draw >= 0.9:
                booker = host  # the host's own booking of its machine
            start = now - dt.timedelta(hours=rng.randint(2, DAYS * 24))
            end = start + dt.timedelta(hours=rng.randint(1, 8))
            state = rng.choices(states, [80, 12, 5, 3])[0]
            told = state == "completed" and rng.random() < 0.75
            bookings.append(
                Booking(
                    machine_id=machine_id,
                    booker_id=rng.choice(people),
                    booker_organisation_id=booker,
                    host_organisation_id=host,
                    start=start,
                    end=end,
                    blocked_until=end,
                    state=state,
                    tier="member",
                    rate_cents=rng.choice([0, 1500, 3000, 4500]),
                    estimated_cents=rng.randint(0, 40_000),
                    hours_used=Decimal(rng.randint(5, 90)) / 10 if told else None,
                    completed_at=end if state == "completed" else None,
                )
            )
        with transaction.atomic():
            created = Booking.objects.bulk_create(bookings)
            usage = [
                UsageRecord(
                    machine_id=booking.machine_id,
                    when=booking.end,
                    hours=booking.hours_used
                    or Decimal(int((booking.end - booking.start).total_seconds() // 36)) / 100,
                    source=UsageSource.BOOKING,
                    booking_id=booking.pk,
                )
                for booking in created
                if booking.state == "completed"
            ]
            UsageRecord.objects.bulk_create(usage)
        made += size
        completed += len(usage)
        used += len(usage)
    own = []
    for _ in range(count // 5):
        machine_id, _host = rng.choice(machines)
        own.append(
            UsageRecord(
                machine_id=machine_id,
                when=now - dt.timedelta(hours=rng.randint(2, DAYS * 24)),
                hours=Decimal(rng.randint(10, 80)) / 10,
                source=UsageSource.OWNER,
            )
        )
    with transaction.atomic():
        UsageRecord.objects.bulk_create(own, batch_size=BATCH)
    return {
        "bookings": made,
        "completed_bookings": completed,
        "usage_records": used + len(own),
        "bench_users": len(people),
    }


def generate_needs(count: int, rng: random.Random, now: dt.datetime) -> dict[str, int]:
    """`count` needs near the sites: 60 % matched (half of them allocated by a batch),
    30 % unmet, 10 % booked; dated over two years."""
    from django.db import transaction
    from django.db.models import F

    from maillage.directory.models import Site, User
    from maillage.equipment.models import Machine
    from maillage.matching.models import Need

    sites = list(
        Site.objects.exclude(department_id=None).values_list(
            "latitude", "longitude", "department_id", "organisation_id"
        )
    )
    machines = list(Machine.objects.values_list("pk", "processes"))
    people = list(User.objects.filter(username__startswith="bench-").values_list("pk", flat=True))
    made = 0
    while made < count:
        size = min(BATCH, count - made)
        rows = []
        for _ in range(size):
            lat, lon, department, organisation = rng.choice(sites)
            machine_id, process_id = rng.choice(machines)
            status = rng.choices(["matched", "unmet", "booked"], [60, 30, 10])[0]
            earliest = now - dt.timedelta(hours=rng.randint(24, DAYS * 24))
            rows.append(
                Need(
                    requester_id=rng.choice(people),
                    organisation_id=organisation if rng.random() < 0.9 else None,
                    process_id=process_id,
                    hours=Decimal(rng.randint(1, 40)),
                    earliest=earliest,
                    deadline=earliest + dt.timedelta(days=14),
                    latitude=lat + rng.uniform(-0.3, 0.3),
                    longitude=lon + rng.uniform(-0.3, 0.3),
                    department_id=department,
                    max_km=rng.choice([20, 30, 50, 80, 150]),
                    status=status,
                    nearest_km=rng.uniform(60, 300) if status == "unmet" else None,
                    result_count=rng.randint(1, 12) if status != "unmet" else 0,
                    allocated_machine_id=machine_id
                    if status == "matched" and rng.random() < 0.5
                    else None,
                )
            )
        with transaction.atomic():
            Need.objects.bulk_create(rows)
        made += size
    # created_at is stamped at insert: date each need at its earliest start instead.
    Need.objects.update(created_at=F("earliest"))
    return {"needs": made}


def _reuse_database(database: str, pg_admin_url: str) -> None:
    """Point Django at the database an earlier `--keep-db` run left (no load, no migrate)."""
    import urllib.parse

    if database == "sqlite":
        url = f"sqlite:///{SQLITE_FILE}"
    else:
        parts = urllib.parse.urlsplit(pg_admin_url)
        url = urllib.parse.urlunsplit(parts._replace(path="/" + PG_BENCH_DB))
    common.use_bench_environment(url, common.STATIC_ROOT)
    import django

    django.setup()


def _counts() -> dict[str, int]:
    from maillage.equipment.models import Machine
    from maillage.maintenance.models import UsageRecord
    from maillage.matching.models import Need
    from maillage.sharing.models import Booking

    return {
        "machines": Machine.objects.count(),
        "bookings": Booking.objects.count(),
        "usage_records": UsageRecord.objects.count(),
        "needs": Need.objects.count(),
    }


# Measured, with no target: the dashboard's default is twelve months, the report one year.
INFORMATIVE = {"figures_two_years"}


def time_calls(call: Callable[[], int], requests: int, warmup: int) -> dict[str, Any]:
    return common.time_calls(call, requests, warmup, target_ms=TARGET_MS)


Case = tuple[str, Callable[[], int]]


def cases(year: int) -> dict[str, Case]:
    from django.test import Client

    from maillage.impact.queries.network import network_figures
    from maillage.impact.queries.network_scope import network_filters

    client = Client(HTTP_HOST="127.0.0.1")

    def figures(**kwargs: Any) -> Callable[[], int]:
        def call() -> int:
            found = network_figures(network_filters(**kwargs))
            return len(found.utilisation.months) + len(found.shared.months)

        return call

    def get(path: str) -> Callable[[], int]:
        def call() -> int:
            response = client.get(path)
            if response.status_code != 200:
                raise RuntimeError(f"{path} answered {response.status_code}")
            return len(response.content)

        return call

    return {
        "figures_all": ("network figures, last 12 months, whole network", figures()),
        "figures_dept": (
            "network figures, last 12 months, department 13", figures(department="13")
        ),
        "figures_process": (
            "network figures, last 12 months, process 3.2 and below",
            figures(process="3.2"),
        ),
        "figures_two_years": (
            "network figures, two years, whole network (no target)",
            figures(start=dt.date.today() - dt.timedelta(days=DAYS)),
        ),
        "dashboard_page": ("GET /impact/ (HTML, 4 charts)", get("/impact/")),
        "dashboard_page_dept": ("GET /impact/?department=13&process=3.2", get(
            "/impact/?department=13&process=3.2"
        )),
        "csv_utilisation": ("GET /impact/network.csv?chart=utilisation", get(
            "/impact/network.csv?chart=utilisation"
        )),
        "api": ("GET /api/v1/impact/network", get("/api/v1/impact/network")),
        "report_page": (f"GET /impact/report/{year}/ (HTML)", get(f"/impact/report/{year}/")),
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--machines", type=int, default=100_000)
    parser.add_argument("--bookings", type=int, default=1_000_000)
    parser.add_argument("--needs", type=int, default=50_000)
    parser.add_argument("--orgs", type=int, default=10_000)
    parser.add_argument("--sites", type=int, default=15_000)
    parser.add_argument("--requests", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--only", default="", help="comma-separated case keys to time")
    parser.add_argument(
        "--reuse", action="store_true", help="time the bench database a --keep-db run left"
    )
    common.add_postgres_options(parser)
    args = parser.parse_args(argv)

    common.STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns when it is absent
    if args.reuse:
        _reuse_database(args.database, args.pg_admin_url)
    else:
        common.set_up_django(
            args.database,
            args.pg_admin_url,
            sqlite_file=SQLITE_FILE,
            pg_name=PG_BENCH_DB,
            static_root=common.STATIC_ROOT,
        )
    from django.utils import timezone

    logging.getLogger("django.request").setLevel(logging.ERROR)
    rng = random.Random(args.seed)
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    results: dict[str, Any] = {
        **common.results_header("bench_impact"),
        "database": bench_map.database_info(),
        "target_p95_ms": TARGET_MS,
        "load_average_before": os.getloadavg(),
    }
    try:
        if args.reuse:
            results["dataset"] = dataset = _counts()
            print(f"Reusing {dataset}", flush=True)
        else:
            results["migrate_s"] = round(common.migrate_bench_database(args.database), 1)
            start = time.perf_counter()
            dataset = bench_map.generate_directory(args.orgs, args.sites, rng)
            dataset["machines"] = bench_machines.generate_machines(args.machines, rng)
            dataset.update(generate_impacts(rng))
            dataset.update(generate_bookings(args.bookings, rng, now))
            dataset.update(generate_needs(args.needs, rng, now))
            results["dataset"] = dataset
            results["load_s"] = round(time.perf_counter() - start, 1)
            results["analyze_s"] = round(common.analyze_database(), 1)
            print(f"Loaded {dataset} in {results['load_s']} s", flush=True)
        wanted = {key for key in args.only.split(",") if key}
        timings = {}
        for key, (label, call) in cases(now.year - 1).items():
            if wanted and key not in wanted:
                continue
            timing = {"label": label, **time_calls(call, args.requests, args.warmup)}
            if key in INFORMATIVE:
                timing["pass"] = None
            timings[key] = timing
            verdict = {True: "PASS", False: "FAIL", None: "(no target)"}[timing["pass"]]
            print(
                f"  {label:<58} p50 {timing['p50_ms']:>8} ms  p95 {timing['p95_ms']:>8} ms  "
                f"max {timing['max_ms']:>8} ms  {verdict}",
                flush=True,
            )
        results["cases"] = timings
        results["load_average_after"] = os.getloadavg()
        results["pass"] = all(t["pass"] for t in timings.values() if t["pass"] is not None)
        print(f"Load average: {results['load_average_before']} → {results['load_average_after']}")
        print("PASS" if results["pass"] else "FAIL", f"(p95 < {TARGET_MS:.0f} ms)")
    finally:
        keep = args.keep_db or args.reuse
        common.release_database(args.database, args.pg_admin_url, PG_BENCH_DB, keep=keep)
    out = common.RESULTS_DIR / f"bench-impact-{args.database}.json"
    common.write_results(out, results)
    print(f"Written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
