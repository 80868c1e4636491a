"""Fixtures for the browser tests: Debian's Chromium driven by Playwright against live_server.

Import them in a test module with ``from maillage.directory.tests.browser import *``.

- ``browser``: one headless Chromium for the whole session (fails, not skips, when missing);
- ``site``: the live server, with plain static files and the reference tables in place;
- ``make_page``: a new, cookie-less browser context and page, talking only to the live server;
- ``page``: one such page per test;
- ``blocked_requests``: what the test's pages tried to fetch elsewhere;
- ``log_in``: signs a person in through the real login form.

Every request to another host (map tiles, fonts…) is aborted, so no test waits on the network.
An uncaught JavaScript error in any page fails the test that opened it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest

__all__ = [
    "CHROMIUM",
    "PASSWORD",
    "blocked_requests",
    "browser",
    "log_in",
    "make_page",
    "page",
    "site",
]

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


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the session; a missing Chromium is a failure (CI installs it)."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: the browser tests need it "
            "(apt-get install chromium, or set MAILLAGE_CHROMIUM to its path). "
            "Do not run `playwright install`.",
            pytrace=False,
        )
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import expect, sync_playwright
    except ImportError as exc:  # pragma: no cover - playwright is a dev dependency
        pytest.fail(f"Playwright for Python is not installed: {exc}", pytrace=False)
    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        try:
            chromium = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
        except PlaywrightError as exc:
            pytest.fail(f"Chromium at {CHROMIUM} did not start: {exc}", pytrace=False)
        yield chromium
        chromium.close()


@pytest.fixture
def site(live_server: Any, settings: Any) -> Any:
    """The live server, ready for a browser: static files served, communes loaded.

    - Outside DEBUG the settings pick whitenoise's manifest storage, which needs collectstatic;
      plain storage lets {% static %} render, and live_server serves /static/ from the finders.
    - Transactional tests (needed for the live server to see their data) end with a flush that
      empties every table, the reference tables from the data migration included: reload them
      when an earlier transactional test has left them empty.
    - Users get a fast password hasher: the pages still hash and check, only quicker.
    """
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # A fast hasher for the people the tests create; PBKDF2 still checks any earlier hash.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    _ensure_reference_data()
    return live_server


# The reference tables as the migrations filled them: (columns, rows) by model, taken once.
_reference_rows: dict[Any, tuple[list[str], list[tuple[Any, ...]]]] = {}


def _ensure_reference_data() -> None:
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from maillage.directory.models import Commune, Department, NafCode
    from maillage.directory.reference import load_reference_data

    models = (Department, Commune, NafCode)  # in foreign-key order
    missing = [model for model in models if not model.objects.exists()]
    if missing and not _reference_rows:
        load_reference_data(Department, Commune, NafCode)
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
                [f.column for f in fields],
                list(model.objects.values_list(*[f.attname for f in fields])),
            )


@pytest.fixture
def blocked_requests() -> list[str]:
    """The URLs the test's pages tried to fetch from other hosts (all aborted)."""
    return []


@pytest.fixture
def make_page(browser: Any, site: Any, blocked_requests: list[str]) -> Iterator[Callable[..., Any]]:
    """Open a page in a new browser context: its own cookies, French by default, local only."""
    contexts: list[Any] = []
    errors: list[str] = []
    origin = site.url.rstrip("/")

    def keep_local(route: Any) -> None:
        url = route.request.url
        if url == origin or url.startswith(origin + "/"):
            route.continue_()
        else:
            blocked_requests.append(url)
            route.abort("blockedbyclient")

    def make(locale: str = "fr-FR") -> Any:
        context = browser.new_context(
            base_url=origin, locale=locale, viewport={"width": 1280, "height": 800}
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.route("**/*", keep_local)
        contexts.append(context)
        new_page = context.new_page()
        new_page.on("pageerror", lambda exc: errors.append(f"{new_page.url}: {exc}"))
        return new_page

    yield make
    for context in contexts:
        context.close()
    assert not errors, "JavaScript errors in the pages:\n" + "\n".join(errors)


@pytest.fixture
def page(make_page: Callable[..., Any]) -> Any:
    """A fresh page for the test; relative URLs resolve against the live server."""
    return make_page()


def log_in(page: Any, username: str, password: str = PASSWORD) -> None:
    """Sign in through the real login form and wait until the site lets the person in."""
    from playwright.sync_api import expect

    page.goto("/accounts/login/")
    form = page.locator("main form")
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=password]").fill(password)
    form.locator("button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    expect(page.locator("header form[action$='/logout/'] button")).to_contain_text(username)
