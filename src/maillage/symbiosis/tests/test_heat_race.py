"""Concurrent writes to one heat declaration behave as if run one after the other: two closes,
one wins; an update racing a close never reopens nor edits a closed declaration.
Run on PostgreSQL too: `DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> pytest ...`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from maillage.symbiosis.actions import heat as actions
from maillage.symbiosis.models import DeclarationState, HeatDeclaration
from maillage.symbiosis.tests.heat_world import make_world, source_input

pytestmark = pytest.mark.django_db(transaction=True)


def _race(*calls: Callable[[], Any]) -> list[str]:
    barrier = threading.Barrier(len(calls))
    answers = [""] * len(calls)

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            calls[i]()
            answers[i] = "ok"
        except ValidationError:
            answers[i] = "refused"
        except Exception as exc:
            answers[i] = f"error: {exc!r}"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return answers


@pytest.fixture
def world(make_user, make_organisation, coordinator):
    return make_world(make_user, make_organisation, coordinator)


def test_it_closes_once_when_two_people_close_at_once(world):
    source = world.source
    answers = _race(
        lambda: actions.close_heat(world.owner, HeatDeclaration.objects.get(pk=source.pk)),
        lambda: actions.close_heat(world.coordinator, HeatDeclaration.objects.get(pk=source.pk)),
    )
    assert sorted(answers) == ["ok", "refused"]
    source.refresh_from_db()
    assert source.state == DeclarationState.CLOSED


def test_an_update_racing_a_close_never_edits_a_closed_declaration(world):
    source = world.source
    answers = _race(
        lambda: actions.close_heat(world.owner, HeatDeclaration.objects.get(pk=source.pk)),
        lambda: actions.update_heat(
            world.coordinator,
            HeatDeclaration.objects.get(pk=source.pk),
            source_input(power_kw="1234"),
        ),
    )
    source.refresh_from_db()
    assert source.state == DeclarationState.CLOSED
    assert answers[0] == "ok"
    if answers[1] == "refused":
        assert source.power_kw == 5000
    else:
        assert answers[1] == "ok" and source.power_kw == 1234


def test_two_updates_of_one_study_at_once_leave_one_of_them_whole(world):
    from maillage.symbiosis.models import HeatStudy

    study = actions.create_study(
        world.owner,
        actions.StudyInput(name="Départ", source_id=world.source.pk, sink_ids=[world.sink.pk]),
    )

    def update(user: Any, name: str, route: object, dn: object) -> Callable[[], Any]:
        return lambda: actions.update_study(
            user,
            HeatStudy.objects.get(pk=study.pk),
            actions.StudyInput(
                name=name,
                source_id=world.source.pk,
                sink_ids=[world.sink.pk],
                route_length_m=route,
                pipe_dn=dn,
            ),
        )

    answers = _race(
        update(world.owner, "Tracé dessiné", 9000, 200),
        update(world.coordinator, "Estimation", None, None),
    )
    assert answers == ["ok", "ok"]
    study.refresh_from_db()
    assert (study.name, study.route_length_m, study.pipe_dn) in {
        ("Tracé dessiné", 9000, 200),
        ("Estimation", None, None),
    }
    assert list(study.sinks.all()) == [world.sink]
