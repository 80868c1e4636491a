#!/usr/bin/env python
"""Benchmark of the public map on a synthetic directory of the whole of France.

    python bench/bench_map.py [--database sqlite|postgres] [--orgs 20000] [--sites 30000]
                              [--requests 200] [--seed 2026]

It builds a dedicated database (never the development one), loads a deterministic
synthetic directory with bulk inserts, then measures the GeoJSON bounding-box endpoint
and the map page twice: in-process with Django's test Client (no network, no WSGI server)
and through a real gunicorn server (2 sync workers) timed with urllib from this process.
Everything is printed as a table and written to bench/results/bench_map-<database>.json.

The data generation (`generate_directory`) only uses the ORM on the current database, so
bench/test_bench_smoke.py imports it and runs it on the test database.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import os
import random
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from html.parser import HTMLParser
from typing import Any

import common

SQLITE_FILE = common.RESULTS_DIR / "bench-map.sqlite3"
PG_BENCH_DB = "maillage_bench"

# Metropolitan France with Corsica: west, south, east, north.
METRO_BBOX = (-5.5, 41.2, 9.8, 51.2)
JITTER_DEG = 0.02
PENDING_SHARE = 0.05
SECONDARY_SAME_DEPT_SHARE = 0.6
# Paris, Lyon and Marseille are listed both whole and by arrondissement: keep the arrondissements.
PLM_PARENTS = {"75056", "69123", "13055"}

GEOJSON_TARGET_MS = 150.0
PAGE_TARGET_BYTES = 200_000  # "200 KB", read strictly as 200,000 bytes

DEPT_BOX = "4.2,43.15,5.85,43.95"  # around the Bouches-du-Rhône
CASES: list[dict[str, Any]] = [
    {
        "key": "a_dept",
        "label": "(a) Bouches-du-Rhône box",
        "params": {"bbox": DEPT_BOX},
        "target_ms": GEOJSON_TARGET_MS,
    },
    {
        "key": "b_dept_fablab",
        "label": "(b) same box, kind=fablab",
        "params": {"bbox": DEPT_BOX, "kind": "fablab"},
        "target_ms": GEOJSON_TARGET_MS,
    },
    {
        "key": "c_paris",
        "label": "(c) Paris box",
        "params": {"bbox": "2.0,48.6,2.7,49.1"},
        "target_ms": None,
    },
    {
        "key": "d_france",
        "label": "(d) metropolitan France",
        "params": {"bbox": ",".join(str(v) for v in METRO_BBOX)},
        "target_ms": None,
        "expect_clustered": True,
    },
    {
        "key": "e_dept_q_atelier",
        "label": "(e) dept box, q=atelier",
        "params": {"bbox": DEPT_BOX, "q": "atelier"},
        "target_ms": GEOJSON_TARGET_MS,
    },
]

# --- synthetic directory ---------------------------------------------------------------

KIND_WEIGHTS = {
    "sme": 30,
    "fablab": 9,
    "collective_workshop": 10,
    "reuse_repair": 12,
    "technical_centre": 5,
    "research_lab": 6,
    "training_body": 8,
    "cluster": 3,
    "public_body": 7,
    "cooperation_network": 10,
}
NAME_PREFIXES = {
    "sme": ["Ateliers", "Menuiserie", "Chaudronnerie", "Mécanique", "Fonderie", "Tôlerie"],
    "fablab": ["Fablab", "Makerspace", "Hackerspace", "Lab"],
    "collective_workshop": ["Atelier partagé", "Manufacture de proximité", "Tiers-lieu"],
    "reuse_repair": ["Ressourcerie", "Recyclerie", "Repair Café", "Atelier vélo"],
    "technical_centre": ["Centre technique", "Plateforme technologique", "CRITT"],
    "research_lab": ["Laboratoire", "Institut", "Unité de recherche"],
    "training_body": ["Centre de formation", "École de production", "Campus des métiers"],
    "cluster": ["Pôle", "Cluster", "Grappe d'entreprises"],
    "public_body": ["Agence", "Communauté de communes", "Syndicat mixte"],
    "cooperation_network": ["PTCE", "Réseau", "Coopérative", "Association"],
}
NAME_QUALIFIERS = [
    "de l'Étoile",
    "du Moulin",
    "des Tanneurs",
    "de la Gare",
    "du Canal",
    "des Forges",
    "du Plateau",
    "de la Vallée",
    "Solidaire",
    "Coopératif",
    "Low-tech",
    "Circulaire",
    "Bois & Fer",
    "Le Relais",
    "L'Établi",
    "La Fabrique",
    "Le Hangar",
    "Les Copeaux",
]
DESCRIPTIONS = [
    "Fabrication locale de petites séries en bois et en métal.",
    "Réparation, réemploi et vente de matériel d'occasion.",
    "Atelier ouvert au public le samedi, initiation à l'usinage.",
    "Découpe laser, impression 3D et fraisage numérique.",
    "Accompagnement des entreprises vers l'économie circulaire.",
    "Valorisation des déchets de chantier et des chutes industrielles.",
    "Production d'énergie locale et ateliers de sensibilisation.",
    "Maintenance de machines agricoles et outillage partagé.",
    "Transformation alimentaire et conserverie artisanale.",
    "Mise à disposition de machines et d'espaces de travail.",
]
STREETS = ["rue de l'Industrie", "avenue de la Gare", "chemin des Artisans", "zone artisanale"]


def _commune_table() -> list[tuple[int, str, str, str, float, float, int]]:
    """Metropolitan communes with inhabitants: (pk, name, dept, postal code, lat, lon, pop)."""
    from maillage.directory.models import Commune

    west, south, east, north = METRO_BBOX
    margin = JITTER_DEG + 0.01
    rows = (
        Commune.objects.filter(population__gt=0, department__isnull=False)
        .exclude(department__code__startswith="97")
        .exclude(insee_code__in=PLM_PARENTS)
        .filter(
            latitude__gte=south + margin,
            latitude__lte=north - margin,
            longitude__gte=west + margin,
            longitude__lte=east - margin,
        )
        .order_by("insee_code")
        .values_list(
            "pk", "name", "department_id", "postal_codes", "latitude", "longitude", "population"
        )
    )
    return [
        (pk, name, dept, (postal.split() or [""])[0], lat, lon, pop)
        for pk, name, dept, postal, lat, lon, pop in rows
    ]


def generate_directory(
    orgs: int, sites: int, rng: random.Random, batch_size: int = 1000
) -> dict[str, int]:
    """Write `orgs` organisations and `sites` sites (sites >= orgs) into the current database.

    Deterministic for a given rng state and commune table. Organisations are of every kind,
    validated except about 5% pending, with one to three fields of action and the same
    folded search text as actions.refresh_search_text. Every organisation has one main site;
    the others go to random organisations, in the same department 60% of the time. Sites sit
    in communes drawn with probability proportional to population, jittered by ±0.02°.
    """
    from django.db import transaction
    from django.db.models import Max

    from maillage.core.text import fold, slugify_ascii
    from maillage.directory.models import (
        FieldOfAction,
        Organisation,
        OrganisationField,
        OrganisationStatus,
        Site,
    )

    if orgs < 1 or sites < orgs:
        raise ValueError("need at least one organisation and at least one site per organisation")
    communes = _commune_table()
    if not communes:
        raise RuntimeError("the Commune table is empty: run the migrations first")
    cum = list(itertools.accumulate(c[6] for c in communes))
    by_dept: dict[str, tuple[list[int], list[int]]] = {}
    for index, commune in enumerate(communes):
        indices, weights = by_dept.setdefault(commune[2], ([], []))
        indices.append(index)
        weights.append(commune[6] + (weights[-1] if weights else 0))

    # Where each organisation's sites are: the main one first.
    site_communes: list[list[int]] = [
        [i] for i in rng.choices(range(len(communes)), cum_weights=cum, k=orgs)
    ]
    for _ in range(sites - orgs):
        owner = site_communes[rng.randrange(orgs)]
        if rng.random() < SECONDARY_SAME_DEPT_SHARE:
            indices, weights = by_dept[communes[owner[0]][2]]
            owner.append(rng.choices(indices, cum_weights=weights, k=1)[0])
        else:
            owner.append(rng.choices(range(len(communes)), cum_weights=cum, k=1)[0])

    kinds = list(KIND_WEIGHTS)
    kind_weights = list(KIND_WEIGHTS.values())
    field_codes = list(FieldOfAction.values)
    first_number = (Organisation.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
    organisations: list[Organisation] = []
    fields_of: list[list[str]] = []
    pending = 0
    for n, places in enumerate(site_communes):
        kind = rng.choices(kinds, weights=kind_weights, k=1)[0]
        city = communes[places[0]][1]
        name = f"{rng.choice(NAME_PREFIXES[kind])} {rng.choice(NAME_QUALIFIERS)} {city}"
        description = " ".join(rng.sample(DESCRIPTIONS, rng.randint(1, 2)))
        slug = f"{slugify_ascii(name, 60)}-{first_number + n}"
        is_pending = rng.random() < PENDING_SHARE
        pending += is_pending
        search = " ".join([name, description, *(communes[i][1] for i in places)])
        organisations.append(
            Organisation(
                name=name,
                slug=slug,
                kind=kind,
                description=description,
                website=f"https://{slug}.example.org",
                contact_email=f"contact@{slug}.example.org",
                status=OrganisationStatus.PENDING if is_pending else OrganisationStatus.VALIDATED,
                search_text=fold(search),
            )
        )
        fields_of.append(rng.sample(field_codes, rng.randint(1, 3)))

    with transaction.atomic():
        Organisation.objects.bulk_create(organisations, batch_size=batch_size)
        if any(o.pk is None for o in organisations):  # a backend that returns no ids
            by_slug = dict(
                Organisation.objects.filter(slug__in=[o.slug for o in organisations]).values_list(
                    "slug", "pk"
                )
            )
            for o in organisations:
                o.pk = by_slug[o.slug]
        OrganisationField.objects.bulk_create(
            [
                OrganisationField(organisation_id=o.pk, field=code)
                for o, codes in zip(organisations, fields_of, strict=True)
                for code in codes
            ],
            batch_size=batch_size,
        )
        site_rows = []
        for o, places in zip(organisations, site_communes, strict=True):
            for position, index in enumerate(places):
                pk, city, dept, postal, lat, lon, _pop = communes[index]
                site_rows.append(
                    Site(
                        organisation_id=o.pk,
                        name="" if position == 0 else f"Antenne {city}",
                        address=f"{rng.randint(1, 120)} {rng.choice(STREETS)}",
                        postal_code=postal,
                        commune_id=pk,
                        city=city,
                        country="FR",
                        department_id=dept,
                        latitude=round(lat + rng.uniform(-JITTER_DEG, JITTER_DEG), 6),
                        longitude=round(lon + rng.uniform(-JITTER_DEG, JITTER_DEG), 6),
                        is_main=position == 0,
                    )
                )
        Site.objects.bulk_create(site_rows, batch_size=batch_size)
    return {
        "organisations": orgs,
        "sites": sites,
        "pending_organisations": pending,
        "validated_organisations": orgs - pending,
        "fields_of_action": sum(len(f) for f in fields_of),
        "communes_drawn_from": len(communes),
    }


def load_directory(orgs: int, sites: int, rng: random.Random) -> tuple[dict[str, int], float]:
    """`generate_directory`, announced and timed: its counts and the seconds it took."""
    print(f"Generating {orgs} organisations / {sites} sites …", flush=True)
    start = time.perf_counter()
    dataset = generate_directory(orgs, sites, rng)
    return dataset, time.perf_counter() - start


# --- measuring -------------------------------------------------------------------------

Fetch = Callable[[str], tuple[int, bytes]]


def time_requests(fetch: Fetch, path: str, requests: int, warmup: int) -> dict[str, Any]:
    timed = common.time_requests(lambda: fetch(path), requests, warmup)
    return {
        **timed.figures(),
        "bytes": len(timed.body),
        "gzip_bytes": len(gzip.compress(timed.body, 6)),
        "_body": timed.body,
    }


def measure_geojson(fetch: Fetch, requests: int, warmup: int) -> dict[str, Any]:
    results = {}
    for case in CASES:
        path = "/api/v1/sites.geojson?" + urllib.parse.urlencode(case["params"])
        print(f"  {case['label']} …", flush=True)
        figures = time_requests(fetch, path, requests, warmup)
        data = json.loads(figures.pop("_body"))
        features = data.get("features", [])
        clustered = any(f["properties"].get("cluster") for f in features)
        figures.update(
            path=path,
            label=case["label"],
            features=len(features),
            total=data.get("total"),
            clustered=clustered,
            points_in_clusters=sum(f["properties"].get("count", 0) for f in features)
            if clustered
            else None,
            target_p95_ms=case["target_ms"],
            expect_clustered=case.get("expect_clustered"),
        )
        results[case["key"]] = figures
    return results


class AssetParser(HTMLParser):
    """Collects <link href> (stylesheets, icons, preloads) and <script src> of a page."""

    LINK_RELS = {"stylesheet", "icon", "preload", "modulepreload", "manifest", "shortcut"}

    def __init__(self) -> None:
        super().__init__()
        self.assets: list[tuple[str, str]] = []
        self.skipped: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "script" and values.get("src"):
            self.assets.append(("script", values["src"]))
        elif tag == "link" and values.get("href"):
            rels = set(values.get("rel", "").lower().split())
            if rels & self.LINK_RELS:
                self.assets.append(("link", values["href"]))
            else:
                self.skipped.append(values["href"])


def measure_page(fetch: Fetch, requests: int, warmup: int, base_url: str | None) -> dict[str, Any]:
    """The map page's HTML latency; with a server, its assets and total weight before tiles."""
    html = time_requests(fetch, "/", requests, warmup)
    body = html.pop("_body")
    result: dict[str, Any] = {"html": html}
    if base_url is None:
        return result
    parser = AssetParser()
    parser.feed(body.decode("utf-8"))
    assets = []
    total, total_gzip = len(body), len(gzip.compress(body, 6))
    for tag, href in parser.assets:
        url = urllib.parse.urljoin(base_url + "/", href)
        if not url.startswith(base_url):
            assets.append({"tag": tag, "href": href, "external": True})
            continue
        status, content = fetch(url[len(base_url) :])
        gz = len(gzip.compress(content, 6))
        assets.append(
            {"tag": tag, "href": href, "status": status, "bytes": len(content), "gzip_bytes": gz}
        )
        total += len(content)
        total_gzip += gz
    result.update(
        assets=assets,
        skipped_links=parser.skipped,
        total_bytes=total,
        total_gzip_bytes=total_gzip,
        target_bytes=PAGE_TARGET_BYTES,
    )
    return result


