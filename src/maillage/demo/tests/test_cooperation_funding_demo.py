"""The demo funding: six plans, a campaign funded by the Region's matching, one half way, one
all-or-nothing still open; a second load changes nothing; a missing project is skipped."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.db.models import Sum
from django.utils import translation

from maillage.cooperation.models import (
    CampaignState,
    FundingLine,
    Network,
    Pledge,
    PledgeState,
    Project,
)
from maillage.cooperation.queries import funding as queries
from maillage.demo.cooperation_funding import load_cooperation_funding_demo
from maillage.demo.directory import load_directory_demo
from maillage.directory.models import Organisation

pytestmark = pytest.mark.django_db

# The demo projects as the projects demo makes them: (slug, lead, theme, stage, budget).
PROJECTS = [
    ("decoupe-jet-eau-partagee", "demo-001", "pooling", "funded", "185000"),
    ("retrofit-tours-commande-numerique", "demo-051", "retrofit", "study", "64000"),
    ("pasteurisateur-low-tech", "demo-024", "local_design", "study", "38500"),
    ("hotel-entreprises-low-tech", "demo-071", "attract", "idea", "1200000"),
    ("ecole-reparation-industrielle", "demo-062", "recruit", "running", "240000"),
]  # guichet-unique-mutualisation left out: the demo skips it


@pytest.fixture
def loaded() -> int:
    load_directory_demo()
    network = Network.objects.create(name="Maillage Sud", slug="maillage-sud")
    for slug, lead, theme, stage, budget in PROJECTS:
        Project.objects.create(
            network=network,
            slug=slug,
            title=slug,
            lead=Organisation.objects.get(slug=lead),
            theme=theme,
            stage=stage,
            budget=D(budget),
        )
    return load_cooperation_funding_demo()


def test_every_project_has_a_plan_that_matches_its_budget(loaded: int) -> None:
    assert loaded == 8  # five plans, three campaigns
    for project in Project.objects.all():
        total = FundingLine.objects.filter(project=project).aggregate(s=Sum("amount"))["s"]
        assert total == project.budget, project.slug
        kinds = set(project.funding_lines.values_list("kind", flat=True))
        assert {"grant", "loan", "own_funds", "citizens"} <= kinds


def test_the_water_jet_is_funded_thanks_to_the_region(loaded: int) -> None:
    project = Project.objects.get(slug="decoupe-jet-eau-partagee")
    campaign = project.campaigns.get()
    figures = queries.totals(campaign)
    assert campaign.state == CampaignState.SUCCEEDED
    assert figures.confirmed == D("20000") and figures.matched == D("20000.00")
    assert figures.total == campaign.goal == D("40000") and figures.reached
    assert not campaign.pledges.exclude(state=PledgeState.CONFIRMED).exists()
    with translation.override("en"):
        sentence = queries.rule_sentence(campaign.matching_rules.get())
    assert sentence == "La Région adds 1 € per euro pledged, up to 20,000 €."


def test_the_pasteuriser_is_half_way_and_the_hotel_open(loaded: int) -> None:
    campaign = Project.objects.get(slug="pasteurisateur-low-tech").campaigns.get()
    figures = queries.totals(campaign)
    assert campaign.state == CampaignState.OPEN and campaign.rule == "keep"
    assert figures.total == D("5000.00") and figures.percent == 50
    assert figures.promised == D("195.00")
    hotel = Project.objects.get(slug="hotel-entreprises-low-tech").campaigns.get()
    assert hotel.state == CampaignState.OPEN and hotel.rule == "all_or_nothing"
    assert not queries.totals(hotel).reached


def test_a_second_load_changes_nothing(loaded: int) -> None:
    counts = (FundingLine.objects.count(), Pledge.objects.count())
    assert load_cooperation_funding_demo() == 0
    assert (FundingLine.objects.count(), Pledge.objects.count()) == counts
