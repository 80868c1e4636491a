"""Mixed funding arithmetic, exact to the cent: matching rules, campaign totals, the outcome.

Plain Python (no Django): every amount is a `Decimal` in euros. A matched amount is rounded
DOWN to the cent, so a funder never pays more than its rule says.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

# Pledge states and campaign rules, as the database stores them.
PROMISED = "promised"
CONFIRMED = "confirmed"
CANCELLED = "cancelled"
VOID = "void"
ALL_OR_NOTHING = "all_or_nothing"
KEEP_WHAT_YOU_RAISE = "keep"
SUCCEEDED = "succeeded"
FAILED = "failed"
CLOSED = "closed"


def cents_down(value: Decimal) -> Decimal:
    """The amount rounded down to the cent (never up: nobody pays a fraction more)."""
    return value.quantize(CENT, rounding=ROUND_DOWN)


@dataclass(frozen=True)
class PledgeAmount:
    amount: Decimal
    state: str = CONFIRMED
    by_organisation: bool = False


@dataclass(frozen=True)
class Rule:
    """A funder's matching: `ratio` € per € pledged, at most `cap` in all.

    `per_pledge_cap`: only that much of each pledge is matched (None: all of it).
    `organisations_count`: pledges made on behalf of an organisation are matched too; when
    False, only citizens' pledges are.
    """

    ratio: Decimal
    cap: Decimal
    per_pledge_cap: Decimal | None = None
    organisations_count: bool = False


def matched_amount(pledges: Iterable[PledgeAmount], rule: Rule) -> Decimal:
    """What the rule adds to these pledges (the caller passes the ones that count: confirmed).

    Each pledge is capped per pledge, the capped amounts summed, times the ratio, capped at the
    rule's cap, then rounded down to the cent.
    """
    if rule.ratio <= 0 or rule.cap <= 0:
        return ZERO
    base = Decimal(0)
    for pledge in pledges:
        if pledge.amount <= 0 or (pledge.by_organisation and not rule.organisations_count):
            continue
        counted = pledge.amount
        if rule.per_pledge_cap is not None:
            counted = min(counted, rule.per_pledge_cap)
        base += counted
    return cents_down(min(base * rule.ratio, rule.cap))


def matched_by_rule(pledges: Sequence[PledgeAmount], rules: Sequence[Rule]) -> list[Decimal]:
    """Each rule applied to the same confirmed pledges, independently of the others."""
    confirmed = [p for p in pledges if p.state == CONFIRMED]
    return [matched_amount(confirmed, rule) for rule in rules]


@dataclass(frozen=True)
class Totals:
    goal: Decimal
    promised: Decimal  # still waiting for a coordinator's confirmation
    confirmed: Decimal
    matched: Decimal  # the rules applied to the confirmed pledges
    matched_by_rule: tuple[Decimal, ...]
    pledgers: int  # pledges promised or confirmed

    @property
    def total(self) -> Decimal:
        """What counts toward the goal: confirmed pledges and their matching."""
        return self.confirmed + self.matched

    @property
    def share(self) -> Decimal:
        """Total / goal (1 = the goal), 0 without a goal; not capped (1.2 = 120 %)."""
        if self.goal <= 0:
            return Decimal(0)
        return self.total / self.goal

    @property
    def percent(self) -> int:
        """The share in whole percent, rounded down: 99.99 % is still 99."""
        return int((self.share * 100).to_integral_value(rounding=ROUND_DOWN))

    @property
    def bar_percent(self) -> int:
        """The progress bar's width: 0 to 100."""
        return max(0, min(100, self.percent))

    @property
    def promised_bar_percent(self) -> int:
        """The width of the promised part after the confirmed one, so both fit in 100."""
        if self.goal <= 0:
            return 0
        share = int((self.promised * 100 / self.goal).to_integral_value(rounding=ROUND_DOWN))
        return max(0, min(100 - self.bar_percent, share))

    @property
    def reached(self) -> bool:
        return self.goal > 0 and self.total >= self.goal

    @property
    def missing(self) -> Decimal:
        return max(ZERO, self.goal - self.total)


def campaign_totals(
    goal: Decimal, pledges: Sequence[PledgeAmount], rules: Sequence[Rule]
) -> Totals:
    by_rule = matched_by_rule(pledges, rules)
    return Totals(
        goal=goal,
        promised=sum((p.amount for p in pledges if p.state == PROMISED), ZERO),
        confirmed=sum((p.amount for p in pledges if p.state == CONFIRMED), ZERO),
        matched=sum(by_rule, ZERO),
        matched_by_rule=tuple(by_rule),
        pledgers=sum(1 for p in pledges if p.state in (PROMISED, CONFIRMED)),
    )


@dataclass(frozen=True)
class Outcome:
    state: str  # succeeded, failed or closed
    void_confirmed: bool  # the confirmed pledges fall too (all-or-nothing below the goal)

    @property
    def void_promised(self) -> bool:
        """Promises nobody confirmed by the deadline never count: they are void in every case."""
        return True


def outcome(rule: str, totals: Totals) -> Outcome:
    """The campaign at its deadline.

    All-or-nothing: at or above the goal it succeeded; below it (even by one cent) it failed
    and every pledge is void. Keep-what-you-raise: it keeps what was confirmed; it succeeded
    when that reached the goal, else it is simply closed.
    """
    if totals.reached:
        return Outcome(SUCCEEDED, void_confirmed=False)
    if rule == ALL_OR_NOTHING:
        return Outcome(FAILED, void_confirmed=True)
    return Outcome(CLOSED, void_confirmed=False)
