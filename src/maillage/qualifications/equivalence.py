"""Equivalent trainings, and which ones a person still lacks; used by every booking path."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Protocol

from dateutil.relativedelta import relativedelta
from django.db.models import Q
from django.utils.translation import gettext as _

from maillage.directory.models import User
from maillage.qualifications.models import Qualification, Training


class RequiresTrainings(Protocol):
    """What asks for trainings (a sharing offer): which ones, and whether equivalents count."""

    required_trainings: Any
    accept_network_qualifications: bool


@dataclass(frozen=True)
class Missing:
    training: Training
    reason: str  # "never" | "expired" | "lapsed"

    def message(self) -> str:
        trainer = self.training.trainer.display_name() if self.training.trainer else ""
        given_by = self.training.organisation.name + (f" ({trainer})" if trainer else "")
        texts = {
            "never": _("Training required: “%(title)s”, given by %(by)s."),
            "expired": _("Your qualification “%(title)s” has expired; renew it with %(by)s."),
            "lapsed": _(
                "Your qualification “%(title)s” lapsed after a long time without use; "
                "renew it with %(by)s."
            ),
        }
        return texts[self.reason] % {"title": self.training.title, "by": given_by}


def is_valid(qualification: Qualification, at: dt.datetime) -> str:
    """'' when valid at that instant, else why not: 'expired' or 'lapsed'."""
    if qualification.expires_at <= at:
        return "expired"
    idle = qualification.training.idle_lapse_months
    if idle:
        last = max(qualification.issued_at, qualification.last_used_at or qualification.issued_at)
        if last + relativedelta(months=idle) <= at:
            return "lapsed"
    return ""


def equivalent_trainings(required: Training) -> Q:
    """Trainings that also qualify: same machine, or the same process or a broader one."""
    condition = Q(pk=required.pk)
    if required.machine_id:
        condition |= Q(machine_id=required.machine_id)
    if required.process_id and required.process is not None:
        ancestor_codes = [c for c in required.process.path.split("|") if c]
        condition |= Q(process__code__in=ancestor_codes)
    return condition


def missing_trainings(user: User, offer: RequiresTrainings, at: dt.datetime) -> list[Missing]:
    """The host's required trainings this person does not hold, valid, at that instant."""
    missing: list[Missing] = []
    # `.all()` so that a caller's prefetch (matching lists many offers) saves the query.
    for required in offer.required_trainings.all():
        accepted = Q(pk=required.pk)
        if offer.accept_network_qualifications:
            accepted = equivalent_trainings(required)
        held = list(
            Qualification.objects.filter(
                user=user, training__in=Training.objects.filter(accepted)
            ).select_related("training")
        )
        reasons = [is_valid(q, at) for q in held]
        if "" in reasons:
            continue
        reason = "lapsed" if "lapsed" in reasons else ("expired" if reasons else "never")
        missing.append(Missing(required, reason))
    return missing
