#!/usr/bin/env python
"""Benchmark of cooperation and open designs at a territory's scale: the pages people wait for.

    python bench/bench_cooperation.py [--database sqlite|postgres] [--orgs 2000]
                                      [--machines 10000] [--skills 20000] [--projects 1000]
                                      [--pledges 20] [--members 500] [--decisions 20]
                                      [--requests 40] [--warmup 3] [--seed 2026]

It builds a dedicated database (never the development one): bench_map's synthetic directory
moved onto one territory (every site between the Rhône and the Var), bench_matching_api's
shared machines with their processes and offers, then times, one request at a time through
Django's test Client (in-process: the view, its queries and its template):

1. "who can make this near me": `/designs/<slug>/makers/` for the OHLOOM loom (18 parts, the
   real manifest of /work/shared/data/okh imported through `designs.actions.okh`), from
   Marseille within 50 km, as a visitor and as a member, and `queries.makers.who_can_make`
   alone; the first call, which builds the matching index, is timed apart;
2. the OKH import: `okh.parse_manifest` alone, then `actions.okh.import_manifest` (the first
   import, then re-imports that update the design) of each manifest of /work/shared/data/okh;
3. the skills search `/skills/` over consented skills (with and without a place, words, a
   process) as a visitor and as a member;
4. the fund's dashboard `/fund/` and the portfolio `/projects/`, every project with a funding
   plan, a pledge campaign, matching rules and pledges;
5. the network page `/network/` with its members and decisions (most closed, with votes).

For every page: p50, p95 and max in ms, the bytes, and the SQL queries of one request
(`CaptureQueriesContext`). The funding and network pages are counted twice, first on a tenth
of the projects (and of the members and decisions), then on all of them: a count that grows
with the rows is an N+1. Figures are printed and written to
bench/results/bench-cooperation-<db>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_map
import bench_matching_api
import common

SQLITE_FILE = common.RESULTS_DIR / "bench-cooperation.sqlite3"
PG_BENCH_DB = "maillage_bench_cooperation"
OKH_DIR = common.PROJECT_DIR.parent / "shared" / "data" / "okh"
DESIGN_FILE = "ohloom.okh.toml"
PAGE_TARGET_MS = 300.0
MAKERS_TARGET_MS = 1000.0
IMPORT_TARGET_MS = 1000.0
# The territory: Bouches-du-Rhône, Vaucluse and the west of the Var.
CENTRE = (43.55, 5.45)
SPREAD = (0.45, 0.75)  # ± degrees of latitude and longitude
DEPARTMENTS = ["13", "13", "13", "84", "83", "04"]
SKILL_WORDS = [
    "soudure TIG",
    "soudure à l'arc",
    "découpe laser",
    "fraisage",
    "tournage",
    "impression 3D",
    "menuiserie",
    "couture",
    "électronique",
    "réparation vélo",
    "électroménager",
    "programmation CNC",
]
FUNDERS = ["La Région Sud", "Le Département", "Métropole Aix-Marseille", "Bpifrance", "ADEME"]


# --- the territory ---------------------------------------------------------------------------


def territorialise(rng: random.Random) -> int:
    """Move every site of the directory onto the territory (coordinates only)."""
    from maillage.directory.models import Site

    sites = list(Site.objects.only("pk", "latitude", "longitude"))
    for site in sites:
        site.latitude = CENTRE[0] + rng.uniform(-SPREAD[0], SPREAD[0])
        site.longitude = CENTRE[1] + rng.uniform(-SPREAD[1], SPREAD[1])
    Site.objects.bulk_update(sites, ["latitude", "longitude"], batch_size=1000)
    return len(sites)


def bench_users(prefix: str = "bench") -> dict[str, Any]:
    """A coordinator, and a member (admin) of the first validated organisation."""
    from maillage.directory.actions.people import grant_coordinator
    from maillage.directory.models import Membership, Organisation, OrganisationStatus, Role, User

    coordinator = User.objects.create_user(f"{prefix}-coord", f"{prefix}-coord@example.org", "x")
    grant_coordinator(coordinator)
    member = User.objects.create_user(f"{prefix}-member", f"{prefix}-member@example.org", "x")
    organisation = (
        Organisation.objects.filter(status=OrganisationStatus.VALIDATED).order_by("pk").first()
    )
    assert organisation is not None
    Membership.objects.create(user=member, organisation=organisation, role=Role.ADMIN)
    return {"coordinator": coordinator, "member": member, "organisation": organisation}


def generate_people(count: int, prefix: str = "p") -> list[int]:
    """`count` people (no usable password), their ids."""
    from maillage.directory.models import User

    users = [
        User(username=f"{prefix}{n}", email=f"{prefix}{n}@example.org", password="!")
        for n in range(count)
    ]
    User.objects.bulk_create(users, batch_size=2000)
    return list(
        User.objects.filter(username__startswith=prefix, email__endswith="@example.org")
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def generate_skills(count: int, people: list[int], rng: random.Random) -> dict[str, int]:
    """`count` skills of these people on the territory's sites; 90 % of them consented."""
    from django.db import transaction
    from django.utils import timezone

    from maillage.cooperation.models import Skill, SkillConsent, SkillLevel, SkillVisibility
    from maillage.directory.models import Site
    from maillage.equipment.models import Process

    sites = list(Site.objects.values_list("pk", "organisation_id"))
    processes = list(Process.objects.values_list("pk", flat=True))
    now = timezone.now()
    consenting = [u for u in people if rng.random() < 0.9]
    rows = []
    for n in range(count):
        site_id, organisation_id = rng.choice(sites)
        rows.append(
            Skill(
                user_id=people[n % len(people)],
                label=f"{rng.choice(SKILL_WORDS)} {n}",
                process_id=rng.choice(processes) if rng.random() < 0.8 else None,
                level=rng.choice(SkillLevel.values),
                can_repair=rng.random() < 0.5,
                can_teach=rng.random() < 0.3,
                organisation_id=organisation_id,
                site_id=site_id,
                visibility=rng.choices(SkillVisibility.values, [45, 45, 10])[0],
            )
        )
    with transaction.atomic():
        SkillConsent.objects.bulk_create(
            [SkillConsent(user_id=u, given_at=now) for u in consenting], batch_size=2000
        )
        Skill.objects.bulk_create(rows, batch_size=2000)
    return {"skills": count, "skill_people": len(people), "consented_people": len(consenting)}


