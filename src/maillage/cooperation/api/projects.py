"""Collective projects API: the portfolio (filters), a project, creating, editing (on the version
read: 409 if it changed), moving the stage. A private project is a 404 to whoever may not see it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from maillage.cooperation import portfolio
from maillage.cooperation.actions import projects as actions
from maillage.cooperation.models import Project, ProjectStage, ProjectTheme
from maillage.cooperation.queries import projects as queries
from maillage.directory.auth import WRITE_AUTH, request_user
from maillage.directory.geocode import find_commune
from maillage.directory.models import Organisation

router = Router(tags=["cooperation"])


class ProjectFilters(Schema):
    theme: ProjectTheme | None = None
    stage: ProjectStage | None = None
    department: str = Field("", max_length=3, description="Department code, e.g. 13")
    q: str = Field("", max_length=100, description="Words of the title, summary or lead")


class ProjectSummaryOut(Schema):
    slug: str
    title: str
    theme: str
    stage: str
    lead: str
    lead_slug: str
    partners: int
    budget: Decimal
    budget_text: str = Field(..., description="The budget in French, « 120 000 € »")
    is_public: bool
    version: int


class PartnerOut(Schema):
    organisation: str
    organisation_slug: str
    role: str


class ProjectNeedOut(Schema):
    id: int
    kind: str
    label: str
    machine: int | None
    process: str | None
    quantity: Decimal | None
    is_met: bool


class MilestoneOut(Schema):
    id: int
    title: str
    due_on: dt.date
    done_on: dt.date | None


class ProjectDetailOut(ProjectSummaryOut):
    summary: str
    commune: str | None
    partner_list: list[PartnerOut]
    needs: list[ProjectNeedOut]
    milestones: list[MilestoneOut]


class ProjectIn(Schema):
    title: str = Field(..., max_length=200)
    theme: ProjectTheme
    lead: str = Field(..., max_length=80, description="Slug of the lead organisation")
    summary: str = Field("", max_length=20_000)
    budget: Decimal = Field(Decimal("0"), ge=0, le=actions.MAX_BUDGET, decimal_places=2)
    commune: str = Field("", max_length=120, description="Name, postal or INSEE code")
    is_public: bool = True


class ProjectUpdateIn(ProjectIn):
    version: int = Field(..., ge=1, le=2_147_483_647, description="The version you edited")


class StageIn(Schema):
    from_stage: ProjectStage = Field(..., description="The stage you saw the project at")
    to_stage: ProjectStage


class ProjectConflictOut(Schema):
    detail: list[dict[str, Any]] = Field(..., description="loc names the field: version or stage")


def _summary(project: Project, partners: int) -> dict[str, Any]:
    return {
        "slug": project.slug,
        "title": project.title,
        "theme": project.theme,
        "stage": project.stage,
        "lead": project.lead.name,
        "lead_slug": project.lead.slug,
        "partners": partners,
        "budget": project.budget,
        "budget_text": portfolio.euros(project.budget),
        "is_public": project.is_public,
        "version": project.version,
    }


def _detail(project: Project) -> dict[str, Any]:
    partners = list(project.partners.select_related("organisation"))
    return {
        **_summary(project, len(partners)),
        "summary": project.summary,
        "commune": project.commune.name if project.commune else None,
        "partner_list": [
            {
                "organisation": p.organisation.name,
                "organisation_slug": p.organisation.slug,
                "role": p.role,
            }
            for p in partners
        ],
        "needs": [
            {
                "id": n.pk,
                "kind": n.kind,
                "label": n.label,
                "machine": n.machine_id,
                "process": n.process.code if n.process else None,
                "quantity": n.quantity,
                "is_met": n.is_met,
            }
            for n in project.needs.select_related("process")
        ],
        "milestones": list(project.milestones.values("id", "title", "due_on", "done_on")),
    }


def _visible(request: HttpRequest, slug: str) -> Project:
    return get_object_or_404(
        queries.visible_projects(request_user(request)).select_related("lead", "commune"), slug=slug
    )


def _input(payload: ProjectIn) -> actions.ProjectInput:
    lead = Organisation.objects.filter(slug=payload.lead).first()
    if lead is None:
        raise ValidationError({"lead": _("No organisation with this slug.")})
    commune = None
    if payload.commune.strip():
        commune = find_commune(payload.commune)
        if commune is None:
            raise ValidationError({"commune": _("No commune of this name or postal code.")})
    return actions.ProjectInput(
        title=payload.title,
        theme=payload.theme,
        lead=lead,
        summary=payload.summary,
        budget=payload.budget,
        commune=commune,
        is_public=payload.is_public,
    )


def _conflict(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    detail = [
        {"loc": ["body", name], "msg": message, "type": "conflict"}
        for name, messages in exc.message_dict.items()
        for message in messages
    ]
    return JsonResponse({"detail": detail}, status=409)


@router.get("/projects", response=list[ProjectSummaryOut], summary="Collective projects")
def project_list(request: HttpRequest, filters: Query[ProjectFilters]) -> Any:
    found = queries.portfolio_list(
        request_user(request),
        queries.Filters(
            theme=filters.theme or "",
            stage=filters.stage or "",
            department=filters.department,
            q=filters.q,
        ),
    )
    return [_summary(p, p.partner_count) for p in found]  # type: ignore[attr-defined]


@router.post(
    "/projects",
    response={201: ProjectDetailOut},
    auth=WRITE_AUTH,
    summary="Create a project, at the idea stage",
)
def project_create(request: HttpRequest, payload: ProjectIn) -> Any:
    project = actions.create_project(request_user(request), _input(payload))
    return Status(201, _detail(project))


@router.get("/projects/{slug}", response=ProjectDetailOut, summary="A collective project")
def project_detail(request: HttpRequest, slug: str) -> Any:
    return _detail(_visible(request, slug))


@router.put(
    "/projects/{slug}",
    response={200: ProjectDetailOut, 409: ProjectConflictOut},
    auth=WRITE_AUTH,
    summary="Edit a project: refused with 409 if it changed since the version you read",
)
def project_update(request: HttpRequest, slug: str, payload: ProjectUpdateIn) -> Any:
    project = _visible(request, slug)
    try:
        saved = actions.update_project(
            request_user(request), project, _input(payload), payload.version
        )
    except actions.VersionConflict as exc:
        return _conflict(request, exc)
    return _detail(saved)


@router.post(
    "/projects/{slug}/stage",
    response={200: ProjectDetailOut, 409: ProjectConflictOut},
    auth=WRITE_AUTH,
    summary="Move a project to the next or previous stage; 409 if it is no longer at from_stage",
)
def project_stage(request: HttpRequest, slug: str, payload: StageIn) -> Any:
    project = _visible(request, slug)
    try:
        moved = actions.move_stage(
            request_user(request), project, payload.from_stage, payload.to_stage
        )
    except actions.VersionConflict as exc:
        return _conflict(request, exc)
    return _detail(moved)
