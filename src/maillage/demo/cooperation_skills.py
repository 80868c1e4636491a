"""Demo skills and trainings catalogue: people of several demo organisations list what they can
do (with their consent, mixed visibility), and trainings run across the network in the coming
weeks, one of them full with a waiting list.

Needs first: the directory demo (organisations, accounts) and the equipment demo's processes
(reference data). Idempotent: a second run adds nothing.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from maillage.cooperation.actions import catalogue as catalogue_actions
from maillage.cooperation.actions import skills as skill_actions
from maillage.cooperation.models import Skill, SkillLevel, SkillVisibility
from maillage.directory.models import Membership, Organisation, Role, User
from maillage.qualifications import actions as qualification_actions
from maillage.qualifications.models import Training

EMAIL_DOMAIN = "demo.maillage.invalid"

# username, first name, last name, rank of the demo organisation (validated ones, by slug)
PEOPLE = [
    ("karim-benali", "Karim", "Benali", 1),
    ("claire-roux", "Claire", "Roux", 2),
    ("julien-martin", "Julien", "Martin", 3),
    ("sofia-garcia", "Sofia", "Garcia", 4),
    ("lucie-fabre", "Lucie", "Fabre", 5),
    ("marc-olivieri", "Marc", "Olivieri", 6),
]

# username, label, process code, level, can repair, can teach, visibility
SKILLS = [
    ("karim-benali", "Soudage TIG inox et aluminium", "4.6.2.1.3", "expert", True, True, "public"),
    (
        "karim-benali",
        "Soudage MIG/MAG de structures",
        "4.6.2.1.2",
        "expert",
        True,
        False,
        "members",
    ),
    (
        "claire-roux",
        "Programmation de centres d'usinage CN (ISO, Fanuc)",
        "3.2.3",
        "expert",
        False,
        True,
        "public",
    ),
    (
        "julien-martin",
        "Rétrofit de commandes numériques de machines-outils",
        "",
        "confirmed",
        True,
        True,
        "members",
    ),
    (
        "sofia-garcia",
        "Réparation de cartes électroniques",
        "ELEC.3",
        "expert",
        True,
        True,
        "public",
    ),
    ("sofia-garcia", "Brasage CMS", "ELEC.2.3", "confirmed", True, False, "hidden"),
    (
        "lucie-fabre",
        "Pasteurisation de conserves et de jus",
        "FOOD.4",
        "expert",
        False,
        True,
        "public",
    ),
    ("marc-olivieri", "Menuiserie et ébénisterie", "WOOD", "expert", True, True, "public"),
    ("marc-olivieri", "Défonçage CN de panneaux", "WOOD.3.1", "confirmed", False, True, "members"),
    # The demo accounts.
    ("admin-atelier", "Maintenance de compresseurs d'air", "", "confirmed", True, False, "public"),
    (
        "formateur-atelier",
        "Découpe laser : réglages et sécurité",
        "3.4.1.1",
        "expert",
        False,
        True,
        "members",
    ),
    (
        "membre-atelier",
        "Réparation de petit électroménager",
        "",
        "beginner",
        True,
        False,
        "members",
    ),
    ("membre-atelier", "Tournage sur bois", "WOOD.4", "beginner", False, False, "hidden"),
]

# title, process code, rank of the organisation, [(days ahead, capacity, place)]
TRAININGS = [
    (
        "Soudage TIG : les bases",
        "4.6.2.1.3",
        1,
        [(9, 2, "Atelier soudure"), (30, 6, "Atelier soudure")],
    ),
    ("Programmer un centre d'usinage CN", "3.2.3", 2, [(14, 5, "Salle CAO")]),
    (
        "Réparer une carte électronique",
        "ELEC.3",
        4,
        [(12, 8, "Repair café"), (40, 8, "Repair café")],
    ),
    ("Pasteuriser en petite série", "FOOD.4", 5, [(20, 6, "Conserverie partagée")]),
    ("Sécurité en atelier bois", "WOOD", 6, [(7, 10, "Atelier bois")]),
]


def _organisations() -> list[Organisation]:
    return list(
        Organisation.objects.filter(slug__startswith="demo-", status="validated")
        .filter(sites__isnull=False)
        .distinct()
        .order_by("slug")[:6]
    )


def _person(username: str, first: str, last: str, organisation: Organisation) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"first_name": first, "last_name": last, "email": f"{username}@{EMAIL_DOMAIN}"},
    )
    if created:
        user.set_unusable_password()
        user.save()
    Membership.objects.get_or_create(
        user=user, organisation=organisation, defaults={"role": Role.TRAINER}
    )
    return user


def load_cooperation_skills_demo() -> int:
    """Create the missing demo skills and catalogue sessions; return how many skills were made."""
    organisations = _organisations()
    if len(organisations) < 6:
        return 0
    people = {
        username: _person(username, first, last, organisations[rank - 1])
        for username, first, last, rank in PEOPLE
    }
    for username in ("admin-atelier", "formateur-atelier", "membre-atelier", "visiteur"):
        people[username] = User.objects.get(username=username)
    created = 0
    for username, label, code, level, repair, teach, visibility in SKILLS:
        user = people[username]
        if Skill.objects.filter(user=user, label=label).exists():
            continue
        membership = user.memberships.order_by("pk").first()
        site = (
            membership.organisation.sites.order_by("-is_main", "pk").first() if membership else None
        )
        site_id = site.pk if site else None
        skill_actions.add_skill(
            user,
            skill_actions.SkillInput(
                label=label,
                process_code=code,
                level=SkillLevel(level),
                can_repair=repair,
                can_teach=teach,
                site_id=site_id,
                commune="" if site_id else "Marseille",
                visibility=SkillVisibility(visibility),
                consent=True,
            ),
        )
        created += 1
    _catalogue(organisations, people)
    return created


def _catalogue(organisations: list[Organisation], people: dict[str, User]) -> None:
    coordinator = User.objects.get(username="coordination")
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    full = None
    for title, code, rank, sessions in TRAININGS:
        organisation = organisations[rank - 1]
        if Training.objects.filter(organisation=organisation, title=title).exists():
            continue
        training = qualification_actions.create_training(
            coordinator, organisation, title, process_code=code, validity_months=36
        )
        for days, capacity, place in sessions:
            start = (now + dt.timedelta(days=days)).replace(hour=9)
            session = qualification_actions.schedule_session(
                coordinator, training, start, start + dt.timedelta(hours=4), capacity, place
            )
            if full is None and capacity == 2:
                full = session
    if full is not None:
        # Two seats taken by people of other organisations, two more waiting in order.
        for username in ("claire-roux", "membre-atelier", "sofia-garcia", "marc-olivieri"):
            catalogue_actions.book(people[username], full)
