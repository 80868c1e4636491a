"""A small loop for the tests: a hub, a washing centre, a producer, three shops, an outsider."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from maillage.directory.models import Membership, Role, Site
from maillage.symbiosis.actions import loops as actions
from maillage.symbiosis.models import ContainerLoop, LoopMember, LoopMonth, LoopRole

# The washing centre in the north of Marseille, shops along a line towards the east.
DEPOT = (43.30, 5.40)


@pytest.fixture
def english(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def world(make_user: Any, make_organisation: Any, coordinator: Any) -> dict[str, Any]:
    people = {n: make_user(n) for n in ("alice", "walter", "sam", "sue", "tom", "olga", "pat")}
    hub = make_organisation("Pôle coopération", admin=people["alice"], kind="cooperation_network")
    Membership.objects.create(user=people["pat"], organisation=hub, role=Role.MEMBER)
    washer = make_organisation("Lavage", admin=people["walter"], kind="sme")
    producer = make_organisation("Brasserie", kind="sme")
    shops = [
        make_organisation(name, admin=people[user], kind="sme")
        for name, user in (("Épicerie A", "sam"), ("Épicerie B", "sue"), ("Épicerie C", "tom"))
    ]
    other = make_organisation("Ailleurs", admin=people["olga"], kind="sme")
    places = [(washer, DEPOT), (producer, (43.31, 5.41))] + [
        (shop, (DEPOT[0], DEPOT[1] + 0.01 * (i + 1))) for i, shop in enumerate(shops)
    ]
    for org, (lat, lon) in places:
        Site.objects.filter(organisation=org).update(latitude=lat, longitude=lon)
    loop = ContainerLoop.objects.create(
        name="Consigne test",
        slug="consigne-test",
        organisation=hub,
        container="Bouteille 75 cl",
        container_mass_g=450,
        single_use_mass_g=400,
        crate_size=12,
        van_capacity_crates=10,
        deposit_eur="0.50",
        containers_in_circulation=1000,
    )

    def member(org: Any, role: str) -> LoopMember:
        return LoopMember.objects.create(
            loop=loop, organisation=org, site=org.sites.first(), role=role
        )

    washer_m = member(washer, LoopRole.WASHER)
    member(producer, LoopRole.PRODUCER)
    shop_ms = [member(s, LoopRole.SHOP) for s in shops]
    return {
        **people,
        "coordinator": coordinator,
        "hub": hub,
        "loop": loop,
        "washer": washer_m,
        "shops": shop_ms,
        "other": other,
    }


def year_of_months(loop: ContainerLoop, today: dt.date) -> None:
    """Twelve months before `today`: 1 000 filled, 950 sold, 800 returned, 20 broken each."""
    first = today.replace(day=1)
    for back in range(12, 0, -1):
        year, month = first.year, first.month - back
        while month < 1:
            year, month = year - 1, month + 12
        LoopMonth.objects.create(
            loop=loop,
            month=dt.date(year, month, 1),
            filled=1000,
            sold=950,
            returned=800,
            broken=20,
        )


def report_all(world: dict[str, Any], crates: list[tuple[int, int]]) -> None:
    users = [world["sam"], world["sue"], world["tom"]]
    for user, shop, (empty, full) in zip(users, world["shops"], crates, strict=True):
        actions.report_stock(user, shop, empty, full)
