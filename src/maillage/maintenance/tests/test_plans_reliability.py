"""The coordinators' reliability table: the meter's stored MTBF and rate follow each use and
repair, the table sorts, filters by process and department, and sums per process."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from maillage.equipment import actions as equipment_actions
from maillage.equipment.models import Machine
from maillage.maintenance.actions import interventions, usage
from maillage.maintenance.models import MachineMeter
from maillage.maintenance.queries import plans as queries
from maillage.maintenance.tests.plans_world import World

pytestmark = pytest.mark.django_db


def repaired(world: World, machine: Machine, down_hours: float) -> None:
    failed = timezone.now() - dt.timedelta(hours=48)
    interventions.record_intervention(
        world.host,
        machine,
        interventions.InterventionInput(
            kind="corrective",
            done_at=timezone.now(),
            failed_at=failed,
            restored_at=failed + dt.timedelta(hours=down_hours),
        ),
    )


def stored(machine: Machine) -> tuple[float | None, float | None]:
    meter = MachineMeter.objects.get(machine=machine)
    return meter.mtbf_hours, meter.failures_per_1000h


def test_the_stored_mtbf_and_rate_follow_use_and_failures(world: World) -> None:
    world.checked_out("40")
    assert stored(world.laser) == (None, 0.0)  # used, never failed: no MTBF, no failure
    repaired(world, world.laser, 4)
    assert stored(world.laser) == (40.0, 25.0)
    usage.record_own_use(world.host, world.laser, "10")
    assert stored(world.laser) == (50.0, 20.0)
    repaired(world, world.laser, 2)
    assert stored(world.laser) == (25.0, 40.0)
    # The same figures as the sums they come from.
    meter = MachineMeter.objects.get(machine=world.laser)
    assert meter.mtbf_hours == float(meter.hours) / meter.failures
    assert meter.failures_per_1000h == meter.failures * 1000 / float(meter.hours)


def test_a_machine_that_failed_before_any_use_has_no_rate(world: World) -> None:
    repaired(world, world.laser, 1)
    assert stored(world.laser) == (0.0, None)


@pytest.fixture
def park(world: World, make_organisation) -> dict[str, Machine]:
    """The laser (Marseille, 13) 40 h and one failure; a lathe (Marseille) 90 h and three; a
    drill in Lyon (69) 10 h, never failed."""
    lathe = equipment_actions.create_machine(
        world.host,
        world.organisation,
        equipment_actions.MachineInput(name="Tour", process_codes=["3.2.1"]),
    )
    lyon = make_organisation("Atelier Lyon", admin=world.host, commune="Lyon", postal_code="69001")
    drill = equipment_actions.create_machine(
        world.host, lyon, equipment_actions.MachineInput(name="Perceuse", process_codes=["3.2.2"])
    )
    usage.record_own_use(world.host, world.laser, "40")
    repaired(world, world.laser, 4)
    usage.record_own_use(world.host, lathe, "90")
    for down in (1, 2, 3):
        repaired(world, lathe, down)
    usage.record_own_use(world.host, drill, "10")
    return {"laser": world.laser, "lathe": lathe, "drill": drill}


def names(rows) -> list[str]:
    return [row.machine.name for row in rows]


def test_the_table_sorts_with_machines_without_figures_last(coordinator, park) -> None:
    table = queries.reliability_by_machine
    assert names(table(coordinator, "mtbf")) == ["Tour", "Laser CO2", "Perceuse"]
    assert names(table(coordinator, "-mtbf")) == ["Laser CO2", "Tour", "Perceuse"]
    assert names(table(coordinator, "-failures")) == ["Tour", "Laser CO2", "Perceuse"]
    assert names(table(coordinator, "-rate")) == ["Tour", "Laser CO2", "Perceuse"]
    assert names(table(coordinator, "rate")) == ["Perceuse", "Laser CO2", "Tour"]
    assert names(table(coordinator, "nonsense")) == names(table(coordinator))
    lathe = table(coordinator, "mtbf")[0]
    assert (lathe.mtbf_hours, lathe.failures_per_1000h, lathe.mttr) == (30.0, 100 / 3, 2.0)


def test_the_table_filters_by_process_and_department(coordinator, park) -> None:
    table = queries.reliability_by_machine
    assert names(table(coordinator, "mtbf", process="3.2")) == ["Tour", "Perceuse"]
    assert names(table(coordinator, "mtbf", process="3.4")) == ["Laser CO2"]
    assert names(table(coordinator, "mtbf", department="69")) == ["Perceuse"]
    assert names(table(coordinator, "mtbf", process="3.2", department="13")) == ["Tour"]
    assert names(table(coordinator, process="9.9.9")) == []


def test_the_table_per_process_sums_its_machines(coordinator, park) -> None:
    rows = queries.reliability_by_process(coordinator, "mtbf")
    figures = {
        row["machine__processes__code"]: (row["machines"], row["total_failures"], row["mtbf"])
        for row in rows
    }
    assert figures == {"3.2.1": (1, 3, 30.0), "3.4.1.1": (1, 1, 40.0), "3.2.2": (1, 0, None)}
    assert [row["machine__processes__code"] for row in rows] == ["3.2.1", "3.4.1.1", "3.2.2"]
    in_lyon = queries.reliability_by_process(coordinator, department="69")
    assert [row["machine__processes__code"] for row in in_lyon] == ["3.2.2"]
    machining = queries.reliability_by_process(coordinator, process="3.2")
    assert {row["machine__processes__code"] for row in machining} == {"3.2.1", "3.2.2"}


def test_the_page_pages_and_keeps_its_filters(coordinator, park, client) -> None:
    page = queries.reliability_page(coordinator, sort="mtbf", per_page=2, page=2)
    assert (page.number, page.paginator.num_pages, names(page)) == (2, 2, ["Perceuse"])
    client.force_login(coordinator)
    text = client.get("/maintenance/reliability/", {"process": "3.2", "department": "13"})
    html = text.content.decode()
    assert "Tour" in html and "Perceuse" not in html and "Laser CO2" not in html
    assert "process=3.2&amp;department=13" in html  # the sort links keep the filters


def test_only_coordinators_read_the_table(world: World, park) -> None:
    with pytest.raises(PermissionDenied):
        queries.reliability_page(world.host)
    with pytest.raises(PermissionDenied):
        queries.reliability_page(world.host, by="process")


def test_the_count_stops_at_the_cap_and_says_so(coordinator, park, client, monkeypatch) -> None:
    monkeypatch.setattr(queries.CappedPaginator, "cap", 2)
    page = queries.reliability_page(coordinator, sort="mtbf", per_page=1, page=9)
    assert page.paginator.capped and page.paginator.num_pages == 3 and page.number == 3
    assert not queries.reliability_page(coordinator, process="3.2", per_page=1).paginator.capped
    client.force_login(coordinator)
    assert "More than 2 machines" in client.get("/maintenance/reliability/").content.decode()
