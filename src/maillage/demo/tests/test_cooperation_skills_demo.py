"""The demo's skills and trainings catalogue: consented, mixed visibility, one full session."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from maillage.cooperation.models import Skill, SkillConsent, WaitingListEntry
from maillage.cooperation.queries.catalogue import CatalogueFilters, catalogue_sessions
from maillage.cooperation.queries.skills import SkillQuery, search_skills
from maillage.demo.cooperation_governance import load_cooperation_governance_demo
from maillage.demo.cooperation_skills import load_cooperation_skills_demo
from maillage.demo.directory import load_directory_demo
from maillage.directory.models import User

pytestmark = pytest.mark.django_db


def test_the_demo_lists_skills_and_a_full_session_with_its_waiting_list(
    settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    load_directory_demo()
    # The demo workshop is a member of the network: its people read the members' skills.
    load_cooperation_governance_demo()
    created = load_cooperation_skills_demo()
    assert created == Skill.objects.count() == 13
    assert SkillConsent.objects.filter(given_at__isnull=False).count() == 9
    assert {s.visibility for s in Skill.objects.all()} == {"public", "members", "hidden"}
    visitor = [h.skill.label for h in search_skills(AnonymousUser(), SkillQuery()).hits]
    member = search_skills(User.objects.get(username="membre-atelier"), SkillQuery()).hits
    assert "Soudage TIG inox et aluminium" in visitor
    assert "Soudage MIG/MAG de structures" not in visitor
    assert len(member) > len(visitor) and not any(h.skill.visibility == "hidden" for h in member)
    near = search_skills(AnonymousUser(), SkillQuery(q="soudage", place="Marseille", radius_km=200))
    assert near.hits and all(h.distance_km is not None for h in near.hits)
    sessions = list(catalogue_sessions(AnonymousUser(), CatalogueFilters()))
    assert len(sessions) == 7
    assert len({s.training.organisation_id for s in sessions}) == 5
    full = [s for s in sessions if s.taken == s.capacity]
    assert len(full) == 1 and full[0].waiting == 2
    assert [e.user.username for e in WaitingListEntry.objects.order_by("created_at", "pk")] == [
        "sofia-garcia",
        "marc-olivieri",
    ]
    assert load_cooperation_skills_demo() == 0
    assert Skill.objects.count() == 13 and WaitingListEntry.objects.count() == 2
