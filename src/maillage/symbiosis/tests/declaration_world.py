"""A small territory for the declarations tests: a sawmill offering beech sawdust with secret
figures, a competitor, a partner whose demand may become the sawmill's counterpart, and the
network's coordinator."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from maillage.directory.models import Organisation, Site
from maillage.symbiosis.actions.declarations import DeclarationInput, declare_resource
from maillage.symbiosis.models import ResourceDeclaration, Synergy, SynergyState

# Values that must never leak: each appears in exactly one private field.
SECRET_QUANTITY = Decimal("123.456")
SECRET_PRICE = Decimal("78.90")
SECRET_COMPOSITION = "SECRET-COMPO hêtre non traité"
SECRET_ADDRESS = "7 chemin SECRET-RUE"
SECRET_LATITUDE = 43.31234


def secrets_in(text: str) -> dict[str, bool]:
    """Which secret shows in a body, in English or French number format."""
    return {
        "quantity": "123.456" in text or "123,456" in text,
        "price": "78.90" in text or "78,90" in text or "78.9" in text,
        "composition": "SECRET-COMPO" in text,
        "site": "SECRET-RUE" in text or "43.31234" in text,
    }


def offer_input(site: Site, **changes: Any) -> DeclarationInput:
    values: dict[str, Any] = {
        "site_id": site.pk,
        "direction": "offer",
        "title": "Sciure de hêtre",
        "waste_code": "03 01 05",
        "quantity_min": Decimal("100"),
        "quantity_max": SECRET_QUANTITY,
        "unit": "t",
        "period": "year",
        "regulatory_status": "by_product",
        "price": SECRET_PRICE,
        "current_cost": Decimal("41.00"),
        "composition": SECRET_COMPOSITION,
        "packaging": "big_bag",
    }
    values.update(changes)
    return DeclarationInput(**values)


@dataclass
class World:
    owner: Any
    other: Any
    partner: Any
    coordinator: Any
    sawmill: Organisation
    rival: Organisation
    joinery: Organisation
    site: Site
    offer: ResourceDeclaration
    demand: ResourceDeclaration

    def client(self, who: str) -> Client:
        client = Client()
        user = getattr(self, who, None) if who != "anonymous" else None
        if user is not None:
            client.force_login(user)
        return client

    def synergy(self, *, accepted: bool) -> Synergy:
        now = timezone.now()
        return Synergy.objects.create(
            offer=self.offer,
            demand=self.demand,
            state=SynergyState.AGREED if accepted else SynergyState.PROPOSED,
            quantity_per_year=Decimal("50"),
            unit="t",
            offer_accepted_at=now if accepted else None,
            demand_accepted_at=now if accepted else None,
        )


@pytest.fixture
def world(make_user: Any, make_organisation: Any, coordinator: Any) -> World:
    owner, other, partner = make_user("owner"), make_user("other"), make_user("partner")
    sawmill = make_organisation("Scierie du Luberon", admin=owner, commune="Marseille")
    rival = make_organisation("Scierie concurrente", admin=other, commune="Marseille")
    joinery = make_organisation("Menuiserie partenaire", admin=partner, commune="Marseille")
    site = sawmill.sites.get()
    Site.objects.filter(pk=site.pk).update(
        name="Dépôt", address=SECRET_ADDRESS, latitude=SECRET_LATITUDE, longitude=5.41234
    )
    site.refresh_from_db()
    offer = declare_resource(owner, sawmill, offer_input(site))
    demand = declare_resource(
        partner,
        joinery,
        offer_input(
            joinery.sites.get(),
            direction="demand",
            title="Sciure pour litière",
            price=None,
            composition="",
            quantity_max=Decimal("200"),
        ),
    )
    return World(owner, other, partner, coordinator, sawmill, rival, joinery, site, offer, demand)


@pytest.fixture
def english(settings: Any) -> None:
    """Messages are checked in English (the interface defaults to French)."""
    settings.LANGUAGE_CODE = "en"
