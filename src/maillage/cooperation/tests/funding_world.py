"""A small funding world: a network, a public and a private project, people in every role."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from maillage.cooperation.models import (
    Campaign,
    CampaignRule,
    MatchingRule,
    Network,
    Pledge,
    PledgeState,
    Project,
)
from maillage.core.dates import local_today
from maillage.directory.models import Commune, Membership, Role


@pytest.fixture
def english(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def fworld(make_user: Any, make_organisation: Any, coordinator: Any) -> dict[str, Any]:
    people = {n: make_user(n) for n in ("lea", "max", "cit", "zoe", "out")}
    people["cit"].first_name, people["cit"].last_name = "Camille", "Roux"
    people["cit"].save()
    lead = make_organisation("Atelier Partagé", admin=people["lea"])
    Membership.objects.create(user=people["max"], organisation=lead, role=Role.MEMBER)
    other = make_organisation("Menuiserie Zoé", admin=people["zoe"], kind="sme")
    network = Network.objects.create(name="PTCE Test", slug="ptce-test")
    marseille = Commune.objects.filter(department_id="13").first()
    public = Project.objects.create(
        network=network,
        slug="decoupe-test",
        title="Découpe partagée",
        lead=lead,
        theme="pooling",
        budget=Decimal("80000"),
        commune=marseille,
    )
    private = Project.objects.create(
        network=network,
        slug="secret-test",
        title="Projet confidentiel",
        lead=lead,
        theme="retrofit",
        budget=Decimal("10000"),
        is_public=False,
    )
    today = local_today()
    campaign = Campaign.objects.create(
        project=public,
        goal=Decimal("1000"),
        opens=today - dt.timedelta(days=10),
        deadline=today + dt.timedelta(days=20),
        rule=CampaignRule.ALL_OR_NOTHING,
    )
    MatchingRule.objects.create(
        campaign=campaign, funder_name="La Région", ratio=Decimal("1"), cap=Decimal("300")
    )
    return {
        **people,
        "coordinator": coordinator,
        "lead": lead,
        "other": other,
        "network": network,
        "public": public,
        "private": private,
        "campaign": campaign,
        "today": today,
    }


def add_pledge(
    campaign: Campaign, user: Any, amount: str, state: str = PledgeState.PROMISED, **extra: Any
) -> Pledge:
    return Pledge.objects.create(
        campaign=campaign,
        user=user,
        display_name=extra.pop("display_name", user.username),
        amount=Decimal(amount),
        state=state,
        **extra,
    )
