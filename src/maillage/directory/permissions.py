"""Who may read and write what in the directory; pages and API ask the same questions here."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from maillage.directory.models import (
    Membership,
    MembershipState,
    Organisation,
    OrganisationStatus,
    Role,
)


def is_coordinator(user: Any) -> bool:
    return bool(user.is_authenticated and (user.is_coordinator or user.is_superuser))


def membership_of(user: Any, organisation: Organisation) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(
        user=user, organisation=organisation, state=MembershipState.ACTIVE
    ).first()


def can_view_organisation(user: Any, organisation: Organisation) -> bool:
    """Validated organisations are public; the others only to their members and coordinators."""
    if organisation.status == OrganisationStatus.VALIDATED:
        return True
    return is_coordinator(user) or membership_of(user, organisation) is not None


def can_edit_organisation(user: Any, organisation: Organisation) -> bool:
    """The profile (name, kind, description) belongs to the organisation's admins."""
    if is_coordinator(user):
        return True
    membership = membership_of(user, organisation)
    return membership is not None and membership.role == Role.ADMIN


def can_edit_sites(user: Any, organisation: Organisation) -> bool:
    """Any active member may keep the organisation's sites up to date."""
    return is_coordinator(user) or membership_of(user, organisation) is not None


def can_manage_members(user: Any, organisation: Organisation) -> bool:
    return can_edit_organisation(user, organisation)


# Which roles share the organisation's machines and which run its trainings; admins do both.
HOST_ROLES = (Role.ADMIN, Role.HOST)
TRAINER_ROLES = (Role.ADMIN, Role.TRAINER)


def can_host(user: Any, organisation: Organisation) -> bool:
    """Offers, prices, hours, closures, downtime, decisions on bookings and statements."""
    if is_coordinator(user):
        return True
    membership = membership_of(user, organisation)
    return membership is not None and membership.role in HOST_ROLES


def can_train(user: Any, organisation: Organisation) -> bool:
    """Trainings, sessions, attendance and qualifications given in the organisation's name."""
    if is_coordinator(user):
        return True
    membership = membership_of(user, organisation)
    return membership is not None and membership.role in TRAINER_ROLES


def hosted_organisation_ids(user: Any) -> QuerySet[Membership, Any]:
    """Ids of the organisations this person hosts for (a subquery; coordinators not included)."""
    if not user.is_authenticated:
        return Membership.objects.none().values("organisation_id")
    return Membership.objects.filter(
        user=user, state=MembershipState.ACTIVE, role__in=HOST_ROLES
    ).values("organisation_id")
