"""The impact benchmark's own correctness, on a small synthetic network (fast)."""

from __future__ import annotations

import datetime as dt
import random
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_impact
from bench_machines import generate_machines
from bench_map import generate_directory


@pytest.mark.django_db
def test_the_impact_benchmark_loads_what_it_says_and_the_dashboard_answers(settings) -> None:
    from django.db.models import F
    from django.utils import timezone

    from maillage.impact.models import MachineEconomics, MachineImpact
    from maillage.maintenance.models import UsageRecord
    from maillage.matching.models import Need
    from maillage.sharing.models import Booking

    settings.LANGUAGE_CODE = "en"
    rng = random.Random(7)
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    generate_directory(30, 40, rng)
    generate_machines(300, rng)
    impacts = bench_impact.generate_impacts(rng)
    bookings = bench_impact.generate_bookings(4000, rng, now)
    needs = bench_impact.generate_needs(300, rng, now)

    assert MachineImpact.objects.count() == impacts["machine_impacts"] == 300
    assert 60 < MachineEconomics.objects.count() == impacts["machine_economics"] < 120
    assert 150 < MachineImpact.objects.filter(mci__isnull=False).count() < 270
    assert Booking.objects.count() == bookings["bookings"] == 4000
    completed = Booking.objects.filter(state="completed")
    assert completed.count() == bookings["completed_bookings"]
    # One usage record per completed booking, plus the owners' own use (a fifth more).
    assert UsageRecord.objects.filter(booking__isnull=False).count() == completed.count()
    assert UsageRecord.objects.count() == bookings["usage_records"] == completed.count() + 800
    cross = completed.exclude(booker_organisation=F("host_organisation")).exclude(
        booker_organisation=None
    )
    assert cross.count() > completed.count() * 0.7
    assert Booking.objects.filter(
        start__gte=now - dt.timedelta(days=bench_impact.DAYS)
    ).count() == (4000)
    assert Need.objects.count() == needs["needs"] == 300
    assert Need.objects.filter(allocated_machine__isnull=False).exists()
    assert not Need.objects.exclude(created_at=F("earliest")).exists()

    cases = bench_impact.cases(now.year - 1)
    assert set(cases) == {
        "figures_all",
        "figures_dept",
        "figures_process",
        "figures_two_years",
        "dashboard_page",
        "dashboard_page_dept",
        "csv_utilisation",
        "api",
        "report_page",
    }
    timings = {
        key: bench_impact.time_calls(call, 2, 1)
        for key, (_label, call) in cases.items()
        if key in {"figures_all", "dashboard_page", "csv_utilisation", "api", "report_page"}
    }
    assert timings["figures_all"]["size"] == 24  # 12 months of use, 12 of sharing
    assert timings["dashboard_page"]["size"] > 10_000  # bytes of HTML
    assert all({"p50_ms", "p95_ms", "max_ms", "pass"} <= set(t) for t in timings.values())

    from maillage.impact.queries.network import network_figures
    from maillage.impact.queries.network_scope import network_filters

    figures = network_figures(network_filters(), min_contributors=1)
    assert figures.machines > 250
    assert figures.shared.total.value and figures.shared.total.value > 0
    assert figures.utilisation.coverage.known > 0
    assert figures.circularity.coverage.known > 150


def test_the_impact_benchmark_script_imports() -> None:
    assert callable(bench_impact.main)
