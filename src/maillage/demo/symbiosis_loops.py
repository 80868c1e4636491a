"""The demo deposit-return loop: 35 shops around Marseille, 15 000 bottles in its first year.

A cooperation hub of the demo territory (demo-076, a cooperation network) runs the loop; a
washing centre in the north of Marseille, four producers (beer, juice, lemonade, wine) and 35
shops: 34 small shops made for the demo and the shop counter of demo-001, so that the demo
accounts of demo-001 have a stock to report. Fictitious names, real communes and coordinates.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from maillage.directory.actions import organisations as organisation_actions
from maillage.directory.actions import sites as site_actions
from maillage.directory.models import Organisation, OrganisationKind, User
from maillage.symbiosis.actions import loops as actions
from maillage.symbiosis.models import ContainerLoop, LoopMember, LoopMonth, LoopRole, StockReport

SLUG = "consigne-marseille"
HUB = "demo-076"
FIRST_SHOP = "demo-001"
BOTTLES_A_YEAR = 15_000

# (slug, name, kind, commune, postal code, latitude, longitude)
WASHER = (
    "demo-consigne-lavage",
    "Lavage Provence Réemploi (démo)",
    OrganisationKind.SME,
    "Marseille 15e Arrondissement",
    "13015",
    43.3569,
    5.3611,
)
PRODUCERS = [
    (
        "demo-consigne-brasserie",
        "Brasserie de la Plaine (démo)",
        "Marseille 5e Arrondissement",
        "13005",
        43.2935,
        5.3885,
    ),
    ("demo-consigne-jus", "Jus de l'Huveaune (démo)", "Roquevaire", "13360", 43.3497, 5.6032),
    (
        "demo-consigne-limonade",
        "Limonaderie du Vieux-Port (démo)",
        "Marseille 2e Arrondissement",
        "13002",
        43.3120,
        5.3668,
    ),
    ("demo-consigne-domaine", "Domaine des Calanques (démo)", "Cassis", "13260", 43.2187, 5.5460),
]
# The 34 shops made for the demo; demo-001's counter is the 35th.
SHOPS = [
    ("Épicerie du Panier", "Marseille 2e Arrondissement", "13002", 43.2990, 5.3680),
    ("Cave de Noailles", "Marseille 1er Arrondissement", "13001", 43.2960, 5.3800),
    ("Vrac des Réformés", "Marseille 1er Arrondissement", "13001", 43.3000, 5.3850),
    ("Comptoir de la Belle de Mai", "Marseille 3e Arrondissement", "13003", 43.3115, 5.3865),
    ("Épicerie des Chartreux", "Marseille 4e Arrondissement", "13004", 43.3100, 5.4020),
    ("Les Cinq-Avenues en vrac", "Marseille 4e Arrondissement", "13004", 43.3050, 5.3990),
    ("Cave de la Plaine", "Marseille 5e Arrondissement", "13005", 43.2945, 5.3900),
    ("Épicerie de Castellane", "Marseille 6e Arrondissement", "13006", 43.2860, 5.3840),
    ("Le Garde-Manger d'Endoume", "Marseille 7e Arrondissement", "13007", 43.2830, 5.3560),
    ("Épicerie de la Corniche", "Marseille 7e Arrondissement", "13007", 43.2790, 5.3520),
    ("Cave de Périer", "Marseille 8e Arrondissement", "13008", 43.2740, 5.3840),
    ("Vrac de la Pointe-Rouge", "Marseille 8e Arrondissement", "13008", 43.2440, 5.3730),
    ("Épicerie de Mazargues", "Marseille 9e Arrondissement", "13009", 43.2490, 5.4040),
    ("Primeur de Sainte-Marguerite", "Marseille 9e Arrondissement", "13009", 43.2600, 5.4080),
    ("Comptoir de la Capelette", "Marseille 10e Arrondissement", "13010", 43.2830, 5.4080),
    ("Épicerie de Saint-Marcel", "Marseille 11e Arrondissement", "13011", 43.2880, 5.4640),
    ("Cave des Caillols", "Marseille 12e Arrondissement", "13012", 43.3010, 5.4470),
    ("Vrac de Saint-Just", "Marseille 13e Arrondissement", "13013", 43.3250, 5.4070),
    ("Épicerie de Château-Gombert", "Marseille 13e Arrondissement", "13013", 43.3590, 5.4420),
    ("Comptoir de Saint-Barthélemy", "Marseille 14e Arrondissement", "13014", 43.3330, 5.3990),
    ("Épicerie de l'Estaque", "Marseille 16e Arrondissement", "13016", 43.3620, 5.3150),
    ("La Cave d'Aubagne", "Aubagne", "13400", 43.2927, 5.5708),
    ("Épicerie du port de La Ciotat", "La Ciotat", "13600", 43.1748, 5.6046),
    ("Vrac de Cassis", "Cassis", "13260", 43.2148, 5.5396),
    ("Épicerie d'Allauch", "Allauch", "13190", 43.3361, 5.4822),
    ("Comptoir de Plan-de-Cuques", "Plan-de-Cuques", "13380", 43.3470, 5.4640),
    ("Épicerie de Septèmes", "Septèmes-les-Vallons", "13240", 43.3986, 5.3656),
    ("Cave des Pennes", "Les Pennes-Mirabeau", "13170", 43.4100, 5.3100),
    ("Épicerie de Gémenos", "Gémenos", "13420", 43.2953, 5.6283),
    ("Vrac de Gardanne", "Gardanne", "13120", 43.4547, 5.4692),
    ("Épicerie du cours Mirabeau", "Aix-en-Provence", "13100", 43.5263, 5.4454),
    ("Comptoir de Vitrolles", "Vitrolles", "13127", 43.4600, 5.2486),
    ("Épicerie de Bouc-Bel-Air", "Bouc-Bel-Air", "13320", 43.4522, 5.4150),
    ("Cave de Carnoux", "Carnoux-en-Provence", "13470", 43.2575, 5.5653),
]
FIRST_SHOP_SITE = (
    "Comptoir de l'atelier (démo)",
    "Marseille 6e Arrondissement",
    "13006",
    43.2905,
    5.3790,
)


def _organisation(
    coordinator: User,
    slug: str,
    name: str,
    kind: str,
    commune: str,
    postal: str,
    lat: float,
    lon: float,
) -> Organisation:
    found = Organisation.objects.filter(slug=slug).first()
    if found is not None:
        return found
    organisation = organisation_actions.create_organisation(
        coordinator,
        organisation_actions.OrganisationInput(
            name=name,
            kind=kind,
            description="Organisation fictive de démonstration, membre de la boucle de consigne. "
            "Aucune donnée réelle.",
        ),
        [
            site_actions.SiteInput(
                name=name, commune=commune, postal_code=postal, latitude=lat, longitude=lon
            )
        ],
    )
    Organisation.objects.filter(pk=organisation.pk).update(slug=slug)
    organisation.slug = slug
    return organisation


def _months(today: dt.date) -> list[dt.date]:
    """The twelve months before the current one, oldest first."""
    first = today.replace(day=1)
    months = []
    for back in range(12, 0, -1):
        year, month = first.year, first.month - back
        while month < 1:
            year, month = year - 1, month + 12
        months.append(dt.date(year, month, 1))
    return months


def _first_year(loop: ContainerLoop, rng: random.Random) -> None:
    """15 000 bottles over the first year, the return rate rising from 55 % to 90 %."""
    weights = [0.55 + 0.08 * i for i in range(12)]
    filled = [round(BOTTLES_A_YEAR * w / sum(weights)) for w in weights]
    filled[-1] += BOTTLES_A_YEAR - sum(filled)
    rows = []
    for i, month in enumerate(_months(timezone.localdate())):
        sold = round(filled[i] * rng.uniform(0.93, 0.98))
        returned = round(sold * (0.55 + 0.35 * i / 11))
        broken = round(returned * rng.uniform(0.02, 0.04))
        rows.append(
            LoopMonth(
                loop=loop,
                month=month,
                filled=filled[i],
                sold=sold,
                returned=returned,
                broken=broken,
            )
        )
    LoopMonth.objects.bulk_create(rows)


def load_loops_demo() -> int:
    """Create the demo loop when it is missing; how many loops were made (0 or 1)."""
    if ContainerLoop.objects.filter(slug=SLUG).exists():
        return 0
    coordinator = User.objects.get(username="coordination")
    hub = Organisation.objects.get(slug=HUB)
    loop = ContainerLoop.objects.create(
        name="Consigne marseillaise",
        slug=SLUG,
        organisation=hub,
        description=(
            "Boucle de consigne des bouteilles en verre de 75 cl, portée par le pôle de "
            "coopération : un centre de lavage, des producteurs qui remplissent, des commerces "
            "qui vendent et reprennent les vides. Démonstration, données fictives."
        ),
        container="Bouteille en verre 75 cl",
        container_mass_g=450,
        single_use_mass_g=400,
        crate_size=12,
        van_capacity_crates=40,
        deposit_eur="0.50",
        containers_in_circulation=4500,
    )
    start = _months(timezone.localdate())[0]
    members = [
        LoopMember(
            loop=loop,
            organisation=org,
            site=org.sites.first(),
            role=role,
            joined_on=start,
        )
        for org, role in [
            (_organisation(coordinator, *WASHER), LoopRole.WASHER),
            *(
                (
                    _organisation(
                        coordinator, slug, name, OrganisationKind.SME, commune, postal, lat, lon
                    ),
                    LoopRole.PRODUCER,
                )
                for slug, name, commune, postal, lat, lon in PRODUCERS
            ),
            *(
                (
                    _organisation(
                        coordinator,
                        f"demo-consigne-{n:02d}",
                        f"{name} (démo)",
                        OrganisationKind.SME,
                        commune,
                        postal,
                        lat,
                        lon,
                    ),
                    LoopRole.SHOP,
                )
                for n, (name, commune, postal, lat, lon) in enumerate(SHOPS, start=1)
            ),
        ]
    ]
    first = Organisation.objects.get(slug=FIRST_SHOP)
    label, commune, postal, lat, lon = FIRST_SHOP_SITE
    counter = first.sites.filter(name=label).first() or site_actions.add_site(
        coordinator,
        first,
        site_actions.SiteInput(
            name=label, commune=commune, postal_code=postal, latitude=lat, longitude=lon
        ),
    )
    members.append(
        LoopMember(loop=loop, organisation=first, site=counter, role=LoopRole.SHOP, joined_on=start)
    )
    LoopMember.objects.bulk_create(members)
    rng = random.Random(2026)
    _first_year(loop, rng)
    shops = LoopMember.objects.filter(loop=loop, role=LoopRole.SHOP).order_by("pk")
    StockReport.objects.bulk_create(
        StockReport(
            member=shop,
            # A week of a loop of 15 000 bottles a year: about one crate each way per shop.
            empty_crates=rng.choice([0, 1, 1, 1, 2, 2]),
            full_crates_wanted=rng.choice([0, 1, 1, 2]),
            reported_by=coordinator,
        )
        for shop in shops
    )
    actions.plan_round(coordinator, loop, timezone.localdate(), time_limit_s=1.0)
    return 1
