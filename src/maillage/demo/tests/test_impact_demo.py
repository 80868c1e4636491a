"""The demo territory has real impact figures: compositions, repairability, shared hours,
retrofits with the years they added, needs, and the coordination's override of one factor."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Q, Sum

from maillage.demo.directory import ACCOUNTS
from maillage.directory.models import User
from maillage.equipment.models import Machine
from maillage.impact.models import (
    FactorOverride,
    MachineEconomics,
    MachineImpact,
    RepairabilityAssessment,
)
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
        matched=Count("pk", filter=Q(status=NeedStatus.MATCHED)),
        unmet=Count("pk", filter=Q(status=NeedStatus.UNMET)),
    )
    assert needs["matched"] >= 5 and needs["unmet"] >= 2

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
