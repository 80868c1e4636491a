"""Load an organisation's monthly statement: completed bookings → `statements.Line`s → sections.

Who is the counterpart of a booking:
- the host organisation, when we booked someone else's machine;
- the booker's organisation (`booking.booker_organisation`), when someone used ours;
- the booker in person, when an outsider booked ours in their own name (no organisation).
  Such a person gets a section of their own, keyed in the plain-Python core by the negative of
  their user id, so that persons and organisations never share a key and the netting of
  `statements.net_debts` stays pairwise. A person never hosts, so they only ever owe.

Use of our own machines by our own members is listed apart ("internal use"): nobody owes
itself, and `statements.net_debts` leaves it out of the balance.

A booking belongs to the month in which it starts, in the territory's time zone
(settings.TIME_ZONE, Europe/Paris).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _

from maillage.directory.models import Organisation, User
from maillage.sharing import pricing, statements
from maillage.sharing.models import Booking, BookingState

MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        """'YYYY-MM' → Month; anything else raises ValidationError naming the field."""
        match = MONTH_RE.match(text.strip())
        if not match or not (1 <= int(match[2]) <= 12) or not (2000 <= int(match[1]) <= 2100):
            raise ValidationError({"month": _("Give a month as YYYY-MM, e.g. 2026-03.")})
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def containing(cls, moment: dt.datetime) -> Month:
        local = timezone.localtime(moment, timezone.get_default_timezone())
        return cls(local.year, local.month)

    @property
    def start(self) -> dt.datetime:
        """Midnight on the 1st, local time, as an aware datetime."""
        return dt.datetime(self.year, self.month, 1, tzinfo=timezone.get_default_timezone())

    @property
    def end(self) -> dt.datetime:
        return self.next().start

    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def previous(self) -> Month:
        return Month(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    @property
    def param(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        """'mars 2026' / 'March 2026' in the current language."""
        return str(dateformat.format(dt.date(self.year, self.month, 1), "F Y"))

    def __str__(self) -> str:
        return self.param


@dataclass
class Row:
    """One completed booking as the statement shows it."""

    booking: Booking
    direction: str  # "receivable" (we host) | "payable" (we booked) | "internal"
    counterpart_key: int
    hours: Decimal
    amount_cents: int

    @property
    def hours_booked(self) -> Decimal:
        return pricing.hours_between((self.booking.end - self.booking.start).total_seconds())

    @property
    def amount_euros(self) -> str:
        return pricing.format_euros(self.amount_cents)


@dataclass
class Counterpart:
    key: int  # organisation id, or −(user id) for a person booking in their own name
    name: str
    organisation: Organisation | None = None
    person: User | None = None
    receivable: statements.PairTotal | None = None  # they used our machines: they owe us
    payable: statements.PairTotal | None = None  # we used theirs: we owe them
    net_cents: int = 0  # after offsetting: > 0 they owe us, < 0 we owe them
    rows: list[Row] = field(default_factory=list)

    @property
    def receivable_euros(self) -> str:
        return pricing.format_euros(self.receivable.amount_cents if self.receivable else 0)

    @property
    def payable_euros(self) -> str:
        return pricing.format_euros(self.payable.amount_cents if self.payable else 0)

    @property
    def net_euros(self) -> str:
        """The offset amount, without sign: the page says who owes whom."""
        return pricing.format_euros(abs(self.net_cents))


@dataclass
class Statement:
    organisation: Organisation
    month: Month
    counterparts: list[Counterpart]
    internal: statements.PairTotal | None
    internal_rows: list[Row]
    balance_cents: int  # > 0: the network owes us this month, < 0: we owe the network

    @property
    def receivable_cents(self) -> int:
        return sum(c.receivable.amount_cents for c in self.counterparts if c.receivable)

    @property
    def payable_cents(self) -> int:
        return sum(c.payable.amount_cents for c in self.counterparts if c.payable)

    @property
    def receivable_euros(self) -> str:
        return pricing.format_euros(self.receivable_cents)

    @property
    def payable_euros(self) -> str:
        return pricing.format_euros(self.payable_cents)

    @property
    def balance_euros(self) -> str:
        """The month's net, without sign: the page says which way it goes."""
        return pricing.format_euros(abs(self.balance_cents))

    @property
    def internal_euros(self) -> str:
        return pricing.format_euros(self.internal.amount_cents if self.internal else 0)

    @property
    def hours_hosted(self) -> Decimal:
        return sum((c.receivable.hours for c in self.counterparts if c.receivable), Decimal(0))

    @property
    def hours_used(self) -> Decimal:
        return sum((c.payable.hours for c in self.counterparts if c.payable), Decimal(0))

    @property
    def rows(self) -> list[Row]:
        every = [r for c in self.counterparts for r in c.rows] + self.internal_rows
        return sorted(every, key=lambda r: (r.booking.start, r.booking.pk))


def person_key(user_id: int) -> int:
    return -user_id


