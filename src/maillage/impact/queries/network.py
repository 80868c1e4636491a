"""The network's impact figures for a period: use, sharing, circularity, and all of them at once.

Read by the public dashboard, its CSV files, the annual report, the API and the benchmark.
Every sum, count and histogram is computed by the database (grouped by month or bin); Python
only prorates the hours available and judges each cell (`impact.disclosure`). A figure
carries its coverage and the factor versions it used; `network_figures` gathers them.

Contributors (the organisations a cell must count at least `k` of):
- utilisation: the owners of the machines with use recorded that month;
- circularity: the owners of the machines in the bin (or with a known MCI, for the mean).
Hours shared and avoided purchases are in `network_sharing` (one reading of the bookings),
transport and local production in `network_needs` (the matching app's needs).
Circular inflow and outflow are in `network_flows` (contributors: organisations with a flow).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FloatField,
    OuterRef,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce

from maillage.impact import disclosure
from maillage.impact.disclosure import Cell
from maillage.impact.factors import FactorValue
from maillage.impact.models import MachineImpact
from maillage.impact.queries import network_flows, network_needs, network_sharing
from maillage.impact.queries.factors import override_values
from maillage.impact.queries.network_scope import (
    Coverage,
    NetworkFilters,
    compiled,
    fetch,
    fresh_factors,
    machine_scope,
    machines,
    month_index,
    scope_ids,
    threshold,
    used_factors,
    without_jit_read,
)
from maillage.maintenance.models import UsageRecord

MCI_BINS = 10


@dataclass(frozen=True)
class UtilisationMonth:
    month: dt.date
    hours_used: Cell
    hours_available: Cell
    utilisation: Cell


@dataclass(frozen=True)
class Utilisation:
    """Hours used over hours available, month by month, for machines with use recorded."""

    months: list[UtilisationMonth]
    hours_used: float
    hours_available: float
    total: Cell
    coverage: Coverage
    factors: list[FactorValue]
    method: str = "sharing"

    @property
    def hidden(self) -> int:
        return disclosure.hidden_count(row.utilisation for row in self.months)


@without_jit_read
def utilisation(
    filters: NetworkFilters,
    *,
    machines_in_scope: int | None = None,
    min_contributors: int | None = None,
    overrides: list[FactorValue] | None = None,
) -> Utilisation:
    """Utilisation by month: hours used that month / hours available that month of the
    machines with use recorded in the period (a machine idle one month counts 0 that month).

    A machine's hours available a year are its own (`MachineEconomics`) or the factor
    `hours_available_per_year`, prorated to the days of the month inside the period.
    """
    k = threshold(min_contributors)
    factors = fresh_factors(overrides)
    default_rate = factors.value("hours_available_per_year")
    records = UsageRecord.objects.filter(
        machine_scope(filters, "machine"), when__gte=filters.since, when__lt=filters.until
    ).order_by()
    per_owner, params = compiled(
        records.annotate(month=month_index("when", filters), owner=F("machine__organisation_id"))
        .values("month", "owner")
        .annotate(hours=Sum("hours"))
    )
    # Per (month, owner) first: a month's owners are then its rows, counted without DISTINCT.
    months_asked = filters.months()
    rows = {
        months_asked[int(row[0])]: row
        for row in fetch(
            f"WITH per_owner AS ({per_owner}) "
            "SELECT month, SUM(hours), COUNT(*) FROM per_owner GROUP BY month",
            params,
        )
    }
    rate = Coalesce(
        Cast("economics__hours_available_per_year", FloatField()),
        Value(default_rate),
        output_field=FloatField(),
    )
    used = UsageRecord.objects.filter(
        machine=OuterRef("pk"), when__gte=filters.since, when__lt=filters.until
    )
    machines_used = (
        machines(filters)
        .filter(Exists(used))
        .aggregate(n=Count("id"), rate=Sum(rate), owners=Count("organisation", distinct=True))
    )
    yearly = float(machines_used["rate"] or 0)
    months = []
    for first in months_asked:
        row = rows.get(first)
        hours = float(row[1] or 0) if row else 0.0
        # A month without use is 0 h of the period's machines: their owners are its contributors.
        owners = int(row[2]) if row else machines_used["owners"]
        available = yearly * filters.year_share(first)
        ratio = min(1.0, hours / available) if available else None
        months.append(
            UtilisationMonth(
                month=first,
                hours_used=disclosure.judge(hours, owners, k, additive=False),
                hours_available=disclosure.judge(available, owners, k, additive=False),
                utilisation=disclosure.judge(ratio, owners, k, additive=False),
            )
        )
    used_hours = disclosure.shown_sum(row.hours_used for row in months)
    available = disclosure.shown_sum(row.hours_available for row in months)
    shown = any(row.utilisation.shown for row in months)
    total = (
        Cell(min(1.0, used_hours / available))
        if shown and available
        else Cell(None, _reason(months))
    )
    scope_count = machines(filters).count() if machines_in_scope is None else machines_in_scope
    coverage = Coverage(int(machines_used["n"]), scope_count)
    return Utilisation(months, used_hours, available, total, coverage, used_factors(factors))


def _reason(months: list[UtilisationMonth]) -> str:
    hidden = any(row.utilisation.hidden for row in months)
    return disclosure.TOO_FEW if hidden else disclosure.NO_DATA


@dataclass(frozen=True)
class CircularityBin:
    low: float
    high: float
    machines: Cell


@dataclass(frozen=True)
class Circularity:
    """The machines' Material Circularity Indicator in ten bins, and its mean."""

    bins: list[CircularityBin]
    mean: Cell
    coverage: Coverage  # machines with a known MCI, of the machines asked about
    factors: list[FactorValue] = field(default_factory=list)
    method: str = "mci"

    @property
    def hidden(self) -> int:
        return disclosure.hidden_count(row.machines for row in self.bins)


