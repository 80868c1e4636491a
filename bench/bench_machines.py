#!/usr/bin/env python
"""Benchmark of the machine list and the machine map layer with 100,000 machines.

    python bench/bench_machines.py [--database sqlite|postgres] [--machines 100000]
                                   [--requests 100] [--seed 2026]

It reuses bench_map's synthetic directory (organisations and sites over France), adds
machines with processes and materials by bulk inserts, then times the machine list page,
the machines API and the GeoJSON layers in-process (Django's test Client) and through a
real gunicorn server. Figures are printed and written to bench/results/bench_machines-<db>.json.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
import urllib.parse
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_map
import common

TARGET_MS = 150.0

# Process families weighted as in a real park: much welding, cutting and machining.
PROCESS_WEIGHTS = {
    "4.6.2.1.2": 12,
    "4.6.2.1.3": 6,
    "3.2.1": 10,
    "3.2.3": 10,
    "3.2.2": 6,
    "3.2.6": 6,
    "3.4.1.1": 8,
    "3.4.1.3": 4,
    "2.4.1.1": 5,
    "AM.3": 12,
    "AM.7": 3,
    "WOOD.3.1": 5,
    "WOOD.1": 5,
    "TEX.2": 4,
    "ELEC.2.3": 3,
    "FOOD.4": 1,
    "MEAS.2": 2,
    "5.4.2": 2,
}
MATERIALS = ["steel", "stainless", "aluminium", "wood", "plastics", "textiles"]

CASES: list[dict[str, Any]] = [
    {"key": "list_all", "label": "/machines/ (first page)", "path": "/machines/"},
    {
        "key": "list_laser",
        "label": "/machines/?process=3.4 (thermal cutting, descendants)",
        "path": "/machines/?process=3.4",
    },
    {
        "key": "list_milling_13",
        "label": "/machines/ milling, X ≥ 500, dept 13",
        "path": "/machines/?process=3.2&min_x=500&dept=13",
    },
    {
        "key": "api_am",
        "label": "/api/v1/machines?process=AM&limit=50",
        "path": "/api/v1/machines?process=AM&limit=50",
    },
    {
        "key": "layer_dept",
        "label": "machines.geojson, Bouches-du-Rhône box, process=3.4",
        "path": "/api/v1/machines.geojson?"
        + urllib.parse.urlencode({"bbox": bench_map.DEPT_BOX, "process": "3.4"}),
    },
    {
        "key": "layer_france",
        "label": "machines.geojson, France, process=AM (clusters)",
        "path": "/api/v1/machines.geojson?"
        + urllib.parse.urlencode(
            {"bbox": ",".join(str(v) for v in bench_map.METRO_BBOX), "process": "AM"}
        ),
    },
    {
        "key": "map_filter",
        "label": "sites.geojson, box 13, machines for 3.4.1.1",
        "path": "/api/v1/sites.geojson?"
        + urllib.parse.urlencode(
            {"bbox": bench_map.DEPT_BOX, "process": "3.4.1.1", "machines": "1"}
        ),
    },
]


def generate_machines(count: int, rng: random.Random, batch_size: int = 5000) -> int:
    """Write `count` machines on the existing sites, with processes and materials."""
    from django.db import transaction

    from maillage.core.text import fold
    from maillage.directory.models import Site
    from maillage.equipment.actions import ENVELOPE_FIELDS
    from maillage.equipment.models import Machine, MachineMaterial, Process

    sites = list(Site.objects.values_list("pk", "organisation_id"))
    processes = {p.code: p for p in Process.objects.filter(code__in=PROCESS_WEIGHTS)}
    codes = list(PROCESS_WEIGHTS)
    weights = [PROCESS_WEIGHTS[c] for c in codes]
    through = Machine.processes.through
    made = 0
    while made < count:
        size = min(batch_size, count - made)
        machines, chosen = [], []
        for _ in range(size):
            site_id, org_id = rng.choice(sites)
            code = rng.choices(codes, weights)[0]
            process = processes[code]
            envelope = (rng.randint(100, 3000), rng.randint(100, 2000), rng.randint(10, 800))
            name = f"{process.label_fr} {rng.randint(1, 9999)}"
            machines.append(
                Machine(
                    organisation_id=org_id,
                    site_id=site_id,
                    name=name,
                    **dict(zip(ENVELOPE_FIELDS, envelope, strict=True)),
                    status=rng.choices(
                        ["operational", "degraded", "down", "retired"], [85, 8, 5, 2]
                    )[0],
                    search_text=fold(f"{name} {process.label_en}"),
                )
            )
            chosen.append(process.pk)
        with transaction.atomic():
            created = Machine.objects.bulk_create(machines)
            through.objects.bulk_create(
                [
                    through(machine_id=m.pk, process_id=p)
                    for m, p in zip(created, chosen, strict=True)
                ]
            )
            MachineMaterial.objects.bulk_create(
                [MachineMaterial(machine_id=m.pk, material=rng.choice(MATERIALS)) for m in created]
            )
        made += size
    return made


def measure(fetch: bench_map.Fetch, requests: int, warmup: int) -> dict[str, Any]:
    results = {}
    for case in CASES:
        timing = bench_map.time_requests(fetch, case["path"], requests, warmup)
        timing.pop("_body", None)
        timing["label"] = case["label"]
        timing["pass"] = timing["p95_ms"] < TARGET_MS and timing["errors"] == 0
        results[case["key"]] = timing
        print(
            f"  {case['label']:<58} median {timing['median_ms']:>7} ms  "
            f"p95 {timing['p95_ms']:>7} ms  {timing['bytes']:>8} B  errors {timing['errors']}",
            flush=True,
        )
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--machines", type=int, default=100_000)
    parser.add_argument("--orgs", type=int, default=10_000)
    parser.add_argument("--sites", type=int, default=15_000)
    common.add_request_options(parser, requests=100, warmup=3)
    common.add_postgres_options(parser, keep_db=False)  # its database is always dropped
    args = parser.parse_args(argv)

    common.set_up_django(
        args.database,
        args.pg_admin_url,
        sqlite_file=bench_map.SQLITE_FILE,
        pg_name=bench_map.PG_BENCH_DB,
    )
    from django.core.management import call_command
    from django.db import connection

    rng = random.Random(args.seed)
    results: dict[str, Any] = {
        **common.results_header("bench_machines"),
        "database": bench_map.database_info(),
        "target_p95_ms": TARGET_MS,
    }
    try:
        call_command("migrate", interactive=False, verbosity=0)
        start = time.perf_counter()
        dataset = bench_map.generate_directory(args.orgs, args.sites, rng)
        dataset["machines"] = generate_machines(args.machines, rng)
        results["dataset"] = dataset
        results["load_s"] = round(time.perf_counter() - start, 1)
        common.analyze_database()
        print(f"Loaded {dataset} in {results['load_s']} s", flush=True)
        print("In-process (django.test.Client):", flush=True)
        results["in_process"] = measure(bench_map.client_fetch(), args.requests, args.warmup)
        connection.close()
        server = common.start_gunicorn(
            os.environ, common.RESULTS_DIR / f"gunicorn-machines-{args.database}.log"
        )
        try:
            print("Through gunicorn (2 workers):", flush=True)
            results["gunicorn"] = measure(
                bench_map.server_fetch(server.base_url), args.requests, args.warmup
            )
        finally:
            server.stop()
    finally:
        # Its database is always dropped.
        common.release_database(args.database, args.pg_admin_url, bench_map.PG_BENCH_DB, keep=False)
    out = common.RESULTS_DIR / f"bench_machines-{args.database}.json"
    common.write_results(out, results)
    print(f"Written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
