"""Fixtures shared by every app's tests: people with each role and a small validated territory."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest

# Playwright's sync API runs an event loop in the test thread; Django allows the ORM there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Fixture modules shared across apps' tests (found by name; a module's own fixture wins).
pytest_plugins = [
    "maillage.qualifications.tests.training_world",
    "maillage.maintenance.tests.plans_world",
]


@pytest.fixture
def make_user(db: Any) -> Any:
    from maillage.directory.models import User

    def make(username: str, **extra: Any) -> User:
        user = User.objects.create_user(
            username=username, email=f"{username}@example.org", password="pw-Maillage-2026", **extra
        )
        return user

    return make


@pytest.fixture
def coordinator(make_user: Any) -> Any:
    from maillage.directory.actions.people import grant_coordinator

    user = make_user("coord")
    grant_coordinator(user)
    return user


@pytest.fixture
def make_organisation(coordinator: Any) -> Any:
    """An organisation created through the real action; validated unless told otherwise."""
    from maillage.directory.actions import organisations as organisation_actions
    from maillage.directory.actions import sites as site_actions
    from maillage.directory.models import Membership, Organisation, OrganisationStatus, Role

    def make(
        name: str,
        admin: Any = None,
        kind: str = "fablab",
        commune: str = "Marseille",
        postal_code: str = "13002",
        status: str = OrganisationStatus.VALIDATED,
        fields: list[str] | None = None,
        **extra: Any,
    ) -> Organisation:
        organisation = organisation_actions.create_organisation(
            coordinator,
            organisation_actions.OrganisationInput(
                name=name, kind=kind, fields=fields or [], **extra
            ),
            [site_actions.SiteInput(commune=commune, postal_code=postal_code)],
        )
        Membership.objects.filter(organisation=organisation, user=coordinator).delete()
        if admin is not None:
            Membership.objects.create(user=admin, organisation=organisation, role=Role.ADMIN)
        if status != organisation.status:
            Organisation.objects.filter(pk=organisation.pk).update(status=status)
            organisation.refresh_from_db()
        return organisation

    return make


@pytest.fixture(autouse=True)
def _plain_static_storage(settings: Any) -> None:
    """Tests serve static files as they are; the hashed manifest exists only after collectstatic."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _immediate_tasks(settings: Any) -> None:
    """Background tasks run at once in tests; the database queue is exercised where it matters."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(scope="session")
def browser() -> Any:
    """One headless Chromium for the whole session; a missing Chromium fails (CI installs it)."""
    from maillage.testing import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS

    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: the browser tests need it "
            "(apt-get install chromium, or set MAILLAGE_CHROMIUM to its path). "
            "Do not run `playwright install`.",
            pytrace=False,
        )
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import expect, sync_playwright

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


# The browser tests' fixtures: `browser` above, and
# - ``site``: the live server, with plain static files and the reference tables in place;
# - ``make_page``: a new, cookie-less browser context and page, talking only to the live server;
# - ``page``: one such page per test;
# - ``blocked_requests``: what the test's pages tried to fetch elsewhere.
# Every request to another host (map tiles, fonts…) is aborted, so no test waits on the network.
# An uncaught JavaScript error in any page fails the test that opened it.


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
    from maillage.testing import ensure_reference_data

    ensure_reference_data()
    return live_server


@pytest.fixture
def blocked_requests() -> list[str]:
    """The URLs the test's pages tried to fetch from other hosts (all aborted)."""
    return []


@pytest.fixture
def make_page(browser: Any, site: Any, blocked_requests: list[str]) -> Iterator[Callable[..., Any]]:
    """Open a page in a new browser context: its own cookies, French by default, local only."""
    from maillage.testing import TIMEOUT_MS

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


@pytest.fixture(autouse=True)
def _reference_data_after_flush(request: Any) -> None:
    """A transactional test finds the communes, NAF codes and processes an earlier flush emptied."""
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        request.getfixturevalue("transactional_db")
        from maillage.testing import ensure_reference_data

        ensure_reference_data()


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings: Any) -> None:
    """People created by tests get a quick hash; pages still hash and check passwords."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


@pytest.fixture
def no_api_throttle(settings: Any) -> None:
    """For tests counting an endpoint's queries: the API throttle's bookkeeping is left out."""
    settings.API_RATE_LIMIT_PREFIX = ""
