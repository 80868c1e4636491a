"""Two members import the same manifest at once: one design, not two, and no error page.

Run on PostgreSQL too: `DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> pytest ...`.
"""

from __future__ import annotations

from typing import Any

import pytest

from maillage.designs.actions import okh as actions
from maillage.designs.models import Design, DesignPart
from maillage.designs.tests.okh_world import make_world, manifest_bytes
from maillage.testing import race

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_imports_of_one_design_make_one_design(make_user: Any, make_organisation: Any) -> None:
    world = make_world(make_user, make_organisation)
    data = manifest_bytes("planktoscope.okh.toml")
    answers = race(
        lambda: actions.import_manifest(world.member, world.organisation, data),
        lambda: actions.import_manifest(world.admin, world.organisation, data),
        join_seconds=120,
    )
    assert all(a == "ok" or a.startswith("refused:") for a in answers), answers
    assert "ok" in answers
    assert Design.objects.count() == 1
    assert DesignPart.objects.count() == 2
