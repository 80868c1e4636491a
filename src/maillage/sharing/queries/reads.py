"""What a booking request reads, in two SQL statements instead of eight ORM queries.

Asking for a slot is the busiest write of the platform: every click on a calendar, every
API client trying the next slot. The checks need the offer, its machine and host, the
booker's memberships, then the opening hours, closures, exceptional openings, live bookings
and downtimes around the slot. Through the ORM that is eight queries, and compiling a query
costs more CPU than PostgreSQL spends answering it (about 0.75 ms against 0.05 ms for a
trivial one on the reference machine, see bench/README.md). Here they are two portable
statements (PostgreSQL and SQLite), written once from the models' table and column names,
and plain values parsed into the availability core's types.

Reading is only the first line: the database still refuses an overlap these reads could not
see (exclusion constraint on PostgreSQL, triggers on SQLite, ADR 0006), and `actions` turns
that refusal into the same message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import connection

from maillage.directory.models import Membership, MembershipState, Organisation, OrganisationStatus
from maillage.equipment.models import Machine
from maillage.sharing import availability
from maillage.sharing.availability import Interval, WeeklyWindow
from maillage.sharing.models import (
    LIVE_STATES,
    AvailabilityException,
    Booking,
    BookingState,
    Downtime,
    ExceptionKind,
    Offer,
    OpeningWindow,
)
from maillage.sharing.pricing import PriceList
from maillage.sharing.schedule import choose_windows

# A downtime with no end blocks "for ever": ten years past the slot is enough for any check.
OPEN_ENDED = dt.timedelta(days=3650)


@dataclass(frozen=True, slots=True)
class Terms:
    """The offer's rules, the machine and its host, and who the booker books for."""

    offer_id: int
    active: bool
    audience: str
    mode: str
    billing: str
    prices: PriceList
    rules: availability.Rules
    no_show_grace_minutes: int
    safety_notes: str
    required_trainings: int
    machine_status: str
    site_id: int
    host_id: int
    host_status: str
    # Validated organisations where the booker is an active member, oldest membership first.
    booker_org_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class LiveBooking:
    pk: int
    state: str
    start: dt.datetime
    blocked_until: dt.datetime


@dataclass(frozen=True, slots=True)
class SlotCalendar:
    """Everything that can open or block a machine around one slot."""

    windows: list[WeeklyWindow]
    openings: list[Interval]
    closures: list[Interval]
    bookings: list[LiveBooking]
    downtimes: list[Interval]

    def open_intervals(self, start: dt.datetime, end: dt.datetime) -> list[Interval]:
        return availability.opening_intervals(
            self.windows, start, end, self.openings, self.closures
        )

    def late_no_shows(self, now: dt.datetime, grace_minutes: int) -> list[int]:
        """Confirmed bookings still not checked in when the host's grace period is over."""
        limit = now - dt.timedelta(minutes=grace_minutes)
        return [
            b.pk for b in self.bookings if b.state == BookingState.CONFIRMED and b.start < limit
        ]

    def busy(self, released: Iterable[int] = ()) -> list[Interval]:
        """Blocked time of the other live bookings (buffer included) and the downtimes."""
        gone = set(released)
        taken = [Interval(b.start, b.blocked_until) for b in self.bookings if b.pk not in gone]
        return taken + self.downtimes


# --- the statements -------------------------------------------------------------------


def _table(model: Any) -> str:
    return str(connection.ops.quote_name(model._meta.db_table))


def _column(model: Any, field: str) -> str:
    return str(connection.ops.quote_name(model._meta.get_field(field).column))


@cache
def _terms_sql(vendor: str) -> str:
    del vendor  # one cached text per database kind: quoting is the backend's
    o, m, h = "o", "m", "h"
    offer = {f: f"{o}.{_column(Offer, f)}" for f in _OFFER_FIELDS}
    through = Offer.required_trainings.through
    return f"""
        SELECT {", ".join(offer[f] for f in _OFFER_FIELDS)},
            (SELECT COUNT(*) FROM {_table(through)} r
              WHERE r.{_column(through, "offer")} = {o}.{_column(Offer, "id")}),
            {m}.{_column(Machine, "status")}, {m}.{_column(Machine, "site")},
            {h}.{_column(Organisation, "id")}, {h}.{_column(Organisation, "status")},
            ms.organisation_id
        FROM {_table(Offer)} {o}
        JOIN {_table(Machine)} {m} ON {m}.{_column(Machine, "id")} = {o}.{_column(Offer, "machine")}
        JOIN {_table(Organisation)} {h}
          ON {h}.{_column(Organisation, "id")} = {m}.{_column(Machine, "organisation")}
        LEFT JOIN (
            SELECT x.{_column(Membership, "id")} AS id,
                   x.{_column(Membership, "organisation")} AS organisation_id
            FROM {_table(Membership)} x
            JOIN {_table(Organisation)} y
              ON y.{_column(Organisation, "id")} = x.{_column(Membership, "organisation")}
            WHERE x.{_column(Membership, "user")} = %s AND x.{_column(Membership, "state")} = %s
              AND y.{_column(Organisation, "status")} = %s
        ) ms ON 1 = 1
        WHERE {o}.{_column(Offer, "machine")} = %s
        ORDER BY ms.id
    """


_OFFER_FIELDS = (
    "id",
    "active",
    "audience",
    "mode",
    "billing",
    "price_own_cents",
    "price_member_cents",
    "price_outsider_cents",
    "fixed_fee_cents",
    *availability.RULE_FIELDS,
    "no_show_grace_minutes",
    "safety_notes",
)


