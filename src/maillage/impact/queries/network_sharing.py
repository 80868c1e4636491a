"""What organisations did on each other's machines: hours shared, and purchases avoided.

Both read the completed bookings of the period between two organisations: one statement
groups them once per (month, booker's organisation, host, machine) and answers both.

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
from django.db.models import Count, F, Sum
from django.db.models.functions import Coalesce

from maillage.equipment.models import Machine, MachineStatus
from maillage.impact import disclosure
from maillage.impact.disclosure import Cell
from maillage.impact.factors import FactorSet, FactorValue
from maillage.impact.models import MachineEconomics, MachineImpact
from maillage.impact.queries.network_scope import (
    Coverage,
    NetworkFilters,
    booking_hours,
    compiled,
    cross_bookings,
    fetch,
    fresh_factors,
    month_index,
    threshold,
    used_factors,
    without_jit_read,
    year_index,
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


def _base(filters: NetworkFilters) -> tuple[str, list[Any]]:
    """The period's bookings between organisations per (month, year, guest, host, machine),
    the guest being the booker's organisation; compiled by the ORM to open the statement."""
    return compiled(
        cross_bookings(filters)
        .annotate(
            month=month_index("start", filters),
            yr=year_index("start", filters),
            guest=F("booker_organisation_id"),
            host=F("host_organisation_id"),
            served=F("machine_id"),
        )
        .values("month", "yr", "guest", "host", "served")
        .annotate(
            hours=Sum(booking_hours()),
            bookings=Count("id"),
            told=Count("hours_used"),
            paid=Sum(Coalesce("final_cents", "estimated_cents")),
        )
    )


def _tables() -> dict[str, str]:
    quote = connection.ops.quote_name
    return {
        "links": quote(Machine.processes.through._meta.db_table),
        "machine_table": quote(Machine._meta.db_table),
        "economics": quote(MachineEconomics._meta.db_table),
        "impacts": quote(MachineImpact._meta.db_table),
    }


# Two answers from one reading of the bookings, stacked with UNION ALL: the months (kind 'm':
# hours, bookings, hours told, hosts, guests) and the purchases avoided (kind 'a'). For the
# purchases, the processes come from the machines' tags, and the machines that served an
# avoided purchase from the same grouped rows.
STATEMENT = """
    WITH base AS ({base}),
    per_month AS (
        SELECT month, SUM(hours) AS hours, SUM(bookings) AS bookings, SUM(told) AS told
        FROM base GROUP BY month
    ),
    month_hosts AS (
        SELECT month, COUNT(*) AS n FROM (SELECT month, host FROM base GROUP BY month, host) h
        GROUP BY month
    ),
    month_guests AS (
        SELECT month, COUNT(*) AS n FROM (SELECT month, guest FROM base GROUP BY month, guest) g
        GROUP BY month
    ),
    om AS (
        SELECT guest AS org, yr, served, host, SUM(hours) AS hours, SUM(paid) AS paid
        FROM base {guest} GROUP BY guest, yr, served, host
    ),
    per_year AS (
        SELECT om.org, l.process_id AS proc, om.yr, SUM(om.hours) AS hours
        FROM om JOIN {links} l ON l.machine_id = om.served {processes}
        GROUP BY om.org, l.process_id, om.yr
    ),
    qualifying AS (SELECT org, proc FROM per_year WHERE hours > %s GROUP BY org, proc),
    owned AS (
        SELECT DISTINCT m.organisation_id AS org, l.process_id AS proc
        FROM {machine_table} m JOIN {links} l ON l.machine_id = m.id
        WHERE m.status <> %s AND m.organisation_id IN (SELECT org FROM qualifying)
    ),
    avoided AS (
        SELECT q.org, q.proc FROM qualifying q
        LEFT JOIN owned o ON o.org = q.org AND o.proc = q.proc WHERE o.org IS NULL
    ),
    served_rows AS (
        SELECT DISTINCT om.org, om.served, om.yr, om.host, om.paid FROM om
        JOIN {links} l ON l.machine_id = om.served
        JOIN avoided a ON a.org = om.org AND a.proc = l.process_id
    ),
    served AS (
        SELECT org, served, MIN(host) AS host, SUM(paid) AS paid FROM served_rows
        GROUP BY org, served
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
    SELECT 'm', m.month, m.hours, m.bookings, m.told, h.n, g.n, NULL, NULL, NULL, NULL
    FROM per_month m
    JOIN month_hosts h ON h.month = m.month JOIN month_guests g ON g.month = m.month
    UNION ALL
    SELECT 'a', NULL, COALESCE(SUM(n), 0), COALESCE(SUM(n * capex), 0),
        COALESCE(SUM(n * carbon), 0), COUNT(*),
        (SELECT COUNT(DISTINCT host) FROM served),
        (SELECT COUNT(*) FROM machines),
        (SELECT COUNT(price_cents) FROM machines),
        (SELECT COUNT(embodied_kgco2e) FROM machines),
        (SELECT COALESCE(SUM(paid), 0) FROM served)
    FROM purchases
"""


