"""A double click on "start a project" from the same unmet searches makes one project.

Run on PostgreSQL too: `DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> pytest ...`.
"""

from __future__ import annotations

from typing import Any

import pytest

from maillage.cooperation.actions import projects as actions
from maillage.cooperation.models import Project, ProjectNeed
from maillage.cooperation.tests.projects_world import english, world
from maillage.cooperation.tests.test_projects_from_needs import searches
from maillage.equipment.models import Process
from maillage.testing import race

__all__ = ["english", "searches", "world"]

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("english")]


def test_a_double_click_starts_one_project(world: Any, searches: Any) -> None:
    process = Process.objects.get(code=searches["waterjet"])
    answers = race(
        lambda: actions.start_from_needs(world["coord"], process, world["partner"]),
        lambda: actions.start_from_needs(world["coord"], process, world["partner"]),
    )
    assert sorted(answers) == [
        "ok",
        f"refused: These unmet searches already started the project “Pooling: {process.label}”.",
    ]
    assert Project.objects.filter(lead=world["partner"]).count() == 1
    assert ProjectNeed.objects.filter(process=process).count() == 1
