"""Reading deposit-return loops: who may see what, the indicators, the stocks, the rounds.

Everyone sees a loop, its members and its indicators. A shop's stock is its business: stock
reports go to the hub's people (the loop's managers), the washing centre's members and the
coordinators; a member sees its own. Rounds go to the people of the loop's organisations.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Max, QuerySet, Sum

from maillage.directory import permissions
from maillage.directory.models import Membership, MembershipState, Role
from maillage.symbiosis import containers, routing
from maillage.symbiosis.models import (
    CollectionRound,
    ContainerLoop,
    LoopMember,
    LoopMonth,
    LoopRole,
    RoundState,
    StockReport,
)


def _org_ids(user: Any) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(
        Membership.objects.filter(user=user, state=MembershipState.ACTIVE).values_list(
            "organisation_id", flat=True
        )
    )


def can_manage(user: Any, loop: ContainerLoop) -> bool:
    """The loop, its members and its months: coordinators and the running organisation's admins."""
    if permissions.is_coordinator(user):
        return True
    membership = permissions.membership_of(user, loop.organisation)
    return membership is not None and membership.role == Role.ADMIN


def can_run_rounds(user: Any, loop: ContainerLoop) -> bool:
    """Plan and close rounds: the managers, the hub's members and the washing centre's."""
    if can_manage(user, loop):
        return True
    mine = _org_ids(user)
    if loop.organisation_id in mine:
        return True
    return loop.members.filter(role=LoopRole.WASHER, active=True, organisation_id__in=mine).exists()


def is_insider(user: Any, loop: ContainerLoop) -> bool:
    """The loop's people: rounds are theirs to read."""
    if can_run_rounds(user, loop):
        return True
    return loop.members.filter(active=True, organisation_id__in=_org_ids(user)).exists()


def own_members(user: Any, loop: ContainerLoop) -> QuerySet[LoopMember]:
    """The active shops of the loop the person may report the stock of."""
    shops = loop.members.filter(active=True, role=LoopRole.SHOP).select_related(
        "organisation", "site"
    )
    if permissions.is_coordinator(user):
        return shops
    return shops.filter(organisation_id__in=_org_ids(user))


def visible_reports(user: Any, loop: ContainerLoop) -> QuerySet[StockReport]:
    reports = StockReport.objects.filter(member__loop=loop).select_related(
        "member__organisation", "member__site"
    )
    if can_run_rounds(user, loop):
        return reports
    return reports.filter(member__organisation_id__in=_org_ids(user))


def last_closed_at(loop: ContainerLoop) -> dt.datetime | None:
    found: dt.datetime | None = loop.rounds.filter(state=RoundState.DONE).aggregate(
        last=Max("closed_at")
    )["last"]
    return found


def pending_reports(loop: ContainerLoop) -> list[StockReport]:
    """The latest report of each active shop since the last round was closed."""
    since = last_closed_at(loop)
    reports = StockReport.objects.filter(
        member__loop=loop, member__active=True, member__role=LoopRole.SHOP
    ).select_related("member__organisation", "member__site")
    if since is not None:
        reports = reports.filter(reported_at__gt=since)
    latest: dict[int, StockReport] = {}
    for report in reports.order_by("-reported_at", "-pk"):
        latest.setdefault(report.member_id, report)
    return sorted(latest.values(), key=lambda r: r.member_id)


def washer(loop: ContainerLoop) -> LoopMember | None:
    return (
        loop.members.filter(role=LoopRole.WASHER, active=True)
        .select_related("site", "organisation")
        .first()
    )


@dataclass(frozen=True)
class LoopFigures:
    indicators: containers.LoopIndicators
    months: int
    distance_km: float | None  # average one-way road distance washing centre → shops
    reusable_kg: float | None  # per use, at the loop's average uses and distance
    single_use_kg: float | None
    saving: float | None
    break_even_uses: float | None
    break_even_km: float | None
    factors: list[containers.Factor]


USES_SHOWN_CAP = 50.0  # a loop where every bottle comes back forever is counted as 50 uses


