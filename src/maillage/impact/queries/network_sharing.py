"""What organisations did on each other's machines: hours shared, and purchases avoided.

Both read the completed bookings of the period between two organisations.

Hours shared, by the month a booking started: the machine hours told at check-out, else the
booked length. Contributors: both sides, a month is shown when at least `k` hosts *and* `k`
bookers contribute, so that neither a host's nor a booker's hours can be read off it.

Avoided purchases (the counterfactual of docs/impact/network.md): an organisation that, in a
calendar year of the period, used shared machines of a process for more than the factor
`purchase_threshold_hours` and owns no machine of that process in service would otherwise have
bought one. An organisation counts at most as many purchases as distinct machines served it
(a machine tagged with two processes is one purchase). Each purchase is priced at the mean
price of the machines that served it (`MachineEconomics`, else the factor `machine_price`) and
carries their mean embodied carbon (`MachineImpact`, else `machine_embodied_kgco2e`). The
booking fees these organisations paid on those machines are given beside, so that the euros
avoided are net of them. Contributors: the organisations that avoided a purchase *and* the
hosts that served them (both at least `k`: prices are private to the host).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Count, DateField, F, Sum
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, ExtractYear, TruncMonth

from maillage.equipment.models import Machine, MachineStatus
from maillage.impact import disclosure
from maillage.impact.disclosure import Cell
from maillage.impact.factors import FactorValue
from maillage.impact.models import MachineEconomics, MachineImpact
from maillage.impact.queries.network_scope import (
    Coverage,
    NetworkFilters,
    as_month,
    booking_hours,
    compiled,
    cross_bookings,
    fetch,
    fresh_factors,
    threshold,
    used_factors,
    without_jit_read,
)


@dataclass(frozen=True)
class SharedMonth:
    month: dt.date
    hours: Cell
    bookings: Cell


@dataclass(frozen=True)
class HoursShared:
    """Hours of completed bookings between two organisations, month by month."""

    months: list[SharedMonth]
    total: Cell
    bookings: int
    coverage: Coverage  # bookings with their machine hours told at check-out
    factors: list[FactorValue] = field(default_factory=list)
    method: str = "sharing"

    @property
    def hidden(self) -> int:
        return disclosure.hidden_count(row.hours for row in self.months)


@dataclass(frozen=True)
class AvoidedPurchases:
    purchases: Cell
    capex_eur: Cell
    fees_eur: Cell  # what the same organisations paid to book those machines instead
    embodied_kgco2e: Cell
    price_coverage: Coverage  # machines that served with a recorded price
    carbon_coverage: Coverage  # … with a computed embodied carbon
    factors: list[FactorValue]
    method: str = "avoided"

    @property
    def net_eur(self) -> Cell:
        if not (self.capex_eur.shown and self.fees_eur.shown):
            return Cell(None, self.capex_eur.reason or self.fees_eur.reason)
        return Cell((self.capex_eur.value or 0.0) - (self.fees_eur.value or 0.0))


@without_jit_read
def hours_shared(filters: NetworkFilters, *, min_contributors: int | None = None) -> HoursShared:
    """Σ hours (told at check-out, else booked) by the month the booking started."""
    k = threshold(min_contributors)
    rows = {
        as_month(row["month"]): row
        for row in cross_bookings(filters)
        .annotate(month=TruncMonth("start", output_field=DateField()))
        .values("month")
        .annotate(
            hours=Sum(booking_hours()),
            bookings=Count("id"),
            told=Count("hours_used"),
            hosts=Count("host_organisation", distinct=True),
            guests=Count("booker_organisation", distinct=True),
        )
    }
    months, bookings, told = [], 0, 0
    for first in filters.months():
        row = rows.get(first)
        contributors = min(row["hosts"], row["guests"]) if row else 0
        hours = disclosure.judge(
            float(row["hours"] or 0) if row else 0.0, contributors, k, additive=True
        )
        count = disclosure.judge(row["bookings"] if row else 0, contributors, k, additive=True)
        months.append(SharedMonth(first, hours, count))
        if row and hours.shown:
            bookings += row["bookings"]
            told += row["told"]
    hidden = any(row.hours.hidden for row in months)
    total_hours = disclosure.shown_sum(row.hours for row in months)
    total = Cell(None, disclosure.TOO_FEW) if hidden and not total_hours else Cell(total_hours)
    return HoursShared(months, total, bookings, Coverage(told, bookings))


def _used(filters: NetworkFilters, *fields: str, **sums: Any) -> tuple[str, list[Any]]:
    """The period's bookings an organisation made on others' machines, per (booker, process,
    and `fields`), with `sums`; compiled by the ORM to be part of the statement."""
    used = cross_bookings(filters, role="booker").annotate(
        org=F("booker_organisation_id"),
        proc=F("machine__processes"),
        yr=ExtractYear("start"),
        served=F("machine_id"),
        host=F("host_organisation_id"),
    )
    if filters.process_ids:
        used = used.filter(proc__in=filters.process_ids)
    if "served" in fields:
        # Second reading: only the organisations that avoided a purchase (the CTE above).
        used = used.filter(booker_organisation_id__in=RawSQL("SELECT org FROM avoided", []))
    return compiled(used.values("org", "proc", *fields).annotate(**sums))


def _tables() -> dict[str, str]:
    quote = connection.ops.quote_name
    return {
        "links": quote(Machine.processes.through._meta.db_table),
        "machine_table": quote(Machine._meta.db_table),
        "economics": quote(MachineEconomics._meta.db_table),
        "impacts": quote(MachineImpact._meta.db_table),
    }


# The hours per (organisation, process, year) are read first; the machines that served, their
# hosts and the fees are read again only for the few organisations that avoided a purchase.
STATEMENT = """
    WITH per_year AS ({per_year}),
    avoided AS (
        SELECT DISTINCT q.org, q.proc FROM per_year q WHERE q.hours > %s AND NOT EXISTS (
            SELECT 1 FROM {links} l JOIN {machine_table} m ON m.id = l.machine_id
            WHERE m.organisation_id = q.org AND l.process_id = q.proc AND m.status <> %s)
    ),
    used AS ({used}),
    served AS (
        SELECT u.org, u.served, MIN(u.host) AS host, MAX(u.paid) AS paid FROM used u
        JOIN avoided a ON a.org = u.org AND a.proc = u.proc
        GROUP BY u.org, u.served
    ),
    machines AS (
        SELECT DISTINCT s.served, e.price_cents, i.embodied_kgco2e FROM served s
        LEFT JOIN {economics} e ON e.machine_id = s.served
        LEFT JOIN {impacts} i ON i.machine_id = s.served
    ),
    per_org AS (SELECT org, COUNT(*) AS processes FROM avoided GROUP BY org),
    served_org AS (
        SELECT s.org, COUNT(*) AS machines,
            AVG(COALESCE(m.price_cents / 100.0, %s)) AS capex,
            AVG(COALESCE(m.embodied_kgco2e, %s)) AS carbon
        FROM served s JOIN machines m ON m.served = s.served
        GROUP BY s.org
    ),
    purchases AS (
        SELECT CASE WHEN p.processes < o.machines THEN p.processes ELSE o.machines END AS n,
            o.capex, o.carbon
        FROM per_org p JOIN served_org o ON o.org = p.org
    )
    SELECT COALESCE(SUM(n), 0), COALESCE(SUM(n * capex), 0), COALESCE(SUM(n * carbon), 0),
        COUNT(*),
        (SELECT COUNT(DISTINCT host) FROM served),
        (SELECT COUNT(*) FROM machines),
        (SELECT COUNT(price_cents) FROM machines),
        (SELECT COUNT(embodied_kgco2e) FROM machines),
        (SELECT COALESCE(SUM(paid), 0) FROM served)
    FROM purchases
