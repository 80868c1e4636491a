"""The second-hand list and the suggestion of offered machines to unmet needs nearby."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from maillage.equipment.models import Process
from maillage.maintenance.actions import transfers
from maillage.maintenance.queries.transfers import suggestions_for_need
from maillage.maintenance.tests.passport_world import World
from maillage.matching.models import Need, NeedStatus


def _need(second_life: World, max_km: float, status: str = NeedStatus.UNMET) -> Need:
    now = timezone.now()
    return Need.objects.create(
        requester=second_life.other_member,
        organisation=second_life.other_taker,
        process=Process.objects.get(code="3.4.1.1"),
        hours=Decimal("2"),
        earliest=now,
        deadline=now + dt.timedelta(days=7),
        latitude=43.29,  # Aubagne, about 15 km east of the machine in Marseille
        longitude=5.57,
        max_km=max_km,
        status=status,
        unmet_reason="too_far",
    )


def test_an_offered_machine_is_suggested_to_an_unmet_need_within_reach(client, second_life) -> None:
    transfers.list_for_transfer(
        second_life.owner_admin, second_life.machine, transfers.TransferInput("donation")
    )
    near = suggestions_for_need(_need(second_life, max_km=50))
    assert [s.transfer.machine for s in near] == [second_life.machine] and 5 < near[0].km < 50
    assert suggestions_for_need(_need(second_life, max_km=5)) == []
    assert suggestions_for_need(_need(second_life, max_km=50, status=NeedStatus.MATCHED)) == []
    client.force_login(second_life.other_member)
    page = client.get("/second-hand/?kind=donation").content.decode()
    assert 'id="for-my-needs"' in page and "Découpe laser Trotec" in page
    sales = client.get("/second-hand/?kind=sale").content.decode()
    assert "Découpe laser Trotec" not in sales.split('id="second-hand"')[1]
