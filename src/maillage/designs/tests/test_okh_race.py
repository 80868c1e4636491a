"""Two members import the same manifest at once: one design, not two, and no error page.

Run on PostgreSQL too: `DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> pytest ...`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from maillage.designs.actions import okh as actions
from maillage.designs.models import Design, DesignPart
from maillage.designs.tests.okh_world import make_world, manifest_bytes

pytestmark = pytest.mark.django_db(transaction=True)


def _race(*calls: Callable[[], Any]) -> list[str]:
    barrier = threading.Barrier(len(calls))
    answers = [""] * len(calls)

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            calls[i]()
            answers[i] = "ok"
        except ValidationError as exc:
            answers[i] = "refused: " + " ".join(exc.messages)
        except Exception as exc:
            answers[i] = f"error: {exc!r}"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return answers


def test_two_imports_of_one_design_make_one_design(make_user: Any, make_organisation: Any) -> None:
    world = make_world(make_user, make_organisation)
    data = manifest_bytes("planktoscope.okh.toml")
    answers = _race(
        lambda: actions.import_manifest(world.member, world.organisation, data),
        lambda: actions.import_manifest(world.admin, world.organisation, data),
    )
    assert all(a == "ok" or a.startswith("refused:") for a in answers), answers
    assert "ok" in answers
    assert Design.objects.count() == 1
    assert DesignPart.objects.count() == 2