"""


@without_jit_read
def avoided_purchases(
    filters: NetworkFilters,
    *,
    min_contributors: int | None = None,
    overrides: list[FactorValue] | None = None,
) -> AvoidedPurchases:
    """The purchases avoided in the period, their price, embodied carbon and the fees paid."""
    k = threshold(min_contributors)
    factors = fresh_factors(overrides)
    limit = factors.value("purchase_threshold_hours")
    price = factors.value("machine_price")
    carbon = factors.value("machine_embodied_kgco2e")
    per_year, year_params = _used(filters, "yr", hours=Sum(booking_hours()))
    # The fees of an (organisation, machine) are the same on each of the machine's processes:
    # MAX keeps them once.
    used, used_params = _used(
        filters, "served", "host", paid=Sum(Coalesce("final_cents", "estimated_cents"))
    )
    sql = STATEMENT.format(per_year=per_year, used=used, **_tables())
    params = [*year_params, limit, MachineStatus.RETIRED, *used_params, price, carbon]
    (row,) = fetch(sql, params)
    return _avoided(row, k, factors)


def _avoided(row: Any, k: int, factors: Any) -> AvoidedPurchases:
    count, capex, embodied, orgs, hosts, served, priced, carbon_known, paid = row
    contributors = min(int(orgs), int(hosts or 0))
    shown = contributors >= k

    def cell(value: Any) -> Cell:
        return disclosure.judge(float(value or 0), contributors, k, additive=True)

    served = int(served or 0)
    return AvoidedPurchases(
        purchases=cell(count),
        capex_eur=cell(capex),
        fees_eur=cell(float(paid or 0) / 100),
        embodied_kgco2e=cell(embodied),
        price_coverage=Coverage(int(priced or 0), served) if shown else Coverage(0, 0),
        carbon_coverage=Coverage(int(carbon_known or 0), served) if shown else Coverage(0, 0),
        factors=used_factors(factors),
    )


def sharing_figures(
    filters: NetworkFilters,
    *,
    min_contributors: int | None = None,
    overrides: list[FactorValue] | None = None,
) -> tuple[HoursShared, AvoidedPurchases]:
    """Hours shared by month and the purchases avoided, for the same question."""
    return (
        hours_shared(filters, min_contributors=min_contributors),
        avoided_purchases(filters, min_contributors=min_contributors, overrides=overrides),
    )
