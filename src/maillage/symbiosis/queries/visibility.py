"""Who a person is to a declaration (owner, coordinator, counterpart), and the read log.

Pages, the API and every export build the `Viewer` here, ask `confidentiality.readable` what
it may read, and log what coordinators read with `log_private_reads`: one rule everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from maillage.directory import permissions
from maillage.directory.models import Membership, MembershipState, Organisation
from maillage.symbiosis.confidentiality import Viewer
from maillage.symbiosis.models import PrivateFieldRead, Synergy, SynergyState

# Synergies that reveal each side's private fields to the other: both sides accepted.
REVEALING_STATES = (SynergyState.AGREED, SynergyState.RUNNING, SynergyState.ENDED)


@dataclass
class Audience:
    """What is known of one person for a whole request: their organisations and counterparts."""

    is_coordinator: bool = False
    organisation_ids: frozenset[int] = frozenset()
    # Declarations (by id) whose private fields this person reads as an accepted counterpart.
    revealed_declaration_ids: frozenset[int] = frozenset()
    # Heat declarations revealed the same way, filled by the heat studies when they share them.
    revealed_heat_ids: frozenset[int] = field(default_factory=frozenset)

    def viewer(self, organisation_id: int, declaration_id: int | None = None) -> Viewer:
        return Viewer(
            is_owner=organisation_id in self.organisation_ids,
            is_coordinator=self.is_coordinator,
            is_counterpart=declaration_id is not None
            and declaration_id in self.revealed_declaration_ids,
        )


def audience_of(user: Any) -> Audience:
    """Two queries for a signed-in person, none for a visitor."""
    if not user.is_authenticated:
        return Audience()
    organisation_ids = frozenset(
        Membership.objects.filter(user=user, state=MembershipState.ACTIVE).values_list(
            "organisation_id", flat=True
        )
    )
    revealed: set[int] = set()
    if organisation_ids:
        rows = Synergy.objects.filter(
            Q(offer__organisation_id__in=organisation_ids)
            | Q(demand__organisation_id__in=organisation_ids),
            state__in=REVEALING_STATES,
            offer_accepted_at__isnull=False,
            demand_accepted_at__isnull=False,
        ).values_list("offer_id", "offer__organisation_id", "demand_id", "demand__organisation_id")
        for offer_id, offer_org, demand_id, demand_org in rows:
            if demand_org in organisation_ids:
                revealed.add(offer_id)
            if offer_org in organisation_ids:
                revealed.add(demand_id)
    return Audience(
        is_coordinator=permissions.is_coordinator(user),
        organisation_ids=organisation_ids,
        revealed_declaration_ids=frozenset(revealed),
    )


@dataclass(frozen=True)
class PrivateRead:
    """One object whose private field groups a coordinator read, for the log."""

    kind: str  # "resource", "heat", ...
    object_id: int
    organisation_id: int
    fields: frozenset[str]


def log_private_reads(user: Any, reads: Iterable[PrivateRead], channel: str, path: str) -> int:
    """Write one log row per object read; the number written. Empty groups are skipped."""
    rows = [
        PrivateFieldRead(
            user=user,
            kind=read.kind,
            object_id=read.object_id,
            organisation_id=read.organisation_id,
            fields=",".join(sorted(read.fields))[:200],
            channel=channel,
            path=path[:300],
        )
        for read in reads
        if read.fields
    ]
    PrivateFieldRead.objects.bulk_create(rows)
    return len(rows)


def my_organisations(user: Any) -> list[Organisation]:
    """The organisations this person is an active member of, by name: where they may declare."""
    if not user.is_authenticated:
        return []
    return list(
        Organisation.objects.filter(
            memberships__user=user, memberships__state=MembershipState.ACTIVE
        )
        .order_by("name")
        .distinct()
    )
