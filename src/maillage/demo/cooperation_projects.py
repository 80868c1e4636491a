"""The demo portfolio: six collective projects of the Pôle territorial Maillage Sud.

Leads and partners are demo organisations (demo-001 leads the shared waterjet, so the demo
accounts of demo-001 can edit it); needs point at demo machines and processes; communes of the
Bouches-du-Rhône, Vaucluse, Var and Alpes. The funding demo attaches to these slugs.
Needs the directory and equipment demos first; idempotent (a project already there is kept).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction

from maillage.cooperation.models import (
    Milestone,
    NeedKind,
    Network,
    Project,
    ProjectNeed,
    ProjectPartner,
)
from maillage.core.text import fold
from maillage.directory.models import Commune, Organisation, User
from maillage.equipment.models import Machine, Process

NETWORK_SLUG = "pole-maillage-sud"
NETWORK_NAME = "Pôle territorial de coopération économique Maillage Sud"

# need: (kind, label, process code, machine's process code, quantity, met)
PROJECTS: list[dict[str, Any]] = [
    {
        "slug": "decoupe-jet-eau-partagee",
        "title": "Une découpe jet d'eau partagée pour le bassin marseillais",
        "summary": (
            "Huit entreprises du bassin sous-traitent leurs découpes jet d'eau à Lyon ou à "
            "Toulouse faute de machine proche. Le projet acquiert une découpe jet d'eau "
            "abrasive de 3 m × 2 m installée chez le porteur et réservable par tous les membres "
            "du pôle, avec un opérateur formé et un tarif membre."
        ),
        "lead": "demo-001",
        "partners": [
            ("demo-002", "Utilisateur principal, tôlerie fine"),
            ("demo-023", "Prototypage et formation des makers"),
            ("demo-051", "Assistance à maîtrise d'ouvrage technique"),
        ],
        "theme": "pooling",
        "stage": "funded",
        "budget": "185000",
        "commune": ("Marseille 14e Arrondissement", "13"),
        "needs": [
            ("process", "Découpe jet d'eau abrasive 3 m × 2 m", "3.3.6.1", None, "400", False),
            (
                "machine",
                "Découpe plasma pour les pièces épaisses en attendant",
                None,
                "3.4.1.3",
                "60",
                True,
            ),
            ("skill", "Opérateur jet d'eau formé (0,5 ETP)", None, None, None, False),
            ("resource", "Local de 80 m² avec arrivée d'eau et évacuation", None, None, None, True),
        ],
        "milestones": [
            ("Étude des besoins des huit entreprises", -300, -280),
            ("Plan de financement bouclé", -90, -75),
            ("Commande de la machine", 30, None),
            ("Mise en service et premières réservations", 150, None),
        ],
    },
    {
        "slug": "retrofit-tours-commande-numerique",
        "title": "Rétrofit de tours conventionnels en commande numérique",
        "summary": (
            "Des tours conventionnels en bon état dorment dans les ateliers du territoire. Le "
            "projet étudie leur passage en commande numérique (moteurs, codeurs, directeur de "
            "commande libre) pour une fraction du prix d'un tour neuf."
        ),
        "lead": "demo-051",
        "partners": [
            ("demo-003", "Fournit deux tours à rétrofiter"),
            ("demo-041", "Récupération et remise en état mécanique"),
            ("demo-061", "Formation des opérateurs"),
        ],
        "theme": "retrofit",
        "stage": "study",
        "budget": "64000",
        "commune": ("Avignon", "84"),
        "needs": [
            ("machine", "Tour conventionnel à rétrofiter", None, "3.2.1", "2", False),
            ("process", "Tournage CN pour valider les pièces d'essai", "3.2.1", None, "40", False),
            ("skill", "Automaticien (commande numérique libre)", None, None, None, False),
        ],
        "milestones": [
            ("Inventaire des tours disponibles", -60, -40),
            ("Choix de la commande numérique", 45, None),
            ("Premier tour rétrofité", 200, None),
        ],
    },
    {
        "slug": "pasteurisateur-low-tech",
        "title": "Pasteurisateur low-tech pour les conserveries paysannes",
        "summary": (
            "Un pasteurisateur en inox récupéré, chauffé au bois ou au solaire, conçu en plans "
            "ouverts et fabriqué localement pour les petites conserveries de la Haute-Provence."
        ),
        "lead": "demo-024",
        "partners": [
            ("demo-056", "Essais de barèmes de pasteurisation"),
            ("demo-004", "Chaudronnerie inox"),
        ],
        "theme": "innovate",
        "stage": "running",
        "budget": "38500",
        "commune": ("Manosque", "04"),
        "needs": [
            ("machine", "Pasteurisateur de référence pour les essais", None, "FOOD.4", "24", True),
            ("process", "Soudage TIG de l'inox", "4.6.2.1.3", None, "35", False),
            ("resource", "Inox 304 de récupération (120 kg)", None, None, "120", False),
        ],
        "milestones": [
            ("Plans du prototype", -200, -190),
            ("Prototype assemblé", -30, -20),
            ("Essais chez trois conserveries", 60, None),
        ],
    },
    {
        "slug": "hotel-entreprises-low-tech",
        "title": "Un hôtel d'entreprises low-tech à Aubagne",
        "summary": (
            "Réhabiliter une friche industrielle en hôtel d'entreprises : ateliers partagés, "
            "machines mutualisées et baux courts pour les jeunes entreprises de la réparation "
            "et de la fabrication locale."
        ),
        "lead": "demo-071",
        "partners": [
            ("demo-076", "Animation du futur lieu"),
            ("demo-033", "Atelier partagé résident"),
        ],
        "theme": "attract",
        "stage": "idea",
        "budget": "1200000",
        "commune": ("Aubagne", "13"),
        "needs": [
            ("resource", "Bâtiment d'environ 2 000 m²", None, None, None, False),
            ("skill", "Programmiste et architecte du réemploi", None, None, None, False),
        ],
        "milestones": [("Repérage des friches disponibles", 90, None)],
    },
    {
        "slug": "ecole-reparation-industrielle",
        "title": "École de la réparation industrielle",
        "summary": (
            "Une formation qualifiante de douze mois à la maintenance et à la réparation des "
            "machines, en alternance dans les ateliers des membres du pôle."
        ),
        "lead": "demo-062",
        "partners": [
            ("demo-042", "Plateau de réparation"),
            ("demo-052", "Référentiel de compétences"),
            ("demo-001", "Accueil d'alternants"),
        ],
        "theme": "recruit",
        "stage": "running",
        "budget": "240000",
        "commune": ("La Seyne-sur-Mer", "83"),
        "needs": [
            ("machine", "Établi de diagnostic et de réparation", None, "REP.1", "12", True),
            ("skill", "Formateurs en maintenance (3)", None, None, "3", False),
            ("resource", "Machines en panne pour les travaux pratiques", None, None, "20", False),
        ],
        "milestones": [
            ("Habilitation de la formation", -250, -230),
            ("Première promotion (12 apprenants)", -120, -115),
            ("Bilan de la première année", 120, None),
        ],
    },
    {
        "slug": "guichet-unique-mutualisation",
        "title": "Guichet unique de la mutualisation des machines",
        "summary": (
            "Un seul point d'entrée pour trouver, réserver et payer une machine d'un membre, "
            "avec des conventions types, une assurance commune et un tarif membre harmonisé."
        ),
        "lead": "demo-076",
        "partners": [
            ("demo-067", "Relais auprès des industriels"),
            ("demo-072", "Cadre juridique et conventions"),
        ],
        "theme": "simplify",
        "stage": "study",
        "budget": "48000",
        "commune": ("Aix-en-Provence", "13"),
        "needs": [
            ("skill", "Animateur ou animatrice du guichet", None, None, None, False),
            ("resource", "Convention type de mise à disposition", None, None, None, True),
        ],
        "milestones": [
            ("Enquête auprès des membres", -45, -30),
            ("Conventions types validées", 75, None),
        ],
    },
]


def _machine(code: str, around: list[Organisation]) -> Machine | None:
    """A demo machine of that process, among the project's organisations first."""
    machines = Machine.objects.filter(processes__code=code).order_by("pk")
    return machines.filter(organisation__in=around).first() or machines.first()


