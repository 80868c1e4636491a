"""Funding API: a project's funding plan and campaign figures, a pledge, a coordinator's
confirmation. Amounts travel as strings of euros ("1200.50"), never floats."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from maillage.cooperation.actions import funding as actions
from maillage.cooperation.models import Pledge, Project
from maillage.cooperation.queries import funding as queries
from maillage.core.validators import MAX_ROW_ID
from maillage.directory.auth import WRITE_AUTH, request_user
from maillage.directory.models import Organisation

router = Router(tags=["cooperation"])


class FundingLineOut(Schema):
    id: int
    kind: str
    funder: str
    amount: str
    status: str
    disbursed: str


class MatchingRuleOut(Schema):
    funder: str
    ratio: str = Field(..., description="€ added per € pledged: '1' for €1 per €1")
    cap: str
    per_pledge_cap: str | None
    organisations_count: bool
    matched: str
    text: str


class CampaignOut(Schema):
    id: int
    title: str
    rule: str = Field(..., description="all_or_nothing or keep")
    state: str
    opens: dt.date
    deadline: dt.date
    goal: str
    promised: str
    confirmed: str
    matched: str
    total: str = Field(..., description="confirmed + matched: what counts toward the goal")
    percent: int
    rules: list[MatchingRuleOut]


class FundingOut(Schema):
    project: str
    budget: str
    plan_total: str
    committed: str
    disbursed: str
    lines: list[FundingLineOut]
    campaign: CampaignOut | None


class PledgeIn(Schema):
    amount: Decimal = Field(..., description="Euros, to the cent: 25, 12.50 or '12.50'")
    organisation: int | None = Field(None, ge=1, le=MAX_ROW_ID, description="On whose behalf")
    display_name: str = Field("", max_length=120)
    anonymous: bool = False


class PledgeOut(Schema):
    id: int
    amount: str
    state: str
    display_name: str
    anonymous: bool
    organisation: int | None = Field(None, alias="organisation_id")


class FundingErrorOut(Schema):
    detail: Any


def _project(request: HttpRequest, slug: str) -> Project:
    project = get_object_or_404(Project.objects.select_related("lead"), slug=slug)
    if not queries.can_view_funding(request_user(request), project):
        raise Http404
    return project


def _pledge_out(found: Pledge) -> dict[str, Any]:
    return {
        "id": found.pk,
        "amount": str(found.amount),
        "state": found.state,
        "display_name": found.display_name,
        "anonymous": found.anonymous,
        "organisation_id": found.organisation_id,
    }


@router.get(
    "/cooperation/projects/{slug}/funding",
    response=FundingOut,
    summary="A project's funding plan and its current campaign's figures",
)
def project_funding(request: HttpRequest, slug: str) -> Any:
    project = _project(request, slug)
    found = queries.plan(project)
    campaign = queries.current_campaign(project)
    campaign_out = None
    if campaign is not None:
        figures = queries.totals(campaign)
        rules = list(campaign.matching_rules.all())
        campaign_out = {
            "id": campaign.pk,
            "title": campaign.title,
            "rule": campaign.rule,
            "state": campaign.state,
            "opens": campaign.opens,
            "deadline": campaign.deadline,
            "goal": str(figures.goal),
            "promised": str(figures.promised),
            "confirmed": str(figures.confirmed),
            "matched": str(figures.matched),
            "total": str(figures.total),
            "percent": figures.percent,
            "rules": [
                {
                    "funder": rule.funder_name,
                    "ratio": format(rule.ratio.normalize(), "f"),
                    "cap": str(rule.cap),
                    "per_pledge_cap": None
                    if rule.per_pledge_cap is None
                    else str(rule.per_pledge_cap),
                    "organisations_count": rule.organisations_count,
                    "matched": str(matched),
                    "text": queries.rule_sentence(rule),
                }
                for rule, matched in zip(rules, figures.matched_by_rule, strict=True)
            ],
        }
    return {
        "project": project.slug,
        "budget": str(project.budget),
        "plan_total": str(found.amount),
        "committed": str(found.committed),
        "disbursed": str(found.disbursed),
        "lines": [
            {
                "id": line.pk,
                "kind": line.kind,
                "funder": line.funder_name,
                "amount": str(line.amount),
                "status": line.status,
                "disbursed": str(line.disbursed),
            }
            for group in found.groups
            for line in group.lines
        ],
        "campaign": campaign_out,
    }


@router.post(
    "/cooperation/projects/{slug}/funding/pledges",
    response={201: PledgeOut, 409: FundingErrorOut},
    auth=WRITE_AUTH,
    summary="Pledge to the project's open campaign (a promise; payment happens outside; 409 once "
    "it closed)",
)
def pledge_new(request: HttpRequest, slug: str, payload: PledgeIn) -> Any:
    project = _project(request, slug)
    campaign = queries.current_campaign(project)
    if campaign is None:
        raise Http404
    organisation = None
    if payload.organisation is not None:
        organisation = Organisation.objects.filter(pk=payload.organisation).first()
        if organisation is None:
            raise ValidationError({"organisation": _("Unknown organisation.")})
    try:
        found = actions.pledge(
            request_user(request),
            campaign,
            payload.amount,
            organisation=organisation,
            display_name=payload.display_name,
            anonymous=payload.anonymous,
        )
    except actions.FundingConflict as exc:
        return Status(
            409, {"detail": [{"loc": ["body"], "msg": m, "type": "conflict"} for m in exc.messages]}
        )
    return Status(201, _pledge_out(found))


@router.post(
    "/cooperation/pledges/{pledge_id}/confirm",
    response={200: PledgeOut, 409: FundingErrorOut},
    auth=WRITE_AUTH,
    summary="A coordinator confirms that a promised pledge was paid (409 when it moved on)",
)
def pledge_confirm(request: HttpRequest, pledge_id: int) -> Any:
    found = get_object_or_404(Pledge.objects.select_related("campaign__project"), pk=pledge_id)
    user = request_user(request)
    if not queries.can_view_funding(user, found.campaign.project):
        raise Http404
    try:
        confirmed = actions.confirm_pledge(user, found)
    except actions.FundingConflict as exc:
        return Status(
            409, {"detail": [{"loc": ["body"], "msg": m, "type": "conflict"} for m in exc.messages]}
        )
    return _pledge_out(confirmed)
