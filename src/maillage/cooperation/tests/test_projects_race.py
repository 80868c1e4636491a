"""Two people move the same project's stage at once: one moves it, the other is told where it is.

Run on PostgreSQL too: `DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> pytest ...`.
"""

from __future__ import annotations

from typing import Any

import pytest

from maillage.cooperation.actions import projects as actions
from maillage.cooperation.models import Project
from maillage.cooperation.tests.projects_world import english, world
from maillage.testing import race

__all__ = ["english", "world"]

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("english")]


def test_one_of_two_stage_moves_from_the_same_stage_wins(world: Any) -> None:
    for start, target in (("study", "funded"), ("funded", "running")):
        first = Project.objects.get(slug="public-one")
        second = Project.objects.get(slug="public-one")
        answers = race(
            lambda p=first, a=start, b=target: actions.move_stage(world["lena"], p, a, b),
            lambda p=second, a=start, b=target: actions.move_stage(world["coord"], p, a, b),
        )
        label = {"funded": "Funded", "running": "Running"}[target]
        assert sorted(answers) == ["ok", f"refused: The project is already at the stage “{label}”."]
        assert Project.objects.get(slug="public-one").stage == target
    assert Project.objects.get(slug="public-one").version == 3


def test_one_of_two_edits_of_the_same_version_wins(world: Any) -> None:
    project = Project.objects.get(slug="public-one")

    def edit(user: Any, title: str) -> Any:
        data = actions.ProjectInput(title=title, theme="pooling", lead=world["lead"])
        return actions.update_project(user, project, data, version=1)

    answers = race(lambda: edit(world["lena"], "Par Lena"), lambda: edit(world["coord"], "Par C"))
    assert sorted(a[:8] for a in answers) == ["ok", "refused:"]
    saved = Project.objects.get(slug="public-one")
    assert saved.version == 2 and saved.title in ("Par Lena", "Par C")