def make_network() -> Any:
    from maillage.cooperation.models import College, CollegeKind, Network

    network = Network.objects.create(
        name="Pôle de coopération de Provence", slug="pole-provence", description="Bench."
    )
    for kind, weight in zip(CollegeKind.values, ["40", "30", "15", "15"], strict=False):
        College.objects.create(network=network, kind=kind, weight_percent=Decimal(weight))
    return network


def generate_funding(
    network: Any, start: int, count: int, pledges: int, people: list[int], rng: random.Random
) -> dict[str, int]:
    """Projects `start` to `start + count`, each with three funding lines, one open campaign,
    two matching rules and `pledges` pledges."""
    from django.db import transaction

    from maillage.cooperation.models import (
        Campaign,
        CampaignRule,
        FundingKind,
        FundingLine,
        FundingStatus,
        MatchingRule,
        Pledge,
        PledgeState,
        Project,
        ProjectStage,
        ProjectTheme,
    )
    from maillage.core.dates import local_today
    from maillage.directory.models import Commune, Organisation, OrganisationStatus

    leads = list(
        Organisation.objects.filter(status=OrganisationStatus.VALIDATED).values_list(
            "pk", flat=True
        )
    )
    communes: dict[str, list[int]] = {}
    for pk, department in Commune.objects.filter(department_id__in=DEPARTMENTS).values_list(
        "pk", "department_id"
    ):
        communes.setdefault(department, []).append(pk)
    today = local_today()
    with transaction.atomic():
        projects = Project.objects.bulk_create(
            [
                Project(
                    network=network,
                    slug=f"projet-{n}",
                    title=f"Projet collectif {n}",
                    summary="Mutualiser des machines et des savoir-faire sur le territoire.",
                    lead_id=rng.choice(leads),
                    theme=rng.choice(ProjectTheme.values),
                    stage=rng.choice(ProjectStage.values),
                    budget=Decimal(rng.randrange(5_000, 500_000, 500)),
                    commune_id=rng.choice(communes[rng.choice(DEPARTMENTS)])
                    if rng.random() < 0.9
                    else None,
                    is_public=rng.random() < 0.9,
                )
                for n in range(start, start + count)
            ]
        )
        lines = []
        for project in projects:
            for kind in (FundingKind.GRANT, FundingKind.OWN_FUNDS, FundingKind.LOAN):
                amount = Decimal(rng.randrange(1_000, 100_000, 100))
                status = rng.choice(FundingStatus.values)
                disbursed = amount if status == FundingStatus.DISBURSED else Decimal("0")
                lines.append(
                    FundingLine(
                        project=project,
                        kind=kind,
                        funder_name=rng.choice(FUNDERS),
                        amount=amount,
                        status=status,
                        disbursed=disbursed,
                    )
                )
        FundingLine.objects.bulk_create(lines, batch_size=2000)
        campaigns = Campaign.objects.bulk_create(
            [
                Campaign(
                    project=project,
                    goal=Decimal(rng.randrange(2_000, 50_000, 500)),
                    opens=today - dt.timedelta(days=rng.randint(1, 30)),
                    deadline=today + dt.timedelta(days=rng.randint(1, 60)),
                    rule=rng.choice(CampaignRule.values),
                )
                for project in projects
            ]
        )
        MatchingRule.objects.bulk_create(
            [
                MatchingRule(
                    campaign=campaign,
                    funder_name=funder,
                    ratio=Decimal(ratio),
                    cap=Decimal(rng.randrange(1_000, 20_000, 500)),
                )
                for campaign in campaigns
                for funder, ratio in (("La Région Sud", "1"), ("Fondation locale", "0.5"))
            ]
        )
        Pledge.objects.bulk_create(
            [
                Pledge(
                    campaign=campaign,
                    user_id=user,
                    display_name=f"Contributeur {user}",
                    anonymous=rng.random() < 0.2,
                    amount=Decimal(rng.choice([10, 20, 50, 100, 200, 500])),
                    state=rng.choices(PledgeState.values, [60, 30, 8, 2])[0],
                )
                for campaign in campaigns
                for user in rng.sample(people, min(pledges, len(people)))
            ],
            batch_size=5000,
        )
    return {
        "projects": count,
        "funding_lines": len(lines),
        "campaigns": len(campaigns),
        "pledges": count * min(pledges, len(people)),
    }


