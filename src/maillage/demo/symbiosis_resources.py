"""Demo resources: some twenty declarations of the demo territory's organisations — wood
offcuts, metal chips, textile scraps, spent coffee grounds, cardboard, glass cullet for a
demand of sand, plastics — and synergies between them in every state, the running ones with
their monthly exchanges.

`demo-001` (account `admin-atelier`) takes part in a running synergy and has one waiting for its
acceptance. Quantities, prices and costs are plausible orders of magnitude for small workshops
around Marseille and Aix, not measurements. Estimates in € and CO2 are illustrative.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone, translation

from maillage.directory.models import Organisation
from maillage.symbiosis.models import (
    ALL_MONTHS,
    Direction,
    Packaging,
    RegulatoryStatus,
    ResourceDeclaration,
    Synergy,
    SynergyExchange,
    SynergyState,
    Visibility,
    WasteCode,
)
from maillage.symbiosis.queries.candidates import explain_pair

PUBLIC, COORDINATORS, COUNTERPART = (
    Visibility.PUBLIC,
    Visibility.COORDINATORS,
    Visibility.COUNTERPART,
)
OFFER, DEMAND = Direction.OFFER, Direction.DEMAND
# October to April: the heating season of a wood boiler.
HEATING_MONTHS = 0b1110_0000_1111
MARKER = "Chutes de chêne et de hêtre"
# Month-to-month variation of the quantity exchanged around the planned twelfth.
SHARES = [Decimal(s) for s in ("0.85", "1.05", "0.95", "1.15", "0.90")]


@dataclass(frozen=True)
class Declared:
    key: str
    slug: str
    direction: str
    code: str | None
    category: str
    title: str
    quantity: tuple[str, str]
    unit: str
    period: str
    price: str | None
    current_cost: str | None
    composition: str
    packaging: str
    status: str
    visibility: tuple[str, str, str, str]  # quantity, price, composition, site
    months: int = ALL_MONTHS


W, BP, P = RegulatoryStatus.WASTE, RegulatoryStatus.BY_PRODUCT, RegulatoryStatus.PRODUCT
DECLARATIONS = [
    Declared(
        "oak",
        "demo-002",
        OFFER,
        "03 01 05",
        "wood",
        MARKER,
        ("40", "55"),
        "t",
        "year",
        "0",
        "95",
        "Chêne et hêtre massifs, sans colle ni vernis, longueurs 20 à 80 cm.",
        Packaging.SKIP,
        BP,
        (COUNTERPART, COUNTERPART, PUBLIC, COUNTERPART),
    ),
    Declared(
        "solid-wood",
        "demo-001",
        DEMAND,
        None,
        "wood",
        "Bois massif pour petites séries",
        ("30", "45"),
        "t",
        "year",
        "60",
        "420",
        "Feuillus secs, sections ≥ 25 mm.",
        Packaging.PALLET,
        P,
        (COUNTERPART, COUNTERPART, PUBLIC, PUBLIC),
    ),
    Declared(
        "alu-chips",
        "demo-001",
        OFFER,
        "12 01 03",
        "metal",
        "Copeaux d'aluminium d'usinage",
        ("2.5", "3.5"),
        "t",
        "year",
        "850",
        "40",
        "Alliage 6060 et 6082, huile de coupe essorée, < 2 % d'humidité.",
        Packaging.BIG_BAG,
        W,
        (COUNTERPART, COUNTERPART, COUNTERPART, PUBLIC),
    ),
    Declared(
        "alu-foundry",
        "demo-005",
        DEMAND,
        "12 01 03",
        "metal",
        "Aluminium pour fonderie d'art",
        ("2", "4"),
        "t",
        "year",
        "900",
        "2400",
        "Alliages de corroyage acceptés, sans peinture.",
        Packaging.BIG_BAG,
        W,
        (COUNTERPART, COUNTERPART, PUBLIC, COUNTERPART),
    ),
    Declared(
        "coffee",
        "demo-004",
        OFFER,
        "20 01 08",
        "organic",
        "Marc de café de la cantine",
        ("300", "450"),
        "kg",
        "month",
        None,
        "0.12",
        "Marc frais, collecte quotidienne, sans filtres papier.",
        Packaging.CRATE,
        W,
        (PUBLIC, COUNTERPART, PUBLIC, COUNTERPART),
    ),
    Declared(
        "mushrooms",
        "demo-010",
        DEMAND,
        "20 01 08",
        "organic",
        "Substrat pour champignonnière urbaine",
        ("250", "600"),
        "kg",
        "month",
        "0",
        "0.35",
        "Marc de moins de 48 h, non mélangé.",
        Packaging.CRATE,
        W,
        (PUBLIC, COUNTERPART, PUBLIC, PUBLIC),
    ),
    Declared(
        "cardboard",
        "demo-006",
        OFFER,
        "15 01 01",
        "paper",
        "Cartons d'emballage propres",
        ("1.2", "1.8"),
        "t",
        "month",
        "0",
        "85",
        "Cartons ondulés simple et double cannelure, pliés à plat.",
        Packaging.PALLET,
        W,
        (COUNTERPART, COORDINATORS, PUBLIC, COUNTERPART),
    ),
    Declared(
        "packing",
        "demo-012",
        DEMAND,
        "15 01 01",
        "paper",
        "Calage carton pour expéditions",
        ("0.8", "1.5"),
        "t",
        "month",
        "20",
        "310",
        "Cartons secs, toutes tailles, pour broyeur de calage.",
        Packaging.PALLET,
        P,
        (COUNTERPART, COUNTERPART, PUBLIC, COUNTERPART),
    ),
    Declared(
        "steel-chips",
        "demo-007",
        OFFER,
        "12 01 01",
        "metal",
        "Chutes et tournures d'acier",
        ("12", "18"),
        "t",
        "year",
        "140",
        "10",
        "Acier S235 et S355, chutes de tôle ≥ 10 cm, tournures séparées.",
        Packaging.SKIP,
        W,
        (COUNTERPART, COUNTERPART, COUNTERPART, COUNTERPART),
    ),
    Declared(
        "ironwork",
        "demo-013",
        DEMAND,
        None,
        "metal",
        "Acier pour ferronnerie d'art",
        ("6", "10"),
        "t",
        "year",
        "200",
        "950",
        "Chutes de tôle et de fer plat.",
        Packaging.PALLET,
        P,
        (COUNTERPART, COUNTERPART, PUBLIC, PUBLIC),
    ),
    Declared(
        "textile",
        "demo-009",
        OFFER,
        "04 02 22",
        "textile",
        "Chutes de tissu d'ameublement",
        ("150", "250"),
        "kg",
        "month",
        "0",
        "0.18",
        "Coton et lin, coupes ≥ 30 × 30 cm, triées par couleur.",
        Packaging.BIG_BAG,
        W,
        (PUBLIC, COUNTERPART, PUBLIC, COUNTERPART),
    ),
    Declared(
        "stuffing",
        "demo-014",
        DEMAND,
        "04 02 22",
        "textile",
        "Tissus pour rembourrage et patchwork",
        ("100", "200"),
        "kg",
        "month",
        "0.5",
        "4.5",
        "Fibres naturelles de préférence.",
        Packaging.BIG_BAG,
        W,
        (PUBLIC, COUNTERPART, PUBLIC, COUNTERPART),
    ),
    Declared(
        "cullet",
        "demo-011",
        OFFER,
        "19 12 05",
        "glass",
        "Calcin de verre trié",
        ("60", "90"),
        "t",
        "year",
        "8",
        "65",
        "Verre plat et creux broyé 0–4 mm, sans céramique ni métal.",
        Packaging.SKIP,
        W,
        (COUNTERPART, COUNTERPART, COUNTERPART, COUNTERPART),
    ),
    Declared(
        "sand",
        "demo-015",
        DEMAND,
        None,
        "mineral",
        "Sable pour mortiers et drainage",
        ("50", "80"),
        "t",
        "year",
        "18",
        "32",
        "Granulométrie 0–4 mm.",
        Packaging.BULK,
        P,
        (COUNTERPART, COUNTERPART, PUBLIC, PUBLIC),
    ),
    Declared(
        "pp-burrs",
        "demo-016",
        OFFER,
        "12 01 05",
        "plastic",
        "Ébarbures de polypropylène",
        ("4", "6"),
        "t",
        "year",
        "120",
        "150",
        "PP homopolymère naturel, broyé 8 mm.",
        Packaging.BIG_BAG,
        W,
        (COUNTERPART, COUNTERPART, PUBLIC, COUNTERPART),
    ),
    Declared(
        "pp-regrind",
        "demo-017",
        DEMAND,
        "12 01 05",
        "plastic",
        "Broyé de PP pour injection",
        ("3", "5"),
        "t",
        "year",
        "300",
        "1300",
        "PP naturel ou noir, sans charge.",
        Packaging.BIG_BAG,
        W,
        (COUNTERPART, COUNTERPART, PUBLIC, COUNTERPART),
    ),
    Declared(
        "boiler",
        "demo-003",
        DEMAND,
        "03 01 05",
        "wood",
        "Bois pour chaudière à plaquettes",
        ("80", "120"),
        "t",
        "year",
        "35",
        "110",
        "Bois non traité, humidité < 30 %.",
        Packaging.BULK,
        P,
        (PUBLIC, COUNTERPART, PUBLIC, PUBLIC),
        HEATING_MONTHS,
    ),
    Declared(
        "pallets",
        "demo-018",
        OFFER,
        "15 01 03",
        "wood",
        "Palettes bois hors standard",
        ("150", "250"),
        "unit",
        "month",
        "1",
        "3",
        "Palettes 100 × 120 et formats hors norme, réparables.",
        Packaging.PALLET,
        W,
        (PUBLIC, PUBLIC, PUBLIC, COUNTERPART),
    ),
    Declared(
        "pp-film",
        "demo-019",
        OFFER,
        "15 01 02",
        "plastic",
        "Films et housses d'emballage PE",
        ("0.3", "0.5"),
        "t",
        "month",
        None,
        "140",
        "PE basse densité transparent, propre.",
        Packaging.BIG_BAG,
        W,
        (COUNTERPART, COUNTERPART, PUBLIC, COUNTERPART),
    ),
    Declared(
        "coffee-2",
        "demo-020",
        OFFER,
        "20 01 08",
        "organic",
        "Marc de café du bar",
        ("80", "120"),
        "kg",
        "week",
        None,
        None,
        "Collecte le vendredi.",
        Packaging.CRATE,
        W,
        (PUBLIC, PUBLIC, PUBLIC, COUNTERPART),
    ),
    Declared(
        "cardboard-need",
        "demo-021",
        DEMAND,
        "15 01 01",
        "paper",
        "Carton pour maquettes et prototypes",
        ("100", "200"),
        "kg",
        "month",
        "0",
        "1.9",
        "Carton double cannelure, grands formats.",
        Packaging.PALLET,
        P,
        (PUBLIC, COUNTERPART, PUBLIC, PUBLIC),
    ),
    Declared(
        "oil",
        "demo-023",
        OFFER,
        "20 01 25",
        "organic",
        "Huiles de friture usagées",
        ("200", "300"),
        "kg",
        "month",
        "0.3",
        "0.2",
        "Huile de tournesol filtrée, fûts de 60 L.",
        Packaging.DRUM,
        W,
        (COUNTERPART, COUNTERPART, PUBLIC, COUNTERPART),
    ),
]

# offer, demand, state, quantity per year (offer's unit), months of exchanges.
SYNERGIES = [
    ("oak", "solid-wood", SynergyState.RUNNING, "36", 12),
    ("alu-chips", "alu-foundry", SynergyState.PROPOSED, "3", 0),
    ("coffee", "mushrooms", SynergyState.DISCUSSING, "4200", 0),
    ("cardboard", "packing", SynergyState.AGREED, "14", 0),
    ("steel-chips", "ironwork", SynergyState.RUNNING, "8", 8),
    ("textile", "stuffing", SynergyState.ENDED, "1800", 6),
    ("cullet", "sand", SynergyState.PROPOSED, "60", 0),
    ("pp-burrs", "pp-regrind", SynergyState.DECLINED, "4", 0),
]


def _months_back(today: dt.date, count: int, skip: int = 1) -> list[dt.date]:
    """`count` first days of month, oldest first, ending `skip` months before this one."""
    first = today.replace(day=1)
    months = []
    for back in range(skip, skip + count):
        year, month = divmod(first.year * 12 + first.month - 1 - back, 12)
        months.append(dt.date(year, month + 1, 1))
    return sorted(months)


def load_resources_demo() -> int:
    """Create the demo declarations and synergies unless they exist; how many declarations."""
    if ResourceDeclaration.objects.filter(organisation__slug="demo-002", title=MARKER).exists():
        return 0
    organisations = {
        o.slug: o
        for o in Organisation.objects.filter(
            slug__in={d.slug for d in DECLARATIONS}
        ).prefetch_related("sites")
    }
    codes = {c.code: c for c in WasteCode.objects.filter(code__in={d.code for d in DECLARATIONS})}
    made: dict[str, ResourceDeclaration] = {}
    for d in DECLARATIONS:
        organisation = organisations.get(d.slug)
        site = organisation.sites.first() if organisation is not None else None
        if organisation is None or site is None:
            continue
        quantity, price, composition, site_visibility = d.visibility
        declaration = ResourceDeclaration(
            organisation=organisation,
            site=site,
            direction=d.direction,
            waste_code=codes[d.code] if d.code else None,
            category=d.category,
            title=d.title,
            quantity_min=Decimal(d.quantity[0]),
            quantity_max=Decimal(d.quantity[1]),
            unit=d.unit,
            period=d.period,
            months=d.months,
            composition=d.composition,
            packaging=d.packaging,
            regulatory_status=d.status,
            price=Decimal(d.price) if d.price is not None else None,
            current_cost=Decimal(d.current_cost) if d.current_cost is not None else None,
            quantity_visibility=quantity,
            price_visibility=price,
            composition_visibility=composition,
            site_visibility=site_visibility,
        )
        declaration.full_clean()
        declaration.save()
        made[d.key] = declaration
    _synergies(made, timezone.now())
    return len(made)


def _synergies(made: dict[str, ResourceDeclaration], now: dt.datetime) -> None:
    today = timezone.localdate(now)
    for index, (offer, demand, state, quantity, months) in enumerate(SYNERGIES):
        if offer not in made or demand not in made:
            continue
        proposed = now - dt.timedelta(days=30 * max(months, 1) + 45 + index)
        # The estimate a proposal makes, from the demo sites and figures: never typed in.
        with translation.override("fr"):
            pair = explain_pair(made[offer], made[demand], quantity_per_year=float(quantity))
        synergy = Synergy(
            offer=made[offer],
            demand=made[demand],
            state=state,
            quantity_per_year=Decimal(quantity),
            unit=made[offer].unit,
            **pair.synergy_fields(),
        )
        revealed = state in (SynergyState.AGREED, SynergyState.RUNNING, SynergyState.ENDED)
        if revealed:
            synergy.offer_accepted_at = proposed + dt.timedelta(days=10)
            synergy.demand_accepted_at = proposed + dt.timedelta(days=12)
            synergy.agreed_at = synergy.demand_accepted_at
        elif state == SynergyState.PROPOSED and offer == "alu-chips":
            # The foundry said yes: demo-001 (admin-atelier) has to answer.
            synergy.demand_accepted_at = proposed + dt.timedelta(days=3)
        if state in (SynergyState.RUNNING, SynergyState.ENDED):
            synergy.started_at = proposed + dt.timedelta(days=20)
        if state in (SynergyState.ENDED, SynergyState.DECLINED):
            synergy.ended_at = now - dt.timedelta(days=20)
            synergy.note = (
                "Fin de la série d'ameublement."
                if state == SynergyState.ENDED
                else "Taux d'humidité trop élevé pour notre presse."
            )
        synergy.full_clean()
        synergy.save()
        Synergy.objects.filter(pk=synergy.pk).update(created_at=proposed)
        if months:
            monthly = Decimal(quantity) / 12
            skip = 2 if state == SynergyState.ENDED else 1
            SynergyExchange.objects.bulk_create(
                SynergyExchange(
                    synergy=synergy,
                    month=month,
                    quantity=(monthly * Decimal(str(0.8 + 0.05 * (i % 5)))).quantize(
                        Decimal("0.001")
                    ),
                )
                for i, month in enumerate(_months_back(today, months, skip))
            )
