"""The demo territory has real impact figures: compositions, repairability, shared hours,
retrofits with the years they added, needs, and the coordination's override of one factor."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from maillage.demo.directory import ACCOUNTS
from maillage.directory.models import User
from maillage.equipment.models import Machine
from maillage.impact.models import (
    FactorOverride,
    MachineEconomics,
    MachineImpact,
    RepairabilityAssessment,
)
from maillage.impact.queries.network import network_figures
from maillage.impact.queries.network_scope import network_filters
from maillage.maintenance.models import RetrofitProject
from maillage.matching.models import Need, NeedStatus
from maillage.sharing.models import Booking, BookingState


@pytest.mark.django_db
def test_every_indicator_has_figures_in_the_demo_and_a_second_load_changes_nothing(client):
    call_command("load_demo", stdout=io.StringIO())
    machines = Machine.objects.filter(source="demo").count()
    impacts = MachineImpact.objects.filter(machine__source="demo")
    figures = impacts.aggregate(
        mci=Count("mci"),
        repairability=Count("repairability"),
        utilisation=Count("utilisation"),
        shared=Sum("hours_shared"),
        served=Sum("organisations_served"),
        embodied=Sum("embodied_kgco2e"),
    )
    assert impacts.count() == machines
    # Most machines have an MCI, some a repairability score; coverage is never complete.
    assert 0.7 * machines <= figures["mci"] < machines
    assert 0.25 * machines <= figures["repairability"] < machines
    assert figures["utilisation"] > 50 and figures["embodied"] > 1_000_000
    assert figures["shared"] > 300 and figures["served"] >= 5
    assert all(0 <= value <= 1 for value in impacts.exclude(mci=None).values_list("mci", flat=True))
    assert MachineEconomics.objects.filter(machine__source="demo").count() > machines / 2
    evidence = RepairabilityAssessment.objects.first().evidence
    assert set(evidence) == {
        "documentation",
        "disassembly",
        "spare_parts",
        "parts_price",
        "specific",
    }

    # Beyond the purchase threshold (100 h a year) on another organisation's machine.
    heavy = (
        Booking.objects.filter(state=BookingState.COMPLETED)
        .exclude(booker_organisation=F("host_organisation"))
        .values("booker_organisation", "machine")
        .annotate(hours=Sum("hours_used"))
        .filter(hours__gt=100)
    )
    assert heavy.count() >= 2

    retrofits = RetrofitProject.objects.filter(added_life_years__gt=0)
    assert retrofits.count() == 3
    retrofitted = impacts.filter(machine__retrofits__isnull=False)
    assert all(row.mci is not None and row.lifetime_ratio > 1 for row in retrofitted)

    needs = Need.objects.aggregate(
        answered=Count("pk", filter=Q(status__in=[NeedStatus.MATCHED, NeedStatus.BOOKED])),
        booked=Count("pk", filter=Q(status=NeedStatus.BOOKED)),
        unmet=Count("pk", filter=Q(status=NeedStatus.UNMET)),
        organisations=Count("organisation", distinct=True),
    )
    assert needs["answered"] >= 5 and needs["booked"] >= 3 and needs["unmet"] >= 2
    assert needs["organisations"] >= 4

    _the_public_dashboard_hides_nothing(client)

    override = FactorOverride.objects.get()
    assert (override.key, override.version, override.created_by.username) == (
        "recycled_feedstock.steel",
        1,
        "coordination",
    )
    steel_machine = impacts.filter(machine__material_shares__material="steel").first()
    assert steel_machine.factor_versions["recycled_feedstock.steel"] == 1

    # Each demo account reads the factor table and the method pages.
    for username in [account[0] for account in ACCOUNTS] + ["client-demo"]:
        client.force_login(User.objects.get(username=username))
        assert client.get("/impact/factors/").status_code == 200
        assert "v1" in client.get("/impact/factors/recycled_feedstock.steel/").content.decode()
        assert client.get("/impact/methods/mci/").status_code == 200
        client.logout()

    counts = (
        MachineImpact.objects.count(),
        Booking.objects.count(),
        Need.objects.count(),
        FactorOverride.objects.count(),
        RepairabilityAssessment.objects.count(),
        RetrofitProject.objects.count(),
    )
    call_command("load_demo", stdout=io.StringIO())
    assert (
        MachineImpact.objects.count(),
        Booking.objects.count(),
        Need.objects.count(),
        FactorOverride.objects.count(),
        RepairabilityAssessment.objects.count(),
        RetrofitProject.objects.count(),
    ) == counts


def _the_public_dashboard_hides_nothing(client):
    """Every network figure is shown for the default period, the last twelve complete months
    and the current year (enough organisations contribute to each cell)."""
    today = timezone.localdate()
    first = today.replace(day=1)
    complete = network_filters(
        start=(first - dt.timedelta(days=365)).replace(day=1), end=first - dt.timedelta(days=1)
    )
    default = network_filters()
    year = network_filters(start=dt.date(today.year, 1, 1), end=dt.date(today.year, 12, 31))
    for filters in (complete, default, year):
        figures = network_figures(filters)
        months = [row for row in figures.shared.months if row.month < first]
        assert months and all(row.hours.shown and row.hours.value > 0 for row in months)
        assert figures.shared.total.shown and figures.shared.hidden == 0
        avoided = figures.avoided
        assert avoided.purchases.shown and avoided.purchases.value >= 4
        assert avoided.capex_eur.shown and avoided.net_eur.shown and avoided.net_eur.value > 0
        assert figures.transport.avoided_kgco2e.shown and figures.co2_avoided_kg.shown
        local = figures.local
        assert local.local_share.shown and 0 < local.local_share.value < local.answered_share.value
        assert local.answered_share.value < 1  # some needs stay unmet
        assert figures.utilisation.total.shown and figures.circularity.mean.shown
    assert len(complete.months()) == 12

    page = client.get("/impact/").content.decode()
    start = page.index('id="impact-headline"')
    headline = page[start : page.index("</dl>", start)]
    assert headline.count("figure-value") == 11  # with the CTI inflow, outflow and circularity
    assert "cell-hidden" not in headline and "cell-none" not in headline
