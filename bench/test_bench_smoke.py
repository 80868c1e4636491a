"""The map benchmark's own correctness, on a small synthetic directory (fast)."""

from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_map import METRO_BBOX, generate_directory
from common import percentile


@pytest.mark.django_db
def test_generation_writes_the_counts_asked_inside_france_and_the_map_serves_them(
    client: Any,
) -> None:
    from maillage.core.text import fold
    from maillage.directory.models import (
        Organisation,
        OrganisationField,
        OrganisationKind,
        OrganisationStatus,
        Site,
    )

    counts = generate_directory(200, 300, random.Random(11))

    assert Organisation.objects.count() == 200
    assert Site.objects.count() == 300
    assert counts["organisations"] == 200 and counts["sites"] == 300
    assert OrganisationField.objects.count() == counts["fields_of_action"]
    west, south, east, north = METRO_BBOX
    for lat, lon, country, commune_id, dept in Site.objects.values_list(
        "latitude", "longitude", "country", "commune_id", "department_id"
    ):
        assert south <= lat <= north and west <= lon <= east
        assert country == "FR" and commune_id is not None and dept is not None
    # One main site per organisation, and the search text covers name and places.
    assert Site.objects.filter(is_main=True).count() == 200
    for organisation in Organisation.objects.prefetch_related("sites")[:20]:
        assert organisation.search_text.startswith(fold(organisation.name))
        assert all(fold(site.city) in organisation.search_text for site in organisation.sites.all())
    validated = Organisation.objects.filter(status=OrganisationStatus.VALIDATED).count()
    assert validated == counts["validated_organisations"] and 150 < validated < 200
    assert set(Organisation.objects.values_list("kind", flat=True)) <= set(OrganisationKind.values)

    response = client.get(
        "/api/v1/sites.geojson",
        {"bbox": ",".join(str(v) for v in METRO_BBOX)},
        HTTP_HOST="127.0.0.1",
    )
    assert response.status_code == 200
    data = response.json()
    public_ids = set(
        Site.objects.filter(organisation__status=OrganisationStatus.VALIDATED).values_list(
            "pk", flat=True
        )
    )
    assert data["total"] == len(public_ids)
    assert {f["properties"]["id"] for f in data["features"]} == public_ids


@pytest.mark.django_db
def test_generation_is_deterministic_for_a_seed() -> None:
    from maillage.directory.models import Organisation, Site

    generate_directory(20, 30, random.Random(5))
    first = list(Site.objects.order_by("pk").values_list("latitude", "longitude", "city"))
    Organisation.objects.all().delete()
    generate_directory(20, 30, random.Random(5))
    second = list(Site.objects.order_by("pk").values_list("latitude", "longitude", "city"))
    assert first == second


def test_generation_refuses_fewer_sites_than_organisations() -> None:
    with pytest.raises(ValueError):
        generate_directory(10, 5, random.Random(1))


def test_percentile_is_the_nearest_rank() -> None:
    values = [float(v) for v in range(100, 0, -1)]  # 100 values, unsorted
    assert percentile(values, 0.5) == 50.0
    assert percentile(values, 0.95) == 95.0
    assert percentile(values, 0.99) == 99.0
    assert percentile(values, 1.0) == 100.0
    assert percentile(values, 0.0) == 1.0
    assert percentile([3.0, 1.0, 2.0], 0.5) == 2.0


@pytest.mark.parametrize(
    "name",
    [
        "bench_booking",
        "bench_cooperation",
        "bench_machines",
        "bench_maintenance",
        "bench_matching",
        "bench_matching_api",
        "bench_scenarios",
        "bench_symbiosis",
    ],
)
def test_every_benchmark_script_imports(name: str) -> None:
    """The scripts run only by hand (`make bench`): a broken import shows here first."""
    import importlib

    module = importlib.import_module(name)
    assert callable(module.main)


