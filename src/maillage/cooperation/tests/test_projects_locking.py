"""Project writes check the edit right on the locked row, and a project starts once from the same
unmet searches (a double click makes one project, a clear refusal the second time)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maillage.cooperation.actions import projects as actions
from maillage.cooperation.models import Milestone, Project, ProjectNeed, ProjectPartner
from maillage.cooperation.tests.projects_world import english, world
from maillage.cooperation.tests.test_projects_from_needs import _need, searches
from maillage.equipment.models import Process

__all__ = ["english", "searches", "world"]

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _stale(world: Any) -> Project:
    """Lena reads the project while her organisation leads it; the lead is handed over after."""
    project = Project.objects.get(slug="public-one")
    Project.objects.filter(pk=project.pk).update(lead=world["other"])
    return project


def test_a_stage_move_checks_the_right_on_the_project_as_it_is_now(world: Any) -> None:
    project = _stale(world)
    with pytest.raises(PermissionDenied):
        actions.move_stage(world["lena"], project, "study", "funded")
    assert Project.objects.get(pk=project.pk).stage == "study"


def test_adding_a_partner_checks_the_right_on_the_project_as_it_is_now(world: Any) -> None:
    project = _stale(world)
    with pytest.raises(PermissionDenied):
        actions.add_partner(world["lena"], project, world["partner"])
    assert not ProjectPartner.objects.filter(project=project).exists()


def test_the_lead_handed_over_cannot_be_added_as_partner_of_itself(world: Any) -> None:
    project = Project.objects.get(slug="public-one")
    Project.objects.filter(pk=project.pk).update(lead=world["partner"])
    with pytest.raises(ValidationError) as refused:
        actions.add_partner(world["coord"], project, world["partner"])
    assert refused.value.message_dict == {"organisation": ["The lead organisation is already in."]}


def test_adding_a_need_checks_the_right_on_the_project_as_it_is_now(world: Any) -> None:
    project = _stale(world)
    with pytest.raises(PermissionDenied):
        actions.add_need(world["lena"], project, actions.NeedInput(kind="resource", label="Bois"))
    assert not ProjectNeed.objects.filter(project=project).exists()


def test_adding_a_milestone_checks_the_right_on_the_project_as_it_is_now(world: Any) -> None:
    project = _stale(world)
    due = dt.date.today() + dt.timedelta(days=30)
    with pytest.raises(PermissionDenied):
        actions.add_milestone(world["lena"], project, "Devis", due, None)
    assert not Milestone.objects.filter(project=project).exists()
    # The coordinators keep the right.
    actions.add_milestone(world["coord"], project, "Devis", due, None)
    assert Milestone.objects.filter(project=project).count() == 1


def test_the_same_searches_start_one_project_only(world: Any, searches: Any) -> None:
    process = Process.objects.get(code=searches["waterjet"])
    first = actions.start_from_needs(world["coord"], process, world["partner"])
    with pytest.raises(ValidationError) as refused:
        actions.start_from_needs(world["coord"], process, world["partner"])
    assert refused.value.message_dict == {
        "process": [f"These unmet searches already started the project “{first.title}”."]
    }
    assert Project.objects.filter(lead=world["partner"]).count() == 1
    # A new search afterwards may start another project, linked to that search only.
    fresh = _need(world["oscar"], None, searches["waterjet"], 1)
    second = actions.start_from_needs(world["coord"], process, world["partner"])
    assert second.pk != first.pk
    assert list(ProjectNeed.objects.get(project=second).unmet_needs.all()) == [fresh]