def completed_bookings(organisation: Organisation, month: Month) -> Any:
    """Completed bookings that start in the month where the organisation hosts or pays."""
    return (
        Booking.objects.filter(
            state=BookingState.COMPLETED, start__gte=month.start, start__lt=month.end
        )
        .filter(Q(host_organisation=organisation) | Q(booker_organisation=organisation))
        .select_related("machine", "booker", "booker_organisation", "host_organisation")
        .order_by("start", "pk")
    )


def _hours(booking: Booking) -> Decimal:
    """Recorded machine hours; the booked time when none was recorded."""
    if booking.hours_used is not None:
        return Decimal(booking.hours_used)
    return pricing.hours_between((booking.end - booking.start).total_seconds())


def _user_key(booking: Booking) -> int:
    if booking.booker_organisation_id is not None:
        return booking.booker_organisation_id
    return person_key(booking.booker_id)


def build_statement(organisation: Organisation, month: Month) -> Statement:
    me = organisation.pk
    lines: list[statements.Line] = []
    rows: list[Row] = []
    counterparts: dict[int, Counterpart] = {}
    for booking in completed_bookings(organisation, month):
        user_key = _user_key(booking)
        line = statements.Line(
            booking.pk,
            booking.host_organisation_id,
            user_key,
            _hours(booking),
            booking.amount_cents,
        )
        lines.append(line)
        if booking.host_organisation_id == me and user_key == me:
            direction, key = "internal", me
        elif booking.host_organisation_id == me:
            direction, key = "receivable", user_key
        else:
            direction, key = "payable", booking.host_organisation_id
        rows.append(Row(booking, direction, key, line.hours, line.amount_cents))
        if direction != "internal" and key not in counterparts:
            counterparts[key] = _counterpart(key, booking, direction)

    internal: statements.PairTotal | None = None
    for total in statements.pair_totals(lines):
        if total.host_org_id == me and total.user_org_id == me:
            internal = total
        elif total.host_org_id == me:
            counterparts[total.user_org_id].receivable = total
        else:
            counterparts[total.host_org_id].payable = total
    debts = statements.net_debts(lines)
    for key, counterpart in counterparts.items():
        counterpart.net_cents = debts.get((key, me), 0) - debts.get((me, key), 0)
    for row in rows:
        if row.direction != "internal":
            counterparts[row.counterpart_key].rows.append(row)
    return Statement(
        organisation=organisation,
        month=month,
        counterparts=sorted(counterparts.values(), key=lambda c: (c.name.casefold(), c.key)),
        internal=internal,
        internal_rows=[r for r in rows if r.direction == "internal"],
        balance_cents=statements.balance(lines).get(me, 0),
    )


def _counterpart(key: int, booking: Booking, direction: str) -> Counterpart:
    if direction == "payable":
        return Counterpart(key, booking.host_organisation.name, booking.host_organisation)
    if booking.booker_organisation is not None:
        return Counterpart(key, booking.booker_organisation.name, booking.booker_organisation)
    name = _("%(name)s (in their own name)") % {"name": booking.booker.display_name()}
    return Counterpart(key, name, person=booking.booker)


# --- CSV --------------------------------------------------------------------------------


def _euros(cents: int) -> str:
    """12.5 € as '12.50': a number any spreadsheet reads, whatever its language."""
    return f"{Decimal(cents) / 100:.2f}"


def _cell(text: str) -> str:
    """Text a spreadsheet will not run as a formula (OWASP CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_rows(statement: Statement) -> Iterator[list[str]]:
    """One line per booking, both organisations named, header first."""
    yield [
        _("booking"),
        _("date"),
        _("start"),
        _("end"),
        _("machine"),
        _("host organisation"),
        _("user organisation"),
        _("booker"),
        _("for us"),
        _("price tier"),
        _("billing"),
        _("hours booked"),
        _("hours used"),
        _("hourly rate (€)"),
        _("fixed fee (€)"),
        _("amount (€)"),
    ]
    directions = {
        "receivable": _("to receive"),
        "payable": _("to pay"),
        "internal": _("internal use"),
    }
    for row in statement.rows:
        b = row.booking
        start = timezone.localtime(b.start, timezone.get_default_timezone())
        end = timezone.localtime(b.end, timezone.get_default_timezone())
        user_org = (
            b.booker_organisation.name
            if b.booker_organisation is not None
            else _("%(name)s (in their own name)") % {"name": b.booker.display_name()}
        )
        yield [
            str(b.pk),
            start.strftime("%Y-%m-%d"),
            start.strftime("%H:%M"),
            end.strftime("%H:%M"),
            _cell(b.machine.name),
            _cell(b.host_organisation.name),
            _cell(user_org),
            _cell(b.booker.display_name()),
            directions[row.direction],
            b.tier,
            b.billing,
            f"{row.hours_booked:.2f}",
            "" if b.hours_used is None else f"{Decimal(b.hours_used):.2f}",
            _euros(b.rate_cents),
            _euros(b.fixed_fee_cents),
            _euros(row.amount_cents),
        ]
