"""A small world for the synergy tests: a joinery offering wood offcuts, a boiler room taking
them, a third organisation, a coordinator, and one synergy between the two declarations.

Every private value is distinctive, so a test can search a page or an export for it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from maillage.directory.models import Site
from maillage.symbiosis.models import (
    Direction,
    MaterialCategory,
    Period,
    QuantityUnit,
    RegulatoryStatus,
    ResourceDeclaration,
    Synergy,
    SynergyState,
    WasteCode,
)

# Private values of the offer and of the demand, as they appear on a page or in an export.
OFFER_PRIVATE = {
    "quantity": "123.456",
    "price": "37.77",
    "composition": "Chêne massif ZQX sans vernis",
    "site": "17 rue Secrète",
}
DEMAND_PRIVATE = {
    "quantity": "88.888",
    "price": "41.41",
    "composition": "Plaquettes KWV humidité 25 %",
    "site": "99 chemin Caché",
}
SYNERGY_QUANTITY = "77.777"


@pytest.fixture
def english(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"


def _site(organisation: Any, address: str, latitude: float, longitude: float) -> Site:
    site = organisation.sites.first()
    Site.objects.filter(pk=site.pk).update(
        address=address, name="", latitude=latitude, longitude=longitude
    )
    site.refresh_from_db()
    return site


def declare(organisation: Any, site: Site, direction: str, private: dict[str, str]) -> Any:
    decl = ResourceDeclaration(
        organisation=organisation,
        site=site,
        direction=direction,
        waste_code=WasteCode.objects.get(code="03 01 05"),
        category=MaterialCategory.WOOD,
        title="Chutes de bois" if direction == Direction.OFFER else "Bois pour chaudière",
        quantity_min=Decimal(private["quantity"]),
        quantity_max=Decimal(private["quantity"]),
        unit=QuantityUnit.TONNE,
        period=Period.YEAR,
        composition=private["composition"],
        regulatory_status=RegulatoryStatus.WASTE,
        price=Decimal(private["price"]),
        current_cost=Decimal("12.34"),
    )
    decl.full_clean()
    decl.save()
    return decl


@pytest.fixture
def world(make_user: Any, make_organisation: Any, coordinator: Any) -> dict[str, Any]:
    alice, bob, eve = make_user("alice"), make_user("bob"), make_user("eve")
    joinery = make_organisation("Menuiserie Test", admin=alice)
    boiler = make_organisation(
        "Chaufferie Test", admin=bob, commune="Aix-en-Provence", postal_code="13100"
    )
    other = make_organisation("Autre Atelier", admin=eve)
    offer = declare(
        joinery,
        _site(joinery, OFFER_PRIVATE["site"], 43.3101, 5.3801),
        Direction.OFFER,
        OFFER_PRIVATE,
    )
    demand = declare(
        boiler,
        _site(boiler, DEMAND_PRIVATE["site"], 43.5202, 5.4502),
        Direction.DEMAND,
        DEMAND_PRIVATE,
    )
    synergy = Synergy.objects.create(
        offer=offer,
        demand=demand,
        state=SynergyState.PROPOSED,
        quantity_per_year=Decimal(SYNERGY_QUANTITY),
        unit=QuantityUnit.TONNE,
        distance_km=31.5,
        euros_saved_per_year=4321.0,
        co2_avoided_kg_per_year=9876.0,
    )
    return {
        "alice": alice,
        "bob": bob,
        "eve": eve,
        "coord": coordinator,
        "joinery": joinery,
        "boiler": boiler,
        "other": other,
        "offer": offer,
        "demand": demand,
        "synergy": synergy,
    }


def agree(world: dict[str, Any]) -> Synergy:
    """Both sides accept through the action: the synergy is agreed."""
    from maillage.symbiosis.actions.synergies import accept_synergy

    accept_synergy(world["alice"], world["synergy"])
    return accept_synergy(world["bob"], world["synergy"])
