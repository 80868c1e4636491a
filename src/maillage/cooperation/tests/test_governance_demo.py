"""The demo network: weighted colleges, members in each, bodies, documents, decisions, events."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from maillage.cooperation.models import Decision, DecisionState, Event, Network, Vote
from maillage.demo.cooperation_governance import SLUG, load_cooperation_governance_demo
from maillage.demo.directory import load_directory_demo

pytestmark = pytest.mark.django_db


def test_it_loads_the_network_once_and_shows_it(client: Any, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.LANGUAGE_CODE = "en"
    load_directory_demo()
    network = load_cooperation_governance_demo()
    load_cooperation_governance_demo()
    assert Network.objects.get(slug=SLUG) == network
    assert sorted(c.weight_percent for c in network.colleges.all()) == [15, 15, 30, 40]
    for college in network.colleges.all():
        assert college.members.count() >= 3
    closed = Decision.objects.filter(state=DecisionState.CLOSED)
    assert closed.count() == 2 and Decision.objects.filter(state=DecisionState.OPEN).count() == 1
    assert {d.result["outcome"] for d in closed} == {"adopted", "rejected"}
    assert Vote.objects.count() == 44
    # The demo workshop has not voted on the open decision: admin-atelier can try it.
    still_open = Decision.objects.get(state=DecisionState.OPEN)
    assert not still_open.votes.filter(member__organisation__slug="demo-001").exists()
    assert Event.objects.filter(network=network).count() == 3
    assert network.documents.filter(is_public=True).count() == 3
    page = client.get(reverse("cooperation:network")).content.decode()
    assert "Maillage Sud" in page and "Approbation des comptes 2024" in page
    assert "Assemblée générale 2026" in page and "Conseil d&#x27;administration du pôle" not in page
    assert client.get(reverse("cooperation:events_ics")).content.count(b"BEGIN:VEVENT") == 2
