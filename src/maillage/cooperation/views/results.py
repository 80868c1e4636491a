"""A decision's count, as rows a page shows: one per college with its name, then the total."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from maillage.cooperation import votes
from maillage.cooperation.models import CollegeKind, Decision, DecisionState
from maillage.cooperation.queries import governance as queries

OUTCOMES = {
    votes.ADOPTED: _("Adopted"),
    votes.REJECTED: _("Rejected"),
    votes.TIE: _("Tie"),
    votes.NO_VOTES: _("No vote expressed"),
}


@dataclass(frozen=True)
class Row:
    college: str
    weight_percent: Decimal
    eligible: int
    yes: int
    no: int
    abstain: int
    result: str


@dataclass(frozen=True)
class Result:
    rows: list[Row]
    weighted: bool
    yes_percent: Decimal
    no_percent: Decimal
    outcome: str
    outcome_label: Any


def result_rows(decision: Decision) -> Result:
    """The frozen count of a closed decision, the live one of an open decision."""
    if decision.state == DecisionState.CLOSED and decision.result:
        record: dict[str, Any] = decision.result
    else:
        record = votes.as_record(queries.count_of(decision))
    names = dict(CollegeKind.choices)
    rows = [
        Row(
            college=str(names.get(c["key"], c["key"])),
            weight_percent=Decimal(c["weight_percent"]),
            eligible=int(c["eligible"]),
            yes=int(c["yes"]),
            no=int(c["no"]),
            abstain=int(c["abstain"]),
            result=str(OUTCOMES.get(c["result"], c["result"])),
        )
        for c in record["colleges"]
    ]
    return Result(
        rows=rows,
        weighted=bool(record["weighted"]),
        yes_percent=Decimal(record["yes_percent"]),
        no_percent=Decimal(record["no_percent"]),
        outcome=str(record["outcome"]),
        outcome_label=OUTCOMES.get(record["outcome"], record["outcome"]),
    )