def client_fetch() -> Fetch:
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")

    def fetch(path: str) -> tuple[int, bytes]:
        response = client.get(path)
        return response.status_code, response.content

    return fetch


def server_fetch(base_url: str) -> Fetch:
    def fetch(path: str) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(base_url + path, timeout=60) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    return fetch


# --- database and environment ----------------------------------------------------------


def database_info() -> dict[str, Any]:
    import django
    from django.db import connection

    info = {"engine": connection.vendor, "django": django.get_version()}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        info["version"] = cursor.fetchone()[0]
    return info


# --- report ----------------------------------------------------------------------------


def build_targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    targets = []
    for mode in ("in_process", "server"):
        for key, figures in results["geojson"][mode].items():
            if figures["target_p95_ms"] is not None:
                targets.append(
                    common.target(
                        f"geojson {key} p95 ({mode})",
                        figures["p95_ms"],
                        f"< {figures['target_p95_ms']:g} ms",
                        figures["p95_ms"] < figures["target_p95_ms"] and figures["errors"] == 0,
                    )
                )
            if figures["expect_clustered"] is not None:
                targets.append(
                    common.target(
                        f"geojson {key} clustered ({mode})",
                        figures["clustered"],
                        "server-side clusters",
                        figures["clustered"] == figures["expect_clustered"],
                    )
                )
    page = results["map_page"]["server"]
    for label, key in (
        ("map page weight", "total_bytes"),
        ("map page weight, gzip", "total_gzip_bytes"),
    ):
        targets.append(
            common.target(
                label, page[key], f"< {PAGE_TARGET_BYTES} bytes", page[key] < PAGE_TARGET_BYTES
            )
        )
    return targets


