"""The demo network and its governance: the « Pôle territorial de coopération économique
Maillage Sud », its four weighted colleges, members taken from the demo organisations, a board
and a general assembly, statutes and minutes, two closed decisions and an open one, and
upcoming events. Fictitious people and votes; real communes of Provence-Alpes-Côte d'Azur.

Needs the demo directory first (`load_directory_demo`: organisations and accounts).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from maillage.cooperation.actions import decisions as decision_actions
from maillage.cooperation.models import (
    Body,
    BodyKind,
    BodySeat,
    College,
    CollegeKind,
    Decision,
    DecisionRule,
    DecisionState,
    Document,
    DocumentKind,
    Event,
    Network,
    NetworkMember,
    SeatRole,
    Vote,
)
from maillage.core.dates import PARIS, local_today
from maillage.directory.models import (
    Commune,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    User,
)

SLUG = "pole-maillage-sud"
NAME = "Pôle territorial de coopération économique Maillage Sud"

# college: (weight %, annual fee €, organisation kinds, how many members)
COLLEGES = {
    CollegeKind.COMPANIES: ("40", "300", [OrganisationKind.SME], 8),
    CollegeKind.THIRD_PLACES: (
        "30",
        "150",
        [OrganisationKind.FABLAB, OrganisationKind.COLLECTIVE_WORKSHOP],
        7,
    ),
    CollegeKind.PUBLIC_BODIES: (
        "15",
        "500",
        [OrganisationKind.PUBLIC_BODY, OrganisationKind.RESEARCH_LAB],
        4,
    ),
    CollegeKind.ASSOCIATIONS: (
        "15",
        "50",
        [OrganisationKind.REUSE_REPAIR, OrganisationKind.COOPERATION_NETWORK],
        6,
    ),
}

# A tiny valid PDF, enough for a browser to open the demo's documents.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def demo_network() -> Network:
    """The demo network, shared with the other cooperation demos (same slug)."""
    network, _created = Network.objects.get_or_create(
        slug=SLUG,
        defaults={
            "name": NAME,
            "legal_form": "Société coopérative d'intérêt collectif (SCIC)",
            "description": (
                "Le pôle réunit entreprises, tiers-lieux et ateliers partagés, collectivités, "
                "laboratoires et associations du sud de la région autour de la mutualisation des "
                "moyens de production, du réemploi et de la fabrication locale. Données fictives "
                "de démonstration."
            ),
            "website": "https://maillage-sud.example.org",
            "contact_email": "contact@maillage-sud.example.org",
            "founded_on": dt.date(2021, 3, 15),
        },
    )
    return network


@transaction.atomic
def load_cooperation_governance_demo() -> Network:
    network = demo_network()
    colleges = _colleges(network)
    members = _members(network, colleges)
    bodies = _bodies(network, members)
    _documents(network, bodies)
    _decisions(network, bodies, members)
    _events(network, bodies, members)
    return network


def _colleges(network: Network) -> dict[str, College]:
    colleges: dict[str, College] = {}
    for kind, (weight, fee, _kinds, _n) in COLLEGES.items():
        college, _created = College.objects.get_or_create(
            network=network,
            kind=kind,
            defaults={"weight_percent": Decimal(weight), "annual_fee": Decimal(fee)},
        )
        colleges[kind] = college
    return colleges


def _members(network: Network, colleges: dict[str, College]) -> list[NetworkMember]:
    today = local_today()
    found: list[NetworkMember] = []
    for kind, (_weight, fee, org_kinds, count) in COLLEGES.items():
        organisations = Organisation.objects.filter(
            kind__in=org_kinds, status=OrganisationStatus.VALIDATED, slug__startswith="demo-0"
        ).order_by("slug")[:count]
        for index, organisation in enumerate(organisations):
            start = dt.date(2021 + index % 4, 1 + (index * 5) % 12, 1)
            paid = dt.date(today.year if index % 3 else today.year - 1, 12, 31)
            member, _created = NetworkMember.objects.get_or_create(
                network=network,
                organisation=organisation,
                end=None,
                defaults={
                    "college": colleges[kind],
                    "start": start,
                    "fee": Decimal(fee),
                    "fee_paid_until": paid,
                },
            )
            found.append(member)
    # The demo accounts' own organisation is a member, so admin-atelier can vote in the open
    # decision and read the members' documents.
    own = Organisation.objects.filter(slug="demo-001").first()
    if own is not None and all(m.organisation_id != own.pk for m in found):
        kind = next(
            (k for k, (_w, _f, kinds, _n) in COLLEGES.items() if own.kind in kinds),
            CollegeKind.COMPANIES,
        )
        member, _created = NetworkMember.objects.get_or_create(
            network=network,
            organisation=own,
            end=None,
            defaults={
                "college": colleges[kind],
                "start": dt.date(2022, 3, 1),
                "fee": Decimal(COLLEGES[kind][1]),
                "fee_paid_until": dt.date(today.year, 12, 31),
            },
        )
        found.append(member)
    return found


def _bodies(network: Network, members: list[NetworkMember]) -> dict[str, Body]:
    board, _c = Body.objects.get_or_create(
        network=network, name="Conseil d'administration", defaults={"kind": BodyKind.BOARD}
    )
    assembly, _c = Body.objects.get_or_create(
        network=network, name="Assemblée générale", defaults={"kind": BodyKind.ASSEMBLY}
    )
    if not board.seats.exists():
        roles = [
            SeatRole.PRESIDENT,
            SeatRole.VICE_PRESIDENT,
            SeatRole.TREASURER,
            SeatRole.SECRETARY,
            SeatRole.MEMBER,
            SeatRole.MEMBER,
        ]
        # One seat or two per college, in turn.
        by_college: dict[int, list[NetworkMember]] = {}
        for m in members:
            by_college.setdefault(m.college_id, []).append(m)
        picked = [m for group in by_college.values() for m in group[:2]][: len(roles)]
        for role, member in zip(roles, picked, strict=False):
            person = User.objects.filter(
                memberships__organisation=member.organisation, memberships__state="active"
            ).first()
            BodySeat.objects.create(
                body=board,
                organisation=member.organisation,
                person=person,
                role=role,
                start=dt.date(2025, 6, 12),
            )
    return {"board": board, "assembly": assembly}


def _documents(network: Network, bodies: dict[str, Body]) -> None:
    for kind, title, date, public, body in (
        (
            DocumentKind.STATUTES,
            "Statuts de la SCIC Maillage Sud",
            dt.date(2021, 3, 15),
            True,
            None,
        ),
        (
            DocumentKind.MINUTES,
            "Procès-verbal de l'assemblée générale du 12 juin 2025",
            dt.date(2025, 6, 12),
            True,
            "assembly",
        ),
        (
            DocumentKind.MINUTES,
            "Compte rendu du conseil d'administration du 9 octobre 2025",
            dt.date(2025, 10, 9),
            False,
            "board",
        ),
        (DocumentKind.REPORT, "Rapport d'activité 2024", dt.date(2025, 5, 30), True, None),
    ):
        if network.documents.filter(title=title).exists():
            continue
        Document.objects.create(
            network=network,
            body=bodies[body] if body else None,
            kind=kind,
            title=title,
            date=date,
            file=ContentFile(PDF, name=f"maillage-sud-{date.isoformat()}-{kind}.pdf"),
            content_type="application/pdf",
            size=len(PDF),
            is_public=public,
        )


# title, text, date, rule, the votes in turn (y yes, n no, a abstain, - none), closed
DECISIONS = [
    (
        "Approbation des comptes 2024",
        "L'assemblée générale approuve les comptes de l'exercice 2024 et affecte le résultat "
        "aux réserves impartageables.",
        dt.date(2025, 6, 12),
        DecisionRule.COLLEGES,
        "yyyyayynyyyyyy-yynya",
        True,
    ),
    (
        "Création d'un fonds de mutualisation des machines",
        "Un fonds de 40 000 € finance l'achat partagé d'une découpe laser et d'une presse "
        "plieuse, gérées par les ateliers collectifs du pôle.",
        dt.date(2025, 6, 12),
        DecisionRule.COLLEGES,
        # companies, third places, public bodies, associations
        "nnnynnynyyynnnannyynnnyy-",
        True,
    ),
    (
        "Adhésion au réseau régional des ressourceries",
        "Le pôle adhère au réseau régional et y délègue un représentant du collège des "
        "associations.",
        dt.date(2026, 12, 17),
        DecisionRule.COLLEGES,
        "yy-",
        False,
    ),
]
CHOICE = {"y": "yes", "n": "no", "a": "abstain"}


def _decisions(network: Network, bodies: dict[str, Body], members: list[NetworkMember]) -> None:
    assembly = bodies["assembly"]
    closer = User.objects.filter(username="coordination").first()
    for title, text, date, rule, pattern, closed in DECISIONS:
        decision, created = Decision.objects.get_or_create(
            body=assembly,
            title=title,
            defaults={"text": text, "meeting_date": date, "rule": rule},
        )
        if not created:
            continue
        for member, letter in zip(members, pattern, strict=False):
            # The demo workshop has not voted on the open decision yet: admin-atelier can.
            if not closed and member.organisation.slug == "demo-001":
                continue
            if letter in CHOICE:
                admin = User.objects.filter(
                    memberships__organisation=member.organisation, memberships__role="admin"
                ).first()
                Vote.objects.create(
                    decision=decision, member=member, choice=CHOICE[letter], cast_by=admin
                )
        if closed and closer is not None and decision.state == DecisionState.OPEN:
            decision_actions.close_decision(closer, decision)


def _events(network: Network, bodies: dict[str, Body], members: list[NetworkMember]) -> None:
    today = local_today()

    def at(days: int, hour: int, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(
            today + dt.timedelta(days=days), dt.time(hour, minute), tzinfo=PARIS
        )

    workshop = next(
        (
            m.organisation
            for m in members
            if m.organisation.kind == OrganisationKind.COLLECTIVE_WORKSHOP
        ),
        None,
    )
    workshop_site = workshop.sites.select_related("commune").first() if workshop else None
    hub = next((m.organisation for m in members if m.college.kind == "associations"), None)
    events = [
        (
            "Assemblée générale 2026 du pôle Maillage Sud",
            "Rapport d'activité, comptes, élection du conseil d'administration. Ouverte à "
            "tous ; seuls les membres votent.",
            at(24, 17, 30),
            at(24, 20, 30),
            "Salle des fêtes, cours Foch",
            "Aubagne",
            120,
            True,
            bodies["assembly"],
            hub,
        ),
        (
            f"Visite de l'atelier collectif {workshop.name if workshop else ''}".strip(),
            "Découverte des machines partagées, du réemploi de matériaux et des "
            "permanences ; suivi d'un temps d'échange entre membres.",
            at(10, 14),
            at(10, 16, 30),
            workshop_site.address if workshop_site else "Atelier collectif",
            workshop_site.place_name() if workshop_site else "Marseille",
            15,
            True,
            None,
            workshop,
        ),
        (
            "Conseil d'administration du pôle",
            "Suivi du fonds de mutualisation, adhésions, préparation de l'assemblée générale.",
            at(38, 18),
            at(38, 20),
            "Locaux du pôle",
            "Marseille",
            None,
            False,
            bodies["board"],
            hub,
        ),
    ]
    for title, text, start, end, place, commune, capacity, public, body, organiser in events:
        if network.events.filter(title=title, start__gte=timezone.now()).exists():
            continue
        Event.objects.create(
            network=network,
            body=body,
            title=title,
            description=text,
            start=start,
            end=end,
            place=place,
            commune=_commune(commune) if commune else None,
            capacity=capacity,
            is_public=public,
            organiser=organiser,
        )


def _commune(name: str) -> Commune | None:
    """The commune of that name in the region (« Marseille », not Marseillette in the Aude)."""
    region = ["04", "05", "06", "13", "83", "84"]
    found = Commune.objects.filter(name__iexact=name, department_id__in=region).first()
    return found or (
        Commune.objects.filter(name__istartswith=name, department_id__in=region)
        .order_by("insee_code")
        .first()
    )
