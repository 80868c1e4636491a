"""The network's circular inflow, outflow and material circularity (WBCSD CTI v4), published.

The flows are those of `queries.flows` for the whole network (`organisation=None`: a transfer
between two of its organisations is neither an inflow nor an outflow) over the period asked,
every department and process: material flows are not recorded per process. The three
percentages and the masses behind them are shown only when at least `k` distinct
organisations contributed a flow with a mass (parts fitted on their machines, machines they
received or bought, machines they decommissioned with their materials), counted in one query.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q

from maillage.impact import cti, disclosure
from maillage.impact.disclosure import Cell
from maillage.impact.factors import FactorValue
from maillage.impact.queries.flows import NEW, REUSED, SECOND_LIFE, flows
from maillage.impact.queries.network_scope import (
    NetworkFilters,
    fresh_factors,
    threshold,
    used_factors,
)
from maillage.maintenance.models import (
    Decommissioning,
    Destination,
    OwnershipPeriod,
    PartReplaced,
)


@dataclass(frozen=True)
class NetworkCircularity:
    """The network's CTI percentages (fractions) and masses (kg), each judged."""

    circular_inflow: Cell
    circular_outflow: Cell
    material_circularity: Cell
    inflow_kg: Cell
    outflow_kg: Cell
    factors: list[FactorValue] = field(default_factory=list)
    method: str = "cti"

    @property
    def hidden(self) -> bool:
        return self.material_circularity.hidden


def contributors(filters: NetworkFilters) -> int:
    """Distinct organisations with a flow of known mass in the period (one query)."""
    start, end = filters.start, filters.end + dt.timedelta(days=1)
    parts = PartReplaced.objects.filter(
        intervention__done_at__gte=filters.since, intervention__done_at__lt=filters.until
    ).values_list("intervention__machine__organisation_id")
    periods = OwnershipPeriod.objects.filter(
        Q(acquisition__in=SECOND_LIFE) | Q(acquisition__in=NEW),
        started_on__gte=start,
        started_on__lt=end,
        organisation__isnull=False,
        transfer__isnull=True,
        machine__material_shares__isnull=False,
    ).values_list("organisation_id")
    ended = Decommissioning.objects.filter(
        Q(destination__in=REUSED, machine__material_shares__isnull=False)
        | Q(destination=Destination.RECYCLING, materials__isnull=False),
        decommissioned_on__gte=start,
        decommissioned_on__lt=end,
    ).values_list("organisation_id")
    # UNION (not UNION ALL) keeps each organisation once.
    return parts.order_by().union(periods.order_by(), ended.order_by()).count()


def network_circularity(
    filters: NetworkFilters,
    *,
    min_contributors: int | None = None,
    overrides: list[FactorValue] | None = None,
) -> NetworkCircularity:
    """Circular inflow, outflow and material circularity of the whole network in the period."""
    k = threshold(min_contributors)
    factors = fresh_factors(overrides)
    end = filters.end + dt.timedelta(days=1)
    inflows, outflows = flows(start=filters.start, end=end, factors=factors)
    figure = cti.circularity(inflows, outflows)
    count = contributors(filters)

    def judged(value: float | None, *, additive: bool = False) -> Cell:
        return disclosure.judge(value, count, k, additive=additive)

    return NetworkCircularity(
        circular_inflow=judged(figure.circular_inflow),
        circular_outflow=judged(figure.circular_outflow),
        material_circularity=judged(figure.material_circularity),
        inflow_kg=judged(figure.inflow_mass, additive=True),
        outflow_kg=judged(figure.outflow_mass, additive=True),
        factors=used_factors(factors),
    )
