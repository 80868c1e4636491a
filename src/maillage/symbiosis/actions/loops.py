"""Deposit-return loops: the loop and its members, stock reports, months, the van's rounds.

Managers (coordinators, admins of the running organisation) edit the loop, its members and its
months; a shop's members report its stock; the hub's and the washing centre's people plan and
close rounds. Every change of state locks its row and re-reads it first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from maillage.core.locks import lock_existing
from maillage.directory import permissions
from maillage.directory.models import Organisation, OrganisationStatus, Site, User
from maillage.symbiosis import routing
from maillage.symbiosis.models import (
    CollectionRound,
    ContainerLoop,
    LoopMember,
    LoopMonth,
    LoopRole,
    RoundState,
    StockReport,
)
from maillage.symbiosis.queries import loops as queries

SMALL_MAX = 32_767  # PositiveSmallIntegerField
BIG_MAX = 100_000_000


def _check_manage(user: Any, loop: ContainerLoop) -> None:
    if not queries.can_manage(user, loop):
        raise PermissionDenied(
            _("Only the loop's organisation admins and coordinators may do this.")
        )


def _count(value: object, field: str, maximum: int = SMALL_MAX, minimum: int = 0) -> int:
    if isinstance(value, bool):
        raise ValidationError({field: _("Give a whole number.")})
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError({field: _("Give a whole number.")}) from None
    if number < minimum:
        raise ValidationError({field: _("At least %(n)s.") % {"n": minimum}})
    if number > maximum:
        raise ValidationError({field: _("This is too large.")})
    return number


@dataclass(frozen=True)
class LoopInput:
    name: str
    container: str
    container_mass_g: object
    single_use_mass_g: object
    crate_size: object
    van_capacity_crates: object
    deposit_eur: object
    containers_in_circulation: object
    description: str = ""


def _clean_loop(data: LoopInput) -> dict[str, Any]:
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {"description": data.description.strip()}
    for field, text in (("name", data.name), ("container", data.container)):
        if not text.strip():
            errors[field] = _("This field is required.")
        cleaned[field] = text.strip()[: 200 if field == "name" else 120]
    checks = (
        ("container_mass_g", 1, 5000),
        ("single_use_mass_g", 1, 5000),
        ("crate_size", 1, 100),
        ("van_capacity_crates", 1, 1000),
        ("containers_in_circulation", 0, BIG_MAX),
    )
    for field, low, high in checks:
        try:
            cleaned[field] = _count(getattr(data, field), field, high, low)
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
    try:
        deposit = Decimal(str(data.deposit_eur))
        if not deposit.is_finite() or deposit < 0 or deposit >= 10_000:
            raise InvalidOperation
        cleaned["deposit_eur"] = deposit.quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        errors["deposit_eur"] = _("Give an amount in euros, 0 or more.")
    if errors:
        raise ValidationError(errors)
    return cleaned


def _unique_slug(name: str) -> str:
    base = (slugify(name) or "boucle")[:70]
    slug, n = base, 2
    while ContainerLoop.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def create_loop(user: User, organisation: Organisation, data: LoopInput) -> ContainerLoop:
    if not permissions.can_edit_organisation(user, organisation):
        raise PermissionDenied(_("Only the organisation's admins and coordinators may do this."))
    cleaned = _clean_loop(data)
    for _attempt in range(5):
        try:
            # Two loops of the same name created at once: the second takes the next slug.
            with transaction.atomic():
                return ContainerLoop.objects.create(
                    organisation=organisation, slug=_unique_slug(cleaned["name"]), **cleaned
                )
        except IntegrityError:
            continue
    raise ValidationError({"name": _("Another loop is being created with this name: try again.")})


def update_loop(user: User, loop: ContainerLoop, data: LoopInput) -> ContainerLoop:
    _check_manage(user, loop)
    cleaned = _clean_loop(data)
    with transaction.atomic():
        current = lock_existing(loop)
        for field, value in cleaned.items():
            setattr(current, field, value)
        current.save()
    return current


def add_member(
    user: User, loop: ContainerLoop, site: Site, role: str, joined_on: dt.date | None = None
) -> LoopMember:
    """The site joins the loop with the role; a member who had left comes back.

    Refused: an organisation not validated, a second washing centre, the same site twice with
    the same role.
    """
    _check_manage(user, loop)
    if role not in LoopRole.values:
        raise ValidationError({"role": _("Choose washing centre, producer or shop.")})
    if site.organisation.status != OrganisationStatus.VALIDATED:
        raise ValidationError({"organisation": _("Only a validated organisation may join a loop.")})
    with transaction.atomic():
        lock_existing(loop)
        active = loop.members.filter(role=role, active=True)
        if active.filter(site=site).exists():
            raise ValidationError(
                {"site": _("This site is already a member of the loop with this role.")}
            )
        if role == LoopRole.WASHER and active.exists():
            raise ValidationError({"role": _("The loop already has a washing centre.")})
        member, _created = LoopMember.objects.get_or_create(
            loop=loop,
            site=site,
            role=role,
            defaults={"organisation_id": site.organisation_id, "joined_on": joined_on},
        )
        if not member.active:
            member.active = True
            member.save(update_fields=["active"])
    return member


def remove_member(user: User, member: LoopMember) -> LoopMember:
    """The member leaves: kept for the history of its reports and rounds, no longer active."""
    _check_manage(user, member.loop)
    with transaction.atomic():
        current = lock_existing(member)
        if not current.active:
            raise ValidationError(_("This member has already left the loop."))
        current.active = False
        current.save(update_fields=["active"])
    return current


def report_stock(
    user: User, member: LoopMember, empty_crates: object, full_crates_wanted: object
) -> StockReport:
    if not (
        permissions.is_coordinator(user) or permissions.membership_of(user, member.organisation)
    ):
        raise PermissionDenied(_("Only the shop's members report its stock."))
    if member.role != LoopRole.SHOP or not member.active:
        raise ValidationError(_("Only the loop's active shops report a stock."))
    loop = member.loop
    empties = _count(empty_crates, "empty_crates", 1000)
    wanted = _count(full_crates_wanted, "full_crates_wanted", 1000)
    for field, value in (("empty_crates", empties), ("full_crates_wanted", wanted)):
        if value > loop.van_capacity_crates:
            raise ValidationError(
                {
                    field: _("The van holds %(n)s crates: report at most that many.")
                    % {"n": loop.van_capacity_crates}
                }
            )
    return StockReport.objects.create(
        member=member, empty_crates=empties, full_crates_wanted=wanted, reported_by=user
    )


@dataclass(frozen=True)
class MonthInput:
    month: dt.date
    filled: object
    sold: object
    returned: object
    broken: object


def record_loop_month(user: User, loop: ContainerLoop, data: MonthInput) -> LoopMonth:
    """Record (or correct) a month's counts; they must add up with the months before."""
    _check_manage(user, loop)
    month = data.month.replace(day=1)
    if month > timezone.localdate().replace(day=1):
        raise ValidationError({"month": _("This month has not begun yet.")})
    counts = {
        f: _count(getattr(data, f), f, BIG_MAX) for f in ("filled", "sold", "returned", "broken")
    }
    with transaction.atomic():
        lock_existing(loop)
        before = loop.months.filter(month__lt=month).aggregate(
            filled=Sum("filled"), sold=Sum("sold"), returned=Sum("returned")
        )
        unsold = max(0, (before["filled"] or 0) - (before["sold"] or 0))
        out = max(0, (before["sold"] or 0) - (before["returned"] or 0))
        if counts["sold"] > counts["filled"] + unsold:
            raise ValidationError(
                {
                    "sold": _(
                        "Sold (%(sold)s) cannot exceed the bottles filled this month plus "
                        "those still unsold (%(most)s)."
                    )
                    % {"sold": counts["sold"], "most": counts["filled"] + unsold}
                }
            )
        if counts["returned"] > counts["sold"] + out:
            raise ValidationError(
                {
                    "returned": _(
                        "Returned (%(returned)s) cannot exceed the bottles sold this month plus "
                        "those still with customers (%(most)s)."
                    )
                    % {"returned": counts["returned"], "most": counts["sold"] + out}
                }
            )
        if counts["broken"] > counts["returned"]:
            raise ValidationError(
                {"broken": _("Broken or discarded bottles are counted among those returned.")}
            )
        found, _created = LoopMonth.objects.update_or_create(
            loop=loop, month=month, defaults=counts
        )
    return found