def test_the_booking_benchmark_judges_its_targets() -> None:
    import bench_booking

    def phase(rate: float, p99: float) -> dict[str, Any]:
        return {"attempts_per_s": rate, "p99_ms": p99, "overlaps": 0, "error": 0}

    passing = bench_booking.build_targets(
        {"action": phase(250, 90), "action_paced": {**phase(199, 20), "offered_per_s": 200}}
    )
    assert [t["pass"] for t in passing] == [True] * len(passing)
    assert len(passing) == 7  # rate, p99, paced p99, then overlaps and errors per phase
    failing = bench_booking.build_targets({"action": {**phase(150, 120), "overlaps": 1}})
    assert [t["name"] for t in failing if not t["pass"]] == [
        "action, back to back: attempts/s",
        "action, back to back: p99 (ms)",
        "action: overlaps found by SQL",
    ]


@pytest.mark.django_db
def test_the_maintenance_benchmark_loads_what_it_says_and_times_every_case() -> None:
    import bench_maintenance
    from bench_machines import generate_machines

    from maillage.equipment.queries import machines_with_process
    from maillage.maintenance.models import MachineMeter, TaskState, UsageRecord
    from maillage.maintenance.queries import plans as queries

    rng = random.Random(7)
    generate_directory(20, 30, rng)
    generate_machines(200, rng)
    org_id = bench_maintenance.big_organisation(50)
    counts = bench_maintenance.generate_maintenance(3000, rng, batch_size=700)

    assert UsageRecord.objects.count() == counts["usage_records"] == 3000
    assert MachineMeter.objects.count() == counts["meters"] == 200
    assert TaskState.objects.count() == counts["task_states"] == 400
    assert TaskState.objects.filter(organisation_id=org_id).count() >= 100  # 50 machines at least
    # The meters add up the usage records.
    meter = MachineMeter.objects.order_by("-hours").first()
    assert meter is not None
    assert sum(r.hours for r in UsageRecord.objects.filter(machine_id=meter.machine_id)) == (
        meter.hours
    )
    host, coordinator, token = bench_maintenance.users(org_id)
    other = TaskState.objects.exclude(organisation_id=org_id).values_list("organisation_id")[0][0]
    cases = bench_maintenance.cases(org_id, other, host, coordinator, token)
    timings = {
        key: bench_maintenance.time_calls(call, 2, 1) for key, (_label, call) in cases.items()
    }
    due = len(queries.due_for_organisation(host, queries.Organisation.objects.get(pk=org_id)))
    assert 0 < due < 100
    assert timings["due_query_big"]["rows"] == timings["due_api_big"]["rows"] == due
    assert timings["due_api_other"]["rows"] == -1  # refused: not the host's organisation
    assert timings["reliability_mtbf"]["rows"] == 50
    # 200 machines make 4 pages: like the page, a page past the end shows the last one.
    assert timings["reliability_failures_p20"]["rows"] == 50
    assert timings["reliability_page_http"]["rows"] == 50
    machining = MachineMeter.objects.filter(machine_id__in=machines_with_process("3.2")).count()
    assert machining > 0 and timings["reliability_process"]["rows"] == min(50, machining)
    assert timings["reliability_by_process"]["rows"] > 0
    assert all({"p50_ms", "p95_ms", "max_ms", "pass"} <= set(t) for t in timings.values())
    plans = bench_maintenance.explain(cases["reliability_mtbf"][1])
    assert len(plans) >= 2 and all(plan["plan"] for plan in plans)  # the count and the page


def test_the_scenario_benchmark_times_both_kinds_and_judges_its_target() -> None:
    import bench_scenarios

    cases = bench_scenarios.core_cases(1_000, 3)
    assert set(cases) == {"share", "retrofit"}
    for _label, call in cases.values():
        result = call()
        assert result.draws == 1_000 and result.outputs
    timing = bench_scenarios.time_calls(cases["share"][1], 3, 1)
    assert timing["runs"] == 3 and timing["pass"] and timing["p50_ms"] <= timing["max_ms"]