@without_jit_read
def circularity(
    filters: NetworkFilters,
    *,
    machines_in_scope: int | None = None,
    min_contributors: int | None = None,
) -> Circularity:
    """Histogram of the stored MCI (`MachineImpact.mci`): [0, 0.1), …, [0.9, 1.0]."""
    k = threshold(min_contributors)
    bin_of = Case(
        *[When(mci__lt=(i + 1) / MCI_BINS, then=Value(i)) for i in range(MCI_BINS - 1)],
        default=Value(MCI_BINS - 1),
    )
    per_owner, params = compiled(
        MachineImpact.objects.filter(mci__isnull=False, machine_id__in=scope_ids(filters))
        .annotate(bin=bin_of, owner=F("machine__organisation_id"))
        .values("bin", "owner")
        .annotate(machines=Count("id"), mci_sum=Sum("mci"))
        .order_by()
    )
    rows = fetch(
        f"""
        WITH per_owner AS ({per_owner})
        SELECT bin, SUM(machines), COUNT(*), SUM(mci_sum),
            (SELECT COUNT(DISTINCT owner) FROM per_owner)
        FROM per_owner GROUP BY bin
        """,
        params,
    )
    by_bin = {int(row[0]): row for row in rows}
    bins = []
    for index in range(MCI_BINS):
        row = by_bin.get(index)
        count = int(row[1]) if row else 0
        owners = int(row[2]) if row else 0
        bins.append(
            CircularityBin(
                index / MCI_BINS,
                (index + 1) / MCI_BINS,
                disclosure.judge(count, owners, k, additive=True),
            )
        )
    known = sum(int(row[1]) for row in rows)
    mean_value = sum(float(row[3]) for row in rows) / known if known else None
    mean = disclosure.judge(mean_value, int(rows[0][4]) if rows else 0, k, additive=False)
    scope_count = machines(filters).count() if machines_in_scope is None else machines_in_scope
    return Circularity(bins, mean, Coverage(known, scope_count))


@dataclass(frozen=True)
class NetworkFigures:
    """Everything the dashboard, the report and the API show for one question."""

    filters: NetworkFilters
    min_contributors: int
    machines: int
    utilisation: Utilisation
    shared: network_sharing.HoursShared
    avoided: network_sharing.AvoidedPurchases
    transport: network_needs.Transport
    circularity: Circularity
    local: network_needs.LocalProduction
    flows: network_flows.NetworkCircularity | None = None

    def factors(self) -> list[FactorValue]:
        """Every factor version the figures used, once each, by key."""
        found: dict[str, FactorValue] = {}
        for figure in (self.utilisation, self.avoided, self.transport, self.local, self.flows):
            for factor in figure.factors if figure else ():
                found[factor.key] = factor
        return [found[key] for key in sorted(found)]

    @property
    def co2_avoided_kg(self) -> Cell:
        """Embodied carbon of the purchases avoided plus the transport avoided, when both show."""
        parts = (self.avoided.embodied_kgco2e, self.transport.avoided_kgco2e)
        if not all(part.shown for part in parts):
            reason = disclosure.TOO_FEW if any(p.hidden for p in parts) else disclosure.NO_DATA
            return Cell(None, reason)
        return Cell(sum(part.value or 0.0 for part in parts))


@without_jit_read
def network_figures(
    filters: NetworkFilters, *, min_contributors: int | None = None
) -> NetworkFigures:
    """All the network's figures for a question (the factor overrides read once)."""
    k = threshold(min_contributors)
    overrides = override_values()
    count = machines(filters).count()
    shared, avoided = network_sharing.sharing_figures(
        filters, min_contributors=k, overrides=overrides
    )
    transport, local = network_needs.transport_and_local(
        filters, min_contributors=k, overrides=overrides
    )
    return NetworkFigures(
        filters=filters,
        min_contributors=k,
        machines=count,
        utilisation=utilisation(
            filters, machines_in_scope=count, min_contributors=k, overrides=overrides
        ),
        shared=shared,
        avoided=avoided,
        transport=transport,
        circularity=circularity(filters, machines_in_scope=count, min_contributors=k),
        local=local,
        flows=network_flows.network_circularity(filters, min_contributors=k, overrides=overrides),
    )
