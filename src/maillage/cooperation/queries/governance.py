"""Reads of the network's governance: who is a member, who votes, what each person may read."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet

from maillage.cooperation import votes
from maillage.cooperation.models import (
    Body,
    BodySeat,
    College,
    Decision,
    DecisionRule,
    DecisionState,
    Document,
    Network,
    NetworkMember,
)
from maillage.cooperation.queries.network import can_run_network
from maillage.core.dates import local_today
from maillage.directory.models import Membership, MembershipState, Role


def current_members(network: Network, on: dt.date | None = None) -> QuerySet[NetworkMember]:
    """The memberships running on that day (default today)."""
    day = on or local_today()
    return network.members.filter(start__lte=day).filter(Q(end__isnull=True) | Q(end__gte=day))


def is_current(member: NetworkMember, on: dt.date | None = None) -> bool:
    day = on or local_today()
    return member.start <= day and (member.end is None or member.end >= day)


def is_network_member(user: Any, network: Network) -> bool:
    """Coordinators, and the active people of a member organisation, see the members' things."""
    if not user.is_authenticated:
        return False
    if can_run_network(user):
        return True
    return Membership.objects.filter(
        user=user,
        state=MembershipState.ACTIVE,
        organisation__in=current_members(network).values("organisation_id"),
    ).exists()


def votable_members(user: Any, network: Network) -> QuerySet[NetworkMember]:
    """The current memberships this person votes for: those of the organisations they admin."""
    if not user.is_authenticated:
        return NetworkMember.objects.none()
    admin_of = Membership.objects.filter(
        user=user, state=MembershipState.ACTIVE, role=Role.ADMIN
    ).values("organisation_id")
    return (
        current_members(network)
        .filter(organisation__in=admin_of)
        .select_related("organisation", "college")
    )


def colleges_with_counts(network: Network) -> QuerySet[College]:
    day = local_today()
    running = Q(members__start__lte=day) & (Q(members__end__isnull=True) | Q(members__end__gte=day))
    return network.colleges.annotate(member_count=Count("members", filter=running)).order_by("kind")


def member_count(college: College) -> int:
    """The current members of a college read by `colleges_with_counts`."""
    return int(getattr(college, "member_count", 0))


def college_inputs(decision: Decision, network: Network) -> list[votes.CollegeIn]:
    """The colleges as the count reads them: weights (0 for one member one vote), voters."""
    weighted = decision.rule == DecisionRule.COLLEGES
    return [
        votes.CollegeIn(
            key=college.kind,
            weight_percent=college.weight_percent if weighted else Decimal("0"),
            eligible=member_count(college),
        )
        for college in colleges_with_counts(network)
    ]


def count_of(decision: Decision) -> votes.Count:
    """The live count of a decision (the frozen one is in `decision.result` once closed)."""
    network = decision.body.network
    cast = [
        votes.VoteIn(college=kind, choice=choice)
        for kind, choice in decision.votes.values_list("member__college__kind", "choice")
    ]
    return votes.count_votes(cast, college_inputs(decision, network))


def visible_documents(user: Any, network: Network) -> QuerySet[Document]:
    documents = network.documents.select_related("body")
    if is_network_member(user, network):
        return documents
    return documents.filter(is_public=True)


def decisions_of(network: Network) -> QuerySet[Decision]:
    return Decision.objects.filter(body__network=network).select_related("body")


def visible_decisions(user: Any, network: Network) -> QuerySet[Decision]:
    """Closed public decisions for all; open and private ones for members and coordinators."""
    found = decisions_of(network)
    if is_network_member(user, network):
        return found
    return found.filter(state=DecisionState.CLOSED, is_public=True)


def current_seats(network: Network) -> QuerySet[BodySeat]:
    day = local_today()
    return (
        BodySeat.objects.filter(body__network=network, start__lte=day)
        .filter(Q(end__isnull=True) | Q(end__gte=day))
        .select_related("body", "organisation", "person")
    )


def bodies_with_seats(network: Network) -> list[tuple[Body, list[BodySeat]]]:
    seats: dict[int, list[BodySeat]] = {}
    for seat in current_seats(network):
        seats.setdefault(seat.body_id, []).append(seat)
    return [(body, seats.get(body.pk, [])) for body in network.bodies.all()]
