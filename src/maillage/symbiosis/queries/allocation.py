"""The territory's optimal allocation of by-products, read from every active declaration.

Offers give out their middle quantity per year, demands take theirs, in tonnes (declarations
in m³ or units cannot be added to tonnes: they are left out and counted). A pair is allowed
when `codes.closeness` finds a fit, the two share a month, belong to two organisations and lie
within 150 km by road. Per tonne: transport = road km × the vehicle's €/t·km; disposal = the
offer's current cost, else its category default; virgin = the demand's current cost, else its
category default. `allocation.allocate_flows` minimises transport + remaining disposal +
remaining virgin purchase; each flow's € and CO2 are then `savings.flow_savings`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from maillage.core.geo import EARTH_RADIUS_KM
from maillage.symbiosis import candidates as core
from maillage.symbiosis.allocation import allocate_flows
from maillage.symbiosis.codes import closeness
from maillage.symbiosis.models import DeclarationState, Direction, ResourceDeclaration, Synergy
from maillage.symbiosis.queries.candidates import (
    MAX_ROAD_KM,
    SUBSTITUTIONS,
    cost_per_tonne,
    side_of,
)
from maillage.symbiosis.savings import Savings, factor, flow_savings

EVERYTHING = {"quantity", "price", "composition", "site"}
MIN_TONNES = 1e-6


@dataclass(frozen=True)
class Problem:
    """The allocation problem as arrays (suppliers × consumers), costs per tonne."""

    supply: NDArray[np.float64]
    demand: NDArray[np.float64]
    distance_km: NDArray[np.float64]
    transport: NDArray[np.float64]
    disposal: NDArray[np.float64]
    virgin: NDArray[np.float64]


def distance_matrix(
    offers: Sequence[core.Side], demands: Sequence[core.Side]
) -> NDArray[np.float64]:
    """Road km between every offer and every demand (great circle × 1.3)."""
    lat1 = np.radians([o.latitude for o in offers])[:, None]
    lon1 = np.radians([o.longitude for o in offers])[:, None]
    lat2 = np.radians([d.latitude for d in demands])[None, :]
    lon2 = np.radians([d.longitude for d in demands])[None, :]
    a = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    km: NDArray[np.float64] = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))
    return km * factor("road.detour")


def build_problem(
    offers: Sequence[core.Side],
    demands: Sequence[core.Side],
    disposal: Sequence[float],
    virgin: Sequence[float],
    *,
    vehicle: str = "rigid",
) -> Problem:
    """The arrays `allocate_flows` takes; pairs that do not fit cost `inf` to move."""
    km = distance_matrix(offers, demands)
    fits: dict[tuple[str, str, str, str], bool] = {}
    offer_keys = [(o.code, o.category) for o in offers]
    demand_keys = [(d.code, d.category) for d in demands]
    unique_offer = sorted(set(offer_keys))
    unique_demand = sorted(set(demand_keys))
    table = np.zeros((len(unique_offer), len(unique_demand)), dtype=bool)
    for i, (oc, ocat) in enumerate(unique_offer):
        for j, (dc, dcat) in enumerate(unique_demand):
            fits[(oc, ocat, dc, dcat)] = table[i, j] = (
                closeness(oc, ocat, dc, dcat, SUBSTITUTIONS) is not None
            )
    oi = np.array([unique_offer.index(k) for k in offer_keys]) if offers else np.zeros(0, int)
    di = np.array([unique_demand.index(k) for k in demand_keys]) if demands else np.zeros(0, int)
    allowed = (
        table[oi][:, di] if offers and demands else np.zeros((len(offers), len(demands)), bool)
    )
    months_o = np.array([o.months for o in offers], dtype=np.int64)[:, None]
    months_d = np.array([d.months for d in demands], dtype=np.int64)[None, :]
    org_o = np.array([o.organisation_id for o in offers], dtype=np.int64)[:, None]
    org_d = np.array([d.organisation_id for d in demands], dtype=np.int64)[None, :]
    allowed &= (months_o & months_d) != 0
    allowed &= org_o != org_d
    allowed &= km <= MAX_ROAD_KM
    per_tkm = factor(f"transport_cost.{vehicle}")
    transport = np.where(allowed, km * per_tkm, np.inf)
    return Problem(
        supply=np.array([sum(core.yearly(o)) / 2 for o in offers], dtype=np.float64),
        demand=np.array([sum(core.yearly(d)) / 2 for d in demands], dtype=np.float64),
        distance_km=km,
        transport=transport,
        disposal=np.asarray(disposal, dtype=np.float64),
        virgin=np.asarray(virgin, dtype=np.float64),
    )


@dataclass(frozen=True)
class Flow:
    offer: ResourceDeclaration
    demand: ResourceDeclaration
    tonnes: float
    distance_km: float
    savings: Savings
    live_synergy: bool

    @property
    def quantity_in_offer_unit(self) -> float:
        return self.tonnes / core.TONNES_PER_UNIT.get(self.offer.unit, 1.0)


@dataclass(frozen=True)
class TerritoryAllocation:
    flows: list[Flow]
    offers: int
    demands: int
    left_out: int  # declarations not in tonnes or kilograms

    @property
    def tonnes(self) -> float:
        return sum(f.tonnes for f in self.flows)

    @property
    def euros_saved(self) -> float:
        return sum(f.savings.euros_saved for f in self.flows)

    @property
    def co2_avoided_kg(self) -> float:
        return sum(f.savings.co2_avoided_kg for f in self.flows)

    @property
    def declarations(self) -> list[ResourceDeclaration]:
        seen: dict[int, ResourceDeclaration] = {}
        for flow in self.flows:
            seen[flow.offer.pk] = flow.offer
            seen[flow.demand.pk] = flow.demand
        return list(seen.values())


def territory_allocation(*, vehicle: str = "rigid") -> TerritoryAllocation:
    """The optimal flows between all active declarations in tonnes, largest first."""
    active = list(
        ResourceDeclaration.objects.filter(state=DeclarationState.ACTIVE)
        .select_related("site", "organisation", "site__commune")
        .order_by("pk")
    )
    mass = [d for d in active if d.unit in core.TONNES_PER_UNIT]
    offers = [d for d in mass if d.direction == Direction.OFFER]
    demands = [d for d in mass if d.direction == Direction.DEMAND]
    problem = build_problem(
        [side_of(d, EVERYTHING) for d in offers],
        [side_of(d, EVERYTHING) for d in demands],
        [_or_default(cost_per_tonne(d, EVERYTHING), "disposal_cost", d.category) for d in offers],
        [_or_default(cost_per_tonne(d, EVERYTHING), "virgin_cost", d.category) for d in demands],
        vehicle=vehicle,
    )
    flows: list[Flow] = []
    if offers and demands:
        matrix, _cost = allocate_flows(
            problem.supply, problem.demand, problem.transport, problem.disposal, problem.virgin
        )
        rows, cols = np.nonzero(matrix > MIN_TONNES)
        live = set(
            Synergy.objects.filter(
                offer_id__in=[offers[i].pk for i in rows],
                state__in=["proposed", "discussing", "agreed", "running"],
            ).values_list("offer_id", "demand_id")
        )
        for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
            offer, demand = offers[i], demands[j]
            tonnes = float(matrix[i, j])
            km = float(problem.distance_km[i, j])
            flows.append(
                Flow(
                    offer=offer,
                    demand=demand,
                    tonnes=tonnes,
                    distance_km=km,
                    savings=flow_savings(
                        tonnes,
                        km,
                        vehicle=vehicle,
                        offer_category=offer.category,
                        demand_category=demand.category,
                        disposal_cost_per_t=float(problem.disposal[i]),
                        virgin_cost_per_t=float(problem.virgin[j]),
                    ),
                    live_synergy=(offer.pk, demand.pk) in live,
                )
            )
    flows.sort(key=lambda f: -f.tonnes)
    return TerritoryAllocation(
        flows=flows,
        offers=len(offers),
        demands=len(demands),
        left_out=len(active) - len(mass),
    )


def _or_default(value: float | None, key: str, category: str) -> float:
    return value if value is not None else factor(key, category)
