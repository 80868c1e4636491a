"""The machines map layer: one feature per site with its matching machines, or clusters."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.urls import reverse

from maillage.core.geo import BBox
from maillage.core.mapgrid import cluster_features
from maillage.equipment.queries import MachineFilters, filter_machines, public_machines


def machines_geojson(bbox: BBox, filters: MachineFilters, max_points: int) -> dict[str, Any]:
    machines = filter_machines(public_machines(), filters).filter(
        site__latitude__gte=bbox.south,
        site__latitude__lte=bbox.north,
        site__longitude__gte=bbox.west,
        site__longitude__lte=bbox.east,
    )
    if machines.order_by()[max_points : max_points + 1].exists():
        total, features = cluster_features(machines, bbox, "site__latitude", "site__longitude")
        return {"type": "FeatureCollection", "total": total, "features": features}
    by_site: dict[int, dict[str, Any]] = {}
    names: dict[int, list[str]] = defaultdict(list)
    url_pattern = reverse("directory:organisation", args=["SLUG"])
    rows = machines.order_by("site_id", "name").values_list(
        "site_id",
        "site__latitude",
        "site__longitude",
        "site__city",
        "organisation__name",
        "organisation__slug",
        "organisation__kind",
        "name",
    )
    for site_id, lat, lon, city, org, slug, kind, name in rows:
        if site_id not in by_site:
            by_site[site_id] = {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {
                    "id": site_id,
                    "org": org,
                    "url": url_pattern.replace("SLUG", slug),
                    "kind": kind,
                    "place": city,
                    "machines": 0,
                },
            }
        by_site[site_id]["properties"]["machines"] += 1
        names[site_id].append(name)
    for site_id, feature in by_site.items():
        feature["properties"]["machine_names"] = names[site_id][:8]
    total = sum(len(v) for v in names.values())
    return {"type": "FeatureCollection", "total": total, "features": list(by_site.values())}
