"""Monthly statements between organisations and the balance of who owes whom (plain Python)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Line:
    """One completed booking: the user organisation owes the host organisation."""

    booking_id: int
    host_org_id: int
    user_org_id: int
    hours: Decimal
    amount_cents: int


@dataclass(slots=True)
class PairTotal:
    host_org_id: int
    user_org_id: int
    hours: Decimal = Decimal(0)
    amount_cents: int = 0
    booking_ids: list[int] = field(default_factory=list)


def pair_totals(lines: Iterable[Line]) -> list[PairTotal]:
    """One total per (host, user) pair, sorted by host then user."""
    totals: dict[tuple[int, int], PairTotal] = {}
    for line in lines:
        key = (line.host_org_id, line.user_org_id)
        total = totals.setdefault(key, PairTotal(*key))
        total.hours += line.hours
        total.amount_cents += line.amount_cents
        total.booking_ids.append(line.booking_id)
    return [totals[k] for k in sorted(totals)]


def net_debts(lines: Iterable[Line]) -> dict[tuple[int, int], int]:
    """(debtor, creditor) → cents after offsetting what each pair owes the other.

    Use within an organisation (host = user) is left out: nobody owes itself.
    """
    owed: dict[tuple[int, int], int] = defaultdict(int)
    for line in lines:
        if line.host_org_id != line.user_org_id:
            owed[(line.user_org_id, line.host_org_id)] += line.amount_cents
    result: dict[tuple[int, int], int] = {}
    for (debtor, creditor), cents in owed.items():
        net = cents - owed.get((creditor, debtor), 0)
        if net > 0:
            result[(debtor, creditor)] = net
    return dict(sorted(result.items()))


def balance(lines: Iterable[Line]) -> dict[int, int]:
    """Per organisation: what others owe it minus what it owes others, in cents."""
    result: dict[int, int] = defaultdict(int)
    for (debtor, creditor), cents in net_debts(lines).items():
        result[debtor] -= cents
        result[creditor] += cents
    return dict(result)
