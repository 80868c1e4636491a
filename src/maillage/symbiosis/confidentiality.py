"""Who reads which field of a declaration: the one rule pages, API and exports all apply.

Each private field group of a declaration has a visibility level (public, coordinators,
counterpart). A viewer is described by three facts; `readable` answers, and `logged` says which
of the reads must be written to the coordinators' read log.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = [
    "COORDINATORS",
    "COUNTERPART",
    "PUBLIC",
    "Viewer",
    "logged",
    "order_of_magnitude",
    "readable",
]

PUBLIC = "public"
COORDINATORS = "coordinators"
COUNTERPART = "counterpart"
LEVELS = (PUBLIC, COORDINATORS, COUNTERPART)


@dataclass(frozen=True, slots=True)
class Viewer:
    """What matters about who reads: a member of the declarer, a coordinator, a counterpart.

    `is_counterpart` is true only for a member of the other side of a synergy both sides
    accepted; a proposal under discussion reveals nothing.
    """

    is_owner: bool = False
    is_coordinator: bool = False
    is_counterpart: bool = False


ANONYMOUS = Viewer()


def readable(levels: dict[str, str], viewer: Viewer) -> set[str]:
    """The field groups of `levels` (group → level) this viewer may read."""
    return {group for group, level in levels.items() if _can_read(level, viewer)}


def _can_read(level: str, viewer: Viewer) -> bool:
    if level not in LEVELS:
        raise ValueError(f"unknown visibility level: {level!r}")
    if viewer.is_owner or level == PUBLIC:
        return True
    if viewer.is_coordinator:
        return True
    return level == COUNTERPART and viewer.is_counterpart


def logged(levels: dict[str, str], viewer: Viewer) -> set[str]:
    """The private field groups read only because the viewer is a coordinator: to be logged."""
    if viewer.is_owner or not viewer.is_coordinator:
        return set()
    return {
        group
        for group, level in levels.items()
        if level == COORDINATORS or (level == COUNTERPART and not viewer.is_counterpart)
    }


def order_of_magnitude(quantity: float) -> tuple[float, float]:
    """The public range a quantity falls in: [10^k, 10^(k+1)), e.g. 37 → (10, 100).

    Zero or less gives (0, 1). The bounds are what anyone may read of a private quantity.
    """
    if not math.isfinite(quantity):
        raise ValueError("a quantity must be a finite number")
    if quantity < 1:
        return (0.0, 1.0)
    power = math.floor(math.log10(quantity))
    low = 10.0**power
    if quantity >= low * 10:  # float log10 just below a power of ten
        low *= 10
    return (low, low * 10)
