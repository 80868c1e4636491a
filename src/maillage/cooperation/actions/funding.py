"""Writes of the funding: the plan's lines, campaigns and their matching rules, pledges.

A pledge records a promise (payment happens outside); a coordinator confirms it once the money
arrived. Every transition locks its row, reads it again and re-checks its starting state, so
two people acting at once behave as if one came after the other.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.cooperation import funding as core
from maillage.cooperation.models import (
    Campaign,
    CampaignRule,
    CampaignState,
    FundingKind,
    FundingLine,
    FundingStatus,
    MatchingRule,
    Pledge,
    PledgeState,
    Project,
)
from maillage.cooperation.queries import funding as queries
from maillage.core.dates import local_today
from maillage.core.locks import lock, lock_existing
from maillage.directory import permissions
from maillage.directory.models import Organisation, Role

MAX_PLEDGE = Decimal("100000")  # one person's promise: more is a typing error
MAX_AMOUNT = Decimal("9999999999.99")  # what a 12-digit column holds
MAX_RATIO = Decimal("100")


class FundingConflict(ValidationError):
    """The row changed between the caller's read and the lock (the API answers 409)."""


def money(
    value: object, field: str, *, maximum: Decimal = MAX_AMOUNT, positive: bool = False
) -> Decimal:
    """An amount in euros with at most two decimals, or a ValidationError naming the field."""
    if isinstance(value, bool) or value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationError({field: _("Give an amount in euros.")})
    if isinstance(value, float):
        value = repr(value)
    try:
        amount = Decimal(str(value).strip().replace(",", ".").replace(" ", ""))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Give an amount in euros.")}) from None
    if not amount.is_finite():
        raise ValidationError({field: _("Give an amount in euros.")})
    if positive and amount <= 0:
        raise ValidationError({field: _("The amount must be more than 0 €.")})
    if amount < 0:
        raise ValidationError({field: _("The amount cannot be negative.")})
    # Compared before rounding: quantize cannot hold an amount like 1e999999 (InvalidOperation).
    if amount > maximum:
        raise ValidationError({field: _("At most %(max)s.") % {"max": queries.euros(maximum)}})
    try:
        cents = amount.quantize(core.CENT)
    except InvalidOperation:
        raise ValidationError({field: _("Give an amount in euros.")}) from None
    if amount != cents:
        raise ValidationError({field: _("Give the amount to the cent at most.")})
    return cents


def _check_edit(user: Any, project: Project) -> None:
    if not queries.can_edit_funding(user, project):
        raise PermissionDenied(
            _("Only the lead organisation's admins and the coordinators edit the funding.")
        )


# --- the funding plan -----------------------------------------------------------------------


@dataclass(frozen=True)
class LineInput:
    kind: str
    funder_name: str
    amount: object
    status: str = FundingStatus.PLANNED
    disbursed: object = "0"
    funder: Organisation | None = None
    note: str = ""


def _clean_line(data: LineInput) -> dict[str, Any]:
    errors: dict[str, str] = {}
    if data.kind not in FundingKind.values:
        errors["kind"] = _("Choose a kind of funding.")
    if data.status not in FundingStatus.values:
        errors["status"] = _("Choose a status.")
    name = data.funder_name.strip() or (data.funder.name if data.funder else "")
    if not name:
        errors["funder_name"] = _("Name the funder.")
    cleaned: dict[str, Any] = {
        "kind": data.kind,
        "status": data.status,
        "funder": data.funder,
        "funder_name": name[:200],
        "note": data.note.strip()[:300],
    }
    for field_name in ("amount", "disbursed"):
        try:
            cleaned[field_name] = money(getattr(data, field_name) or "0", field_name)
        except ValidationError as exc:
            errors[field_name] = " ".join(exc.messages)
    if "amount" in cleaned and "disbursed" in cleaned and cleaned["disbursed"] > cleaned["amount"]:
        errors["disbursed"] = _("The disbursed amount cannot exceed the amount.")
    early = data.status in (FundingStatus.PLANNED, FundingStatus.REQUESTED)
    if cleaned.get("disbursed") and early and "disbursed" not in errors:
        errors["disbursed"] = _("Only committed or disbursed funding has money paid out.")
    if errors:
        raise ValidationError(errors)
    return cleaned


def add_line(user: Any, project: Project, data: LineInput) -> FundingLine:
    _check_edit(user, project)
    cleaned = _clean_line(data)
    with transaction.atomic():
        return FundingLine.objects.create(project=project, **cleaned)


def _line_gone() -> FundingConflict:
    return FundingConflict(_("This funding line was removed meanwhile: reload the page."))


