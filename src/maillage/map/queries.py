"""Reads of the map, the organisation list and their API: directory filters plus machine ones."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils.translation import ngettext

from maillage.core.geo import BBox
from maillage.core.mapgrid import cluster_features
from maillage.directory.models import Organisation, OrganisationKind, Site
from maillage.directory.queries import DirectoryFilters, filter_organisations, public_sites
from maillage.equipment.queries import (
    MachineFilters,
    filter_machines,
    public_machines,
    site_ids_with_machines,
)


@dataclass(frozen=True)
class MapFilters:
    """The filters of the map, the list and the API, as they travel in a URL."""

    directory: DirectoryFilters = field(default_factory=DirectoryFilters)
    # Machine filters: keep the sites that hold a matching machine (the map's machine layer).
    process: str = ""
    material: str = ""
    machines: str = ""

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> MapFilters:
        """Read and check URL parameters; a bad value raises ValidationError naming it."""
        errors: dict[str, Any] = {}
        try:
            directory = DirectoryFilters.from_params(params)
        except ValidationError as exc:
            directory = DirectoryFilters()
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
        # The machine filters read and check the process and the material, as on the machine list.
        machine_params = {"process": params.get("process"), "material": params.get("material")}
        try:
            machine = MachineFilters.from_params(machine_params)
        except ValidationError as exc:
            machine = MachineFilters()
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
        if errors:
            raise ValidationError(errors)
        return cls(
            directory=directory,
            process=machine.process,
            material=machine.material,
            machines="1" if str(params.get("machines") or "") in ("1", "on", "true") else "",
        )

    @property
    def has_machine_filter(self) -> bool:
        return bool(self.process or self.material or self.machines)

    def machine_filters(self) -> MachineFilters:
        return MachineFilters.from_params({"process": self.process, "material": self.material})

    def as_params(self) -> dict[str, str]:
        machine = {"process": self.process, "material": self.material, "machines": self.machines}
        return self.directory.as_params() | {k: v for k, v in machine.items() if v}


def filter_map_organisations(
    qs: QuerySet[Organisation], filters: MapFilters
) -> QuerySet[Organisation]:
    qs = filter_organisations(qs, filters.directory)
    if filters.has_machine_filter:
        site_ids = site_ids_with_machines(filters.machine_filters())
        qs = qs.filter(sites__in=site_ids).distinct()
    return qs


def map_sites(filters: MapFilters) -> QuerySet[Site]:
    """Public sites matching the filters, machine ones included."""
    qs = public_sites(filters.directory)
    if filters.has_machine_filter:
        qs = qs.filter(pk__in=site_ids_with_machines(filters.machine_filters()))
    return qs


def sites_geojson(bbox: BBox, filters: MapFilters, max_points: int) -> dict[str, Any]:
    """A FeatureCollection of the public sites in the box, or grid clusters when too many."""
    qs = map_sites(filters).filter(
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


def _matching_machines_per_site(filters: MapFilters, site_ids: list[int]) -> dict[int, int]:
    machines = filter_machines(public_machines(), filters.machine_filters())
    rows = (
        machines.filter(site_id__in=site_ids)
        .values("site_id")
        .annotate(n=Count("pk"))
        .values_list("site_id", "n")
    )
    return dict(rows)
