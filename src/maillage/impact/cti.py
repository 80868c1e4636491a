"""Circular inflow, circular outflow and material circularity (plain Python, no Django).

Source: WBCSD, *Circular Transition Indicators v4.0* (2023), module "Close the loop":

- % circular inflow = mass of the inflow that is non-virgin (recycled or reused) or renewable
  and sustainably sourced (certified), over the total inflow mass;
- % circular outflow = Σ mass × recovery potential × actual recovery, over the total outflow
  mass (recovery potential: the share of the product that can technically be reused or
  recycled; actual recovery: the share that is, in practice);
- % material circularity = the mass-weighted mean of the two:
  (%inflow·M_in + %outflow·M_out) / (M_in + M_out).

A renewable material that is not certified counts as virgin (CTI v4 counts only sustainably
sourced renewables), and a material's recycled and reused shares may not exceed 1 together.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass


def _share(name: str, value: float) -> float:
    if not math.isfinite(value) or not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be between 0 and 1: {value}")
    return value


def _mass(value: float) -> float:
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"mass must be zero or more: {value}")
    return value


@dataclass(frozen=True, slots=True)
class Inflow:
    """Material entering: its mass, and the shares recycled, reused or certified renewable."""

    mass: float
    recycled: float = 0.0
    reused: float = 0.0
    certified_renewable: float = 0.0

    def circular_mass(self) -> float:
        shares = (
            _share("recycled", self.recycled)
            + _share("reused", self.reused)
            + _share("certified_renewable", self.certified_renewable)
        )
        if shares > 1 + 1e-9:
            raise ValueError(f"circular shares of an inflow add up to more than 1: {shares}")
        return _mass(self.mass) * shares


@dataclass(frozen=True, slots=True)
class Outflow:
    """Material leaving: its mass, recovery potential and actual recovery, both in [0, 1]."""

    mass: float
    recovery_potential: float
    actual_recovery: float

    def circular_mass(self) -> float:
        return (
            _mass(self.mass)
            * _share("recovery_potential", self.recovery_potential)
            * _share("actual_recovery", self.actual_recovery)
        )


@dataclass(frozen=True, slots=True)
class Circularity:
    inflow_mass: float
    circular_inflow_mass: float
    outflow_mass: float
    circular_outflow_mass: float

    @property
    def circular_inflow(self) -> float | None:
        """% circular inflow as a fraction; None when nothing came in."""
        return self.circular_inflow_mass / self.inflow_mass if self.inflow_mass else None

    @property
    def circular_outflow(self) -> float | None:
        return self.circular_outflow_mass / self.outflow_mass if self.outflow_mass else None

    @property
    def material_circularity(self) -> float | None:
        """Mass-weighted mean of inflow and outflow circularity; None when nothing moved."""
        total = self.inflow_mass + self.outflow_mass
        if not total:
            return None
        return (self.circular_inflow_mass + self.circular_outflow_mass) / total


def circularity(inflows: Iterable[Inflow], outflows: Iterable[Outflow]) -> Circularity:
    """CTI v4 inflow, outflow and material circularity of the flows of an organisation or network.

    10 t of steel at 40 % recycled, 2 t of virgin aluminium and 1 t of certified wood in; 11 t
    out at potential 0.9 × actual 0.8 and 2 t fully recovered: 38.5 %, 76.3 % and 57.4 %.
    """
    ins = list(inflows)
    outs = list(outflows)
    return Circularity(
        inflow_mass=sum(_mass(item.mass) for item in ins),
        circular_inflow_mass=sum(item.circular_mass() for item in ins),
        outflow_mass=sum(_mass(item.mass) for item in outs),
        circular_outflow_mass=sum(item.circular_mass() for item in outs),
    )
