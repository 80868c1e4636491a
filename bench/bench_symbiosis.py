#!/usr/bin/env python
"""Benchmark of industrial symbiosis: the territory's allocation and the candidate search.

    python bench/bench_symbiosis.py [--database sqlite|postgres] [--offers 2000]
                                    [--demands 2000] [--codes 50] [--requests 100]
                                    [--pg-name maillage_bench_symbiosis]

It reuses bench_map's synthetic directory for the organisations, gives each a site around
Marseille and Aix, then bulk-inserts offers and demands over `--codes` List of Waste entries
(a third declared by category only), quantities from 1 to 500 t a year, 70 % all year round,
half with a current cost. Then it times:

- `allocate_flows` alone on the 2,000 × 2,000 arrays, and the whole allocation page's work
  (`queries.allocation.territory_allocation`: reading the declarations, building the arrays,
  solving, the savings of each flow): target < 10 s;
- `queries.candidates.candidates_for` of one declaration after another, as a member of the
  declaring organisation sees them: target p95 < 150 ms.

Figures are printed and written to bench/results/bench-symbiosis-<db>.json.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_map
import common

ALLOCATION_TARGET_S = 10.0
CANDIDATES_TARGET_MS = 150.0
SQLITE_FILE = common.RESULTS_DIR / "bench-symbiosis.sqlite3"
PG_BENCH_DB = "maillage_bench_symbiosis"
CENTRE = (43.40, 5.40)  # between Marseille and Aix-en-Provence
SPREAD_DEG = 0.45
CATEGORIES = ["wood", "metal", "plastic", "paper", "glass", "organic", "mineral", "chemical"]


def generate_declarations(
    offers: int, demands: int, codes: int, rng: random.Random
) -> dict[str, int]:
    """Sites around Marseille for the bench organisations, then the declarations."""
    from django.db import transaction

    from maillage.directory.models import Organisation, Site
    from maillage.symbiosis.models import ALL_MONTHS, ResourceDeclaration, WasteCode

    organisations = list(Organisation.objects.values_list("pk", flat=True))
    sites = Site.objects.bulk_create(
        [
            Site(
                organisation_id=org,
                name="Site industriel",
                latitude=CENTRE[0] + rng.uniform(-SPREAD_DEG, SPREAD_DEG),
                longitude=CENTRE[1] + rng.uniform(-SPREAD_DEG, SPREAD_DEG) * 1.4,
            )
            for org in organisations
        ],
        batch_size=1000,
    )
    entries = list(
        WasteCode.objects.filter(level=3, hazardous=False).values_list("code", flat=True)
    )
    chosen = rng.sample(entries, codes)
    category_of = {code: rng.choice(CATEGORIES) for code in chosen}
    rows = []
    for direction, count in (("offer", offers), ("demand", demands)):
        for i in range(count):
            site = rng.choice(sites)
            code = rng.choice(chosen)
            by_category = rng.random() < 0.33
            low = rng.uniform(1, 400)
            months = ALL_MONTHS if rng.random() < 0.7 else rng.randint(1, ALL_MONTHS)
            rows.append(
                ResourceDeclaration(
                    organisation_id=site.organisation_id,
                    site_id=site.pk,
                    direction=direction,
                    waste_code_id=None if by_category else code,
                    category=category_of[code],
                    title=f"{direction} {i}",
                    quantity_min=Decimal(f"{low:.3f}"),
                    quantity_max=Decimal(f"{low * rng.uniform(1, 1.25):.3f}"),
                    unit="t",
                    period=rng.choice(["year", "month"]),
                    months=months,
                    regulatory_status="waste" if direction == "offer" else "product",
                    current_cost=Decimal(rng.randint(10, 300)) if rng.random() < 0.5 else None,
                    quantity_visibility=rng.choice(["public", "coordinators", "counterpart"]),
                    site_visibility=rng.choice(["public", "counterpart"]),
                )
            )
    with transaction.atomic():
        ResourceDeclaration.objects.bulk_create(rows, batch_size=2000)
    return {"bench_sites": len(sites), "offers": offers, "demands": demands, "codes": codes}


def time_allocation(rng: random.Random) -> dict[str, Any]:
    """`allocate_flows` alone, then the whole territory allocation, once each (seconds)."""
    from maillage.symbiosis.allocation import allocate_flows
    from maillage.symbiosis.models import DeclarationState, ResourceDeclaration
    from maillage.symbiosis.queries.allocation import (
        EVERYTHING,
        build_problem,
        territory_allocation,
    )
    from maillage.symbiosis.queries.candidates import cost_per_tonne, side_of
    from maillage.symbiosis.savings import factor

    active = list(
        ResourceDeclaration.objects.filter(state=DeclarationState.ACTIVE).select_related("site")
    )
    offers = [d for d in active if d.direction == "offer"]
    demands = [d for d in active if d.direction == "demand"]
    start = time.perf_counter()
    problem = build_problem(
        [side_of(d, EVERYTHING) for d in offers],
        [side_of(d, EVERYTHING) for d in demands],
        [cost_per_tonne(d, EVERYTHING) or factor("disposal_cost", d.category) for d in offers],
        [cost_per_tonne(d, EVERYTHING) or factor("virgin_cost", d.category) for d in demands],
    )
    built = time.perf_counter() - start
    allowed = int(__import__("numpy").isfinite(problem.transport).sum())
    start = time.perf_counter()
    allocate_flows(
        problem.supply, problem.demand, problem.transport, problem.disposal, problem.virgin
    )
    solved = time.perf_counter() - start
    start = time.perf_counter()
    result = territory_allocation()
    whole = time.perf_counter() - start
    return {
        "offers": len(offers),
        "demands": len(demands),
        "allowed_pairs": allowed,
        "build_arrays_s": round(built, 3),
        "allocate_flows_s": round(solved, 3),
        "territory_allocation_s": round(whole, 3),
        "flows": len(result.flows),
        "tonnes_per_year": round(result.tonnes, 1),
        "euros_saved_per_year": round(result.euros_saved),
        "co2_avoided_t_per_year": round(result.co2_avoided_kg / 1000, 1),
        "pass": whole < ALLOCATION_TARGET_S,
    }


def time_candidates(requests: int, warmup: int, rng: random.Random) -> dict[str, Any]:
    from maillage.symbiosis.models import ResourceDeclaration
    from maillage.symbiosis.queries.candidates import candidates_for
    from maillage.symbiosis.queries.visibility import Audience

    ids = list(ResourceDeclaration.objects.values_list("pk", flat=True))
    picks = iter(rng.choices(ids, k=requests + warmup))

    def one() -> int:
        declaration = ResourceDeclaration.objects.select_related("site").get(pk=next(picks))
        audience = Audience(organisation_ids=frozenset({declaration.organisation_id}))
        return len(candidates_for(declaration, audience))

    return common.time_calls(
        one, requests, warmup, target_ms=CANDIDATES_TARGET_MS, size="candidates_last_call"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--offers", type=int, default=2000)
    parser.add_argument("--demands", type=int, default=2000)
    parser.add_argument("--codes", type=int, default=50)
    parser.add_argument("--orgs", type=int, default=600)
    parser.add_argument("--pg-name", default=PG_BENCH_DB, help="the PostgreSQL bench database")
    common.add_request_options(parser, requests=100, warmup=5)
    common.add_postgres_options(parser)
    args = parser.parse_args(argv)

    common.STATIC_ROOT.mkdir(parents=True, exist_ok=True)
    common.set_up_django(
        args.database,
        args.pg_admin_url,
        sqlite_file=SQLITE_FILE,
        pg_name=args.pg_name,
        static_root=common.STATIC_ROOT,
    )
    rng = random.Random(args.seed)
    machine = common.machine_info()
    results: dict[str, Any] = {
        **common.results_header("bench_symbiosis", machine),
        "database": bench_map.database_info(),
        "settings": common.request_settings(args),
        "load_average_before": os.getloadavg(),
    }
    try:
        results["migrate_s"] = round(common.migrate_bench_database(args.database), 1)
        start = time.perf_counter()
        dataset = bench_map.generate_directory(args.orgs, args.orgs, rng)
        dataset.update(generate_declarations(args.offers, args.demands, args.codes, rng))
        results["dataset"] = dataset
        results["load_s"] = round(time.perf_counter() - start, 1)
        results["analyze_s"] = round(common.analyze_database(), 1)
        print(f"Loaded {dataset} in {results['load_s']} s", flush=True)
        allocation = time_allocation(rng)
        candidates = time_candidates(args.requests, args.warmup, rng)
        results["allocation"] = allocation
        results["candidates"] = candidates
        results["targets"] = targets = [
            common.target(
                "territory allocation (s)",
                allocation["territory_allocation_s"],
                f"< {ALLOCATION_TARGET_S:g} s",
                allocation["pass"],
            ),
            common.target(
                "candidate search p95 (ms)",
                candidates["p95_ms"],
                f"< {CANDIDATES_TARGET_MS:g} ms",
                candidates["pass"],
            ),
        ]
        results["load_average_after"] = os.getloadavg()
        results["pass"] = all(t["pass"] for t in targets)
        common.print_title("symbiosis", args.database, machine)
        print(
            f"Allocation {allocation['offers']} × {allocation['demands']} "
            f"({allocation['allowed_pairs']} allowed pairs): arrays "
            f"{allocation['build_arrays_s']} s, allocate_flows {allocation['allocate_flows_s']} s,"
            f" whole page {allocation['territory_allocation_s']} s; {allocation['flows']} flows,"
            f" {allocation['tonnes_per_year']} t/yr, {allocation['euros_saved_per_year']} €/yr,"
            f" {allocation['co2_avoided_t_per_year']} t CO2e/yr"
        )
        print(
            f"Candidates: p50 {candidates['p50_ms']} ms, p95 {candidates['p95_ms']} ms, "
            f"max {candidates['max_ms']} ms over {candidates['requests']} declarations"
        )
        common.print_targets(targets, 28)
    finally:
        common.release_database(args.database, args.pg_admin_url, args.pg_name, keep=args.keep_db)
    out = common.RESULTS_DIR / f"bench-symbiosis-{args.database}.json"
    common.write_results(out, results)
    print(f"Written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
