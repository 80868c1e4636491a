"""The demo directory: a fictitious territory around Aix-Marseille-Provence, an account per role."""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.utils import timezone

from maillage.core.text import fold
from maillage.directory.actions import organisations as organisation_actions
from maillage.directory.actions import people as people_actions
from maillage.directory.actions import sites as site_actions
from maillage.directory.models import (
    Commune,
    FieldOfAction,
    Membership,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    Role,
    User,
)

# (commune name, department code): real communes, AMP first, then the rest of the region.
COMMUNES = [
    ("Marseille 1er Arrondissement", "13"),
    ("Marseille 2e Arrondissement", "13"),
    ("Marseille 3e Arrondissement", "13"),
    ("Marseille 10e Arrondissement", "13"),
    ("Marseille 14e Arrondissement", "13"),
    ("Marseille 15e Arrondissement", "13"),
    ("Marseille 11e Arrondissement", "13"),
    ("Aix-en-Provence", "13"),
    ("Aubagne", "13"),
    ("La Ciotat", "13"),
    ("Martigues", "13"),
    ("Vitrolles", "13"),
    ("Marignane", "13"),
    ("Istres", "13"),
    ("Salon-de-Provence", "13"),
    ("Gardanne", "13"),
    ("Fos-sur-Mer", "13"),
    ("Miramas", "13"),
    ("Gémenos", "13"),
    ("Rousset", "13"),
    ("Trets", "13"),
    ("Berre-l'Étang", "13"),
    ("Les Pennes-Mirabeau", "13"),
    ("Pertuis", "84"),
    ("Arles", "13"),
    ("Toulon", "83"),
    ("La Seyne-sur-Mer", "83"),
    ("Hyères", "83"),
    ("Brignoles", "83"),
    ("Draguignan", "83"),
    ("Fréjus", "83"),
    ("Nice", "06"),
    ("Cannes", "06"),
    ("Grasse", "06"),
    ("Antibes", "06"),
    ("Avignon", "84"),
    ("Carpentras", "84"),
    ("Cavaillon", "84"),
    ("Apt", "84"),
    ("Manosque", "04"),
    ("Digne-les-Bains", "04"),
    ("Forcalquier", "04"),
    ("Sisteron", "04"),
    ("Gap", "05"),
    ("Briançon", "05"),
]

FIRST = [
    "Atelier",
    "Forge",
    "Fabrique",
    "Manufacture",
    "Chaudronnerie",
    "Menuiserie",
    "Ressourcerie",
    "Labo",
    "Coopérative",
    "Tôlerie",
    "Garage",
    "Comptoir",
    "Ruche",
    "Boussole",
    "Établi",
]
SECOND = [
    "des Trois Cigales",
    "du Vallon Bleu",
    "de la Calanque Rousse",
    "du Mistral Doux",
    "des Oliviers Tordus",
    "de la Roue Libre",
    "du Port Imaginaire",
    "des Garrigues",
    "de l'Étang Salé",
    "du Pic Vert",
    "des Lavandes",
    "de la Colline Creuse",
    "du Four Banal",
    "des Ferrailleurs Joyeux",
    "de la Bastide Neuve",
    "du Phare Éteint",
]

STREET_NAMES = ["des Artisans", "de l’Industrie", "du Moulin", "des Forges", "de la Gare"]

KIND_PLAN = [
    (OrganisationKind.SME, 22),
    (OrganisationKind.FABLAB, 10),
    (OrganisationKind.COLLECTIVE_WORKSHOP, 8),
    (OrganisationKind.REUSE_REPAIR, 10),
    (OrganisationKind.TECHNICAL_CENTRE, 5),
    (OrganisationKind.RESEARCH_LAB, 5),
    (OrganisationKind.TRAINING_BODY, 6),
    (OrganisationKind.CLUSTER, 4),
    (OrganisationKind.PUBLIC_BODY, 5),
    (OrganisationKind.COOPERATION_NETWORK, 5),
]

NAF_BY_KIND = {
    OrganisationKind.SME: ["25.62A", "25.62B", "25.11Z", "16.23Z", "33.12Z", "28.30Z", "10.39B"],
    OrganisationKind.REUSE_REPAIR: ["38.32Z", "95.29Z", "47.79Z"],
    OrganisationKind.TECHNICAL_CENTRE: ["71.20B"],
    OrganisationKind.RESEARCH_LAB: ["72.19Z"],
    OrganisationKind.TRAINING_BODY: ["85.59A"],
    OrganisationKind.PUBLIC_BODY: ["84.11Z"],
}

ACTIVITIES = {
    OrganisationKind.SME: "usinage, chaudronnerie et maintenance de machines agricoles",
    OrganisationKind.FABLAB: "impression 3D, découpe laser et fraisage numérique ouverts à tous",
    OrganisationKind.COLLECTIVE_WORKSHOP: "ateliers partagés bois et métal pour artisans et makers",
    OrganisationKind.REUSE_REPAIR: "collecte, réparation et revente d'objets et de vélos",
    OrganisationKind.TECHNICAL_CENTRE: "essais, mesure et accompagnement technique des PME",
    OrganisationKind.RESEARCH_LAB: "recherche sur les procédés sobres et le réemploi",
    OrganisationKind.TRAINING_BODY: "formations aux métiers de la fabrication et de la réparation",
    OrganisationKind.CLUSTER: "animation d'une filière industrielle locale",
    OrganisationKind.PUBLIC_BODY: "développement économique et foncier productif",
    OrganisationKind.COOPERATION_NETWORK: "coopération entre acteurs de l'économie circulaire",
}


