"""What a booking costs: tier by relation to the host, hourly rate, fixed fee (plain Python).

Amounts are whole euro cents; hours are Decimals so that 1.25 h × 18.40 € is exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum


class Tier(StrEnum):
    OWN = "own"
    MEMBER = "member"
    OUTSIDER = "outsider"


@dataclass(frozen=True, slots=True)
class PriceList:
    own_cents: int
    member_cents: int
    outsider_cents: int
    fixed_fee_cents: int = 0

    def rate(self, tier: Tier) -> int:
        return {Tier.OWN: self.own_cents, Tier.MEMBER: self.member_cents}.get(
            tier, self.outsider_cents
        )


def tier_for(booker_org_ids: set[int], host_org_id: int, is_network_member: bool) -> Tier:
    """Own organisation first, then any member organisation of the network, else outsider."""
    if host_org_id in booker_org_ids:
        return Tier.OWN
    return Tier.MEMBER if is_network_member else Tier.OUTSIDER


def amount_cents(hours: Decimal, rate_cents: int, fixed_fee_cents: int) -> int:
    """hours × rate + fee, rounded half up to the cent; negative hours are refused."""
    if hours < 0:
        raise ValueError("hours cannot be negative")
    total = hours * Decimal(rate_cents) + Decimal(fixed_fee_cents)
    return int(total.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def hours_between(seconds: float) -> Decimal:
    """Booked or used time in hours, to the minute."""
    minutes = Decimal(round(seconds / 60))
    return (minutes / Decimal(60)).quantize(Decimal("0.0001"))


def format_euros(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100},{cents % 100:02d} €"
