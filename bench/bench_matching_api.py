#!/usr/bin/env python
"""Benchmark of "who, near me, can do this job": POST /api/v1/needs/search on 100,000 machines.

    python bench/bench_matching_api.py [--database sqlite|postgres] [--machines 100000]
                                       [--requests 200] [--warmup 10] [--seed 2026]

It builds a dedicated database (never the development one), loads a deterministic synthetic
network with bulk inserts (organisations and sites through bench_map.generate_directory, then
machines, their processes and materials, and an active sharing offer for most of them), and
times the same searches two ways: in-process with Django's test Client, and through a real
gunicorn server (2 sync workers) with urllib, one request at a time and a bounded number of
requests. The first search of a process builds the engine's index: that cold start is timed
separately (in-process, split between loading the rows and building the arrays and trees; and
the first requests each gunicorn worker answers). Results go to the terminal and to
bench/results/bench_matching_api.json, one entry per database.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

SQLITE_FILE = common.RESULTS_DIR / "bench-matching.sqlite3"
OUT_FILE = common.RESULTS_DIR / "bench_matching_api.json"
PG_BENCH_DB = "maillage_bench_matching"
SEARCH_PATH = "/api/v1/needs/search"
TARGET_P95_MS = 150.0

# Common processes come up more often, as in a real network of workshops.
COMMON_PROCESSES = {
    "3.4.1.1": 12,  # laser cutting
    "3.4.1.2": 6,  # laser engraving
    "3.2.3": 10,  # milling
    "3.2.2": 8,  # turning
    "3.2.4": 6,  # drilling
    "AM.1": 10,  # material extrusion (FDM)
    "4.4.1": 6,  # arc welding (if present)
    "WOOD.3": 5,
    "TEX.2": 5,
    "ELEC.2": 4,
}
MATERIALS = ["steel", "stainless", "aluminium", "wood", "plastics", "textiles", "composites"]
MACHINE_NAMES = [
    "Laser",
    "Fraiseuse",
    "Tour",
    "Perceuse",
    "Imprimante 3D",
    "Poste à souder",
    "Toupie",
    "Machine à coudre",
    "Four",
    "Presse",
    "Scie",
    "Plieuse",
]
MAKES = ["Trotec", "Haas", "Prusa", "Felder", "Bernina", "Amada", "Epilog", "Optimum", "Weller"]

CASES: list[dict[str, Any]] = [
    {
        "key": "a_laser_marseille_signed_in",
        "label": "(a) laser cutting, Marseille, 50 km, signed in (recorded)",
        "auth": True,
        "body": {"process": "3.4.1.1", "hours": 2, "commune": "13001", "max_km": 50},
    },
    {
        "key": "b_laser_marseille_anonymous",
        "label": "(b) same, anonymous (not recorded)",
        "auth": False,
        "body": {"process": "3.4.1.1", "hours": 2, "commune": "13001", "max_km": 50},
    },
    {
        "key": "c_material_removal_lyon",
        "label": "(c) any material removal (3), Lyon, 30 km, part 400×300×50, signed in",
        "auth": True,
        "body": {
            "process": "3",
            "hours": 3,
            "commune": "69001",
            "max_km": 30,
            "part_x_mm": 400,
            "part_y_mm": 300,
            "part_z_mm": 50,
            "material": "steel",
        },
    },
]


# --- synthetic machines ----------------------------------------------------------------


def generate_machines(machines: int, rng: random.Random, batch_size: int = 2000) -> dict[str, int]:
    """`machines` machines on the existing sites, with processes, materials and offers.

    About 3% of the machines are down and 1% retired; 92% have an active offer (network
    audience), the rest none or an inactive one. Processes: one to three leaves of the
    taxonomy, common ones (laser cutting, milling, FDM…) weighted up.
    """
    from django.db import transaction

    from maillage.core.text import fold
    from maillage.directory.models import Site
    from maillage.equipment.models import Machine, MachineMaterial, Process
    from maillage.sharing.models import Offer

    sites = list(Site.objects.order_by("pk").values_list("pk", "organisation_id"))
    if not sites:
        raise RuntimeError("no site: generate the directory first")
    processes = list(Process.objects.order_by("position", "code").values_list("pk", "code", "path"))
    parents = {path.rsplit("|", 2)[0] + "|" for _pk, _code, path in processes}
    leaves = [(pk, code) for pk, code, path in processes if path not in parents]
    weights = [COMMON_PROCESSES.get(code, 1) for _pk, code in leaves]
    leaf_ids = [pk for pk, _code in leaves]

    rows: list[Machine] = []
    process_rows: list[tuple[int, list[int]]] = []
    material_rows: list[list[str]] = []
    for n in range(machines):
        site_id, organisation_id = sites[rng.randrange(len(sites))]
        name = f"{rng.choice(MACHINE_NAMES)} {n + 1}"
        make = rng.choice(MAKES)
        x = rng.choice([300, 600, 1000, 1300, 2000, 3000])
        status = rng.choices(["operational", "degraded", "down", "retired"], [90, 6, 3, 1])[0]
        rows.append(
            Machine(
                organisation_id=organisation_id,
                site_id=site_id,
                name=name,
                make=make,
                envelope_x_mm=float(x),
                envelope_y_mm=float(round(x * rng.uniform(0.4, 1.0))),
                envelope_z_mm=float(rng.choice([20, 50, 100, 300, 600])),
                tolerance_class=rng.choice(["", "f", "m", "m", "c"]),
                status=status,
                search_text=fold(f"{name} {make}"),
            )
        )
        chosen = set(rng.choices(leaf_ids, weights=weights, k=rng.randint(1, 3)))
        process_rows.append((n, sorted(chosen)))
        material_rows.append(rng.sample(MATERIALS, rng.randint(0, 3)))

    through = Machine.processes.through
    with transaction.atomic():
        Machine.objects.bulk_create(rows, batch_size=batch_size)
        if any(m.pk is None for m in rows):  # a backend that returns no ids
            ids = list(Machine.objects.order_by("pk").values_list("pk", flat=True))[-len(rows) :]
            for machine, pk in zip(rows, ids, strict=True):
                machine.pk = pk
        through.objects.bulk_create(
            [
                through(machine_id=rows[n].pk, process_id=process_id)
                for n, chosen in process_rows
                for process_id in chosen
            ],
            batch_size=batch_size * 5,
        )
        MachineMaterial.objects.bulk_create(
            [
                MachineMaterial(machine_id=machine.pk, material=material)
                for machine, materials in zip(rows, material_rows, strict=True)
                for material in materials
            ],
            batch_size=batch_size * 5,
        )
        offers = []
        for machine in rows:
            draw = rng.random()
            if draw < 0.05:
                continue  # not shared
            member = rng.choice([0, 1000, 1500, 2000, 3000, 4500, 6000])
            offers.append(
                Offer(
                    machine_id=machine.pk,
                    active=draw >= 0.08,
                    mode=rng.choice(["self_service", "with_operator", "on_request"]),
                    price_own_cents=member // 2,
                    price_member_cents=member,
                    price_outsider_cents=member * 2,
                    fixed_fee_cents=rng.choice([0, 0, 500, 1000]),
                )
            )
        Offer.objects.bulk_create(offers, batch_size=batch_size)
    return {
        "machines": machines,
        "machine_processes": sum(len(c) for _n, c in process_rows),
        "machine_materials": sum(len(m) for m in material_rows),
        "offers": len(offers),
        "active_offers": sum(1 for o in offers if o.active),
        "process_leaves": len(leaves),
    }


# --- the search under test --------------------------------------------------------------


def search_body(case: dict[str, Any]) -> dict[str, Any]:
    from zoneinfo import ZoneInfo

    start = datetime.now(ZoneInfo("Europe/Paris")).replace(minute=0, second=0, microsecond=0)
    start += timedelta(days=1)
    return {
        "earliest": start.isoformat(),
        "deadline": (start + timedelta(days=14)).isoformat(),
        **case["body"],
    }


Post = Callable[[dict[str, Any], bool], tuple[int, bytes]]


def client_post(token: str) -> Post:
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")

    def post(body: dict[str, Any], auth: bool) -> tuple[int, bytes]:
        extra: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if auth else {}
        response = client.post(
            SEARCH_PATH, json.dumps(body), content_type="application/json", **extra
        )
        return response.status_code, response.content

    return post


def server_post(base_url: str, token: str) -> Post:
    def post(body: dict[str, Any], auth: bool) -> tuple[int, bytes]:
        headers = {"Content-Type": "application/json"}
        if auth:
            headers["Authorization"] = f"Bearer {token}"
        request = urllib.request.Request(
            base_url + SEARCH_PATH, data=json.dumps(body).encode(), headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    return post


def time_case(post: Post, case: dict[str, Any], requests: int, warmup: int) -> dict[str, Any]:
    body = search_body(case)
    timed = common.time_requests(lambda: post(body, case["auth"]), requests, warmup)
    content = timed.body
    data = json.loads(content) if content else {}
    results = data.get("results", []) if isinstance(data, dict) else []
    return {
        "label": case["label"],
        **timed.figures(median_key="p50_ms"),
        "results": len(results),
        "nearest_km": results[0]["distance_km"] if results else None,
        "furthest_km": results[-1]["distance_km"] if results else None,
        "recorded": data.get("recorded") if isinstance(data, dict) else None,
        "bytes": len(content),
        "target_p95_ms": TARGET_P95_MS,
        "pass": timed.errors == 0 and common.percentile(timed.durations_ms, 0.95) < TARGET_P95_MS,
    }


def cold_start_in_process() -> dict[str, Any]:
    """The index from nothing: rows out of the database, then arrays and trees."""
    from maillage.matching.engine import MachineIndex
    from maillage.matching.loader import CACHE, load_taxonomy, shareable_machines

    start = time.perf_counter()
    taxonomy = load_taxonomy()
    records = shareable_machines()
    loaded = time.perf_counter()
    index = MachineIndex(records, len(taxonomy.node_of_code))
    built = time.perf_counter()
    CACHE.clear()
    return {
        "indexed_machines": len(index),
        "load_rows_s": round(loaded - start, 3),
        "build_index_s": round(built - loaded, 3),
        "total_s": round(built - start, 3),
    }


def first_request(post: Post, case: dict[str, Any]) -> dict[str, Any]:
    from maillage.matching.loader import CACHE

    CACHE.clear()
    start = time.perf_counter()
    status, _body = post(search_body(case), case["auth"])
    return {"status": status, "ms": round((time.perf_counter() - start) * 1000, 1)}


def server_cold_requests(post: Post, case: dict[str, Any], rounds: int = 3) -> list[float]:
    """Pairs of simultaneous requests, so that each of the two workers answers a cold one."""
    timings: list[float] = []
    body = search_body(case)

    def one() -> None:
        start = time.perf_counter()
        post(body, case["auth"])
        timings.append(round((time.perf_counter() - start) * 1000, 1))

    for _ in range(rounds):
        threads = [threading.Thread(target=one) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    return timings


# --- main ------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--machines", type=int, default=100_000)
    parser.add_argument("--orgs", type=int, default=20_000)
    parser.add_argument("--sites", type=int, default=30_000)
    common.add_request_options(parser, requests=200, warmup=10)
    common.add_postgres_options(parser)
    args = parser.parse_args(argv)
    if args.requests < 1 or args.machines < 1 or args.sites < args.orgs or args.orgs < 1:
        parser.error("need --requests, --machines >= 1 and --sites >= --orgs >= 1")

    import bench_map

    common.set_up_django(
        args.database, args.pg_admin_url, sqlite_file=SQLITE_FILE, pg_name=PG_BENCH_DB
    )
    from django.db import connection

    results: dict[str, Any] = {
        **common.results_header("bench_matching_api"),
        "database": bench_map.database_info(),
        "settings": {
            **common.request_settings(args),
            "server": "gunicorn, 2 sync workers, DEBUG=0",
        },
    }
    try:
        migrate_s = common.migrate_bench_database(args.database)
        rng = random.Random(args.seed)
        dataset, directory_s = bench_map.load_directory(args.orgs, args.sites, rng)
        print(f"Generating {args.machines} machines with processes and offers …", flush=True)
        start = time.perf_counter()
        dataset.update(generate_machines(args.machines, rng))
        machines_s = time.perf_counter() - start
        analyze_s = None
        if connection.vendor == "postgresql":
            analyze_s = round(common.analyze_database(), 2)
        from maillage.directory.actions.people import create_api_token
        from maillage.directory.models import Membership, Organisation, Role, User

        user = User.objects.create_user("bench", "bench@example.org", "bench-Maillage-2026")
        Membership.objects.create(
            user=user, organisation=Organisation.objects.order_by("pk")[0], role=Role.MEMBER
        )
        token = create_api_token(user, "bench")[1]
        results["dataset"] = dataset
        results["load"] = {
            "migrate_s": round(migrate_s, 2),
            "directory_s": round(directory_s, 2),
            "machines_s": round(machines_s, 2),
            "analyze_s": analyze_s,
        }

        print("Cold start (index built from the database):", flush=True)
        results["cold_start"] = {"in_process_build": cold_start_in_process()}
        post = client_post(token)
        results["cold_start"]["in_process_first_request"] = first_request(post, CASES[0])

        from maillage.matching.models import Need

        results["search"] = {"in_process": {}, "server": {}}
        results["load_average"] = {"before": os.getloadavg()}
        print("In-process (django.test.Client):", flush=True)
        for case in CASES:
            print(f"  {case['label']} …", flush=True)
            results["search"]["in_process"][case["key"]] = time_case(
                post, case, args.requests, args.warmup
            )
        results["load_average"]["after_in_process"] = os.getloadavg()
        connection.close()

        print("Through gunicorn (urllib, one request at a time):", flush=True)
        log_path = common.RESULTS_DIR / f"gunicorn-matching-{args.database}.log"
        # The first request builds the index: it may be slow.
        server = common.start_gunicorn(os.environ, log_path, timeout_s=300)
        try:
            spost = server_post(server.base_url, token)
            results["cold_start"]["server_first_requests_ms"] = server_cold_requests(
                spost, CASES[0]
            )
            for case in CASES:
                print(f"  {case['label']} …", flush=True)
                results["search"]["server"][case["key"]] = time_case(
                    spost, case, args.requests, args.warmup
                )
        finally:
            server.stop()
        results["load_average"]["after_server"] = os.getloadavg()
        results["needs_recorded"] = Need.objects.count()
    finally:
        common.release_database(args.database, args.pg_admin_url, PG_BENCH_DB, keep=args.keep_db)

    results["all_pass"] = all(
        figures["pass"] for mode in results["search"].values() for figures in mode.values()
    )
    previous: dict[str, Any] = {}
    if OUT_FILE.exists():
        try:
            previous = json.loads(OUT_FILE.read_text())
        except ValueError:
            previous = {}
    previous[args.database] = results
    common.write_results(OUT_FILE, previous)
    print_report(results)
    print(f"\nWritten {OUT_FILE.relative_to(common.PROJECT_DIR)} (key {args.database!r})")
    return 0


def print_report(results: dict[str, Any]) -> None:
    db = results["database"]
    data = results["dataset"]
    common.print_title("matching API", f"{db['engine']} {db['version']}", results["machine"])
    print(
        f"Dataset: {data['machines']} machines ({data['active_offers']} with an active offer), "
        f"{data['machine_processes']} machine-process rows, {data['organisations']} "
        f"organisations, {data['sites']} sites; load {results['load']}"
    )
    cold = results["cold_start"]
    build = cold["in_process_build"]
    print(
        f"Index cold start: {build['indexed_machines']} machines indexed, rows "
        f"{build['load_rows_s']} s + build {build['build_index_s']} s = {build['total_s']} s; "
        f"first request in-process {cold['in_process_first_request']['ms']} ms; "
        f"first requests through gunicorn {cold.get('server_first_requests_ms')} ms"
    )
    header = f"{'mode':<11} {'case':<70} {'p50':>7} {'p95':>7} {'max':>7} {'res.':>5}  target"
    common.print_table_header(header)
    for mode, cases in results["search"].items():
        for f in cases.values():
            print(
                f"{mode:<11} {f['label'][:70]:<70} {f['p50_ms']:>7.1f} {f['p95_ms']:>7.1f} "
                f"{f['max_ms']:>7.1f} {f['results']:>5}  p95<{f['target_p95_ms']:g} "
                f"{'PASS' if f['pass'] else 'FAIL'}{' (errors)' if f['errors'] else ''}"
            )


if __name__ == "__main__":
    sys.exit(main())