def add_members(network: Any, count: int, rng: random.Random) -> int:
    """`count` more member organisations in the network's colleges (their first admin as it)."""
    from maillage.cooperation.models import NetworkMember
    from maillage.core.dates import local_today
    from maillage.directory.models import Organisation, OrganisationStatus

    taken = NetworkMember.objects.filter(network=network).values("organisation_id")
    free = list(
        Organisation.objects.filter(status=OrganisationStatus.VALIDATED)
        .exclude(pk__in=taken)
        .order_by("pk")
        .values_list("pk", flat=True)[:count]
    )
    colleges = list(network.colleges.all())
    since = local_today() - dt.timedelta(days=400)
    NetworkMember.objects.bulk_create(
        [
            NetworkMember(
                network=network,
                organisation_id=organisation,
                college=rng.choice(colleges),
                start=since,
                fee=Decimal("120"),
            )
            for organisation in free
        ]
    )
    return len(free)


def add_decisions(network: Any, count: int, coordinator: Any, rng: random.Random) -> int:
    """`count` more decisions of the general assembly, each voted by about 60 % of the members;
    three in four closed (their count frozen by the real action)."""
    from maillage.cooperation.actions.decisions import close_decision
    from maillage.cooperation.models import Body, BodyKind, Decision, Vote, VoteChoice
    from maillage.core.dates import local_today

    assembly, _created = Body.objects.get_or_create(
        network=network, kind=BodyKind.ASSEMBLY, name="Assemblée générale"
    )
    Body.objects.get_or_create(network=network, kind=BodyKind.BOARD, name="Conseil")
    members = list(network.members.values_list("pk", flat=True))
    made = assembly.decisions.count()
    for n in range(made, made + count):
        decision = Decision.objects.create(
            body=assembly,
            title=f"Délibération {n + 1}",
            text="Le conseil propose…",
            meeting_date=local_today() - dt.timedelta(days=n),
            opened_by=coordinator,
        )
        Vote.objects.bulk_create(
            [
                Vote(decision=decision, member_id=member, choice=rng.choice(VoteChoice.values))
                for member in members
                if rng.random() < 0.6
            ]
        )
        if n % 4:
            close_decision(coordinator, decision)
    return count