def average_distance_km(loop: ContainerLoop) -> float | None:
    depot = washer(loop)
    if depot is None:
        return None
    shops = loop.members.filter(role=LoopRole.SHOP, active=True).select_related("site")
    origin = (depot.site.latitude, depot.site.longitude)
    legs = [routing.road_km(origin, (m.site.latitude, m.site.longitude)) for m in shops]
    return sum(legs) / len(legs) if legs else None


def figures(loop: ContainerLoop, last_months: int = 12) -> LoopFigures:
    """The indicators over the last `last_months` recorded months and the bottle's carbon."""
    months = list(loop.months.order_by("-month")[:last_months])
    counts = containers.LoopCounts(
        filled=sum(m.filled for m in months),
        sold=sum(m.sold for m in months),
        returned=sum(m.returned for m in months),
        broken=sum(m.broken for m in months),
        months=len(months),
    )
    found = containers.loop_indicators(counts, loop.containers_in_circulation)
    factors = containers.load_factors()
    bottles = containers.Bottles(loop.container_mass_g / 1000, loop.single_use_mass_g / 1000)
    distance = average_distance_km(loop)
    reusable = single = saving = even_uses = even_km = None
    if distance is not None:
        uses = min(found.average_uses or 1.0, USES_SHOWN_CAP)
        compared = containers.compare(bottles, uses, distance, factors)
        reusable, single, saving = compared.reusable, compared.single_use, compared.saving
        even_uses = containers.break_even_uses(bottles, distance, factors)
        even_km = containers.break_even_distance_km(bottles, uses, factors)
    return LoopFigures(
        found,
        len(months),
        distance,
        reusable,
        single,
        saving,
        even_uses,
        even_km,
        containers.read_factors(),
    )


def months_table(loop: ContainerLoop) -> list[dict[str, Any]]:
    rows = []
    for m in loop.months.order_by("month"):
        rate = m.returned / m.sold if m.sold else None
        rows.append({"month": m, "return_rate": rate})
    return rows


def yearly_bottles(loop: ContainerLoop) -> int:
    total: int | None = loop.months.order_by("-month")[:12].aggregate(s=Sum("filled"))["s"]
    return total or 0


@dataclass(frozen=True)
class RoundStop:
    order: int
    member: LoopMember | None
    pickup: int
    delivery: int
    load_after: int
    km_from_previous: float
    trip: int


def round_stops(
    found: CollectionRound,
) -> tuple[list[RoundStop], list[tuple[LoopMember | None, str]]]:
    """The round's stops in order with their members, and the members left out with why."""
    ids = [s.get("member") for s in found.stops] + [u.get("member") for u in found.unserved]
    members = {
        m.pk: m
        for m in LoopMember.objects.filter(pk__in=[i for i in ids if i]).select_related(
            "organisation", "site"
        )
    }
    stops = [
        RoundStop(
            order=i,
            member=members.get(s.get("member")),
            pickup=int(s.get("pickup", 0)),
            delivery=int(s.get("delivery", 0)),
            load_after=int(s.get("load_after", 0)),
            km_from_previous=float(s.get("km_from_previous", 0)),
            trip=int(s.get("trip", 0)),
        )
        for i, s in enumerate(found.stops, start=1)
    ]
    left = [(members.get(u.get("member")), str(u.get("reason", ""))) for u in found.unserved]
    return stops, left


def visible_rounds(user: Any, loop: ContainerLoop) -> QuerySet[CollectionRound]:
    """The rounds, to who runs them: a round lists every shop's crates, and a shop's stock is
    its own business (each shop reads its own reports)."""
    if not can_run_rounds(user, loop):
        return CollectionRound.objects.none()
    return loop.rounds.all()


def loops_list() -> QuerySet[ContainerLoop]:
    return ContainerLoop.objects.select_related("organisation").order_by("name")


def months_of(loop: ContainerLoop) -> QuerySet[LoopMonth]:
    return loop.months.order_by("month")
