"""The demo maintenance: the host finds tasks to do, one overdue; repairs give an MTBF."""

import io

import pytest
from django.core.management import call_command

from maillage.directory.models import Organisation, User
from maillage.maintenance.due import DueState
from maillage.maintenance.models import (
    BreakdownReport,
    BreakdownState,
    Intervention,
    InterventionKind,
    MaintenancePlan,
    RetrofitProject,
    UsageRecord,
    UsageSource,
)
from maillage.maintenance.queries import plans as queries


@pytest.mark.django_db
def test_the_demo_host_has_tasks_due_one_overdue_reliability_and_a_retrofit():
    call_command("load_demo", stdout=io.StringIO())
    host = User.objects.get(username="hote-atelier")
    organisation = Organisation.objects.get(slug="demo-001")

    found = queries.due_for_host(host)
    states = [item.due.state for item in found]
    assert states.count(DueState.OVERDUE) == 1
    assert DueState.DUE in states and DueState.PLANNED in states
    assert {item.state.organisation_id for item in found} == {organisation.pk}
    assert [item.state.pk for item in queries.due_for_organisation(host, organisation)] == [
        item.state.pk for item in found
    ]

    # A year of use: the owner's own, and the demo bookings' check-outs.
    assert UsageRecord.objects.filter(source=UsageSource.OWNER, machine__organisation=organisation)
    assert UsageRecord.objects.filter(source=UsageSource.BOOKING).exists()
    corrective = Intervention.objects.filter(kind=InterventionKind.CORRECTIVE)
    assert all(r.failed_at and r.restored_at for r in corrective)
    # Each breakdown resolved in the demo left its repair, restored when it was closed; the
    # other repairs are the plans demo's own.
    resolved = BreakdownReport.objects.filter(state=BreakdownState.RESOLVED)
    from_breakdowns = [
        corrective.get(machine=report.machine_id, restored_at=report.closed_at).pk
        for report in resolved
    ]
    assert from_breakdowns
    repairs = corrective.exclude(pk__in=from_breakdowns)
    assert 2 <= repairs.count() <= 3
    assert Intervention.objects.filter(kind=InterventionKind.INSPECTION).count() == 1
    assert Intervention.objects.filter(kind=InterventionKind.PREVENTIVE).count() > 50
    router = repairs.order_by("failed_at").first().machine
    figures = queries.machine_reliability(router)
    assert figures.failures == 2 and figures.operating_hours > 100
    assert figures.mtbf_hours == pytest.approx(figures.operating_hours / 2)
    assert figures.mttr_hours == pytest.approx((78 + 4) / 2)

    # The lathe of this demo (the impact demo rebuilds two more machines).
    project = RetrofitProject.objects.get(title__startswith="Rétrofit du tour")
    assert 1990 <= project.machine.year <= 1999
    assert project.intervention.parts.count() == 4 and project.embodied_kgco2e > 0
    assert project.kwh_per_year_after < project.kwh_per_year_before

    counts = (
        MaintenancePlan.objects.count(),
        UsageRecord.objects.count(),
        Intervention.objects.count(),
    )
    call_command("load_demo", stdout=io.StringIO())
    assert (
        MaintenancePlan.objects.count(),
        UsageRecord.objects.count(),
        Intervention.objects.count(),
    ) == counts
