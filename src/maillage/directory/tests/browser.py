"""Fixtures for the browser tests: Debian's Chromium driven by Playwright against live_server.

Import them in a test module with ``from maillage.directory.tests.browser import *``.

- ``browser`` (in the root conftest): one headless Chromium for the whole session;
- ``site``: the live server, with plain static files and the reference tables in place;
- ``make_page``: a new, cookie-less browser context and page, talking only to the live server;
- ``page``: one such page per test;
- ``blocked_requests``: what the test's pages tried to fetch elsewhere;
- ``log_in``: signs a person in through the real login form.

Every request to another host (map tiles, fonts…) is aborted, so no test waits on the network.
An uncaught JavaScript error in any page fails the test that opened it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from maillage.core.testing import CHROMIUM, PASSWORD, TIMEOUT_MS, ensure_reference_data

__all__ = [
    "CHROMIUM",
    "PASSWORD",
    "blocked_requests",
    "log_in",
    "make_page",
    "page",
    "site",
]


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
    ensure_reference_data()
    return live_server


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
