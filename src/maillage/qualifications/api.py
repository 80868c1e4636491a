"""Training and qualification endpoints under /api/v1/ (mine, the network's, granting one).

Every write goes through `maillage.qualifications.actions`, as the pages do.

No `from __future__ import annotations` here: django-ninja reads the annotations at import.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from maillage.core.dates import LocalDateTime, WindowDateTime
from maillage.core.pagination import Pagination
from maillage.core.validators import renamed_errors
from maillage.directory.auth import WRITE_AUTH, request_user
from maillage.directory.models import User
from maillage.qualifications import actions, queries
from maillage.qualifications.equivalence import is_valid
from maillage.qualifications.models import Qualification, Training

router = Router(tags=["sharing"])


class TrainingOut(Schema):
    id: int
    title: str
    machine: int | None = Field(None, alias="machine_id")
    process: str | None = Field(None, alias="process.code")
    organisation: str = Field(..., alias="organisation.slug")
    organisation_name: str = Field(..., alias="organisation.name")
    trainer: str | None = None
    description: str
    validity_months: int
    idle_lapse_months: int | None

    @staticmethod
    def resolve_trainer(obj: Training) -> str | None:
        return obj.trainer.display_name() if obj.trainer else None


class QualificationOut(Schema):
    id: int
    user: str = Field(..., alias="user.username")
    training: TrainingOut
    issued_at: LocalDateTime
    issued_by: str | None = Field(None, alias="issued_by.username")
    expires_at: LocalDateTime
    last_used_at: LocalDateTime | None
    status: str = Field(..., description="valid, expired or lapsed (long unused)")

    @staticmethod
    def resolve_status(obj: Qualification) -> str:
        return is_valid(obj, timezone.now()) or "valid"


class GrantIn(Schema):
    username: str
    issued_at: WindowDateTime | None = Field(None, description="Defaults to now")


class TrainingFilterParams(Schema):
    machine: int | None = None
    organisation: str = Field("", description="Slug of the organisation giving the training")


def _trainings(user: Any) -> QuerySet[Training]:
    return queries.visible_trainings(user).select_related("organisation", "trainer", "process")


@router.get("/qualifications", response=list[QualificationOut], auth=WRITE_AUTH, summary="Mine")
def list_qualifications(request: HttpRequest) -> Any:
    return (
        Qualification.objects.filter(user=request_user(request))
        .select_related(
            "user",
            "issued_by",
            "training__organisation",
            "training__trainer",
            "training__process",
        )
        .order_by("training__title", "pk")
    )


@router.get("/trainings", response=list[TrainingOut], summary="Trainings given in the network")
@paginate(Pagination)
def list_trainings(request: HttpRequest, filters: Query[TrainingFilterParams]) -> Any:
    trainings = _trainings(request_user(request))
    if filters.machine is not None:
        trainings = trainings.filter(machine_id=filters.machine)
    if filters.organisation:
        trainings = trainings.filter(organisation__slug=filters.organisation)
    return trainings.order_by("title", "pk")


@router.post(
    "/trainings/{training_id}/grant",
    response={200: QualificationOut, 201: QualificationOut},
    auth=WRITE_AUTH,
    summary="Qualify someone (201), or renew their qualification (200)",
)
def grant_qualification(request: HttpRequest, training_id: int, payload: GrantIn) -> Any:
    training = get_object_or_404(_trainings(request_user(request)), pk=training_id)
    person = User.objects.filter(username=payload.username, is_active=True).first()
    if person is None:
        raise ValidationError({"username": _("Nobody has this user name.")})
    if payload.issued_at is not None and timezone.is_naive(payload.issued_at):
        raise ValidationError({"issued_at": _("Give the time with its time zone offset.")})
    existed = Qualification.objects.filter(user=person, training=training).exists()
    try:
        qualification = actions.grant_qualification(
            request_user(request), person, training, payload.issued_at
        )
    except ValidationError as exc:
        raise renamed_errors(exc, {"who": "username"}) from None
    qualification = Qualification.objects.select_related(
        "user", "issued_by", "training__organisation", "training__trainer", "training__process"
    ).get(pk=qualification.pk)
    return qualification if existed else Status(201, qualification)
