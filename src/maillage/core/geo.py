"""Geodesy and map helpers on plain numbers and NumPy arrays (no framework import)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

EARTH_RADIUS_KM = 6371.0088


class GeoError(ValueError):
    """Coordinates or a bounding box that cannot be on Earth."""


@dataclass(frozen=True, slots=True)
class BBox:
    """A box of longitudes and latitudes, west <= east, south <= north."""

    west: float
    south: float
    east: float
    north: float

    @classmethod
    def parse(cls, text: str) -> BBox:
        """Read "west,south,east,north" in degrees, as Leaflet's toBBoxString() gives it."""
        parts = text.split(",")
        if len(parts) != 4:
            raise GeoError("bbox must be four numbers: west,south,east,north")
        try:
            west, south, east, north = (float(p) for p in parts)
        except ValueError:
            raise GeoError("bbox must be four numbers: west,south,east,north") from None
        if any(math.isnan(v) or math.isinf(v) for v in (west, south, east, north)):
            raise GeoError("bbox must be four finite numbers")
        # Leaflet may hand out longitudes past ±180 after panning around the globe.
        west, east = max(west, -180.0), min(east, 180.0)
        south, north = max(south, -90.0), min(north, 90.0)
        if west > east or south > north:
            raise GeoError("bbox must have west <= east and south <= north")
        return cls(west, south, east, north)


def check_coordinates(latitude: float, longitude: float) -> None:
    """Raise GeoError naming the faulty coordinate when it is off the globe."""
    if not (math.isfinite(latitude) and -90.0 <= latitude <= 90.0):
        raise GeoError(f"latitude must be between -90 and 90, not {latitude}")
    if not (math.isfinite(longitude) and -180.0 <= longitude <= 180.0):
        raise GeoError(f"longitude must be between -180 and 180, not {longitude}")


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres between two points given in degrees."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def haversine_km_many(
    lat: float, lon: float, lats: NDArray[np.float64], lons: NDArray[np.float64]
) -> NDArray[np.float64]:
    """`haversine_km` from one point to many at once (arrays of degrees), in kilometres."""
    p1, p2 = math.radians(lat), np.radians(lats)
    dp, dl = p2 - p1, np.radians(lons) - math.radians(lon)
    a = np.sin(dp / 2) ** 2 + math.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    result: NDArray[np.float64] = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))
    return result


@dataclass(frozen=True, slots=True)
class Cluster:
    latitude: float
    longitude: float
    count: int


def grid_clusters(
    points: Iterable[tuple[float, float]], bbox: BBox, cells_across: int = 24
) -> list[Cluster]:
    """Group points into a square grid over the box; each cluster sits at its points' mean.

    Used when a box holds too many sites to send one by one: the browser draws one
    bubble per cell with its count and zooms in on click.
    """
    span = max(bbox.east - bbox.west, bbox.north - bbox.south, 1e-9)
    cell = span / cells_across
    sums: dict[tuple[int, int], list[float]] = {}
    for lat, lon in points:
        key = (int((lat - bbox.south) // cell), int((lon - bbox.west) // cell))
        acc = sums.get(key)
        if acc is None:
            sums[key] = [lat, lon, 1.0]
        else:
            acc[0] += lat
            acc[1] += lon
            acc[2] += 1.0
    return [
        Cluster(latitude=s[0] / s[2], longitude=s[1] / s[2], count=int(s[2])) for s in sums.values()
    ]


def ring_centroid(ring: Sequence[tuple[float, float]]) -> tuple[float, float, float]:
    """Signed area and centroid (x, y) of a closed ring of (x, y) vertices."""
    area2 = cx = cy = 0.0
    for (x0, y0), (x1, y1) in itertools.pairwise(ring):
        cross = x0 * y1 - x1 * y0
        area2 += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if area2 == 0.0:
        xs = [p[0] for p in ring]
        ys = [p[1] for p in ring]
        return 0.0, sum(xs) / len(xs), sum(ys) / len(ys)
    return area2 / 2.0, cx / (3.0 * area2), cy / (3.0 * area2)
