"""By-products exchanged through a synergy feed the CTI flows: a recovered outflow of the
offering organisation, a recycled inflow of the receiving one, both for the network."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from maillage.impact import cti
from maillage.impact.queries.flows import flows
from maillage.symbiosis.models import Synergy, SynergyExchange
from maillage.symbiosis.tests import candidates_world

world = candidates_world.world

pytestmark = pytest.mark.django_db


def _running(offer: Any, demand: Any, unit: str, months: dict[int, str]) -> Synergy:
    synergy = Synergy.objects.create(
        offer=offer, demand=demand, state="running", quantity_per_year=Decimal("60"), unit=unit
    )
    for month, quantity in months.items():
        SynergyExchange.objects.create(
            synergy=synergy, month=dt.date(2026, month, 1), quantity=Decimal(quantity)
        )
    return synergy


def test_exchanged_tonnes_are_an_outflow_of_the_giver_and_an_inflow_of_the_taker(
    world: Any,
) -> None:
    _running(world["offer"], world["sand"], "t", {1: "5", 2: "7.5", 12: "9"})
    _running(world["offer"], world["same_code"], "kg", {3: "800"})
    # Not a mass: left out.
    _running(world["offer"], world["far"], "m3", {3: "40"})
    year = {"start": dt.date(2026, 1, 1), "end": dt.date(2026, 12, 1)}  # December left out

    inflows, outflows = flows(organisation=world["verrerie"], **year)
    assert inflows == []
    given = [o for o in outflows if o.source == "symbiosis"]
    assert [(o.material, o.mass) for o in given] == [("glass", 12_500 + 800)]
    assert cti.circularity(inflows, outflows).circular_outflow == pytest.approx(1.0)

    inflows, outflows = flows(organisation=world["btp"], **year)
    assert outflows == []
    assert [(i.material, i.mass, i.recycled) for i in inflows] == [("glass", 12_500, 1.0)]
    assert cti.circularity(inflows, outflows).circular_inflow == pytest.approx(1.0)

    inflows, outflows = flows(**year)
    assert sum(i.mass for i in inflows if i.source == "symbiosis") == 13_300
    assert sum(o.mass for o in outflows if o.source == "symbiosis") == 13_300


def test_others_do_not_read_an_organisation_s_exchanged_tonnes(
    world: Any, make_user: Any, client: Any
) -> None:
    from maillage.directory.models import Membership, Role
    from maillage.impact.queries.organisations import organisation_impact

    _running(world["offer"], world["sand"], "t", {1: "5", 2: "7.5"})
    year = {"start": dt.date(2026, 1, 1), "end": dt.date(2026, 12, 1)}
    member = make_user("verrier")
    Membership.objects.create(user=member, organisation=world["verrerie"], role=Role.MEMBER)
    visitor = make_user("passant")

    own = organisation_impact(world["verrerie"], member, **year)
    seen = organisation_impact(world["verrerie"], visitor, **year)

    assert [o.mass for o in own.outflows if o.source == "symbiosis"] == [12_500]
    assert [o for o in seen.outflows if o.source == "symbiosis"] == []
    client.force_login(visitor)
    page = client.get(f"/o/{world['verrerie'].slug}/impact/").content.decode()
    assert "12,5" not in page and "12.5" not in page
