"""A small territory for the candidates tests: a glass-cullet offer in Marseille and demands
around it (a sand demand 25 km away, the same code farther, a far one, a closed one)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from maillage.directory.models import Membership, Role, Site
from maillage.symbiosis.models import ALL_MONTHS, ResourceDeclaration

MARSEILLE = (43.2965, 5.3698)
AIX = (43.5297, 5.4474)
TOULON = (43.1242, 5.9280)
LYON = (45.7640, 4.8357)


def declare(organisation: Any, where: tuple[float, float], direction: str, **extra: Any) -> Any:
    site = Site.objects.create(
        organisation=organisation, name=f"site {organisation.name}", latitude=where[0],
        longitude=where[1],
    )  # fmt: skip
    values: dict[str, Any] = {
        "category": "mineral",
        "title": f"{direction} of {organisation.name}",
        "quantity_min": Decimal("10"),
        "quantity_max": Decimal("20"),
        "unit": "t",
        "period": "year",
        "months": ALL_MONTHS,
        "regulatory_status": "waste",
    }
    values.update(extra)
    return ResourceDeclaration.objects.create(
        organisation=organisation, site=site, direction=direction, **values
    )


@pytest.fixture
def english(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def world(make_user: Any, make_organisation: Any, coordinator: Any) -> dict[str, Any]:
    alice, bob, carol, dan = (make_user(n) for n in ("alice", "bob", "carol", "dan"))
    verrerie = make_organisation("Verrerie du Prado", admin=alice)
    btp = make_organisation("BTP Aixois", admin=bob)
    toulon = make_organisation("Recyclage Toulon", admin=carol)
    lyon = make_organisation("Carrières de Lyon", admin=dan)
    Membership.objects.filter(user=coordinator).delete()
    offer = declare(
        verrerie, MARSEILLE, "offer", waste_code_id="19 12 05", category="glass",
        title="Calcin de verre", quantity_min=Decimal("137.5"), quantity_max=Decimal("173.25"),
        current_cost=Decimal("45"),
    )  # fmt: skip
    sand = declare(
        btp, AIX, "demand", category="mineral", title="Sable pour lits de pose",
        quantity_min=Decimal("50"), quantity_max=Decimal("80"), current_cost=Decimal("22"),
    )  # fmt: skip
    same_code = declare(
        toulon, TOULON, "demand", waste_code_id="19 12 05", category="glass",
        title="Calcin pour filtration", quantity_min=Decimal("5"), quantity_max=Decimal("9"),
        period="month",
    )  # fmt: skip
    far = declare(lyon, LYON, "demand", waste_code_id="19 12 05", category="glass", title="Loin")
    closed = declare(
        toulon, TOULON, "demand", waste_code_id="19 12 05", category="glass", title="Fermée",
        state="closed",
    )  # fmt: skip
    Membership.objects.get_or_create(user=carol, organisation=toulon, defaults={"role": Role.ADMIN})
    return {
        "alice": alice, "bob": bob, "carol": carol, "dan": dan, "coordinator": coordinator,
        "verrerie": verrerie, "btp": btp, "toulon": toulon, "offer": offer, "sand": sand,
        "same_code": same_code, "far": far, "closed": closed,
    }  # fmt: skip
