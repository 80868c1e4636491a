"""Ranking skills near a place: distance first, then level and what the person offers.

Plain Python (no framework): the query hands in candidates already filtered by visibility.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from maillage.core.geo import haversine_km

LEVEL_RANK = {"expert": 0, "confirmed": 1, "beginner": 2}
MAX_RADIUS_KM = 500
KM_PER_DEGREE_LATITUDE = 111.2


@dataclass(frozen=True, slots=True)
class Candidate:
    key: int
    latitude: float | None
    longitude: float | None
    level: str
    label: str


@dataclass(frozen=True, slots=True)
class Ranked:
    key: int
    distance_km: float | None


def bounding_box(
    latitude: float, longitude: float, radius_km: float
) -> tuple[float, float, float, float]:
    """(south, north, west, east) around a point, wide enough to hold the radius."""
    dlat = radius_km / KM_PER_DEGREE_LATITUDE
    cos = max(0.01, math.cos(math.radians(latitude)))
    dlon = radius_km / (KM_PER_DEGREE_LATITUDE * cos)
    return latitude - dlat, latitude + dlat, longitude - dlon, longitude + dlon


def rank(
    candidates: Iterable[Candidate],
    origin: tuple[float, float] | None,
    radius_km: float | None,
) -> list[Ranked]:
    """Candidates within the radius of the origin, nearest first; without an origin, by level.

    A candidate without coordinates is dropped when a place is given (its distance is unknown).
    Ties are broken by level (experts first), then label, then key: the order is stable.
    """
    ranked: list[tuple[tuple[float, int, str, int], Ranked]] = []
    for c in candidates:
        level = LEVEL_RANK.get(c.level, len(LEVEL_RANK))
        if origin is None:
            ranked.append(((0.0, level, c.label.casefold(), c.key), Ranked(c.key, None)))
            continue
        if c.latitude is None or c.longitude is None:
            continue
        km = haversine_km(origin[0], origin[1], c.latitude, c.longitude)
        if radius_km is not None and km > radius_km:
            continue
        ranked.append(((km, level, c.label.casefold(), c.key), Ranked(c.key, round(km, 1))))
    ranked.sort(key=lambda pair: pair[0])
    return [r for _, r in ranked]
