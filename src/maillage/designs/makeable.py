"""The share of a design that can be made nearby, from what each part's search found (no Django).

A part bought off the shelf is not made: it counts neither for nor against the share. The other
parts count by quantity (two side panels weigh twice one lid) and, where the design gives their
mass, by mass (the tank matters more than a knob). A part without a mass is left out of the
share by mass and counted apart, so that the page can say how much of it is known.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PartReach:
    """One part as the share sees it: how many, how heavy, bought or made, and made nearby."""

    quantity: int
    mass_g: float | None
    off_the_shelf: bool
    makeable: bool


@dataclass(frozen=True, slots=True)
class Share:
    """How much of a design can be made nearby; a ratio is None when there is nothing to weigh."""

    pieces_to_make: int
    pieces_makeable: int
    mass_to_make_g: float
    mass_makeable_g: float
    parts_without_mass: int  # parts to make whose mass is not known (left out of the mass share)

    @property
    def by_count(self) -> float | None:
        if self.pieces_to_make == 0:
            return None
        return self.pieces_makeable / self.pieces_to_make

    @property
    def by_mass(self) -> float | None:
        if self.mass_to_make_g <= 0:
            return None
        return self.mass_makeable_g / self.mass_to_make_g


def share_makeable(parts: Iterable[PartReach]) -> Share:
    """The share of the pieces (weighted by quantity) and of the mass that can be made nearby.

    Off-the-shelf parts are left out; a part's mass counts once per piece; a negative or missing
    quantity counts as nothing, a missing or non-positive mass as unknown.
    """
    to_make = makeable = without_mass = 0
    mass_to_make = mass_makeable = 0.0
    for part in parts:
        if part.off_the_shelf:
            continue
        quantity = max(part.quantity, 0)
        to_make += quantity
        if part.makeable:
            makeable += quantity
        if part.mass_g is None or not part.mass_g > 0:
            without_mass += 1
            continue
        mass = part.mass_g * quantity
        mass_to_make += mass
        if part.makeable:
            mass_makeable += mass
    return Share(to_make, makeable, mass_to_make, mass_makeable, without_mass)


def percent(ratio: float | None) -> int | None:
    """A ratio as a whole percentage, rounded down so that 99.6 % is not shown as all of it."""
    if ratio is None:
        return None
    return int(ratio * 100 + 1e-9)
