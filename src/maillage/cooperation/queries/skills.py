"""Who may see which skills, and the "who can repair / teach this near me" search.

Visibility lives in the query itself (`listed_skills`), so the pages and the API share it:
nothing without the person's consent, never a hidden skill, members-only skills for the signed-in
people of the network's current member organisations (and the coordinators).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from maillage.cooperation import skills_search
from maillage.cooperation.models import Skill, SkillVisibility
from maillage.cooperation.queries import governance
from maillage.cooperation.queries.network import current_network
from maillage.core.text import fold
from maillage.directory import permissions
from maillage.directory.geocode import find_commune
from maillage.directory.models import Commune, Membership, MembershipState
from maillage.directory.queries import visible_organisations
from maillage.equipment.models import Process

DEFAULT_RADIUS_KM = 30
MAX_WORDS = 8
MAX_TEXT = 200


def is_network_member(user: Any) -> bool:
    """The rule of the network's events, documents and decisions: a coordinator, or an active
    person of an organisation that is a current member of the network (not any organisation)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if permissions.is_coordinator(user):
        return True
    network = current_network()
    return network is not None and governance.is_network_member(user, network)


def listed_skills(viewer: Any) -> QuerySet[Skill]:
    """The skills this viewer may find: consented, not hidden, members-only for members."""
    shown = [SkillVisibility.PUBLIC]
    if is_network_member(viewer):
        shown.append(SkillVisibility.MEMBERS)
    return Skill.objects.filter(
        visibility__in=shown,
        user__is_active=True,
        user__skill_consent__given_at__isnull=False,
    )


def my_skills(user: Any) -> QuerySet[Skill]:
    return (
        Skill.objects.filter(user=user)
        .select_related("process", "organisation", "site__commune", "commune")
        .order_by("label", "pk")
    )


def with_position(qs: QuerySet[Skill]) -> Any:
    """Each skill's point: its site's coordinates, else the site's commune, else its commune."""
    return qs.annotate(
        lat=Coalesce("site__latitude", "site__commune__latitude", "commune__latitude"),
        lon=Coalesce("site__longitude", "site__commune__longitude", "commune__longitude"),
    )


@dataclass
class SkillQuery:
    process: str = ""
    q: str = ""
    can_repair: bool = False
    can_teach: bool = False
    place: str = ""
    radius_km: int = DEFAULT_RADIUS_KM


@dataclass
class SkillHit:
    skill: Skill
    distance_km: float | None
    organisation_shown: bool


@dataclass
class SkillResults:
    hits: list[SkillHit] = field(default_factory=list)
    place: Commune | None = None
    process: Process | None = None
    errors: dict[str, str] = field(default_factory=dict)


def check_query(query: SkillQuery) -> tuple[dict[str, str], Process | None, Commune | None]:
    """Errors by field name (empty when fine), with the process and the place found."""
    errors: dict[str, str] = {}
    process = None
    if query.process:
        process = Process.objects.filter(code=query.process).first()
        if process is None:
            errors["process"] = _("Unknown process code: %(c)s.") % {"c": query.process}
    if len(query.q) > MAX_TEXT:
        errors["q"] = _("At most %(n)s characters.") % {"n": MAX_TEXT}
    elif len(query.q.split()) > MAX_WORDS:
        errors["q"] = _("At most %(n)s words.") % {"n": MAX_WORDS}
    place = None
    if query.place:
        place = find_commune(query.place[:MAX_TEXT])
        if place is None:
            errors["place"] = _("No commune found for “%(p)s”.") % {"p": query.place[:MAX_TEXT]}
    if not 1 <= query.radius_km <= skills_search.MAX_RADIUS_KM:
        errors["radius_km"] = _("Between 1 and %(n)s km.") % {"n": skills_search.MAX_RADIUS_KM}
    return errors, process, place


def search_skills(viewer: Any, query: SkillQuery, limit: int = 100) -> SkillResults:
    errors, process, place = check_query(query)
    if errors:
        return SkillResults(errors=errors)
    qs = listed_skills(viewer)
    if process is not None:
        qs = qs.filter(process__path__startswith=process.path)
    for word in query.q.split():
        folded = fold(word)
        qs = qs.filter(
            Q(label__icontains=word)
            | Q(label__icontains=folded)
            | Q(process__label_fr__icontains=word)
            | Q(process__label_en__icontains=word)
        )
    if query.can_repair:
        qs = qs.filter(can_repair=True)
    if query.can_teach:
        qs = qs.filter(can_teach=True)
    positioned = with_position(qs)
    origin = None
    if place is not None:
        origin = (place.latitude, place.longitude)
        south, north, west, east = skills_search.bounding_box(
            place.latitude, place.longitude, query.radius_km
        )
        positioned = positioned.filter(lat__gte=south, lat__lte=north, lon__gte=west, lon__lte=east)
    # Rank on five plain columns, then load the full rows of the shown ones only: a territory
    # holds tens of thousands of skills, a page shows `limit`.
    ranked = skills_search.rank(
        (
            skills_search.Candidate(pk, lat, lon, level, label)
            for pk, lat, lon, level, label in positioned.values_list(
                "pk", "lat", "lon", "level", "label"
            )
        ),
        origin,
        query.radius_km if origin else None,
    )[:limit]
    skills = {
        s.pk: s
        for s in positioned.filter(pk__in=[r.key for r in ranked]).select_related(
            "user", "process", "organisation", "commune", "site__commune"
        )
    }
    readable = set(
        visible_organisations(viewer)
        .filter(pk__in={s.organisation_id for s in skills.values() if s.organisation_id})
        .values_list("pk", flat=True)
    )
    # Someone who left an organisation is no longer reached through it.
    still_members = set(
        Membership.objects.filter(
            state=MembershipState.ACTIVE,
            user_id__in={s.user_id for s in skills.values()},
            organisation_id__in=readable,
        ).values_list("user_id", "organisation_id")
    )
    hits = [
        SkillHit(
            skills[r.key],
            r.distance_km,
            (skills[r.key].user_id, skills[r.key].organisation_id) in still_members,
        )
        for r in ranked
    ]
    return SkillResults(hits=hits, place=place, process=process)
