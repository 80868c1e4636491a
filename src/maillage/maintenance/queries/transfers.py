"""Maintenance: machines offered second-hand, and the ones near a need that went unmet."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from maillage.core.geo import haversine_km
from maillage.directory.models import Department, OrganisationStatus
from maillage.equipment.models import Process
from maillage.equipment.queries import machines_with_process
from maillage.maintenance.models.passport import OPEN_TRANSFER_STATES, Transfer, TransferKind
from maillage.matching.models import Need, NeedStatus


@dataclass(frozen=True)
class OfferFilters:
    """Filters of the second-hand list and its API, as they travel in a URL."""

    process: str = ""
    dept: str = ""
    kind: str = ""

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> OfferFilters:
        filters = cls(
            process=str(params.get("process") or "").strip(),
            dept=str(params.get("dept") or "").strip().upper(),
            kind=str(params.get("kind") or "").strip(),
        )
        errors: dict[str, str] = {}
        if filters.process and not Process.objects.filter(code=filters.process).exists():
            errors["process"] = _("Unknown process code: %(v)s.") % {"v": filters.process}
        if filters.dept and not Department.objects.filter(code=filters.dept).exists():
            errors["dept"] = _("Unknown department: %(v)s.") % {"v": filters.dept}
        if filters.kind and filters.kind not in TransferKind.values:
            errors["kind"] = _("Unknown kind of transfer: %(v)s.") % {"v": filters.kind}
        if errors:
            raise ValidationError(errors)
        return filters


def offered_transfers(filters: OfferFilters | None = None) -> QuerySet[Transfer]:
    """Open offers of validated organisations' machines, newest first; public."""
    qs = Transfer.objects.filter(
        state__in=OPEN_TRANSFER_STATES,
        machine__organisation__status=OrganisationStatus.VALIDATED,
    ).select_related("machine", "machine__site", "machine__site__department", "from_organisation")
    if filters is None:
        return qs
    if filters.process:
        qs = qs.filter(machine_id__in=machines_with_process(filters.process))
    if filters.dept:
        qs = qs.filter(machine__site__department_id=filters.dept)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    return qs


@dataclass
class Suggestion:
    """A machine offered second-hand within the reach of someone's unmet need."""

    need: Need
    transfer: Transfer
    km: float


def suggestions_for_need(need: Need) -> list[Suggestion]:
    """Offered machines that do the need's process, within its distance, nearest first."""
    if need.status != NeedStatus.UNMET:
        return []
    found = []
    offers = offered_transfers(OfferFilters(process=need.process.code)).exclude(
        from_organisation_id=need.organisation_id
    )
    for transfer in offers:
        site = transfer.machine.site
        km = haversine_km(need.latitude, need.longitude, site.latitude, site.longitude)
        if km <= need.max_km:
            found.append(Suggestion(need, transfer, km))
    return sorted(found, key=lambda s: (s.km, s.transfer.pk))


def suggestions_for_user(user: Any, limit: int = 50) -> list[Suggestion]:
    """For this person's latest unmet needs, the machines offered second-hand nearby."""
    if not user.is_authenticated:
        return []
    needs = Need.objects.filter(requester=user, status=NeedStatus.UNMET).select_related("process")[
        :limit
    ]
    return [s for need in needs for s in suggestions_for_need(need)]