def _network() -> Network:
    network, _created = Network.objects.get_or_create(
        slug=NETWORK_SLUG, defaults={"name": NETWORK_NAME}
    )
    return network


def load_cooperation_projects_demo() -> int:
    """Create the six demo projects that are missing; return how many were made."""
    network = _network()
    creator = User.objects.filter(username="coordination").first()
    today = dt.date.today()
    created = 0
    for data in PROJECTS:
        if Project.objects.filter(slug=data["slug"]).exists():
            continue
        with transaction.atomic():
            _project(network, creator, data, today)
        created += 1
    return created


def _project(network: Network, creator: User | None, data: dict[str, Any], today: dt.date) -> None:
    lead = Organisation.objects.get(slug=data["lead"])
    name, department = data["commune"]
    commune = Commune.objects.filter(name_folded=fold(name), department_id=department).first()
    project = Project.objects.create(
        network=network,
        slug=data["slug"],
        title=data["title"],
        summary=data["summary"],
        lead=lead,
        theme=data["theme"],
        stage=data["stage"],
        budget=Decimal(data["budget"]),
        commune=commune,
        created_by=creator,
    )
    around = [lead]
    for slug, role in data["partners"]:
        partner = Organisation.objects.get(slug=slug)
        ProjectPartner.objects.create(project=project, organisation=partner, role=role)
        around.append(partner)
    for kind, label, process_code, machine_code, quantity, met in data["needs"]:
        machine = _machine(machine_code, around) if machine_code else None
        process = Process.objects.filter(code=process_code or machine_code or "").first()
        ProjectNeed.objects.create(
            project=project,
            # Without the equipment demo, a machine need is still a need of its process.
            kind=kind if machine is not None or kind != NeedKind.MACHINE else NeedKind.PROCESS,
            label=label,
            machine=machine,
            process=process,
            quantity=Decimal(quantity) if quantity else None,
            is_met=met,
        )
    for position, (title, due, done) in enumerate(data["milestones"], start=1):
        Milestone.objects.create(
            project=project,
            title=title,
            due_on=today + dt.timedelta(days=due),
            done_on=today + dt.timedelta(days=done) if done is not None else None,
            position=position,
        )
