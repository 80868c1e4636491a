"""People, organisations and places for the skills and catalogue tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from maillage.cooperation.actions import skills as actions
from maillage.directory.models import Membership, Role, User


@pytest.fixture
def english(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"


@dataclass
class World:
    alice: User  # admin of a workshop in Marseille
    bob: User  # admin of a fablab in Aix-en-Provence
    dave: User  # member of a repair café in Toulon
    erin: User  # signed in, no organisation
    nina: User  # member of a makerspace in Nice
    workshop: Any
    fablab: Any
    repair: Any
    nice_lab: Any


@pytest.fixture
def world(make_user: Any, make_organisation: Any) -> World:
    alice, bob, dave, erin, nina = (make_user(n) for n in ("alice", "bob", "dave", "erin", "nina"))
    workshop = make_organisation("Atelier Alice", admin=alice)
    fablab = make_organisation(
        "Fablab Bob", admin=bob, commune="Aix-en-Provence", postal_code="13100"
    )
    repair = make_organisation("Repair Café Toulon", commune="Toulon", postal_code="83000")
    Membership.objects.create(user=dave, organisation=repair, role=Role.MEMBER)
    nice_lab = make_organisation("Lab Nice", commune="Nice", postal_code="06000")
    Membership.objects.create(user=nina, organisation=nice_lab, role=Role.MEMBER)
    return World(alice, bob, dave, erin, nina, workshop, fablab, repair, nice_lab)


def join_network(organisation: Any, *, days_ago: int = 30, ended: bool = False) -> Any:
    """The organisation is a member of the installation's network (made if none yet)."""
    import datetime as dt

    from maillage.cooperation.models import College, Network, NetworkMember
    from maillage.core.dates import local_today

    network = Network.objects.order_by("id").first() or Network.objects.create(
        name="Pôle test", slug="pole-test"
    )
    college, _made = College.objects.get_or_create(network=network, kind="companies")
    start = local_today() - dt.timedelta(days=days_ago)
    return NetworkMember.objects.create(
        network=network,
        organisation=organisation,
        college=college,
        start=start,
        end=local_today() - dt.timedelta(days=1) if ended else None,
    )


def client_of(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def add(user: User, label: str, **extra: Any) -> Any:
    """A skill at the person's first site, consented, unless told otherwise."""
    if "site_id" not in extra and "commune" not in extra:
        site = user.memberships.first().organisation.sites.first()  # type: ignore[attr-defined]
        extra["site_id"] = site.pk
    extra.setdefault("consent", True)
    return actions.add_skill(user, actions.SkillInput(label=label, **extra))