def update_line(user: Any, line: FundingLine, data: LineInput) -> FundingLine:
    _check_edit(user, line.project)
    cleaned = _clean_line(data)
    with transaction.atomic():
        locked = lock(line)
        if locked is None:
            raise _line_gone()
        for name, value in cleaned.items():
            setattr(locked, name, value)
        locked.save()
        return locked


def remove_line(user: Any, line: FundingLine) -> None:
    _check_edit(user, line.project)
    with transaction.atomic():
        locked = lock(line)
        if locked is None:
            raise _line_gone()
        locked.delete()


# --- campaigns and matching rules -----------------------------------------------------------


@dataclass(frozen=True)
class CampaignInput:
    goal: object
    opens: dt.date | None
    deadline: dt.date | None
    rule: str
    title: str = ""


def create_campaign(
    user: Any, project: Project, data: CampaignInput, *, today: dt.date | None = None
) -> Campaign:
    """A new campaign; its deadline must be in the future, and one is open at a time."""
    _check_edit(user, project)
    today = today or local_today()
    errors: dict[str, str] = {}
    try:
        goal = money(data.goal, "goal", positive=True)
    except ValidationError as exc:
        errors["goal"] = " ".join(exc.messages)
    if data.rule not in CampaignRule.values:
        errors["rule"] = _("Choose all or nothing or keep what you raise.")
    opens = data.opens or today
    if data.deadline is None:
        errors["deadline"] = _("Give the deadline.")
    elif data.deadline <= today:
        errors["deadline"] = _("The deadline must be in the future.")
    elif data.deadline < opens:
        errors["deadline"] = _("The deadline must come after the opening day.")
    elif data.deadline > today + dt.timedelta(days=366):
        errors["deadline"] = _("A campaign lasts at most a year.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        lock_existing(project)  # two creators at once: the second sees the first's campaign
        if project.campaigns.filter(state=CampaignState.OPEN).exists():
            raise ValidationError(_("This project already has an open campaign."))
        return Campaign.objects.create(
            project=project,
            title=data.title.strip()[:200],
            goal=goal,
            opens=opens,
            deadline=data.deadline,  # type: ignore[misc]
            rule=data.rule,
            created_by=user if user.is_authenticated else None,
        )


@dataclass(frozen=True)
class RuleInput:
    funder_name: str
    ratio: object
    cap: object
    per_pledge_cap: object = None
    organisations_count: bool = False
    funder: Organisation | None = None


def add_matching_rule(user: Any, campaign: Campaign, data: RuleInput) -> MatchingRule:
    _check_edit(user, campaign.project)
    errors: dict[str, str] = {}
    name = data.funder_name.strip() or (data.funder.name if data.funder else "")
    if not name:
        errors["funder_name"] = _("Name the funder.")
    values: dict[str, Any] = {}
    try:
        ratio = Decimal(str(data.ratio).strip().replace(",", "."))
        if not ratio.is_finite() or ratio <= 0 or ratio > MAX_RATIO:
            raise InvalidOperation
        if ratio != ratio.quantize(Decimal("0.001")):
            raise InvalidOperation
        values["ratio"] = ratio
    except (InvalidOperation, ValueError):
        errors["ratio"] = _("Give the euros added per euro pledged, e.g. 1 or 0.5.")
    for field_name in ("cap", "per_pledge_cap"):
        raw = getattr(data, field_name)
        if field_name == "per_pledge_cap" and (raw is None or str(raw).strip() == ""):
            values[field_name] = None
            continue
        try:
            values[field_name] = money(raw, field_name, positive=True)
        except ValidationError as exc:
            errors[field_name] = " ".join(exc.messages)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = lock_existing(campaign)
        if locked.state != CampaignState.OPEN:
            raise ValidationError(_("This campaign is closed."))
        return MatchingRule.objects.create(
            campaign=locked,
            funder_name=name[:200],
            funder=data.funder,
            organisations_count=data.organisations_count,
            **values,
        )


# --- pledges --------------------------------------------------------------------------------


def _check_open(campaign: Campaign, today: dt.date) -> None:
    if campaign.state != CampaignState.OPEN:
        raise FundingConflict(_("This campaign is closed."))
    if today > campaign.deadline:
        raise ValidationError({"deadline": _("The campaign's deadline has passed.")})
    if today < campaign.opens:
        raise ValidationError(_("The campaign is not open yet."))


def _is_admin_of(user: Any, organisation: Organisation) -> bool:
    membership = permissions.membership_of(user, organisation)
    return membership is not None and membership.role == Role.ADMIN


def short_name(user: Any) -> str:
    """The name shown by default: « Camille D. », never the full name unless the person types it;
    without names, the username's first part (before an @ or a dot)."""
    first, last = user.first_name.strip(), user.last_name.strip()
    if first:
        return f"{first} {last[0].upper()}." if last else first
    if last:
        return f"{last[0].upper()}."
    return re.split(r"[@.]", user.username, maxsplit=1)[0] or user.username


def pledge(
    user: Any,
    campaign: Campaign,
    amount: object,
    *,
    organisation: Organisation | None = None,
    display_name: str = "",
    anonymous: bool = False,
    today: dt.date | None = None,
) -> Pledge:
    """A signed-in person promises an amount, for themselves or an organisation they belong to."""
    if not user.is_authenticated:
        raise PermissionDenied(_("Sign in to pledge."))
    if not queries.can_view_funding(user, campaign.project):
        raise PermissionDenied(_("This project is not public."))
    value = money(amount, "amount", maximum=MAX_PLEDGE, positive=True)
    if organisation is not None and not _is_admin_of(user, organisation):
        raise ValidationError(
            {"organisation": _("Only an admin of the organisation may pledge in its name.")}
        )
    name = display_name.strip()[:120] or (organisation.name if organisation else short_name(user))
    today = today or local_today()
    with transaction.atomic():
        locked = lock_existing(campaign)
        _check_open(locked, today)
        return Pledge.objects.create(
            campaign=locked,
            user=user,
            organisation=organisation,
            display_name=name,
            anonymous=bool(anonymous),
            amount=value,
        )


def cancel_pledge(user: Any, pledge_row: Pledge) -> Pledge:
    """The pledger withdraws a promise nobody confirmed yet."""
    if not user.is_authenticated or pledge_row.user_id != user.pk:
        raise PermissionDenied(_("Only the person who pledged may cancel it."))
    with transaction.atomic():
        locked = lock_existing(pledge_row)
        if locked.state != PledgeState.PROMISED:
            raise FundingConflict(_("Only a pledge still promised can be cancelled."))
        locked.state = PledgeState.CANCELLED
        locked.save(update_fields=["state"])
        return locked


def confirm_pledge(user: Any, pledge_row: Pledge) -> Pledge:
    """A coordinator records that the promised money arrived (campaign still open)."""
    if not queries.can_confirm(user):
        raise PermissionDenied(_("Only coordinators confirm pledges."))
    with transaction.atomic():
        # The campaign first, then the pledge: the same order as closing, so no deadlock.
        campaign = lock_existing(pledge_row.campaign)
        locked = lock_existing(pledge_row)
        if campaign.state != CampaignState.OPEN:
            raise FundingConflict(_("This campaign is closed."))
        # After the deadline day the outcome is what was confirmed by then, whenever the
        # nightly closing runs: a late confirmation would change it.
        if local_today() > campaign.deadline:
            raise FundingConflict(
                _("The campaign's deadline has passed: pledges can no longer be confirmed.")
            )
        if locked.state != PledgeState.PROMISED:
            raise FundingConflict(
                _("This pledge is no longer promised: it was %(state)s.")
                % {"state": locked.get_state_display().lower()}
            )
        locked.state = PledgeState.CONFIRMED
        locked.confirmed_by = user
        locked.confirmed_at = timezone.now()
        locked.save(update_fields=["state", "confirmed_by", "confirmed_at"])
        return locked


# --- closing at the deadline ----------------------------------------------------------------


def close_campaign(campaign: Campaign, *, today: dt.date | None = None) -> str | None:
    """Close a campaign whose deadline passed: its new state, None when nothing was to do.

    All-or-nothing below the goal: failed, every pledge void. Otherwise the confirmed pledges
    stay, and the promises nobody confirmed are void.
    """
    today = today or local_today()
    with transaction.atomic():
        locked = lock_existing(campaign)
        if locked.state != CampaignState.OPEN or today <= locked.deadline:
            return None
        figures = queries.totals(locked)
        result = core.outcome(locked.rule, figures)
        falling = [PledgeState.PROMISED]
        if result.void_confirmed:
            falling.append(PledgeState.CONFIRMED)
        Pledge.objects.select_for_update().filter(campaign=locked, state__in=falling).update(
            state=PledgeState.VOID
        )
        locked.state = result.state
        locked.closed_at = timezone.now()
        locked.save(update_fields=["state", "closed_at"])
        return result.state


def close_due_campaigns(*, today: dt.date | None = None) -> dict[str, int]:
    """Every open campaign past its deadline, each closed in its own transaction."""
    today = today or local_today()
    counts: dict[str, int] = {}
    due = Campaign.objects.filter(state=CampaignState.OPEN, deadline__lt=today).order_by("id")
    for campaign in due:
        state = close_campaign(campaign, today=today)
        if state is not None:
            counts[state] = counts.get(state, 0) + 1
    return counts
