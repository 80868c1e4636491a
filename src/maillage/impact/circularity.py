"""Material Circularity Indicator of a machine and of a fleet (plain Python, no Django).

Source: Ellen MacArthur Foundation & Granta Design, *Circularity Indicators: An Approach to
Measuring Circularity*, Methodology (2015), §2 "Product-level indicator", and its 2019 update.
Notation of the methodology:

- M mass of the product; F_R, F_U fractions of the feedstock from recycled and reused sources;
  C_R, C_U fractions of the mass collected for recycling and for reuse at end of use;
  E_F efficiency of recycling the feedstock, E_C efficiency of recycling the collected mass.
- V = M(1 − F_R − F_U), virgin feedstock (eq. 1).
- W0 = M(1 − C_R − C_U), waste going to landfill or energy recovery (eq. 5).
- W_C = M(1 − E_C)C_R, waste from recycling the collected mass (eq. 6).
- W_F = M(1 − E_F)F_R / E_F, waste from producing the recycled feedstock (eq. 7), 0 when F_R = 0.
- W = W0 + (W_F + W_C)/2 (eq. 8).
- LFI = (V + W) / (2M + (W_F − W_C)/2) (eq. 9).
- X = (L/L_av)·(U/U_av), utility (eq. 11): a longer life (a retrofit) or a more intensive use
  (sharing) than the industry average raises it.
- F(X) = 0.9/X, MCI = max(0, 1 − LFI·F(X)) (eq. 12–13).

A machine of several materials sums V, W0, W_F and W_C over its materials before the LFI (the
methodology's "product made of several materials", §2.6). An organisation's or the network's MCI
is the mass-weighted mean of its machines' (the methodology's company-level aggregation, §3,
weighted by mass as the issue asks).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

UTILITY_FACTOR = 0.9


@dataclass(frozen=True, slots=True)
class MaterialFlow:
    """One material of a machine: its mass (kg) and the shares of its feedstock and end of life."""

    mass: float
    recycled_feedstock: float = 0.0
    reused_feedstock: float = 0.0
    recycled_collection: float = 0.0
    reused_collection: float = 0.0
    feedstock_recycling_efficiency: float = 1.0
    collection_recycling_efficiency: float = 1.0


@dataclass(frozen=True, slots=True)
class Flows:
    """The summed mass flows of the methodology (kg): M, V, W0, W_F, W_C."""

    mass: float
    virgin: float
    unrecoverable: float
    feedstock_waste: float
    collection_waste: float

    @property
    def waste(self) -> float:
        """W = W0 + (W_F + W_C)/2 (eq. 8)."""
        return self.unrecoverable + (self.feedstock_waste + self.collection_waste) / 2

    @property
    def linear_flow_index(self) -> float:
        """LFI = (V + W) / (2M + (W_F − W_C)/2) (eq. 9)."""
        denominator = 2 * self.mass + (self.feedstock_waste - self.collection_waste) / 2
        return (self.virgin + self.waste) / denominator


def _share(name: str, value: float) -> float:
    if not math.isfinite(value) or not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be between 0 and 1: {value}")
    return value


def _positive(name: str, value: float) -> float:
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be positive: {value}")
    return value


def material_flows(flow: MaterialFlow) -> Flows:
    """V, W0, W_F and W_C of one material (eq. 1, 5, 6, 7); refuses shares outside [0, 1]."""
    mass = _positive("mass", flow.mass)
    f_r = _share("recycled_feedstock", flow.recycled_feedstock)
    f_u = _share("reused_feedstock", flow.reused_feedstock)
    c_r = _share("recycled_collection", flow.recycled_collection)
    c_u = _share("reused_collection", flow.reused_collection)
    e_f = _share("feedstock_recycling_efficiency", flow.feedstock_recycling_efficiency)
    e_c = _share("collection_recycling_efficiency", flow.collection_recycling_efficiency)
    if f_r + f_u > 1 + 1e-9:
        raise ValueError(f"recycled and reused feedstock add up to more than 1: {f_r + f_u}")
    if c_r + c_u > 1 + 1e-9:
        raise ValueError(f"recycled and reused collection add up to more than 1: {c_r + c_u}")
    if f_r > 0 and e_f == 0:
        raise ValueError(
            "feedstock_recycling_efficiency must be positive when recycled_feedstock is"
        )
    return Flows(
        mass=mass,
        virgin=mass * max(0.0, 1 - f_r - f_u),
        unrecoverable=mass * max(0.0, 1 - c_r - c_u),
        feedstock_waste=mass * (1 - e_f) * f_r / e_f if f_r > 0 else 0.0,
        collection_waste=mass * (1 - e_c) * c_r,
    )


def combine(flows: Iterable[Flows]) -> Flows:
    """Several materials of one machine: their flows summed before the LFI (§2.6)."""
    totals = [0.0, 0.0, 0.0, 0.0, 0.0]
    for item in flows:
        for index, value in enumerate(
            (
                item.mass,
                item.virgin,
                item.unrecoverable,
                item.feedstock_waste,
                item.collection_waste,
            )
        ):
            totals[index] += value
    if totals[0] <= 0:
        raise ValueError("a machine needs at least one material with a mass")
    return Flows(*totals)


def utility(lifetime_ratio: float = 1.0, intensity_ratio: float = 1.0) -> float:
    """X = (L/L_av)·(U/U_av) (eq. 11)."""
    return _positive("lifetime_ratio", lifetime_ratio) * _positive(
        "intensity_ratio", intensity_ratio
    )


def mci_from_flows(
    flows: Flows, *, lifetime_ratio: float = 1.0, intensity_ratio: float = 1.0
) -> float:
    """MCI = max(0, 1 − LFI·0.9/X) (eq. 12–13), in [0, 1]."""
    x = utility(lifetime_ratio, intensity_ratio)
    return min(1.0, max(0.0, 1 - flows.linear_flow_index * UTILITY_FACTOR / x))


def material_circularity_indicator(
    *,
    mass: float,
    recycled_feedstock: float,
    reused_feedstock: float,
    recycled_collection: float,
    reused_collection: float,
    feedstock_recycling_efficiency: float,
    collection_recycling_efficiency: float,
    lifetime_ratio: float = 1.0,
    intensity_ratio: float = 1.0,
) -> float:
    """The MCI of a single-material product (Ellen MacArthur Foundation & Granta, 2015, eq. 1–13).

    Shares are fractions in [0, 1]; F_R + F_U and C_R + C_U may not exceed 1. `lifetime_ratio` is
    L/L_av, `intensity_ratio` U/U_av. Fully linear gives 0.1, fully circular 1.0.
    """
    flow = MaterialFlow(
        mass=mass,
        recycled_feedstock=recycled_feedstock,
        reused_feedstock=reused_feedstock,
        recycled_collection=recycled_collection,
        reused_collection=reused_collection,
        feedstock_recycling_efficiency=feedstock_recycling_efficiency,
        collection_recycling_efficiency=collection_recycling_efficiency,
    )
    return mci_from_flows(
        material_flows(flow), lifetime_ratio=lifetime_ratio, intensity_ratio=intensity_ratio
    )


def machine_mci(
    materials: Iterable[MaterialFlow], *, lifetime_ratio: float = 1.0, intensity_ratio: float = 1.0
) -> float:
    """The MCI of a machine of several materials: flows summed over materials, then eq. 9–13."""
    flows = combine(material_flows(item) for item in materials)
    return mci_from_flows(flows, lifetime_ratio=lifetime_ratio, intensity_ratio=intensity_ratio)


def fleet_mci(machines: Iterable[tuple[float, float]]) -> float | None:
    """Mass-weighted mean of (mass, MCI) pairs (§3, company level); None for an empty fleet."""
    total_mass = 0.0
    weighted = 0.0
    for mass, mci in machines:
        total_mass += _positive("mass", mass)
        weighted += mass * _share("mci", mci)
    return weighted / total_mass if total_mass else None
