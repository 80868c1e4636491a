"""Reads shared by the pages and the API: who sees which organisations, and their filters."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from maillage.core.text import fold
from maillage.directory import permissions
from maillage.directory.models import (
    Department,
    FieldOfAction,
    Membership,
    MembershipState,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    Site,
)


@dataclass(frozen=True)
class DirectoryFilters:
    """The directory's filters of the map, the list and the API, as they travel in a URL."""

    q: str = ""
    kind: str = ""
    field: str = ""
    dept: str = ""

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> DirectoryFilters:
        """Read and check URL parameters; a bad value raises ValidationError naming it."""
        filters = cls(
            q=str(params.get("q") or "").strip()[:200],
            kind=str(params.get("kind") or ""),
            field=str(params.get("field") or ""),
            dept=str(params.get("dept") or "").upper(),
        )
        errors: dict[str, str] = {}
        check_kind(filters.kind, errors)
        if filters.field and filters.field not in FieldOfAction.values:
            errors["field"] = _("Unknown field of action: %(v)s.") % {"v": filters.field}
        check_department(filters.dept, errors)
        if errors:
            raise ValidationError(errors)
        return filters

    def as_params(self) -> dict[str, str]:
        return {k: v for k, v in vars(self).items() if v}


# The organisation filters that the machine filters share, with the same error messages.


def check_kind(kind: str, errors: dict[str, str]) -> None:
    """A kind of organisation to filter on, if given, must be known."""
    if kind and kind not in OrganisationKind.values:
        errors["kind"] = _("Unknown kind of organisation: %(v)s.") % {"v": kind}


def check_department(dept: str, errors: dict[str, str]) -> None:
    """A department to filter on, if given, must exist."""
    if dept and not Department.objects.filter(code=dept).exists():
        errors["dept"] = _("Unknown department: %(v)s.") % {"v": dept}


def visible_organisations(user: Any) -> QuerySet[Organisation]:
    """Validated organisations for everyone; plus, for a member, their own; all for coordinators."""
    qs = Organisation.objects.all()
    if permissions.is_coordinator(user):
        return qs
    if user.is_authenticated:
        mine = Membership.objects.filter(user=user, state=MembershipState.ACTIVE).values(
            "organisation_id"
        )
        return qs.filter(Q(status=OrganisationStatus.VALIDATED) | Q(pk__in=mine))
    return qs.filter(status=OrganisationStatus.VALIDATED)


def filter_organisations(
    qs: QuerySet[Organisation], filters: DirectoryFilters
) -> QuerySet[Organisation]:
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.field:
        qs = qs.filter(fields__field=filters.field)
    if filters.dept:
        qs = qs.filter(sites__department_id=filters.dept).distinct()
    for word in fold(filters.q).split():
        qs = qs.filter(search_text__contains=word)
    return qs


def public_sites(filters: DirectoryFilters) -> QuerySet[Site]:
    """Sites of validated organisations matching the filters."""
    qs = Site.objects.filter(organisation__status=OrganisationStatus.VALIDATED)
    if filters.kind:
        qs = qs.filter(organisation__kind=filters.kind)
    if filters.field:
        qs = qs.filter(organisation__fields__field=filters.field)
    if filters.dept:
        qs = qs.filter(department_id=filters.dept)
    for word in fold(filters.q).split():
        qs = qs.filter(organisation__search_text__contains=word)
    return qs
