"""Counting a decision's votes by college: the simple majority of the votes expressed.

Plain Python (no Django): the actions give it the votes and the colleges, and freeze what it
returns when a decision closes. Each college counts its yes and no (abstentions are not
expressed votes); when the statutes weight the colleges, a college weighs its share of the
total, split between yes and no as its members voted; otherwise each member's vote counts once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

YES = "yes"
NO = "no"
ABSTAIN = "abstain"
CHOICES = (YES, NO, ABSTAIN)

ADOPTED = "adopted"
REJECTED = "rejected"
TIE = "tie"
NO_VOTES = "no_votes"

HUNDRED = Decimal("100")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class CollegeIn:
    """A college: its key, its weight in percent (0 when unweighted), its members able to vote."""

    key: str
    weight_percent: Decimal
    eligible: int


@dataclass(frozen=True)
class VoteIn:
    college: str
    choice: str


@dataclass
class CollegeTally:
    key: str
    weight_percent: Decimal
    eligible: int
    yes: int = 0
    no: int = 0
    abstain: int = 0
    result: str = NO_VOTES
    # The college's weight split as its members voted (weighted count only).
    weighted_yes: Decimal = Decimal("0")
    weighted_no: Decimal = Decimal("0")

    @property
    def expressed(self) -> int:
        return self.yes + self.no

    @property
    def voted(self) -> int:
        return self.yes + self.no + self.abstain


@dataclass
class Count:
    weighted: bool
    colleges: list[CollegeTally] = field(default_factory=list)
    # Percent of the expressed weight (weighted) or of the expressed votes (one member one vote).
    yes_percent: Decimal = Decimal("0")
    no_percent: Decimal = Decimal("0")
    outcome: str = NO_VOTES


def _result(yes: Decimal | int, no: Decimal | int) -> str:
    if yes == 0 and no == 0:
        return NO_VOTES
    if yes > no:
        return ADOPTED
    if no > yes:
        return REJECTED
    return TIE


def check_weights(colleges: Sequence[CollegeIn]) -> bool:
    """True when the colleges are weighted (their weights sum to 100), False when all are 0.

    ValueError for a negative weight or weights that are neither all 0 nor summing to 100.
    """
    weights = [c.weight_percent for c in colleges]
    if any(w < 0 for w in weights):
        raise ValueError("A college's weight cannot be negative.")
    if all(w == 0 for w in weights):
        return False
    if sum(weights, Decimal("0")) != HUNDRED:
        raise ValueError("The colleges' weights must sum to 100 %, or all be 0.")
    return True


def count_votes(votes: Iterable[VoteIn], colleges: Sequence[CollegeIn]) -> Count:
    """Tally the votes per college, each college's result, the weighted total and the outcome.

    A tie, overall or in a college, is not a majority: the decision is not adopted. Colleges
    where nobody expressed a vote take no part in the weighted total (expressed votes only).
    ValueError for a vote in an unknown college, an unknown choice, or bad weights.
    """
    weighted = check_weights(colleges)
    tallies = {c.key: CollegeTally(c.key, c.weight_percent, c.eligible) for c in colleges}
    if len(tallies) != len(colleges):
        raise ValueError("A college is given twice.")
    for vote in votes:
        tally = tallies.get(vote.college)
        if tally is None:
            raise ValueError(f"A vote names an unknown college: {vote.college!r}.")
        if vote.choice not in CHOICES:
            raise ValueError(f"Unknown choice: {vote.choice!r}.")
        setattr(tally, vote.choice, getattr(tally, vote.choice) + 1)
    total_yes, total_no = Decimal("0"), Decimal("0")
    for tally in tallies.values():
        tally.result = _result(tally.yes, tally.no)
        if weighted:
            if tally.expressed:
                share = tally.weight_percent / tally.expressed
                tally.weighted_yes = share * tally.yes
                tally.weighted_no = share * tally.no
            total_yes += tally.weighted_yes
            total_no += tally.weighted_no
        else:
            total_yes += tally.yes
            total_no += tally.no
    count = Count(weighted=weighted, colleges=list(tallies.values()))
    expressed = total_yes + total_no
    if expressed:
        count.yes_percent = (total_yes * HUNDRED / expressed).quantize(CENT, ROUND_HALF_UP)
        count.no_percent = HUNDRED - count.yes_percent
    for tally in count.colleges:
        tally.weighted_yes = tally.weighted_yes.quantize(CENT, ROUND_HALF_UP)
        tally.weighted_no = tally.weighted_no.quantize(CENT, ROUND_HALF_UP)
    outcome = _result(total_yes, total_no)
    count.outcome = REJECTED if outcome == TIE else outcome
    return count


def as_record(count: Count) -> dict[str, object]:
    """The count as JSON-ready data (Decimals as strings), frozen on the closed decision."""
    return {
        "weighted": count.weighted,
        "yes_percent": str(count.yes_percent),
        "no_percent": str(count.no_percent),
        "outcome": count.outcome,
        "colleges": [
            {
                "key": t.key,
                "weight_percent": str(t.weight_percent),
                "eligible": t.eligible,
                "yes": t.yes,
                "no": t.no,
                "abstain": t.abstain,
                "result": t.result,
                "weighted_yes": str(t.weighted_yes),
                "weighted_no": str(t.weighted_no),
            }
            for t in count.colleges
        ],
    }