@dataclass
class DemoSite:
    commune: str
    department: str
    address: str
    latitude_offset: float
    longitude_offset: float


@dataclass
class DemoOrganisation:
    slug: str
    name: str
    kind: str
    description: str
    fields: list[str]
    naf_code: str
    sites: list[DemoSite]
    validated: bool


def demo_organisations(seed: int = 2026) -> list[DemoOrganisation]:
    """About 80 fictitious organisations of every kind and field, always the same ones."""
    rng = random.Random(seed)
    names = [f"{a} {b}" for a in FIRST for b in SECOND]
    rng.shuffle(names)
    all_fields = list(FieldOfAction.values)
    result = []
    index = 0
    for kind, count in KIND_PLAN:
        for _ in range(count):
            name = f"{names[index]} (démo)"
            # The first sites all sit in Aix-Marseille-Provence; a third elsewhere in the region.
            communes = COMMUNES[:24] if rng.random() < 0.68 else COMMUNES[24:]
            n_sites = 1 if rng.random() < 0.8 else 2
            sites = []
            for s in range(n_sites):
                commune, dept = rng.choice(communes)
                street = rng.choice(["rue", "avenue", "chemin", "boulevard"])
                street_name = rng.choice(STREET_NAMES)
                sites.append(
                    DemoSite(
                        commune=commune,
                        department=dept,
                        address=f"{rng.randint(1, 180)} {street} {street_name}",
                        latitude_offset=rng.uniform(-0.012, 0.012),
                        longitude_offset=rng.uniform(-0.015, 0.015) + s * 0.002,
                    )
                )
            fields = sorted(set(rng.sample(all_fields, rng.randint(1, 3))))
            # Every field appears at least once.
            fields = sorted(set(fields) | {all_fields[index % len(all_fields)]})
            result.append(
                DemoOrganisation(
                    slug=f"demo-{index + 1:03d}",
                    name=name,
                    kind=str(kind),
                    description=(
                        f"Organisation fictive de démonstration : {ACTIVITIES[kind]}. "
                        "Aucune donnée réelle."
                    ),
                    fields=fields,
                    naf_code=rng.choice(NAF_BY_KIND.get(kind, [""])),
                    sites=sites,
                    # A few stay pending, so that the moderation queue has work.
                    validated=index % 19 != 7,
                )
            )
            index += 1
    return result


PASSWORD = "maillage-demo"
ACCOUNTS = [
    # username, first name, role description
    ("coordination", "Camille", "network coordinator"),
    ("admin-atelier", "Alex", "organisation admin"),
    ("hote-atelier", "Morgan", "host of the organisation's machines"),
    ("formateur-atelier", "Lou", "trainer of the organisation"),
    ("membre-atelier", "Sacha", "organisation member"),
    ("visiteur", "Dominique", "visitor"),
]


def load_directory_demo() -> int:
    """Create what is missing of the demo directory; return how many organisations were made."""
    users = _accounts()
    created = _organisations(users["coordination"])
    first = Organisation.objects.get(slug="demo-001")
    Membership.objects.get_or_create(
        user=users["admin-atelier"], organisation=first, defaults={"role": Role.ADMIN}
    )
    Membership.objects.get_or_create(
        user=users["membre-atelier"], organisation=first, defaults={"role": Role.MEMBER}
    )
    Membership.objects.get_or_create(
        user=users["hote-atelier"], organisation=first, defaults={"role": Role.HOST}
    )
    Membership.objects.get_or_create(
        user=users["formateur-atelier"], organisation=first, defaults={"role": Role.TRAINER}
    )
    return created


def _accounts() -> dict[str, User]:
    users = {}
    for username, first_name, _role in ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first_name, "email": f"{username}@demo.maillage.invalid"},
        )
        if created:
            user.set_password(PASSWORD)
            user.save()
        users[username] = user
    people_actions.grant_coordinator(users["coordination"])
    return users


def _organisations(coordinator: User) -> int:
    created = 0
    for demo in demo_organisations():
        if Organisation.objects.filter(slug=demo.slug).exists():
            continue
        sites = []
        for s in demo.sites:
            commune = Commune.objects.get(name_folded=fold(s.commune), department_id=s.department)
            sites.append(
                site_actions.SiteInput(
                    address=s.address,
                    postal_code=commune.postal_code_list()[0] if commune.postal_codes else "",
                    commune=commune.name,
                    latitude=commune.latitude + s.latitude_offset,
                    longitude=commune.longitude + s.longitude_offset,
                )
            )
        organisation = organisation_actions.create_organisation(
            coordinator,
            organisation_actions.OrganisationInput(
                name=demo.name,
                kind=demo.kind,
                description=demo.description,
                naf_code=demo.naf_code,
                fields=demo.fields,
            ),
            sites,
        )
        # Stable slugs keep the demo idempotent and its URLs predictable.
        Organisation.objects.filter(pk=organisation.pk).update(
            slug=demo.slug,
            status=OrganisationStatus.VALIDATED if demo.validated else OrganisationStatus.PENDING,
            moderated_at=timezone.now() if demo.validated else None,
        )
        created += 1
    return created