def print_report(results: dict[str, Any]) -> None:
    db = results["database"]
    common.print_title("map", f"{db['engine']} {db['version']}", results["machine"])
    data = results["dataset"]
    load = results["load"]
    print(
        f"Dataset: {data['organisations']} organisations ({data['pending_organisations']} pending),"
        f" {data['sites']} sites, {data['fields_of_action']} fields of action; "
        f"migrate {load['migrate_s']} s, load {load['generate_s']} s"
    )
    loads = results["load_average"]
    print(
        "Load average (1 min) before / after in-process / after server: "
        + " / ".join(f"{loads[k][0]:.2f}" for k in ("before", "after_in_process", "after_server"))
    )
    header = (
        f"{'mode':<10} {'case':<28} {'median':>8} {'p95':>8} {'max':>8} "
        f"{'bytes':>9} {'gzip':>8} {'feat.':>6} {'clust.':>6}  target"
    )
    common.print_table_header(header)
    for mode in ("in_process", "server"):
        for figures in results["geojson"][mode].values():
            target = ""
            if figures["target_p95_ms"] is not None:
                ok = figures["p95_ms"] < figures["target_p95_ms"]
                target = f"p95<{figures['target_p95_ms']:g} {'PASS' if ok else 'FAIL'}"
            if figures["expect_clustered"]:
                target = "clusters " + ("PASS" if figures["clustered"] else "FAIL")
            print(
                f"{mode:<10} {figures['label']:<28} {figures['median_ms']:>8.1f} "
                f"{figures['p95_ms']:>8.1f} {figures['max_ms']:>8.1f} {figures['bytes']:>9} "
                f"{figures['gzip_bytes']:>8} {figures['features']:>6} "
                f"{'yes' if figures['clustered'] else 'no':>6}  {target}"
            )
        html = results["map_page"][mode]["html"]
        print(
            f"{mode:<10} {'map page / (HTML only)':<28} {html['median_ms']:>8.1f} "
            f"{html['p95_ms']:>8.1f} {html['max_ms']:>8.1f} {html['bytes']:>9} "
            f"{html['gzip_bytes']:>8}"
        )
    page = results["map_page"]["server"]
    print()
    print("Map page before tiles (HTML + <link>/<script> assets, fetched through gunicorn):")
    for asset in page["assets"]:
        if asset.get("external"):
            print(f"  {asset['href']:<60} external, not counted")
        else:
            print(f"  {asset['href']:<60} {asset['bytes']:>8} B  gzip {asset['gzip_bytes']:>7} B")
    print(
        f"  total {page['total_bytes']} B ({page['total_bytes'] / 1000:.1f} kB), "
        f"gzip {page['total_gzip_bytes']} B ({page['total_gzip_bytes'] / 1000:.1f} kB)"
    )
    common.print_targets(results["targets"], 44)


