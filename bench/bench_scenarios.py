#!/usr/bin/env python
"""Benchmark of the scenario simulator: 10,000-draw simulations, and its pre-fill at scale.

    python bench/bench_scenarios.py [--draws 10000] [--runs 50] [--seed 2026]
                                    [--database none|sqlite|postgres] [--machines 100000]
                                    [--orgs 10000] [--sites 15000] [--requests 30]

(a) The core, `maillage.impact.simulation` (plain Python and numpy, no database): `--runs`
    simulations of each kind, every uncertain input a triangular or uniform range, `--draws`
    draws each, timed one at a time with their percentiles and histograms: share (organisations
    sharing one machine) and retrofit (machines retrofitted instead of bought). Target: p95 under
    1 s for 10,000 draws (issue 12).
(b) With `--database`: a synthetic park (bench_map's directory, bench_machines' machines) where
    60 % of the machines have private economics (price, life, hours, variable cost) and an
    impact record (utilisation, embodied carbon), then the pre-fill of the share scenario for the
    most common process (`queries.scenarios.share_prefill`: per-organisation averages in one SQL
    query, the median in Python), the share page for five organisations (HTML, a signed-in
    session) and the two API calls end to end (`POST /api/v1/impact/scenarios/share` with a
    process, `…/retrofit` with three machines) through Django's test client with a token.
    Target: p95 under 1 s too.

Figures are printed and written to bench/results/bench-scenarios[-<database>].json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

TARGET_MS = 1000.0
SQLITE_FILE = common.RESULTS_DIR / "bench-scenarios.sqlite3"
PG_BENCH_DB = "maillage_bench_scenarios"
ECONOMICS_SHARE = 0.6


def time_calls(call: Callable[[], Any], runs: int, warmup: int) -> dict[str, Any]:
    """`warmup` untimed calls, then `runs` timed ones: p50, p95, max in ms against the target."""
    return common.time_calls(call, runs, warmup, target_ms=TARGET_MS, count="runs", size=None)


def core_cases(draws: int, seed: int) -> dict[str, tuple[str, Callable[[], Any]]]:
    """Both kinds with every input uncertain (the arithmetic is the same for fixed inputs)."""
    if str(common.SRC_DIR) not in sys.path:
        sys.path.insert(0, str(common.SRC_DIR))
    from maillage.impact.simulation import Distribution, simulate_retrofit, simulate_share

    tri = Distribution.triangular
    share = {
        "price": tri(120_000, 150_000, 200_000),
        "residual_share": tri(0.05, 0.10, 0.15),
        "discount_rate": tri(0.03, 0.05, 0.08),
        "life_years": tri(10, 15, 20),
        "fixed_share_of_price": tri(0.02, 0.03, 0.04),
        "fixed_costs_per_year": tri(1_500, 2_000, 3_000),
        "hours_available": tri(1_600, 1_760, 2_000),
        "utilisation_solo": tri(0.15, 0.30, 0.45),
        "utilisation_shared": tri(0.50, 0.70, 0.85),
        "variable_per_hour": tri(5, 6.5, 8),
        "coordination_per_hour": Distribution.uniform(1, 6),
        "coordination_setup": tri(2_000, 5_000, 10_000),
        "embodied_kgco2e": tri(18_000, 24_000, 32_000),
        "kwh_per_hour": tri(5, 9, 12),
        "grid_kgco2e_per_kwh": tri(0.03, 0.052, 0.08),
    }
    retrofit = {
        "new_price": tri(120_000, 150_000, 190_000),
        "new_life_years": tri(12, 15, 20),
        "retrofit_price": tri(30_000, 50_000, 90_000),
        "retrofit_life_years": tri(6, 10, 14),
        "discount_rate": tri(0.03, 0.05, 0.08),
        "new_embodied_kgco2e": tri(18_000, 24_000, 32_000),
        "retrofit_embodied_kgco2e": tri(2_000, 4_000, 7_000),
        "new_kwh_per_year": tri(9_000, 12_000, 14_000),
        "retrofit_kwh_per_year": tri(11_000, 13_500, 16_000),
        "grid_kgco2e_per_kwh": tri(0.03, 0.052, 0.08),
        "electricity_eur_per_kwh": tri(0.15, 0.20, 0.28),
        "horizon_years": Distribution.fixed(15),
    }
    return {
        "share": (
            f"share, 5 organisations, {draws:,} draws",
            lambda: simulate_share(share, organisations=5, draws=draws, seed=seed),
        ),
        "retrofit": (
            f"retrofit, 3 machines, {draws:,} draws",
            lambda: simulate_retrofit(retrofit, machines=3, draws=draws, seed=seed),
        ),
    }


def generate_inventory(rng: random.Random, batch_size: int = 10_000) -> dict[str, int]:
    """Private economics and impact records on a share of the machines (bulk inserts)."""
    from django.db import transaction

    from maillage.equipment.models import Machine
    from maillage.impact.models import MachineEconomics, MachineImpact

    ids = list(Machine.objects.values_list("pk", flat=True))
    chosen = [pk for pk in ids if rng.random() < ECONOMICS_SHARE]
    economics, impacts = [], []
    for pk in chosen:
        price = rng.randint(20_000, 400_000)
        economics.append(
            MachineEconomics(
                machine_id=pk,
                price_cents=price * 100,
                life_years=rng.randint(8, 25),
                hours_available_per_year=rng.choice([1_600, 1_760, 2_000, 3_500]),
                variable_cents_per_hour=rng.randint(200, 2_000),
            )
        )
        impacts.append(
            MachineImpact(
                machine_id=pk,
                utilisation=round(rng.uniform(0.05, 0.8), 3),
                embodied_kgco2e=round(price * rng.uniform(0.08, 0.2)),
            )
        )
    with transaction.atomic():
        MachineEconomics.objects.bulk_create(economics, batch_size=batch_size)
        MachineImpact.objects.bulk_create(impacts, batch_size=batch_size)
    return {"economics": len(economics), "impacts": len(impacts)}


def database_cases(user: Any, token: str) -> dict[str, tuple[str, Callable[[], Any]]]:
    from django.db.models import Count
    from django.test import Client

    from maillage.equipment.models import Machine, Process
    from maillage.impact.queries import scenarios as queries
    from maillage.impact.queries.factors import current_factors

    top = (
        Machine.processes.through.objects.values("process__code")
        .annotate(n=Count("machine"))
        .order_by("-n")
        .first()
    )
    assert top is not None
    code = top["process__code"]
    process = Process.objects.get(code=code)
    machine_ids = list(
        Machine.objects.filter(organisation__status="validated")
        .order_by("pk")
        .values_list("pk", flat=True)[:3]
    )
    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {token}")
    page_client = Client(HTTP_HOST="127.0.0.1")
    page_client.force_login(user)
    organisations = list(
        queries.candidate_organisations(process).order_by("name").values_list("pk", flat=True)[:5]
    )
    page_query = urlencode(
        [("process", code), ("step", "simulate")] + [("organisations", o) for o in organisations]
    )

    def page() -> Any:
        answer = page_client.get(f"/impact/scenarios/share/?{page_query}")
        assert answer.status_code == 200, answer.content[:500]
        assert b'id="percentiles"' in answer.content
        return answer

    def post(url: str, body: dict[str, Any]) -> Any:
        answer = client.post(url, body, content_type="application/json")
        assert answer.status_code == 200, answer.content[:500]
        return answer

    return {
        "prefill": (
            f"share pre-fill from the inventory, process {code} ({top['n']:,} machines)",
            lambda: queries.share_prefill(process, 5, current_factors()),
        ),
        "api_share": (
            "POST /api/v1/impact/scenarios/share (process, 10,000 draws)",
            lambda: post(
                "/api/v1/impact/scenarios/share",
                {"organisations": 5, "process": code, "draws": 10_000},
            ),
        ),
        "page_share": (
            "GET /impact/scenarios/share/ (5 organisations, 10,000 draws, HTML)",
            page,
        ),
        "api_retrofit": (
            "POST /api/v1/impact/scenarios/retrofit (3 machines, 10,000 draws)",
            lambda: post(
                "/api/v1/impact/scenarios/retrofit", {"machine_ids": machine_ids, "draws": 10_000}
            ),
        ),
    }


def _print_case(label: str, timing: dict[str, Any]) -> None:
    print(
        f"  {label:<72} p50 {timing['p50_ms']:>8} ms  p95 {timing['p95_ms']:>8} ms  "
        f"max {timing['max_ms']:>8} ms  {'PASS' if timing['pass'] else 'FAIL'}",
        flush=True,
    )


def run_database(args: argparse.Namespace, results: dict[str, Any]) -> None:
    import bench_machines
    import bench_map

    if args.database == "sqlite":
        database_url = common.create_sqlite_database(SQLITE_FILE)
    else:
        database_url = common.create_postgres_database(args.pg_admin_url, PG_BENCH_DB)
    common.STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns when it is absent
    common.use_bench_environment(database_url, common.STATIC_ROOT)
    import django

    django.setup()
    from django.db import connection

    try:
        common.migrate_bench_database(args.database)
        rng = random.Random(args.seed)
        start = time.perf_counter()
        dataset = bench_map.generate_directory(args.orgs, args.sites, rng)
        dataset["machines"] = bench_machines.generate_machines(args.machines, rng)
        dataset.update(generate_inventory(rng))
        results["dataset"] = dataset
        results["load_s"] = round(time.perf_counter() - start, 1)
        common.analyze_database()
        print(f"Loaded {dataset} in {results['load_s']} s", flush=True)
        results["database"] = bench_map.database_info()
        from maillage.directory.actions.people import create_api_token
        from maillage.directory.models import User

        user = User.objects.create_user("bench-funder", "bench-funder@example.invalid", "x")
        token = create_api_token(user, "bench")[1]
        for key, (label, call) in database_cases(user, token).items():
            timing = {"label": label, **time_calls(call, args.requests, 2)}
            results["cases"][key] = timing
            _print_case(label, timing)
    finally:
        if args.database == "postgres":
            connection.close()
            common.drop_postgres_database(args.pg_admin_url, PG_BENCH_DB)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--draws", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=50, help="timed simulations of each kind")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database", choices=["none", "sqlite", "postgres"], default="none")
    parser.add_argument("--machines", type=int, default=100_000)
    parser.add_argument("--orgs", type=int, default=10_000)
    parser.add_argument("--sites", type=int, default=15_000)
    parser.add_argument("--requests", type=int, default=30, help="timed calls per database case")
    common.add_postgres_options(parser, keep_db=False)
    args = parser.parse_args(argv)

    common.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    machine = common.machine_info()
    results: dict[str, Any] = {
        **common.results_header("bench_scenarios", machine),
        "draws": args.draws,
        "target_p95_ms": TARGET_MS,
        "load_average_before": os.getloadavg(),
        "cases": {},
    }
    where = "" if args.database == "none" else args.database
    common.print_title("scenario", where, machine, then=f", {args.draws:,} draws")
    for key, (label, call) in core_cases(args.draws, args.seed).items():
        timing = {"label": label, **time_calls(call, args.runs, 3)}
        results["cases"][key] = timing
        _print_case(label, timing)
    if args.database != "none":
        run_database(args, results)
    results["load_average_after"] = os.getloadavg()
    results["pass"] = all(case["pass"] for case in results["cases"].values())
    print(f"Load average: {results['load_average_before']} → {results['load_average_after']}")
    print("PASS" if results["pass"] else "FAIL", f"(p95 < {TARGET_MS:.0f} ms)")
    suffix = "" if args.database == "none" else f"-{args.database}"
    out = common.RESULTS_DIR / f"bench-scenarios{suffix}.json"
    out.write_text(json.dumps(results, indent=2, default=str))
    print(f"Written to {out}")
    return 0 if results["pass"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