MAX_TRIPS = 5


def plan_round(
    user: User,
    loop: ContainerLoop,
    planned_for: dt.date,
    *,
    trips: object = 1,
    time_limit_s: float = 2.0,
) -> CollectionRound:
    """The van's round from the latest stock report of each shop since the last closed round.

    `trips`: how many times the van may leave the washing centre that day (or how many vans).
    """
    if not queries.can_run_rounds(user, loop):
        raise PermissionDenied(_("Only the loop's hub and washing centre plan its rounds."))
    if planned_for < timezone.localdate():
        raise ValidationError({"planned_for": _("Choose today or a later day.")})
    vehicles = _count(trips, "trips", MAX_TRIPS, 1)
    depot = queries.washer(loop)
    if depot is None:
        raise ValidationError(_("The loop has no washing centre: add one first."))
    reports = queries.pending_reports(loop)
    stops = [
        routing.Stop(
            r.member_id,
            r.member.site.latitude,
            r.member.site.longitude,
            r.empty_crates,
            r.full_crates_wanted,
        )
        for r in reports
        if r.empty_crates or r.full_crates_wanted
    ]
    if not stops:
        raise ValidationError(_("No shop has reported crates since the last round."))
    _check_free_day(loop, planned_for)
    plan = routing.plan_round(
        (depot.site.latitude, depot.site.longitude),
        stops,
        loop.van_capacity_crates,
        vehicles=vehicles,
        time_limit_s=time_limit_s,
    )
    with transaction.atomic():
        # The solver ran outside the lock; two planners of the same day get one round.
        lock_existing(loop)
        _check_free_day(loop, planned_for)
        return _save_round(user, loop, planned_for, plan)


