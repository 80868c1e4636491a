"""Support for tests: reference tables after a flush, the browser's settings, signing in.

Transactional tests (the browser tests' live server, the race tests) end with a flush that
empties every table, the reference tables the data migrations filled included. The root
conftest reloads them before each transactional test that finds them empty.
"""

from __future__ import annotations

import importlib
import os
import threading
from collections.abc import Callable
from typing import Any

from django.apps import apps as django_apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.color import no_style
from django.db import connection, connections, transaction
from playwright.sync_api import expect

from maillage.directory.models import Commune, Department, NafCode
from maillage.directory.reference import load_reference_data
from maillage.equipment.models import Process
from maillage.symbiosis.models import WasteCode

CHROMIUM = os.environ.get("MAILLAGE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "pw-Maillage-2026"  # the password conftest's make_user gives everyone
TIMEOUT_MS = 15_000

# The reference tables as the migrations filled them: (columns, rows) by model, taken once.
_reference_rows: dict[Any, tuple[list[str], list[tuple[Any, ...]]]] = {}


def ensure_reference_data() -> None:
    models = (Department, Commune, NafCode, Process, WasteCode)  # in foreign-key order
    missing = [model for model in models if not model.objects.exists()]
    if missing and not _reference_rows:
        load_reference_data(Department, Commune, NafCode)
        if not Process.objects.exists():
            _run_data_migration("maillage.equipment.migrations.0002_processes")
        if not WasteCode.objects.exists():
            _run_data_migration("maillage.symbiosis.migrations.0002_list_of_waste")
    elif missing:
        # Plain INSERTs: ten times faster than building 35,000 model instances.
        quote = connection.ops.quote_name
        with transaction.atomic(), connection.cursor() as cursor:
            for model in missing:
                columns, rows = _reference_rows[model]
                cursor.executemany(
                    f"INSERT INTO {quote(model._meta.db_table)} "
                    f"({', '.join(quote(c) for c in columns)}) "
                    f"VALUES ({', '.join(['%s'] * len(columns))})",
                    rows,
                )
            for sql in connection.ops.sequence_reset_sql(no_style(), missing):
                cursor.execute(sql)
    if not _reference_rows:
        for model in models:
            fields = model._meta.concrete_fields
            _reference_rows[model] = (
                [str(f.column) for f in fields],
                list(model.objects.values_list(*[f.attname for f in fields])),
            )


def _run_data_migration(name: str) -> None:
    module = importlib.import_module(name)
    module.load(django_apps, None)


class FailingEmailBackend:
    """An e-mail server that is down: every send raises, as smtplib does."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def send_messages(self, messages: Any) -> int:
        raise ConnectionRefusedError("the mail server is down")


def table_counts() -> dict[str, int]:
    """Rows in every table of the default database: a backup test compares two databases."""
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
    return counts


def log_in(page: Any, username: str, password: str = PASSWORD) -> None:
    """Sign in through the real login form and wait until the site lets the person in."""
    page.goto("/accounts/login/")
    form = page.locator("main form")
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=password]").fill(password)
    form.locator("button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    expect(page.locator("header form[action$='/logout/'] button")).to_contain_text(username)


def race(
    *calls: Callable[[], Any],
    answer: Callable[[Any], str] = lambda _result: "ok",
    join_seconds: float = 60,
) -> list[str]:
    """Run the calls in threads released together (one database connection each) and say how
    each ended: `answer(result)` ("ok" by default), "refused: <messages>" for a validation error
    or a refusal, "error: …" for anything else. For race tests on PostgreSQL
    (`django_db(transaction=True)`)."""
    barrier = threading.Barrier(len(calls))
    answers = [""] * len(calls)

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            answers[i] = answer(calls[i]())
        except (ValidationError, PermissionDenied) as exc:
            answers[i] = "refused: " + " ".join(getattr(exc, "messages", [str(exc)]))
        except Exception as exc:
            answers[i] = f"error: {exc!r}"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=join_seconds)
    return answers
