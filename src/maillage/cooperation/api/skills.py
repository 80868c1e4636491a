"""Skills and trainings catalogue endpoints under /api/v1/.

Searching skills respects each skill's visibility exactly as the page does (`listed_skills`);
my skills are read and written by their owner only; catalogue bookings go through the same
locked actions as the page.

No `from __future__ import annotations` here: django-ninja reads the annotations at import.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from maillage.cooperation.actions import catalogue as catalogue_actions
from maillage.cooperation.actions import skills as actions
from maillage.cooperation.models import Skill, SkillLevel, SkillVisibility
from maillage.cooperation.queries import catalogue as catalogue_queries
from maillage.cooperation.queries.skills import (
    DEFAULT_RADIUS_KM,
    MAX_TEXT,
    SkillQuery,
    my_skills,
    search_skills,
)
from maillage.cooperation.skills_search import MAX_RADIUS_KM
from maillage.core.pagination import Pagination
from maillage.core.validators import MAX_ROW_ID
from maillage.directory import permissions
from maillage.directory.auth import WRITE_AUTH, request_user
from maillage.qualifications.models import TrainingSession

router = Router(tags=["cooperation"])


class SkillHitOut(Schema):
    id: int
    name: str
    skill: str
    process: str | None
    level: str
    can_repair: bool
    can_teach: bool
    organisation: str | None = Field(None, description="Slug, when the organisation is public")
    organisation_name: str | None
    contact_url: str | None = Field(None, description="The organisation's page; no e-mail")
    distance_km: float | None


class SkillSearchParams(Schema):
    process: str = Field("", max_length=30, description="Process code (sub-processes included)")
    q: str = Field("", max_length=MAX_TEXT, description="Words in the skill or its process")
    can_repair: bool = False
    can_teach: bool = False
    place: str = Field("", max_length=MAX_TEXT, description="A commune or a postal code")
    radius_km: int = Field(DEFAULT_RADIUS_KM, ge=1, le=MAX_RADIUS_KM)


class MySkillOut(Schema):
    id: int
    label: str
    process: str | None = Field(None, alias="process.code")
    level: str
    can_repair: bool
    can_teach: bool
    organisation: str | None = Field(None, alias="organisation.slug")
    site_id: int | None
    commune: str | None = Field(None, alias="commune.insee_code")
    visibility: str


class SkillIn(Schema):
    label: str = Field(..., max_length=200)
    process: str = Field("", max_length=30, description="Process code")
    level: SkillLevel = SkillLevel.CONFIRMED
    can_repair: bool = False
    can_teach: bool = False
    site_id: int | None = Field(None, ge=1, le=MAX_ROW_ID)
    commune: str = Field("", max_length=MAX_TEXT, description="When not at one of your sites")
    visibility: SkillVisibility = SkillVisibility.MEMBERS
    consent: bool = Field(False, description="I agree to list my skills (kept with its date)")


class ConsentOut(Schema):
    listed: bool
    given_at: dt.datetime | None
    withdrawn_at: dt.datetime | None


class SessionOut(Schema):
    id: int
    training_id: int
    training: str
    organisation: str
    organisation_name: str
    process: str | None
    start: dt.datetime
    end: dt.datetime
    place: str
    capacity: int
    places_left: int
    waiting: int
    mine: str | None = Field(None, description="registered, waiting, or null")


class CatalogueParams(Schema):
    process: str = Field("", max_length=30)
    organisation: str = Field("", max_length=80, description="Organisation slug")
    department: str = Field("", max_length=3)
    month: str = Field("", max_length=7, description="YYYY-MM")


class OutcomeOut(Schema):
    state: str = Field(..., description="registered, waiting, cancelled or left_list")
    position: int | None = Field(None, description="In the waiting list, from 1")


def _hit(hit: Any) -> dict[str, Any]:
    skill = hit.skill
    shown = hit.organisation_shown and skill.organisation is not None
    return {
        "id": skill.pk,
        "name": skill.user.display_name(),
        "skill": skill.label,
        "process": skill.process.code if skill.process else None,
        "level": skill.level,
        "can_repair": skill.can_repair,
        "can_teach": skill.can_teach,
        "organisation": skill.organisation.slug if shown else None,
        "organisation_name": skill.organisation.name if shown else None,
        "contact_url": skill.organisation.get_absolute_url() if shown else None,
        "distance_km": hit.distance_km,
    }


@router.get("/skills", response=list[SkillHitOut], summary="Who can repair or teach this")
def search(request: HttpRequest, params: Query[SkillSearchParams]) -> Any:
    results = search_skills(request_user(request), SkillQuery(**params.dict()))
    if results.errors:
        raise ValidationError({k: [v] for k, v in results.errors.items()})
    return [_hit(h) for h in results.hits]


@router.get("/skills/mine", response=list[MySkillOut], auth=WRITE_AUTH, summary="My skills")
def list_mine(request: HttpRequest) -> Any:
    return list(my_skills(request_user(request)))


def _input(payload: SkillIn) -> actions.SkillInput:
    return actions.SkillInput(
        label=payload.label,
        process_code=payload.process,
        level=payload.level.value,
        can_repair=payload.can_repair,
        can_teach=payload.can_teach,
        site_id=payload.site_id,
        commune=payload.commune,
        visibility=payload.visibility.value,
        consent=payload.consent,
    )


@router.post(
    "/skills/mine", response={201: MySkillOut}, auth=WRITE_AUTH, summary="Add one of my skills"
)
def add(request: HttpRequest, payload: SkillIn) -> Any:
    skill = actions.add_skill(request_user(request), _input(payload))
    return Status(201, my_skills(request_user(request)).get(pk=skill.pk))


@router.put(
    "/skills/mine/{skill_id}", response=MySkillOut, auth=WRITE_AUTH, summary="Edit my skill"
)
def edit(request: HttpRequest, skill_id: int, payload: SkillIn) -> Any:
    user = request_user(request)
    skill = get_object_or_404(Skill, pk=skill_id, user=user)
    actions.update_skill(user, skill, _input(payload))
    return my_skills(user).get(pk=skill.pk)


@router.delete(
    "/skills/mine/{skill_id}", response={204: None}, auth=WRITE_AUTH, summary="Delete my skill"
)
def remove(request: HttpRequest, skill_id: int) -> Any:
    user = request_user(request)
    actions.delete_skill(user, get_object_or_404(Skill, pk=skill_id, user=user))
    return Status(204, None)


def _consent_out(consent: Any) -> dict[str, Any]:
    return {
        "listed": consent.given_at is not None,
        "given_at": consent.given_at,
        "withdrawn_at": consent.withdrawn_at,
    }


@router.post(
    "/skills/consent", response=ConsentOut, auth=WRITE_AUTH, summary="List my skills (consent)"
)
def give(request: HttpRequest) -> Any:
    return _consent_out(actions.give_consent(request_user(request)))


@router.delete(
    "/skills/consent", response=ConsentOut, auth=WRITE_AUTH, summary="Withdraw my consent"
)
def withdraw(request: HttpRequest) -> Any:
    return _consent_out(actions.withdraw_consent(request_user(request)))


def _session_out(session: Any) -> dict[str, Any]:
    training = session.training
    mine = None
    if getattr(session, "is_mine", False):
        mine = "registered"
    elif getattr(session, "is_waiting", False):
        mine = "waiting"
    return {
        "id": session.pk,
        "training_id": training.pk,
        "training": training.title,
        "organisation": training.organisation.slug,
        "organisation_name": training.organisation.name,
        "process": training.process.code if training.process else None,
        "start": session.start,
        "end": session.end,
        "place": session.place,
        "capacity": session.capacity,
        "places_left": catalogue_queries.places_left(session),
        "waiting": int(getattr(session, "waiting", 0)),
        "mine": mine,
    }


@router.get(
    "/trainings/catalogue",
    response=list[SessionOut],
    summary="Upcoming sessions of every organisation",
)
@paginate(Pagination)
def catalogue(request: HttpRequest, filters: Query[CatalogueParams]) -> Any:
    user = request_user(request)
    wanted = catalogue_queries.CatalogueFilters(**filters.dict())
    errors = catalogue_queries.check_filters(user, wanted)
    if errors:
        raise ValidationError({k: [v] for k, v in errors.items()})
    return _Mapped(catalogue_queries.catalogue_sessions(user, wanted))


class _Mapped:
    """A queryset whose slices come out as the API's dicts (for the paginator)."""

    def __init__(self, qs: Any) -> None:
        self.qs = qs

    def count(self) -> int:
        return int(self.qs.count())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item: slice) -> list[dict[str, Any]]:
        return [_session_out(s) for s in self.qs[item]]


def _session(request: HttpRequest, session_id: int) -> TrainingSession:
    session = get_object_or_404(
        TrainingSession.objects.select_related("training__organisation"), pk=session_id
    )
    if not permissions.can_view_organisation(request_user(request), session.training.organisation):
        raise Http404
    return session


@router.post(
    "/trainings/catalogue/{session_id}/book",
    response={200: OutcomeOut, 201: OutcomeOut},
    auth=WRITE_AUTH,
    summary="Book a seat (201), or join the waiting list when full (200)",
)
def book(request: HttpRequest, session_id: int) -> Any:
    outcome = catalogue_actions.book(request_user(request), _session(request, session_id))
    body = {"state": outcome.state, "position": outcome.position}
    return Status(201, body) if outcome.state == catalogue_actions.REGISTERED else body


@router.post(
    "/trainings/catalogue/{session_id}/cancel",
    response=OutcomeOut,
    auth=WRITE_AUTH,
    summary="Cancel my seat (the first waiting gets it) or leave the waiting list",
)
def cancel(request: HttpRequest, session_id: int) -> Any:
    outcome = catalogue_actions.cancel(request_user(request), _session(request, session_id))
    return {"state": outcome.state, "position": outcome.position}
