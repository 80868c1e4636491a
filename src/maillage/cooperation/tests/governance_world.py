"""A small network for the tests: four weighted colleges, five member organisations with their
admins, a board and a general assembly, an open decision, an outsider and a visitor."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from maillage.cooperation.models import (
    Body,
    BodyKind,
    College,
    CollegeKind,
    Decision,
    Network,
    NetworkMember,
)
from maillage.core.dates import local_today

WEIGHTS = {
    CollegeKind.COMPANIES: "40",
    CollegeKind.THIRD_PLACES: "30",
    CollegeKind.PUBLIC_BODIES: "15",
    CollegeKind.ASSOCIATIONS: "15",
}


@pytest.fixture
def english(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def gov(make_user: Any, make_organisation: Any, coordinator: Any) -> dict[str, Any]:
    network = Network.objects.create(
        name="Pôle test", slug="pole-test", description="A hub of the test territory."
    )
    colleges = {
        kind: College.objects.create(network=network, kind=kind, weight_percent=Decimal(w))
        for kind, w in WEIGHTS.items()
    }
    since = local_today() - dt.timedelta(days=400)
    people: dict[str, Any] = {}
    members: dict[str, NetworkMember] = {}
    for name, kind in (
        ("ada", CollegeKind.COMPANIES),
        ("bob", CollegeKind.COMPANIES),
        ("fab", CollegeKind.THIRD_PLACES),
        ("mairie", CollegeKind.PUBLIC_BODIES),
        ("asso", CollegeKind.ASSOCIATIONS),
    ):
        people[name] = make_user(name, first_name=name.title(), last_name="Test")
        organisation = make_organisation(f"Org {name}", admin=people[name], kind="sme")
        members[name] = NetworkMember.objects.create(
            network=network,
            organisation=organisation,
            college=colleges[kind],
            start=since,
            fee=Decimal("120"),
        )
    board = Body.objects.create(network=network, kind=BodyKind.BOARD, name="Conseil")
    assembly = Body.objects.create(network=network, kind=BodyKind.ASSEMBLY, name="AG")
    decision = Decision.objects.create(
        body=assembly, title="Budget 2027", meeting_date=local_today(), opened_by=coordinator
    )
    outsider_org = make_organisation("Ailleurs", admin=make_user("olga"), kind="sme")
    return {
        **people,
        "network": network,
        "colleges": colleges,
        "members": members,
        "board": board,
        "assembly": assembly,
        "decision": decision,
        "coordinator": coordinator,
        "outsider_org": outsider_org,
        "olga": outsider_org.memberships.get().user,
        "visitor": make_user("vic"),
    }
