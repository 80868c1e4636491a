"""Demo funding of the six demo collective projects: funding plans (Région Sud, ADEME, Banque
des Territoires, own funds, citizens) and three pledge campaigns.

- `decoupe-jet-eau-partagee`: fully funded thanks to the Region's matching (1 € per euro
  pledged up to 20 000 €): 20 000 € pledged and confirmed, goal of 40 000 € reached, succeeded;
- `pasteurisateur-low-tech`: an open keep-what-you-raise campaign, half way (5 000 of 10 000 €);
- `hotel-entreprises-low-tech`: an open all-or-nothing campaign with promises still to confirm.

Needs `load_directory_demo()` (accounts, demo-001…) and the demo projects first; a project slug
that is absent is skipped. Idempotent: a project that has a plan or a campaign keeps them.
Pledgers: the demo accounts and a few named citizens (accounts without a password).
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from maillage.cooperation.actions.funding import short_name
from maillage.cooperation.models import (
    Campaign,
    CampaignRule,
    CampaignState,
    FundingKind,
    FundingLine,
    FundingStatus,
    MatchingRule,
    Pledge,
    PledgeState,
    Project,
)
from maillage.core.dates import local_today
from maillage.directory.models import Membership, MembershipState, Organisation, Role, User

K = FundingKind
S = FundingStatus

# Citizens who pledge: (username, first name, last name).
CITIZENS = [
    ("citoyenne-mireille-arnaud", "Mireille", "Arnaud"),
    ("citoyen-karim-benali", "Karim", "Benali"),
    ("citoyenne-josiane-fabre", "Josiane", "Fabre"),
    ("citoyen-theo-martinez", "Théo", "Martinez"),
    ("citoyenne-ines-giraud", "Inès", "Giraud"),
    ("citoyen-paul-roussel", "Paul", "Roussel"),
    ("citoyenne-nadia-chabert", "Nadia", "Chabert"),
    ("citoyen-lucien-blanc", "Lucien", "Blanc"),
]

# The decoupe's plan written out (185 000 € budget); the others from shares of their budget.
DECOUPE_PLAN = [
    (K.GRANT, "Région Sud — Territoires d'Industrie", "60000", S.DISBURSED, "30000", ""),
    (K.GRANT, "ADEME — Fonds économie circulaire", "35000", S.COMMITTED, "0", ""),
    (K.LOAN, "Banque des Territoires — prêt à taux bonifié", "40000", S.COMMITTED, "0", ""),
    (K.OWN_FUNDS, "", "10000", S.DISBURSED, "10000", "Apport du porteur"),
    (K.CITIZENS, "Campagne de dons citoyens", "20000", S.DISBURSED, "20000", ""),
    (K.GRANT, "Région Sud — abondement de la campagne", "20000", S.COMMITTED, "0", ""),
]

# (kind, funder, share of the budget, status by stage) for the other projects.
SHARES = [
    (K.GRANT, "Région Sud — Territoires d'Industrie", Decimal("0.35")),
    (K.GRANT, "ADEME — appel à projets low-tech", Decimal("0.20")),
    (K.LOAN, "Banque des Territoires — prêt", Decimal("0.25")),
    (K.CITIZENS, "Contributions citoyennes", Decimal("0.08")),
]
STATUS_BY_STAGE = {
    "idea": [S.PLANNED, S.PLANNED, S.PLANNED, S.PLANNED],
    "study": [S.REQUESTED, S.REQUESTED, S.PLANNED, S.PLANNED],
    "funded": [S.COMMITTED, S.COMMITTED, S.COMMITTED, S.REQUESTED],
    "running": [S.DISBURSED, S.COMMITTED, S.DISBURSED, S.COMMITTED],
    "done": [S.DISBURSED, S.DISBURSED, S.DISBURSED, S.DISBURSED],
}


def load_cooperation_funding_demo() -> int:
    """Attach plans and campaigns to the demo projects that lack them; return what was added."""
    coordinator = User.objects.filter(username="coordination").first()
    people = _people()
    added = 0
    with transaction.atomic():
        for project in Project.objects.filter(
            slug__in=[
                "decoupe-jet-eau-partagee",
                "retrofit-tours-commande-numerique",
                "pasteurisateur-low-tech",
                "hotel-entreprises-low-tech",
                "ecole-reparation-industrielle",
                "guichet-unique-mutualisation",
            ]
        ).select_related("lead"):
            if not project.funding_lines.exists():
                _plan(project)
                added += 1
            if not project.campaigns.exists():
                maker = CAMPAIGNS.get(project.slug)
                if maker is not None:
                    maker(project, people, coordinator)
                    added += 1
    return added


def _people() -> dict[str, User]:
    people = {
        u.username: u
        for u in User.objects.filter(
            username__in=[
                "coordination",
                "admin-atelier",
                "hote-atelier",
                "formateur-atelier",
                "membre-atelier",
                "visiteur",
            ]
        )
    }
    for username, first, last in CITIZENS:
        user, made = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@demo.maillage.invalid",
            },
        )
        if made:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        people[username] = user
    return people


def _round_down(value: Decimal, step: int = 100) -> Decimal:
    return (value / step).to_integral_value(rounding=ROUND_DOWN) * step


def _plan(project: Project) -> None:
    if project.slug == "decoupe-jet-eau-partagee":
        rows = [
            (kind, name or project.lead.name, Decimal(amount), status, Decimal(paid), note)
            for kind, name, amount, status, paid, note in DECOUPE_PLAN
        ]
    else:
        statuses = STATUS_BY_STAGE.get(project.stage, STATUS_BY_STAGE["study"])
        rows = []
        for (kind, name, share), status in zip(SHARES, statuses, strict=True):
            amount = _round_down(project.budget * share)
            paid = amount if status == S.DISBURSED else Decimal(0)
            rows.append((kind, name, amount, status, paid, ""))
        rest = project.budget - sum((r[2] for r in rows), Decimal(0))
        own_status = S.COMMITTED if project.stage != "idea" else S.PLANNED
        rows.append(
            (
                K.OWN_FUNDS,
                project.lead.name,
                rest,
                own_status,
                Decimal(0),
                "Apport du porteur et de ses partenaires",
            )
        )
    for kind, name, amount, status, paid, note in rows:
        if amount <= 0:
            continue
        FundingLine.objects.create(
            project=project,
            kind=kind,
            funder_name=name,
            funder=project.lead if kind == K.OWN_FUNDS else None,
            amount=amount,
            status=status,
            disbursed=paid,
            note=note,
        )


def _pledge(
    campaign: Campaign,
    user: User | None,
    amount: str,
    *,
    confirmed_by: User | None,
    organisation: str = "",
    anonymous: bool = False,
    days_ago: int = 10,
) -> None:
    if user is None:
        return
    org = Organisation.objects.filter(slug=organisation).first() if organisation else None
    if org is not None:
        # Only an organisation's admins pledge in its name: one of its admins, if it has one.
        admin = (
            Membership.objects.filter(
                organisation=org, role=Role.ADMIN, state=MembershipState.ACTIVE
            )
            .order_by("pk")
            .first()
        )
        user = admin.user if admin is not None else user
    when = timezone.now() - dt.timedelta(days=days_ago)
    found = Pledge.objects.create(
        campaign=campaign,
        user=user,
        organisation=org,
        display_name=org.name if org else short_name(user),
        anonymous=anonymous,
        amount=Decimal(amount),
        state=PledgeState.CONFIRMED if confirmed_by else PledgeState.PROMISED,
        confirmed_by=confirmed_by,
        confirmed_at=when + dt.timedelta(days=3) if confirmed_by else None,
    )
    Pledge.objects.filter(pk=found.pk).update(created_at=when)


def _decoupe(project: Project, people: dict[str, User], coordinator: User | None) -> None:
    today = local_today()
    campaign = Campaign.objects.create(
        project=project,
        title="Une découpe jet d'eau pour tous les ateliers du bassin",
        goal=Decimal("40000"),
        opens=today - dt.timedelta(days=120),
        deadline=today - dt.timedelta(days=30),
        rule=CampaignRule.ALL_OR_NOTHING,
        state=CampaignState.SUCCEEDED,
        closed_at=timezone.now() - dt.timedelta(days=29),
        created_by=coordinator,
    )
    MatchingRule.objects.create(
        campaign=campaign,
        funder_name="La Région",
        ratio=Decimal("1"),
        cap=Decimal("20000"),
        organisations_count=True,
    )
    # 20 000 € pledged and confirmed, matched 1 € per euro: 40 000 €, the goal.
    pledges = [
        ("admin-atelier", "6000", "demo-002", 100),
        ("hote-atelier", "4000", "demo-023", 95),
        ("formateur-atelier", "3500", "demo-051", 90),
        ("membre-atelier", "1500", "", 80),
        ("coordination", "500", "", 75),
        ("visiteur", "250", "", 70),
        ("citoyenne-mireille-arnaud", "1000", "", 66),
        ("citoyen-karim-benali", "750", "", 60),
        ("citoyenne-josiane-fabre", "800", "", 55),
        ("citoyen-theo-martinez", "400", "", 50),
        ("citoyenne-ines-giraud", "600", "", 45),
        ("citoyen-paul-roussel", "300", "", 40),
        ("citoyenne-nadia-chabert", "250", "", 38),
        ("citoyen-lucien-blanc", "150", "", 35),
    ]
    for username, amount, org, days in pledges:
        _pledge(
            campaign,
            people.get(username),
            amount,
            confirmed_by=coordinator,
            organisation=org,
            anonymous=username == "citoyen-lucien-blanc",
            days_ago=days,
        )


def _pasteurisateur(project: Project, people: dict[str, User], coordinator: User | None) -> None:
    today = local_today()
    campaign = Campaign.objects.create(
        project=project,
        title="Un pasteurisateur low-tech pour les petits producteurs",
        goal=Decimal("10000"),
        opens=today - dt.timedelta(days=25),
        deadline=today + dt.timedelta(days=35),
        rule=CampaignRule.KEEP,
        created_by=coordinator,
    )
    MatchingRule.objects.create(
        campaign=campaign,
        funder_name="La Métropole Aix-Marseille-Provence",
        ratio=Decimal("1"),
        cap=Decimal("2000"),
        per_pledge_cap=Decimal("100"),
    )
    # Confirmed: 2 200 € from an organisation, 2 000 € from eight citizens, 800 € matched
    # (100 € of each citizen's pledge): 5 000 € of 10 000 €. Two promises wait.
    confirmed = [
        ("admin-atelier", "2200", "demo-001"),
        ("citoyenne-mireille-arnaud", "500", ""),
        ("citoyen-karim-benali", "400", ""),
        ("citoyenne-josiane-fabre", "300", ""),
        ("citoyen-theo-martinez", "250", ""),
        ("citoyenne-ines-giraud", "200", ""),
        ("citoyen-paul-roussel", "150", ""),
        ("membre-atelier", "100", ""),
        ("visiteur", "100", ""),
    ]
    for i, (username, amount, org) in enumerate(confirmed):
        _pledge(
            campaign,
            people.get(username),
            amount,
            confirmed_by=coordinator,
            organisation=org,
            anonymous=username == "citoyen-paul-roussel",
            days_ago=20 - i,
        )
    _pledge(campaign, people.get("citoyenne-nadia-chabert"), "75", confirmed_by=None, days_ago=2)
    _pledge(campaign, people.get("hote-atelier"), "120", confirmed_by=None, days_ago=1)


def _hotel(project: Project, people: dict[str, User], coordinator: User | None) -> None:
    today = local_today()
    campaign = Campaign.objects.create(
        project=project,
        title="Un hôtel d'entreprises low-tech : tout ou rien",
        goal=Decimal("60000"),
        opens=today - dt.timedelta(days=10),
        deadline=today + dt.timedelta(days=50),
        rule=CampaignRule.ALL_OR_NOTHING,
        created_by=coordinator,
    )
    MatchingRule.objects.create(
        campaign=campaign,
        funder_name="La Région",
        ratio=Decimal("1"),
        cap=Decimal("15000"),
        organisations_count=True,
    )
    MatchingRule.objects.create(
        campaign=campaign,
        funder_name="La Fondation du Patrimoine Industriel",
        ratio=Decimal("0.5"),
        cap=Decimal("5000"),
        per_pledge_cap=Decimal("500"),
    )
    _pledge(
        campaign,
        people.get("admin-atelier"),
        "5000",
        confirmed_by=coordinator,
        organisation="demo-001",
        days_ago=9,
    )
    _pledge(
        campaign, people.get("citoyen-lucien-blanc"), "250", confirmed_by=coordinator, days_ago=8
    )
    _pledge(
        campaign, people.get("citoyenne-ines-giraud"), "1200", confirmed_by=coordinator, days_ago=7
    )
    _pledge(
        campaign,
        people.get("formateur-atelier"),
        "3000",
        confirmed_by=None,
        organisation="demo-051",
        days_ago=3,
    )
    _pledge(
        campaign,
        people.get("citoyenne-josiane-fabre"),
        "80",
        confirmed_by=None,
        anonymous=True,
        days_ago=1,
    )


CAMPAIGNS: dict[str, Any] = {
    "decoupe-jet-eau-partagee": _decoupe,
    "pasteurisateur-low-tech": _pasteurisateur,
    "hotel-entreprises-low-tech": _hotel,
}
