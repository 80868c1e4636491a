"""Reads shared by machine pages, the API and the directory map."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from maillage.core.text import fold
from maillage.directory import permissions
from maillage.directory.models import Membership, MembershipState, OrganisationStatus
from maillage.directory.queries import check_department, check_kind
from maillage.equipment.models import Machine, MachineMaterial, MachineStatus, Material, Process


def _float(params: Mapping[str, Any], name: str, errors: dict[str, str]) -> float | None:
    raw = str(params.get(name) or "").strip().replace(",", ".")
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        errors[name] = _("Give a number of millimetres.")
        return None
    if not value >= 0:
        errors[name] = _("A dimension cannot be negative.")
        return None
    return value


@dataclass(frozen=True)
class MachineFilters:
    """Filters of the machine list, its map layer and the API, as they travel in a URL."""

    q: str = ""
    process: str = ""
    material: str = ""
    min_x: float | None = None
    min_y: float | None = None
    min_z: float | None = None
    dept: str = ""
    kind: str = ""
    status: str = ""
    organisation: str = ""

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> MachineFilters:
        errors: dict[str, str] = {}
        filters = cls(
            q=str(params.get("q") or "").strip()[:200],
            process=str(params.get("process") or "").strip(),
            material=str(params.get("material") or ""),
            min_x=_float(params, "min_x", errors),
            min_y=_float(params, "min_y", errors),
            min_z=_float(params, "min_z", errors),
            dept=str(params.get("dept") or "").upper(),
            kind=str(params.get("kind") or ""),
            status=str(params.get("status") or ""),
            organisation=str(params.get("organisation") or ""),
        )
        if filters.process and not Process.objects.filter(code=filters.process).exists():
            errors["process"] = _("Unknown process code: %(v)s.") % {"v": filters.process}
        if filters.material and filters.material not in Material.values:
            errors["material"] = _("Unknown material: %(v)s.") % {"v": filters.material}
        check_kind(filters.kind, errors)
        if filters.status and filters.status not in MachineStatus.values:
            errors["status"] = _("Unknown status: %(v)s.") % {"v": filters.status}
        check_department(filters.dept, errors)
        if errors:
            raise ValidationError(errors)
        return filters

    def as_params(self) -> dict[str, str]:
        return {k: str(v) for k, v in vars(self).items() if v not in ("", None)}

    @property
    def is_empty(self) -> bool:
        return not self.as_params()


def visible_machines(user: Any) -> QuerySet[Machine]:
    """Machines of the organisations this person may see."""
    if permissions.is_coordinator(user):
        return Machine.objects.all()
    public = Q(organisation__status=OrganisationStatus.VALIDATED)
    if not user.is_authenticated:
        return Machine.objects.filter(public)
    # A join on the status plus the person's own organisations: no subquery per row.
    mine = list(
        Membership.objects.filter(user=user, state=MembershipState.ACTIVE).values_list(
            "organisation_id", flat=True
        )
    )
    return Machine.objects.filter(public | Q(organisation_id__in=mine))


def public_machines() -> QuerySet[Machine]:
    return Machine.objects.filter(organisation__status=OrganisationStatus.VALIDATED)


def machines_with_process(code: str) -> QuerySet[Any]:
    """Ids of machines tagged with this process or any of its descendants."""
    path = Process.objects.filter(code=code).values_list("path", flat=True).first() or "|none|"
    return Machine.processes.through.objects.filter(process__path__startswith=path).values(
        "machine_id"
    )


def filter_machines(qs: QuerySet[Machine], filters: MachineFilters) -> QuerySet[Machine]:
    if filters.process:
        qs = qs.filter(pk__in=machines_with_process(filters.process))
    if filters.material:
        qs = qs.filter(
            pk__in=MachineMaterial.objects.filter(material=filters.material).values("machine_id")
        )
    if filters.min_x is not None:
        qs = qs.filter(envelope_x_mm__gte=filters.min_x)
    if filters.min_y is not None:
        qs = qs.filter(envelope_y_mm__gte=filters.min_y)
    if filters.min_z is not None:
        qs = qs.filter(envelope_z_mm__gte=filters.min_z)
    if filters.dept:
        qs = qs.filter(site__department_id=filters.dept)
    if filters.kind:
        qs = qs.filter(organisation__kind=filters.kind)
    if filters.status:
        qs = qs.filter(status=filters.status)
    else:
        qs = qs.exclude(status=MachineStatus.RETIRED)
    if filters.organisation:
        qs = qs.filter(organisation__slug=filters.organisation)
    for word in fold(filters.q).split():
        qs = qs.filter(Q(search_text__contains=word) | Q(organisation__search_text__contains=word))
    return qs


def site_ids_with_machines(filters: MachineFilters) -> QuerySet[Any]:
    """Sites holding at least one public machine that matches: the map's machine filter."""
    return filter_machines(public_machines(), filters).values("site_id")