# --- timing ----------------------------------------------------------------------------------


def client_for(user: Any = None) -> Any:
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    if user is not None:
        client.force_login(user)
    return client


def query_count(call: Callable[[], Any]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured.captured_queries)


def time_page(
    client: Any, path: str, requests: int, warmup: int, target_ms: float = PAGE_TARGET_MS
) -> dict[str, Any]:
    """One page, timed: p50/p95/max, bytes, errors, and the SQL queries of one request."""

    def send() -> tuple[int, bytes]:
        response = client.get(path)
        return response.status_code, response.content

    timed = common.time_requests(send, requests, warmup)
    figures = timed.figures("p50_ms")
    figures["bytes"] = len(timed.body)
    figures["queries"] = query_count(send)
    figures["pass"] = figures["p95_ms"] < target_ms and timed.errors == 0
    return figures


def time_pages(
    cases: list[tuple[str, str, Any, str]], requests: int, warmup: int, target_ms: float
) -> dict[str, Any]:
    results = {}
    for key, label, client, path in cases:
        figures = time_page(client, path, requests, warmup, target_ms)
        figures["label"] = label
        figures["path"] = path
        results[key] = figures
        print(
            f"  {label:<52} p50 {figures['p50_ms']:>8} ms  p95 {figures['p95_ms']:>8} ms  "
            f"{figures['queries']:>4} queries  {figures['bytes']:>8} B  errors {figures['errors']}",
            flush=True,
        )
    return results


