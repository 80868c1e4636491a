"""Network API: the network with its colleges and member counts, decisions with their results,
and casting a member organisation's vote."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from maillage.cooperation.actions import decisions as actions
from maillage.cooperation.models import NetworkMember
from maillage.cooperation.queries import governance as queries
from maillage.cooperation.queries.network import current_network
from maillage.cooperation.views.results import result_rows
from maillage.core.validators import MAX_ROW_ID
from maillage.directory.auth import WRITE_AUTH, request_user

router = Router(tags=["cooperation"])


class CollegeOut(Schema):
    kind: str
    name: str
    weight_percent: Decimal
    annual_fee: Decimal
    members: int = Field(..., description="Current member organisations")


class CooperationNetworkOut(Schema):
    name: str
    slug: str
    legal_form: str
    description: str
    website: str
    members: int
    colleges: list[CollegeOut]


class CollegeResultOut(Schema):
    college: str
    weight_percent: Decimal
    eligible: int = Field(..., description="Members of the college who could vote")
    yes: int
    no: int
    abstain: int
    result: str


class DecisionOut(Schema):
    id: int
    body: str
    title: str
    text: str
    meeting_date: dt.date
    rule: str
    state: str
    weighted: bool
    yes_percent: Decimal = Field(..., description="Share of the expressed (weighted) votes")
    no_percent: Decimal
    outcome: str = Field(..., description="adopted, rejected or no_votes")
    colleges: list[CollegeResultOut]


class VoteIn(Schema):
    member: int = Field(..., ge=1, le=MAX_ROW_ID, description="Id of the network membership")
    choice: Literal["yes", "no", "abstain"]


class VoteOut(Schema):
    id: int
    decision: int = Field(..., alias="decision_id")
    member: int = Field(..., alias="member_id")
    choice: str
    cast_at: dt.datetime


class VoteConflictOut(Schema):
    detail: str


class NoNetworkOut(Schema):
    """The installation has no cooperation network yet."""

    detail: str


def _network() -> Any:
    found = current_network()
    if found is None:
        raise Http404
    return found


@router.get(
    "/cooperation/network",
    response={200: CooperationNetworkOut, 404: NoNetworkOut},
    summary="The network and its colleges (404 while none is set up)",
)
def network(request: HttpRequest) -> Any:
    found = _network()
    colleges = list(queries.colleges_with_counts(found))
    return {
        "name": found.name,
        "slug": found.slug,
        "legal_form": found.legal_form,
        "description": found.description,
        "website": found.website,
        "members": sum(queries.member_count(c) for c in colleges),
        "colleges": [
            {
                "kind": c.kind,
                "name": str(c.get_kind_display()),
                "weight_percent": c.weight_percent,
                "annual_fee": c.annual_fee,
                "members": queries.member_count(c),
            }
            for c in colleges
        ],
    }


def _decision_out(decision: Any) -> dict[str, Any]:
    result = result_rows(decision)
    return {
        "id": decision.pk,
        "body": decision.body.name,
        "title": decision.title,
        "text": decision.text,
        "meeting_date": decision.meeting_date,
        "rule": decision.rule,
        "state": decision.state,
        "weighted": result.weighted,
        "yes_percent": result.yes_percent,
        "no_percent": result.no_percent,
        "outcome": result.outcome,
        "colleges": [row.__dict__ for row in result.rows],
    }


@router.get(
    "/cooperation/decisions",
    response={200: list[DecisionOut], 404: NoNetworkOut},
    summary="Decisions with their results by college (open ones for members only; 404 while no "
    "network is set up)",
)
def decisions(request: HttpRequest) -> Any:
    found = _network()
    shown = queries.visible_decisions(request_user(request), found)[:100]
    return [_decision_out(d) for d in shown]


@router.post(
    "/cooperation/decisions/{decision_id}/votes",
    response={201: VoteOut, 409: VoteConflictOut},
    auth=WRITE_AUTH,
    summary="Cast a member organisation's vote (its admins only)",
)
def vote(request: HttpRequest, decision_id: int, payload: VoteIn) -> Any:
    found = _network()
    user = request_user(request)
    decision = get_object_or_404(queries.decisions_of(found), pk=decision_id)
    member = get_object_or_404(NetworkMember, network=found, pk=payload.member)
    try:
        cast = actions.cast_vote(user, decision, member, payload.choice)
    except actions.DecisionClosed as exc:
        return Status(409, {"detail": " ".join(exc.messages)})
    return Status(201, cast)
