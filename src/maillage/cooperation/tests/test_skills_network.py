"""Skills for "network members only" go to the people of the network's current member
organisations and to the coordinators: the same rule as events, documents and decisions."""

from __future__ import annotations

from typing import Any

import pytest

from maillage.cooperation.models import SkillVisibility
from maillage.cooperation.queries.skills import SkillQuery, is_network_member, search_skills
from maillage.cooperation.tests.skills_world import add, client_of, english, join_network, world

__all__ = ["english", "world"]

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def listed(world: Any) -> None:
    add(world.alice, "TIG welding", visibility=SkillVisibility.PUBLIC)
    add(world.bob, "CNC programming", visibility=SkillVisibility.MEMBERS)


def _labels(viewer: Any) -> list[str]:
    return sorted(h.skill.label for h in search_skills(viewer, SkillQuery()).hits)


def _api(user: Any) -> list[str]:
    return sorted(row["skill"] for row in client_of(user).get("/api/v1/skills").json())


@pytest.mark.usefixtures("listed")
def test_a_validated_organisation_outside_the_network_sees_public_skills_only(
    world: Any,
) -> None:
    join_network(world.workshop)
    # Nina's makerspace is validated but not a member of the network.
    assert not is_network_member(world.nina)
    assert _labels(world.nina) == ["TIG welding"]
    assert _api(world.nina) == ["TIG welding"]
    join_network(world.nice_lab)
    assert _labels(world.nina) == ["CNC programming", "TIG welding"]
    assert _api(world.nina) == ["CNC programming", "TIG welding"]


@pytest.mark.usefixtures("listed")
def test_an_ended_or_future_membership_is_not_enough(world: Any) -> None:
    join_network(world.nice_lab, days_ago=60, ended=True)
    assert _labels(world.nina) == ["TIG welding"]
    join_network(world.repair, days_ago=-5)  # joins in five days
    assert _labels(world.dave) == ["TIG welding"]


@pytest.mark.usefixtures("listed")
def test_coordinators_see_members_skills_even_without_a_network(
    world: Any, coordinator: Any
) -> None:
    assert _labels(coordinator) == ["CNC programming", "TIG welding"]
    assert _labels(world.erin) == ["TIG welding"]
