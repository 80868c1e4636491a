"""A small portfolio for the tests: a network, a lead, a partner, an outsider, two projects."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from maillage.cooperation.models import Network, Project, ProjectPartner
from maillage.directory.models import Commune, Membership, Role, Site


@pytest.fixture
def english(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def world(make_user: Any, make_organisation: Any, coordinator: Any) -> dict[str, Any]:
    people = {n: make_user(n) for n in ("lena", "max", "pia", "oscar")}
    lead = make_organisation("Atelier Meneur", admin=people["lena"], kind="sme")
    Membership.objects.create(user=people["max"], organisation=lead, role=Role.MEMBER)
    partner = make_organisation("Fablab Partenaire", admin=people["pia"])
    other = make_organisation("Ailleurs", admin=people["oscar"], kind="sme")
    Site.objects.filter(organisation=lead).update(latitude=43.30, longitude=5.40)
    network = Network.objects.create(name="Pôle test", slug="pole-test")
    aubagne = Commune.objects.filter(name="Aubagne").first()
    public = Project.objects.create(
        network=network,
        slug="public-one",
        title="Découpe partagée",
        lead=lead,
        theme="pooling",
        stage="study",
        budget=Decimal("120000"),
        commune=aubagne,
    )
    secret = Project.objects.create(
        network=network,
        slug="secret-one",
        title="Projet confidentiel",
        lead=lead,
        theme="innovate",
        stage="idea",
        budget=Decimal("4500.50"),
        is_public=False,
    )
    ProjectPartner.objects.create(project=secret, organisation=partner, role="Prototypes")
    return {
        **people,
        "coord": coordinator,
        "lead": lead,
        "partner": partner,
        "other": other,
        "network": network,
        "public": public,
        "secret": secret,
        "aubagne": aubagne,
    }
