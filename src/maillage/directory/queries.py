"""Reads shared by the pages and the API: who sees which organisations, filters, map layers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage.core.geo import BBox
from maillage.core.mapgrid import cluster_features
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
    """The filters of the map, the list and the API, as they travel in a URL."""

    q: str = ""
    kind: str = ""
    field: str = ""
    dept: str = ""
    # Machine filters: keep the sites that hold a matching machine (the map's machine layer).
    process: str = ""
    material: str = ""
    machines: str = ""

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> DirectoryFilters:
        """Read and check URL parameters; a bad value raises ValidationError naming it."""
        filters = cls(
            q=str(params.get("q") or "").strip()[:200],
            kind=str(params.get("kind") or ""),
            field=str(params.get("field") or ""),
            dept=str(params.get("dept") or "").upper(),
            process=str(params.get("process") or "").strip(),
            material=str(params.get("material") or ""),
            machines="1" if str(params.get("machines") or "") in ("1", "on", "true") else "",
        )
        errors = {}
        if filters.kind and filters.kind not in OrganisationKind.values:
            errors["kind"] = _("Unknown kind of organisation: %(v)s.") % {"v": filters.kind}
        if filters.field and filters.field not in FieldOfAction.values:
            errors["field"] = _("Unknown field of action: %(v)s.") % {"v": filters.field}
        if filters.dept and not Department.objects.filter(code=filters.dept).exists():
            errors["dept"] = _("Unknown department: %(v)s.") % {"v": filters.dept}
        if filters.has_machine_filter:
            try:
                filters.machine_filters()
            except ValidationError as exc:
                errors.update({k: v[0] for k, v in exc.message_dict.items()})
        if errors:
            raise ValidationError(errors)
        return filters

    @property
    def has_machine_filter(self) -> bool:
        return bool(self.process or self.material or self.machines)

    def machine_filters(self) -> Any:
        from maillage.equipment.queries import MachineFilters

        return MachineFilters.from_params({"process": self.process, "material": self.material})

    def as_params(self) -> dict[str, str]:
        return {k: v for k, v in vars(self).items() if v}


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
    if filters.has_machine_filter:
        from maillage.equipment.queries import site_ids_with_machines

        site_ids = site_ids_with_machines(filters.machine_filters())
        qs = qs.filter(sites__in=site_ids).distinct()
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
    if filters.has_machine_filter:
        from maillage.equipment.queries import site_ids_with_machines

        qs = qs.filter(pk__in=site_ids_with_machines(filters.machine_filters()))
    return qs


def sites_geojson(bbox: BBox, filters: DirectoryFilters, max_points: int) -> dict[str, Any]:
    """A FeatureCollection of the public sites in the box, or grid clusters when too many."""
    qs = public_sites(filters).filter(
        latitude__gte=bbox.south,
        latitude__lte=bbox.north,
        longitude__gte=bbox.west,
        longitude__lte=bbox.east,
    )
    kind_labels = dict(OrganisationKind.choices)
    url_pattern = reverse("directory:organisation", args=["SLUG"])
    # One query for the usual case; past max_points the database counts per grid cell instead.
    rows = list(
        qs.order_by().values_list(
            "pk",
            "latitude",
            "longitude",
            "organisation__name",
            "organisation__slug",
            "organisation__kind",
            "city",
        )[: max_points + 1]
    )
    features: list[dict[str, Any]]
    if len(rows) > max_points:
        total, features = cluster_features(qs, bbox, "latitude", "longitude")
    else:
        total = len(rows)
        features = [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {
                    "id": pk,
                    "org": name,
                    "url": url_pattern.replace("SLUG", slug),
                    "kind": kind,
                    "kind_label": str(kind_labels.get(kind, kind)),
                    "place": city,
                },
            }
            for pk, lat, lon, name, slug, kind, city in rows
        ]
        if filters.has_machine_filter and features:
            counts = _matching_machines_per_site(filters, [f["properties"]["id"] for f in features])
            for feature in features:
                n = counts.get(feature["properties"]["id"], 0)
                feature["properties"]["machines"] = n
                feature["properties"]["machines_label"] = ngettext(
                    "%(n)s matching machine", "%(n)s matching machines", n
                ) % {"n": n}
    return {"type": "FeatureCollection", "total": total, "features": features}


def _matching_machines_per_site(filters: DirectoryFilters, site_ids: list[int]) -> dict[int, int]:
    from maillage.equipment.queries import filter_machines, public_machines

    machines = filter_machines(public_machines(), filters.machine_filters())
    rows = (
        machines.filter(site_id__in=site_ids)
        .values("site_id")
        .annotate(n=Count("pk"))
        .values_list("site_id", "n")
    )
    return dict(rows)
