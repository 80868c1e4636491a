"""Reads of builds: who may see, record and change them, and the lists pages show."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from maillage.designs.models import Build, Design
from maillage.designs.queries.designs import visible_designs
from maillage.directory import permissions
from maillage.directory.models import (
    Membership,
    MembershipState,
    Organisation,
    OrganisationStatus,
)


def member_organisation_ids(user: Any) -> list[int]:
    if not user.is_authenticated:
        return []
    return list(
        Membership.objects.filter(user=user, state=MembershipState.ACTIVE).values_list(
            "organisation_id", flat=True
        )
    )


def visible_builds(user: Any) -> QuerySet[Build]:
    """Public builds of validated organisations, and every build of the person's organisations
    (coordinators: all). A pending organisation's builds stay with its members."""
    builds = Build.objects.select_related("organisation", "design")
    if permissions.is_coordinator(user):
        return builds
    return builds.filter(
        Q(is_public=True, organisation__status=OrganisationStatus.VALIDATED)
        | Q(organisation_id__in=member_organisation_ids(user)),
        design__in=visible_designs(user),
    )


def builds_of_design(user: Any, design: Design) -> QuerySet[Build]:
    return (
        visible_builds(user)
        .filter(design=design)
        .prefetch_related("organisation__sites__commune", "photos")
    )


def builds_by_organisation(user: Any, organisation: Organisation) -> QuerySet[Build]:
    return visible_builds(user).filter(organisation=organisation).order_by("design__name", "-pk")


def can_record_build(user: Any, organisation: Organisation) -> bool:
    """Any active member records the builds of a validated organisation."""
    if organisation.status != OrganisationStatus.VALIDATED:
        return False
    return permissions.is_coordinator(user) or (
        permissions.membership_of(user, organisation) is not None
    )


def can_edit_build(user: Any, build: Build) -> bool:
    """The organisation's admins (and coordinators) change or delete its builds."""
    return permissions.can_edit_organisation(user, build.organisation)


def recording_organisations(user: Any) -> QuerySet[Organisation]:
    """The validated organisations in whose name the person may record a build."""
    validated = Organisation.objects.filter(status=OrganisationStatus.VALIDATED)
    if permissions.is_coordinator(user):
        return validated.order_by("name")
    return validated.filter(pk__in=member_organisation_ids(user)).order_by("name")


def build_commune(build: Build) -> str:
    """Where the build was made: the commune of the organisation's main site."""
    sites = list(build.organisation.sites.all())
    sites.sort(key=lambda s: (not s.is_main, s.pk))
    for site in sites:
        if site.commune is not None:
            return site.commune.name
        if site.city:
            return site.city
    return ""
