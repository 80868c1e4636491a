"""Fixtures shared by every app's tests: people with each role and a small validated territory."""

from __future__ import annotations

import os
from typing import Any

import pytest

# Playwright's sync API runs an event loop in the test thread; Django allows the ORM there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


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
    from maillage.directory.actions import grant_coordinator

    user = make_user("coord")
    grant_coordinator(user)
    return user


@pytest.fixture
def make_organisation(coordinator: Any) -> Any:
    """An organisation created through the real action; validated unless told otherwise."""
    from maillage.directory import actions
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
        organisation = actions.create_organisation(
            coordinator,
            actions.OrganisationInput(name=name, kind=kind, fields=fields or [], **extra),
            [actions.SiteInput(commune=commune, postal_code=postal_code)],
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
