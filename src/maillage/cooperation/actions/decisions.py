"""Decisions put to a body's vote: opening, casting a member's vote, closing with the count.

A member organisation's admins vote for it, once per decision (a database constraint backs the
check). Casting and closing lock the decision's row, so a vote cast while the decision closes
is either counted in the frozen result or refused.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.cooperation import votes
from maillage.cooperation.actions.governance import check_run
from maillage.cooperation.models import (
    Body,
    Decision,
    DecisionRule,
    DecisionState,
    NetworkMember,
    Vote,
    VoteChoice,
)
from maillage.cooperation.queries import governance as queries
from maillage.core.dates import check_in_window
from maillage.core.locks import lock_existing
from maillage.core.validators import single_line_errors
from maillage.directory import permissions
from maillage.directory.models import Role, User


class DecisionClosed(ValidationError):
    """The decision closed before the vote could be cast (the API answers 409)."""


@dataclass(frozen=True)
class DecisionInput:
    title: str
    meeting_date: dt.date
    rule: str = DecisionRule.COLLEGES
    text: str = ""
    is_public: bool = True


def open_decision(user: User, body: Body, data: DecisionInput) -> Decision:
    check_run(user, body.network)
    title = data.title.strip()
    errors: dict[str, Any] = single_line_errors(title=title)
    if not title:
        errors["title"] = [_("This field is required.")]
    elif len(title) > 200:
        errors["title"] = [_("At most 200 characters.")]
    if data.rule not in DecisionRule.values:
        errors["rule"] = [_("Choose a voting rule from the list.")]
    try:
        check_in_window(data.meeting_date, "meeting_date")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if data.rule == DecisionRule.COLLEGES and "rule" not in errors:
        colleges = list(body.network.colleges.all())
        try:
            weighted = votes.check_weights(
                [votes.CollegeIn(c.kind, c.weight_percent, 0) for c in colleges]
            )
        except ValueError:
            weighted = False
        if not weighted:
            errors["rule"] = [
                _(
                    "The colleges' weights do not sum to 100 %: set them first, or choose "
                    "one member, one vote."
                )
            ]
    if errors:
        raise ValidationError(errors)
    return Decision.objects.create(
        body=body,
        title=title,
        text=data.text.strip(),
        meeting_date=data.meeting_date,
        rule=data.rule,
        is_public=data.is_public,
        opened_by=user,
    )


def cast_vote(user: User, decision: Decision, member: NetworkMember, choice: str) -> Vote:
    """The member's vote, cast by one of its organisation's admins while the decision is open."""
    if choice not in VoteChoice.values:
        raise ValidationError({"choice": _("Choose yes, no or abstain.")})
    if member.network_id != decision.body.network_id:
        raise ValidationError({"member": _("This membership is not one of the network's.")})
    membership = permissions.membership_of(user, member.organisation)
    if membership is None or membership.role != Role.ADMIN:
        raise PermissionDenied(_("Only the organisation's admins vote for it."))
    with transaction.atomic():
        current = lock_existing(decision)
        if current.state != DecisionState.OPEN:
            raise DecisionClosed(_("This decision is closed: votes are no longer taken."))
        member = lock_existing(member)
        if not queries.is_current(member):
            raise ValidationError({"member": _("This membership is not current.")})
        if current.votes.filter(member=member).exists():
            raise ValidationError({"member": _("This organisation has already voted.")})
        try:
            with transaction.atomic():
                return Vote.objects.create(
                    decision=current, member=member, choice=choice, cast_by=user
                )
        except IntegrityError:
            raise ValidationError({"member": _("This organisation has already voted.")}) from None


def close_decision(user: User, decision: Decision) -> Decision:
    """Close the vote and freeze its count per college in `result`."""
    check_run(user, decision.body.network)
    with transaction.atomic():
        current = lock_existing(decision)
        if current.state != DecisionState.OPEN:
            raise ValidationError(_("This decision is already closed."))
        count = queries.count_of(current)
        current.result = votes.as_record(count)
        current.state = DecisionState.CLOSED
        current.closed_at = timezone.now()
        current.save(update_fields=["result", "state", "closed_at"])
    return current