def time_okh(
    actor: Any, organisation: Any, requests: int, warmup: int, okh_dir: Path = OKH_DIR
) -> dict[str, Any]:
    """Per manifest: parsing alone, the first import, then re-imports (updates)."""
    from maillage.designs import okh
    from maillage.designs.actions.okh import import_manifest

    results = {}
    for path in sorted(okh_dir.glob("*.okh.toml")):
        data = path.read_bytes()
        text = data.decode("utf-8-sig")
        parts = len(okh.parse_manifest(text).parts)
        parse = common.time_calls(
            lambda text=text: okh.parse_manifest(text),
            requests,
            warmup,
            target_ms=IMPORT_TARGET_MS,
            count="runs",
            size=None,
        )
        start = time.perf_counter()
        design = import_manifest(actor, organisation, data)
        first_ms = (time.perf_counter() - start) * 1000
        reimport = common.time_calls(
            lambda data=data: import_manifest(actor, organisation, data),
            max(1, requests // 4),
            1,
            target_ms=IMPORT_TARGET_MS,
            count="runs",
            size=None,
        )
        reimport["queries"] = query_count(
            lambda data=data: import_manifest(actor, organisation, data)
        )
        results[path.name] = {
            "bytes": len(data),
            "parts": parts,
            "slug": design.slug,
            "parse": parse,
            "first_import_ms": round(first_ms, 2),
            "reimport": reimport,
        }
        print(
            f"  {path.name:<30} {parts:>3} parts  parse p50 {parse['p50_ms']:>6} ms  "
            f"first import {first_ms:>7.1f} ms  re-import p50 {reimport['p50_ms']:>7} ms "
            f"p95 {reimport['p95_ms']:>7} ms  {reimport['queries']} queries",
            flush=True,
        )
    return results


def time_makers(slug: str, member: Any, requests: int, warmup: int) -> dict[str, Any]:
    """The makers page from Marseille within 50 km; the first call builds the matching index."""
    from django.contrib.auth.models import AnonymousUser

    from maillage.designs.models import Design
    from maillage.designs.queries.makers import Place, who_can_make

    path = f"/designs/{slug}/makers/?commune=13001&max_km=50"
    visitor = client_for()
    start = time.perf_counter()
    status = visitor.get(path).status_code
    cold_ms = (time.perf_counter() - start) * 1000
    design = Design.objects.get(slug=slug)
    answer = who_can_make(design, AnonymousUser(), Place(commune="13001"), 50.0)
    results: dict[str, Any] = {
        "cold_first_request_ms": round(cold_ms, 2),
        "cold_status": status,
        "parts": design.parts.count(),
        "parts_to_make": len(answer.parts),
        "processes_asked": sum(len(p.processes) for p in answer.parts),
        "makeable_parts": sum(1 for p in answer.parts if p.makeable),
        "machines_shown": sum(len(q.machines) for p in answer.parts for q in p.processes),
    }
    print(
        f"  cold first request (builds the matching index): {cold_ms:.1f} ms; "
        f"{results['parts_to_make']} parts to make, {results['processes_asked']} processes "
        f"asked, {results['makeable_parts']} makeable within 50 km",
        flush=True,
    )
    results["pages"] = time_pages(
        [
            ("visitor", "makers page, visitor, 13001 + 50 km", visitor, path),
            ("member", "makers page, member, 13001 + 50 km", client_for(member), path),
        ],
        requests,
        warmup,
        MAKERS_TARGET_MS,
    )
    query = common.time_calls(
        lambda: who_can_make(design, AnonymousUser(), Place(commune="13001"), 50.0),
        requests,
        warmup,
        target_ms=MAKERS_TARGET_MS,
        size=None,
    )
    query["queries"] = query_count(
        lambda: who_can_make(design, AnonymousUser(), Place(commune="13001"), 50.0)
    )
    results["who_can_make"] = query
    print(
        f"  {'queries.makers.who_can_make alone':<52} p50 {query['p50_ms']:>8} ms  "
        f"p95 {query['p95_ms']:>8} ms  {query['queries']:>4} queries",
        flush=True,
    )
    return results


def skills_cases(member: Any) -> list[tuple[str, str, Any, str]]:
    visitor, signed_in = client_for(), client_for(member)
    return [
        ("all_visitor", "/skills/ (no search), visitor", visitor, "/skills/"),
        ("all_member", "/skills/ (no search), member", signed_in, "/skills/"),
        (
            "place_member",
            "/skills/?place=13001&radius_km=30, member",
            signed_in,
            "/skills/?place=13001&radius_km=30",
        ),
        (
            "words_member",
            "/skills/?q=soudure&place=13001, member",
            signed_in,
            "/skills/?q=soudure&place=13001&radius_km=30",
        ),
        (
            "process_repair",
            "/skills/?process=3.4&can_repair=on, visitor",
            visitor,
            "/skills/?process=3.4&can_repair=on",
        ),
    ]


def funding_cases(coordinator: Any, member: Any) -> list[tuple[str, str, Any, str]]:
    visitor, coord, signed_in = client_for(), client_for(coordinator), client_for(member)
    return [
        ("fund_visitor", "/fund/, visitor", visitor, "/fund/"),
        ("fund_coordinator", "/fund/, coordinator (with the pledges)", coord, "/fund/"),
        ("projects_visitor", "/projects/, visitor", visitor, "/projects/"),
        ("projects_member", "/projects/, member", signed_in, "/projects/"),
        ("projects_coordinator", "/projects/, coordinator", coord, "/projects/"),
    ]


def network_cases(coordinator: Any, voter: Any) -> list[tuple[str, str, Any, str]]:
    return [
        ("network_visitor", "/network/, visitor", client_for(), "/network/"),
        (
            "network_member",
            "/network/, member organisation's admin",
            client_for(voter),
            "/network/",
        ),
        ("network_coordinator", "/network/, coordinator", client_for(coordinator), "/network/"),
    ]


def count_queries(cases: list[tuple[str, str, Any, str]]) -> dict[str, int]:
    """The SQL queries of one request of each case (after one untimed request)."""
    counts = {}
    for key, _label, client, path in cases:
        client.get(path)
        counts[key] = query_count(lambda client=client, path=path: client.get(path))
    return counts


def member_admin(network: Any) -> Any:
    """A person who is admin of a member organisation (created if need be)."""
    from maillage.directory.models import Membership, Role, User

    organisation_id = network.members.order_by("pk").values_list("organisation_id", flat=True)[0]
    user = User.objects.create_user("bench-voter", "bench-voter@example.org", "x")
    Membership.objects.create(user=user, organisation_id=organisation_id, role=Role.ADMIN)
    return user


# --- the run ---------------------------------------------------------------------------------


def build_targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    targets = []
    for section, wanted in (
        ("makers", MAKERS_TARGET_MS),
        ("skills", PAGE_TARGET_MS),
        ("funding", PAGE_TARGET_MS),
        ("network", PAGE_TARGET_MS),
    ):
        pages = results[section]["pages"] if section == "makers" else results[section]
        worst = max(pages.values(), key=lambda f: f["p95_ms"])
        targets.append(
            common.target(
                f"{section}: worst page p95 (ms)",
                worst["p95_ms"],
                f"< {wanted:g} ms ({worst['label']})",
                all(f["pass"] for f in pages.values()),
            )
        )
    worst_import = max(m["reimport"]["p95_ms"] for m in results["okh"].values())
    targets.append(
        common.target(
            "OKH re-import p95 (ms)",
            worst_import,
            f"< {IMPORT_TARGET_MS:g} ms",
            worst_import < IMPORT_TARGET_MS,
        )
    )
    for section in ("funding", "network"):
        small, full = results[f"{section}_queries_small"], results[f"{section}_queries_full"]
        growing = sorted(k for k in full if full[k] > small[k])
        targets.append(
            common.target(
                f"{section}: queries flat with the rows",
                ", ".join(f"{k} {small[k]}→{full[k]}" for k in growing) or "flat",
                "no N+1",
                not growing,
            )
        )
    return targets


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--orgs", type=int, default=2000)
    parser.add_argument("--machines", type=int, default=10_000)
    parser.add_argument("--skills", type=int, default=20_000)
    parser.add_argument("--people", type=int, default=5000, help="people holding the skills")
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--pledges", type=int, default=20, help="pledges per campaign")
    parser.add_argument("--members", type=int, default=500, help="network member organisations")
    parser.add_argument("--decisions", type=int, default=20)
    parser.add_argument("--okh-dir", type=Path, default=OKH_DIR, help="the *.okh.toml to import")
    parser.add_argument("--pg-name", default=PG_BENCH_DB, help="the PostgreSQL bench database")
    common.add_request_options(parser, requests=40, warmup=3)
    common.add_postgres_options(parser)
    args = parser.parse_args(argv)
    if args.members > args.orgs // 2 or args.projects < 10 or args.decisions < 2:
        parser.error("need --members <= --orgs / 2, --projects >= 10 and --decisions >= 2")

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
        **common.results_header("bench_cooperation", machine),
        "database": bench_map.database_info(),
        "settings": common.request_settings(args),
        "load_average_before": os.getloadavg(),
    }
    try:
        results["migrate_s"] = round(common.migrate_bench_database(args.database), 1)
        start = time.perf_counter()
        dataset = bench_map.generate_directory(args.orgs, args.orgs, rng)
        dataset["territory_sites"] = territorialise(rng)
        dataset.update(bench_matching_api.generate_machines(args.machines, rng))
        users = bench_users()
        people = generate_people(args.people)
        dataset.update(generate_skills(args.skills, people, rng))
        network = make_network()
        small_projects = args.projects // 10
        dataset.update(generate_funding(network, 0, small_projects, args.pledges, people, rng))
        add_members(network, args.members // 10, rng)
        add_decisions(network, args.decisions // 10 or 1, users["coordinator"], rng)
        results["load_s"] = round(time.perf_counter() - start, 1)
        results["analyze_s"] = round(common.analyze_database(), 1)
        voter = member_admin(network)
        fund_cases = funding_cases(users["coordinator"], users["member"])
        net_cases = network_cases(users["coordinator"], voter)
        results["funding_queries_small"] = count_queries(fund_cases)
        results["network_queries_small"] = count_queries(net_cases)
        results["small"] = {
            "projects": small_projects,
            "members": args.members // 10,
            "decisions": args.decisions // 10 or 1,
        }
        start = time.perf_counter()
        full = generate_funding(
            network, small_projects, args.projects - small_projects, args.pledges, people, rng
        )
        for key, value in full.items():
            dataset[key] += value
        dataset["network_members"] = args.members // 10 + add_members(
            network, args.members - args.members // 10, rng
        )
        dataset["decisions"] = (args.decisions // 10 or 1) + add_decisions(
            network, args.decisions - (args.decisions // 10 or 1), users["coordinator"], rng
        )
        results["load_s"] += round(time.perf_counter() - start, 1)
        results["analyze_s"] += round(common.analyze_database(), 1)
        results["dataset"] = dataset
        print(f"Loaded {dataset} in {results['load_s']} s", flush=True)

        print("OKH manifests (parse, import through the action):", flush=True)
        results["okh"] = okh = time_okh(
            users["member"], users["organisation"], args.requests, args.warmup, args.okh_dir
        )
        print("Who can make this near me:", flush=True)
        results["makers"] = time_makers(
            okh[DESIGN_FILE]["slug"], users["member"], args.requests, args.warmup
        )
        print("Skills search:", flush=True)
        results["skills"] = time_pages(
            skills_cases(users["member"]), args.requests, args.warmup, PAGE_TARGET_MS
        )
        print("Fund dashboard and portfolio:", flush=True)
        results["funding"] = time_pages(fund_cases, args.requests, args.warmup, PAGE_TARGET_MS)
        results["funding_queries_full"] = {k: v["queries"] for k, v in results["funding"].items()}
        print("Network page:", flush=True)
        results["network"] = time_pages(net_cases, args.requests, args.warmup, PAGE_TARGET_MS)
        results["network_queries_full"] = {k: v["queries"] for k, v in results["network"].items()}
        results["targets"] = targets = build_targets(results)
        results["load_average_after"] = os.getloadavg()
        results["pass"] = all(t["pass"] for t in targets)
        common.print_title("cooperation", args.database, machine)
        for section in ("funding", "network"):
            small, full_counts = (
                results[f"{section}_queries_small"],
                results[f"{section}_queries_full"],
            )
            print(
                f"Queries per page, {section}, small → full: "
                + ", ".join(f"{k} {small[k]}→{full_counts[k]}" for k in full_counts)
            )
        common.print_targets(targets, 36)
    finally:
        common.release_database(args.database, args.pg_admin_url, args.pg_name, keep=args.keep_db)
    out = common.RESULTS_DIR / f"bench-cooperation-{args.database}.json"
    common.write_results(out, results)
    print(f"Written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
