"""Map layers on the database: point rows, or grid clusters counted by the database itself."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Avg, Count, F, QuerySet
from django.db.models.functions import Floor

from maillage.core.geo import BBox, GeoError

CELLS_ACROSS = 24


def cluster_features(
    qs: QuerySet[Any], bbox: BBox, lat_field: str, lon_field: str, cells_across: int = CELLS_ACROSS
) -> tuple[int, list[dict[str, Any]]]:
    """Total and one GeoJSON feature per non-empty grid cell, each at its points' mean.

    Same cells as `maillage.core.geo.grid_clusters`, computed with one GROUP BY.
    """
    span = max(bbox.east - bbox.west, bbox.north - bbox.south, 1e-9)
    cell = span / cells_across
    rows = (
        qs.order_by()
        .annotate(
            gy=Floor((F(lat_field) - bbox.south) / cell),
            gx=Floor((F(lon_field) - bbox.west) / cell),
        )
        .values("gy", "gx")
        .annotate(n=Count("pk"), lat=Avg(lat_field), lon=Avg(lon_field))
        .values_list("n", "lat", "lon")
    )
    features = []
    total = 0
    for n, lat, lon in rows:
        total += n
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(lon, 5), round(lat, 5)]},
                "properties": {"cluster": True, "count": n},
            }
        )
    return total, features


def bbox_param(text: str) -> BBox:
    """The `bbox` query parameter of the map layers; a bad one is a 422 naming it."""
    try:
        return BBox.parse(text)
    except GeoError as exc:
        raise ValidationError({"bbox": str(exc)}) from None
