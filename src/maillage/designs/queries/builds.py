"""Reads of builds: who may see, record and change them, and the lists pages show."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from maillage.designs.models import Build, Design
from maillage.directory import permissions
from maillage.directory.models import Membership, MembershipState, Organisation


def member_organisation_ids(user: Any) -> list[int]:
    if not user.is_authenticated:
        return []
    return list(
        Membership.objects.filter(user=user, state=MembershipState.ACTIVE).values_list(
            "organisation_id", flat=True
        )
    )


def visible_builds(user: Any) -> QuerySet[Build]:
    """Public builds, and the private ones of the person's organisations (coordinators: all)."""
    builds = Build.objects.select_related("organisation", "design")
    if permissions.is_coordinator(user):
        return builds
    return builds.filter(Q(is_public=True) | Q(organisation_id__in=member_organisation_ids(user)))


def builds_of_design(user: Any, design: Design) -> QuerySet[Build]:
    return (
        visible_builds(user)
        .filter(design=design)
        .prefetch_related("organisation__sites__commune", "photos")
    )


def builds_by_organisation(user: Any, organisation: Organisation) -> QuerySet[Build]:
    return visible_builds(user).filter(organisation=organisation).order_by("design__name", "-pk")


def can_record_build(user: Any, organisation: Organisation) -> bool:
    """Any active member records the organisation's builds."""
    return permissions.is_coordinator(user) or (
        permissions.membership_of(user, organisation) is not None
    )


def can_edit_build(user: Any, build: Build) -> bool:
    """The organisation's admins (and coordinators) change or delete its builds."""
    return permissions.can_edit_organisation(user, build.organisation)


def recording_organisations(user: Any) -> QuerySet[Organisation]:
    """The organisations in whose name the person may record a build."""
    if permissions.is_coordinator(user):
        return Organisation.objects.order_by("name")
    return Organisation.objects.filter(pk__in=member_organisation_ids(user)).order_by("name")


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