@cache
def _calendar_sql(vendor: str, exclude: bool) -> str:
    del vendor
    w, e, b, d = OpeningWindow, AvailabilityException, Booking, Downtime
    states = ", ".join(["%s"] * len(LIVE_STATES))
    return f"""
        SELECT 'w', NULL, NULL, {_column(w, "weekday")}, {_column(w, "start")}, {_column(w, "end")},
               {_column(w, "machine")}, NULL
          FROM {_table(w)}
         WHERE {_column(w, "machine")} = %s
            OR ({_column(w, "machine")} IS NULL AND {_column(w, "site")} = %s)
        UNION ALL
        SELECT {_column(e, "kind")}, {_column(e, "start")}, {_column(e, "end")}, NULL, NULL, NULL,
               NULL, NULL
          FROM {_table(e)}
         WHERE ({_column(e, "machine")} = %s OR {_column(e, "site")} = %s)
           AND {_column(e, "start")} < %s AND {_column(e, "end")} > %s
        UNION ALL
        SELECT 'b', {_column(b, "start")}, {_column(b, "blocked_until")}, NULL, NULL, NULL,
               {_column(b, "id")}, {_column(b, "state")}
          FROM {_table(b)}
         WHERE {_column(b, "machine")} = %s AND {_column(b, "state")} IN ({states})
           AND {_column(b, "start")} < %s AND {_column(b, "blocked_until")} > %s
           {f"AND {_column(b, 'id')} <> %s" if exclude else ""}
        UNION ALL
        SELECT 'd', {_column(d, "start")}, {_column(d, "end")}, NULL, NULL, NULL, NULL, NULL
          FROM {_table(d)}
         WHERE {_column(d, "machine")} = %s AND {_column(d, "start")} < %s
           AND ({_column(d, "end")} IS NULL OR {_column(d, "end")} > %s)
    """


# --- reading ----------------------------------------------------------------------------


def _instant(value: Any) -> dt.datetime:
    """An aware UTC datetime from what the driver returns (SQLite: naive UTC or text)."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    assert isinstance(value, dt.datetime)
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def _time(value: Any) -> dt.time:
    if isinstance(value, str):
        return dt.time.fromisoformat(value)
    assert isinstance(value, dt.time)
    return value


def _param(value: dt.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def load_terms(machine_id: int, user_id: int) -> Terms | None:
    """The offer of a machine and the booker's organisations; None when it has no offer."""
    with connection.cursor() as cursor:
        cursor.execute(
            _terms_sql(connection.vendor),
            [user_id, MembershipState.ACTIVE, OrganisationStatus.VALIDATED, machine_id],
        )
        rows = cursor.fetchall()
    if not rows:
        return None
    # By name, from the same field list the statement was written from.
    offer = dict(zip(_OFFER_FIELDS, rows[0], strict=False))
    required, machine_status, site_id, host_id, host_status, _org = rows[0][len(_OFFER_FIELDS) :]
    return Terms(
        offer_id=offer["id"],
        active=bool(offer["active"]),
        audience=offer["audience"],
        mode=offer["mode"],
        billing=offer["billing"],
        prices=PriceList(
            offer["price_own_cents"],
            offer["price_member_cents"],
            offer["price_outsider_cents"],
            offer["fixed_fee_cents"],
        ),
        rules=availability.Rules(
            min_minutes=offer["min_minutes"],
            max_minutes=offer["max_minutes"],
            buffer_minutes=offer["buffer_minutes"],
            min_notice_minutes=offer["min_notice_minutes"],
            horizon_days=offer["horizon_days"],
        ),
        no_show_grace_minutes=offer["no_show_grace_minutes"],
        safety_notes=offer["safety_notes"],
        required_trainings=int(required),
        machine_status=machine_status,
        site_id=site_id,
        host_id=host_id,
        host_status=host_status,
        booker_org_ids=tuple(row[-1] for row in rows if row[-1] is not None),
    )


def load_calendar(
    machine_id: int,
    site_id: int,
    start: dt.datetime,
    end: dt.datetime,
    exclude_booking: int | None = None,
) -> SlotCalendar:
    """Weekly hours, then exceptions, live bookings and downtimes overlapping [start, end)."""
    low, high = _param(start), _param(end)
    params: list[Any] = [machine_id, site_id, machine_id, site_id, high, low, machine_id]
    params += [str(s) for s in LIVE_STATES] + [high, low]
    if exclude_booking is not None:
        params.append(exclude_booking)
    params += [machine_id, high, low]
    with connection.cursor() as cursor:
        cursor.execute(_calendar_sql(connection.vendor, exclude_booking is not None), params)
        rows = cursor.fetchall()
    windows: list[tuple[int | None, WeeklyWindow]] = []
    openings: list[Interval] = []
    closures: list[Interval] = []
    bookings: list[LiveBooking] = []
    downtimes: list[Interval] = []
    for kind, a, b, weekday, opens, closes, ref, state in rows:
        if kind == "w":
            windows.append((ref, WeeklyWindow(weekday, _time(opens), _time(closes))))
        elif kind == "b":
            bookings.append(LiveBooking(ref, state, _instant(a), _instant(b)))
        elif kind == "d":
            began = _instant(a)
            downtimes.append(Interval(began, _instant(b) if b is not None else end + OPEN_ENDED))
        elif kind == ExceptionKind.OPENING:
            openings.append(Interval(_instant(a), _instant(b)))
        else:
            closures.append(Interval(_instant(a), _instant(b)))
    return SlotCalendar(choose_windows(windows), openings, closures, bookings, downtimes)