# --- main ------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--orgs", type=int, default=20_000)
    parser.add_argument("--sites", type=int, default=30_000)
    common.add_request_options(parser, requests=200, warmup=5)
    common.add_postgres_options(parser)
    parser.add_argument(
        "--analyze-sqlite",
        action="store_true",
        help="run ANALYZE on SQLite after the load (the app itself never does; PostgreSQL always"
        " gets ANALYZE, as autovacuum would run it)",
    )
    args = parser.parse_args(argv)
    if args.requests < 1 or args.sites < args.orgs or args.orgs < 1:
        parser.error("need --requests >= 1 and --sites >= --orgs >= 1")

    common.set_up_django(
        args.database, args.pg_admin_url, sqlite_file=SQLITE_FILE, pg_name=PG_BENCH_DB
    )
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    results: dict[str, Any] = {
        **common.results_header("bench_map"),
        "database": database_info(),
        "settings": {
            "MAP_MAX_POINTS": settings.MAP_MAX_POINTS,
            **common.request_settings(args),
            "sqlite_analyze": args.analyze_sqlite,
            "server": "gunicorn, 2 sync workers, DEBUG=0, MAILLAGE_MANIFEST_STATIC=0",
        },
    }
    try:
        migrate_s = common.migrate_bench_database(args.database)
        dataset, generate_s = load_directory(args.orgs, args.sites, random.Random(args.seed))
        analyze_s = None
        if connection.vendor == "postgresql" or args.analyze_sqlite:
            # On PostgreSQL, what autovacuum does shortly after such a load.
            analyze_s = round(common.analyze_database(), 2)
        from maillage.directory.models import Commune

        dataset["communes"] = Commune.objects.count()
        results["dataset"] = dataset
        results["load"] = {
            "migrate_s": round(migrate_s, 2),
            "generate_s": round(generate_s, 2),
            "analyze_s": analyze_s,
            "rows_per_s": round((dataset["organisations"] + dataset["sites"]) / generate_s),
        }
        call_command("collectstatic", interactive=False, verbosity=0, clear=True)

        results["geojson"], results["map_page"] = {}, {}
        results["load_average"] = {"before": os.getloadavg()}
        print("In-process (django.test.Client):", flush=True)
        fetch = client_fetch()
        results["geojson"]["in_process"] = measure_geojson(fetch, args.requests, args.warmup)
        results["map_page"]["in_process"] = measure_page(fetch, args.requests, args.warmup, None)
        results["load_average"]["after_in_process"] = os.getloadavg()
        connection.close()

        print("Through gunicorn (urllib, one request at a time):", flush=True)
        log_path = common.RESULTS_DIR / f"gunicorn-{args.database}.log"
        server = common.start_gunicorn(os.environ, log_path)
        try:
            fetch = server_fetch(server.base_url)
            results["geojson"]["server"] = measure_geojson(fetch, args.requests, args.warmup)
            results["map_page"]["server"] = measure_page(
                fetch, args.requests, args.warmup, server.base_url
            )
        finally:
            server.stop()
        results["load_average"]["after_server"] = os.getloadavg()
    finally:
        common.release_database(args.database, args.pg_admin_url, PG_BENCH_DB, keep=args.keep_db)

    results["targets"] = build_targets(results)
    results["all_pass"] = all(t["pass"] for t in results["targets"])
    variant = "-analyzed" if args.analyze_sqlite and args.database == "sqlite" else ""
    out = common.RESULTS_DIR / f"bench_map-{args.database}{variant}.json"
    common.write_results(out, results)
    print_report(results)
    print(f"\nWritten {out.relative_to(common.PROJECT_DIR)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
