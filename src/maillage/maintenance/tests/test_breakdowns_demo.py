"""The demo's breakdowns: three resolved over the past year, one open that the demo host
handles and that offers the demo member another machine for the same slot."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command

from maillage.directory.models import User
from maillage.maintenance.models import AffectedBooking, BreakdownReport, BreakdownState


@pytest.mark.django_db
def test_the_demo_has_past_breakdowns_and_one_open_with_an_alternative(client: Any) -> None:
    call_command("load_demo", stdout=io.StringIO())
    assert BreakdownReport.objects.filter(state=BreakdownState.RESOLVED).count() == 3
    open_one = BreakdownReport.objects.get(state=BreakdownState.CONFIRMED)
    flagged = AffectedBooking.objects.get(
        report=open_one, booking__booker__username="membre-atelier"
    )
    assert flagged.alternative is not None

    client.force_login(User.objects.get(username="hote-atelier"))
    assert f'id="report-{open_one.pk}"' in client.get("/breakdowns/").content.decode()
    client.force_login(User.objects.get(username="membre-atelier"))
    mine = client.get("/breakdowns/mine/").content.decode()
    assert f'id="affected-{flagged.pk}"' in mine and flagged.alternative.name in mine

    call_command("load_demo", stdout=io.StringIO())
    assert BreakdownReport.objects.count() == 4