@without_jit_read
def sharing_figures(
    filters: NetworkFilters,
    *,
    min_contributors: int | None = None,
    overrides: list[FactorValue] | None = None,
) -> tuple[HoursShared, AvoidedPurchases]:
    """Hours shared by month and the purchases avoided, for the same question."""
    k = threshold(min_contributors)
    factors = fresh_factors(overrides)
    limit = factors.value("purchase_threshold_hours")
    price = factors.value("machine_price")
    carbon = factors.value("machine_embodied_kgco2e")
    base, params = _base(filters)
    # With an organisation: the months count what it hosted and booked, purchases what it
    # booked; with a process, only that process and its own sub-processes count.
    mine = [filters.organisation_id] if filters.organisation_id is not None else []
    ids = list(filters.process_ids)
    sql = STATEMENT.format(
        base=base,
        guest="WHERE guest = %s" if mine else "",
        processes=f"AND l.process_id IN ({', '.join(['%s'] * len(ids))})" if ids else "",
        **_tables(),
    )
    rows = fetch(sql, [*params, *mine, *ids, limit, MachineStatus.RETIRED, price, carbon])
    months_asked = filters.months()
    months = {months_asked[int(row[1])]: row[2:7] for row in rows if row[0] == "m"}
    (purchases,) = [row[2:] for row in rows if row[0] == "a"]
    return _shared(months_asked, months, k), _avoided(purchases, k, factors)


def _shared(months_asked: list[dt.date], rows: dict[dt.date, Any], k: int) -> HoursShared:
    months, bookings, told = [], 0, 0
    for first in months_asked:
        hours, count, known, hosts, guests = rows.get(first) or (0.0, 0, 0, 0, 0)
        contributors = min(int(hosts), int(guests))
        shown = disclosure.judge(float(hours or 0), contributors, k, additive=True)
        months.append(
            SharedMonth(first, shown, disclosure.judge(int(count), contributors, k, additive=True))
        )
        if shown.shown:
            bookings += int(count)
            told += int(known)
    hidden = any(row.hours.hidden for row in months)
    total_hours = disclosure.shown_sum(row.hours for row in months)
    total = Cell(None, disclosure.TOO_FEW) if hidden and not total_hours else Cell(total_hours)
    return HoursShared(months, total, bookings, Coverage(told, bookings))


def _avoided(row: Any, k: int, factors: FactorSet) -> AvoidedPurchases:
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


def hours_shared(filters: NetworkFilters, *, min_contributors: int | None = None) -> HoursShared:
    """Hours shared by month (read with the purchases: one reading of the bookings)."""
    return sharing_figures(filters, min_contributors=min_contributors)[0]


def avoided_purchases(
    filters: NetworkFilters,
    *,
    min_contributors: int | None = None,
    overrides: list[FactorValue] | None = None,
) -> AvoidedPurchases:
    """The purchases avoided, their price, embodied carbon and the booking fees paid instead."""
    return sharing_figures(filters, min_contributors=min_contributors, overrides=overrides)[1]