def _check_free_day(loop: ContainerLoop, planned_for: dt.date) -> None:
    if loop.rounds.filter(state=RoundState.PLANNED, planned_for=planned_for).exists():
        raise ValidationError(
            {"planned_for": _("A round is already planned that day: close it first.")}
        )


def _save_round(
    user: User, loop: ContainerLoop, planned_for: dt.date, plan: routing.RoundPlan
) -> CollectionRound:
    return CollectionRound.objects.create(
        loop=loop,
        planned_for=planned_for,
        stops=[
            {
                "member": v.key,
                "pickup": v.pickup,
                "delivery": v.delivery,
                "load_after": v.load_after,
                "km_from_previous": v.km_from_previous,
                "trip": number,
            }
            for number, trip in enumerate(plan.trips)
            for v in trip.visits
        ],
        distance_km=plan.km,
        unserved=[{"member": u.key, "reason": u.reason} for u in plan.unserved],
        created_by=user,
    )


def close_round(user: User, found: CollectionRound) -> CollectionRound:
    """The round was driven: planned → done; the stocks reported before it are collected."""
    if not queries.can_run_rounds(user, found.loop):
        raise PermissionDenied(_("Only the loop's hub and washing centre close its rounds."))
    with transaction.atomic():
        current = lock_existing(found)
        if current.state != RoundState.PLANNED:
            raise ValidationError(_("This round is already closed."))
        current.state = RoundState.DONE
        current.closed_at = timezone.now()
        current.save(update_fields=["state", "closed_at"])
    return current


def cancel_round(user: User, found: CollectionRound) -> CollectionRound:
    """A planned round that will not be driven: cancelled; its stocks stay to collect."""
    if not queries.can_run_rounds(user, found.loop):
        raise PermissionDenied(_("Only the loop's hub and washing centre close its rounds."))
    with transaction.atomic():
        current = lock_existing(found)
        if current.state != RoundState.PLANNED:
            raise ValidationError(_("This round is already closed."))
        current.state = RoundState.CANCELLED
        current.save(update_fields=["state"])
    return current