@pytest.mark.django_db
def test_the_scenario_benchmark_loads_an_inventory_and_calls_the_api() -> None:
    import bench_scenarios
    from bench_machines import generate_machines

    from maillage.directory.actions.people import create_api_token
    from maillage.directory.models import User
    from maillage.impact.models import MachineEconomics, MachineImpact

    rng = random.Random(3)
    generate_directory(20, 30, rng)
    generate_machines(200, rng)
    counts = bench_scenarios.generate_inventory(rng)
    assert MachineEconomics.objects.count() == counts["economics"] > 60
    assert MachineImpact.objects.count() == counts["impacts"]
    user = User.objects.create_user("f", "f@example.invalid", "x")
    token = create_api_token(user, "b")[1]
    cases = bench_scenarios.database_cases(user, token)
    assert set(cases) == {"prefill", "api_share", "page_share", "api_retrofit"}
    for _label, call in cases.values():
        call()  # each page and API call asserts its 200


MINI_MANIFEST = """
okhv = "OKH-LOSHv1.0"
name = "Mini Loom"
repo = "https://example.org/mini-loom"
version = "0.1.0"
license = "CC-BY-SA-4.0"
licensor = "Bench"
function = "A tiny loom for the smoke test."

[[part]]
name = "Clamp Ring"
tsdc = "3DP"
material = "PLA"

[[part.outer-dimensions]]
openSCAD = "cylinder(h=30, r=28)"
unit = "mm"

[[part.mass]]
value = 30
unit = "g"

[[part]]
name = "Frame"
tsdc = "3DP"
material = "PLA"
"""


@pytest.mark.django_db
def test_the_cooperation_benchmark_loads_a_territory_and_times_every_page(
    tmp_path: Path,
) -> None:
    import bench_cooperation as bench
    from bench_matching_api import generate_machines

    from maillage.cooperation.models import (
        Campaign,
        Decision,
        NetworkMember,
        Pledge,
        Project,
        Skill,
        SkillConsent,
        Vote,
    )

    rng = random.Random(4)
    generate_directory(30, 40, rng)
    assert bench.territorialise(rng) == 40
    generate_machines(300, rng)
    users = bench.bench_users()
    people = bench.generate_people(20)
    assert len(people) == 20
    counts = bench.generate_skills(60, people, rng)
    assert (
        Skill.objects.count() == 60 and SkillConsent.objects.count() == counts["consented_people"]
    )
    network = bench.make_network()
    funding = bench.generate_funding(network, 0, 4, 3, people, rng)
    assert Project.objects.count() == 4 == Campaign.objects.count()
    assert Pledge.objects.count() == funding["pledges"] == 12
    assert bench.add_members(network, 5, rng) == 5
    bench.add_decisions(network, 4, users["coordinator"], rng)
    assert NetworkMember.objects.count() == 5 and Decision.objects.count() == 4
    assert Decision.objects.filter(state="closed").count() == 3 and Vote.objects.exists()
    voter = bench.member_admin(network)

    (tmp_path / "mini.okh.toml").write_text(MINI_MANIFEST)
    okh = bench.time_okh(users["member"], users["organisation"], 1, 0, tmp_path)
    assert okh["mini.okh.toml"]["parts"] == 2 and okh["mini.okh.toml"]["reimport"]["queries"]
    makers = bench.time_makers(okh["mini.okh.toml"]["slug"], users["member"], 1, 0)
    assert makers["cold_status"] == 200 and makers["parts_to_make"] == 2
    assert all(p["errors"] == 0 and p["queries"] > 0 for p in makers["pages"].values())
    sections = {
        "skills": bench.skills_cases(users["member"]),
        "funding": bench.funding_cases(users["coordinator"], users["member"]),
        "network": bench.network_cases(users["coordinator"], voter),
    }
    results: dict[str, Any] = {"okh": okh, "makers": makers}
    for name, cases in sections.items():
        results[name] = bench.time_pages(cases, 1, 0, bench.PAGE_TARGET_MS)
        assert all(p["errors"] == 0 for p in results[name].values()), name
    # The counts of the funding and network pages, once more rows are there.
    results["funding_queries_small"] = bench.count_queries(sections["funding"])
    results["network_queries_small"] = bench.count_queries(sections["network"])
    bench.generate_funding(network, 4, 4, 3, people, rng)
    results["funding_queries_full"] = bench.count_queries(sections["funding"])
    results["network_queries_full"] = bench.count_queries(sections["network"])
    targets = bench.build_targets(results)
    assert len(targets) == 7 and all("pass" in t for t in targets)
