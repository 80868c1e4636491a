"""Two coordinators change one factor at the same moment: never two rows with one version.

Each client runs in its own thread with its own database connection, released together by a
barrier. Without a version in hand both succeed, as versions n + 1 and n + 2, or one is told of a
conflict; with the version they read (the form's hidden field), the second is told the factor
changed meanwhile (409 on the page). Never a 500, never a duplicate version. The first override
of a factor has no row to lock: the unique (key, version) constraint and one retry cover it.

Run on both databases: `DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> pytest ...`.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable

import pytest
from django.db import connections
from django.test import Client

from maillage.impact.actions import factors as actions
from maillage.impact.models import FactorOverride

TRIALS = 5
JOIN_TIMEOUT = 60  # seconds; SQLite writers queue behind one another (busy timeout 20 s)
KEY = "recycled_feedstock.steel"
OK, CONFLICT = "ok", "conflict"


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def coordinators(make_user):
    from maillage.directory.actions.people import grant_coordinator

    people = [make_user("coord-a"), make_user("coord-b")]
    for person in people:
        grant_coordinator(person)
    return people


def _together(calls: list[Callable[[], str]]) -> list[str]:
    """Each call from its own thread (and connection), released at once; none may raise."""
    barrier = threading.Barrier(len(calls))
    answers = [""] * len(calls)
    errors: list[str] = []

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=JOIN_TIMEOUT)
            answers[index] = calls[index]()
        except Exception:
            errors.append(traceback.format_exc())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_TIMEOUT)
    assert not any(t.is_alive() for t in threads), "a client hung"
    assert not errors, "unexpected exceptions:\n" + "\n".join(errors)
    return answers


def _override(person, value: float, expected: int | None = None) -> Callable[[], str]:
    def call() -> str:
        try:
            actions.override_factor(
                person, KEY, value, "Regional survey", 2025, expected_version=expected
            )
        except actions.FactorConflict:
            return CONFLICT
        return OK

    return call


def _versions() -> list[int]:
    return sorted(FactorOverride.objects.filter(key=KEY).values_list("version", flat=True))


@pytest.mark.django_db(transaction=True)
def test_two_overrides_at_once_become_two_versions_or_one_conflict(coordinators):
    first, second = coordinators
    for trial in range(TRIALS):
        before = len(_versions())  # the first trial races for version 1: no row to lock yet
        answers = _together([_override(first, 0.5 + trial / 100), _override(second, 0.45)])
        versions = _versions()
        assert versions == list(range(1, len(versions) + 1)), versions
        assert len(versions) - before == answers.count(OK)
        assert sorted(answers) in ([OK, OK], [CONFLICT, OK]), answers


@pytest.mark.django_db(transaction=True)
def test_two_overrides_from_the_same_version_give_one_success_and_one_conflict(coordinators):
    first, second = coordinators
    for _trial in range(TRIALS):
        seen = len(_versions())
        answers = _together([_override(first, 0.5, seen), _override(second, 0.6, seen)])
        assert sorted(answers) == [CONFLICT, OK], answers
        assert _versions() == list(range(1, seen + 2))


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_posting_the_form_at_once_never_get_a_500(coordinators):
    clients = []
    for person in coordinators:
        client = Client()
        client.force_login(person)
        clients.append(client)
    url = f"/impact/factors/{KEY}/"
    for _trial in range(TRIALS):
        seen = len(_versions())
        form = {
            "value": "0,5",
            "source": "Regional survey",
            "year": "2025",
            "note": "",
            "expected_version": str(seen),
            "do": "override",
        }

        def post(client: Client, form: dict[str, str] = form) -> Callable[[], str]:
            return lambda: str(client.post(url, form).status_code)

        statuses = _together([post(client) for client in clients])
        assert sorted(statuses) == ["302", "409"], statuses
        assert _versions() == list(range(1, seen + 2))
