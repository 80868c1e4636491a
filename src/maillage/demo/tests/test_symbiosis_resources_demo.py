"""The demo's declarations and synergies: twenty-odd declarations, every state of a synergy,
months of exchanges, demo-001 on both a running synergy and one waiting for its answer."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count

from maillage.demo.directory import load_directory_demo
from maillage.demo.symbiosis_resources import load_resources_demo
from maillage.directory.models import User
from maillage.symbiosis.models import (
    ResourceDeclaration,
    Synergy,
    SynergyExchange,
    SynergyState,
)
from maillage.symbiosis.queries.flows import territory_flows
from maillage.symbiosis.queries.synergies import visible_synergies

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded() -> int:
    load_directory_demo()
    return load_resources_demo()


def test_it_declares_twenty_odd_resources_and_a_second_load_changes_nothing(loaded: int) -> None:
    assert loaded == ResourceDeclaration.objects.count() == 22
    assert {d.organisation.slug[:5] for d in ResourceDeclaration.objects.all()} == {"demo-"}
    assert load_resources_demo() == 0
    assert ResourceDeclaration.objects.count() == 22 and Synergy.objects.count() == 8


def test_it_uses_real_codes_and_mixed_visibilities(loaded: int) -> None:
    codes = set(ResourceDeclaration.objects.values_list("waste_code_id", flat=True))
    assert {"03 01 05", "12 01 01", "12 01 03", "04 02 22", "20 01 08", "15 01 01"} <= codes
    assert ResourceDeclaration.objects.filter(waste_code=None, category="mineral").exists()
    levels = set(ResourceDeclaration.objects.values_list("site_visibility", flat=True))
    assert levels == {"public", "counterpart"}


def test_synergies_take_every_state_with_months_exchanged(loaded: int) -> None:
    states = dict(Synergy.objects.values_list("state").annotate(n=Count("pk")))
    assert set(states) == set(SynergyState.values)
    for synergy in Synergy.objects.filter(state=SynergyState.RUNNING):
        assert 6 <= synergy.exchanges.count() <= 12
    assert SynergyExchange.objects.filter(synergy__state=SynergyState.ENDED).count() == 6
    for synergy in Synergy.objects.filter(state__in=["agreed", "running", "ended"]):
        assert synergy.both_accepted


def test_every_demo_account_sees_something(loaded: int) -> None:
    admin = User.objects.get(username="admin-atelier")
    mine = visible_synergies(admin)
    assert mine.filter(state=SynergyState.RUNNING).exists()
    waiting = mine.get(state=SynergyState.PROPOSED, offer__organisation__slug="demo-001")
    assert waiting.offer_accepted_at is None and waiting.demand_accepted_at is not None
    assert visible_synergies(User.objects.get(username="membre-atelier")).count() == 2
    assert visible_synergies(User.objects.get(username="coordination")).count() == 8
    flows, _reads = territory_flows(AnonymousUser())
    assert len(flows) == 4 and not any(flow.exact for flow in flows)
    flows, _reads = territory_flows(User.objects.get(username="visiteur"))
    assert len(flows) == 4


def test_the_flows_cost_the_same_few_queries_however_many_synergies(
    loaded: int, client: Any, django_assert_max_num_queries: Any
) -> None:
    # Visitors: no per-synergy query (sites, communes and exchanges are read in bulk).
    with django_assert_max_num_queries(4):
        assert len(client.get("/symbiosis/flows.geojson").json()["features"]) == 4
    client.force_login(User.objects.get(username="coordination"))
    with django_assert_max_num_queries(12):
        assert client.get("/symbiosis/flows.csv").status_code == 200
