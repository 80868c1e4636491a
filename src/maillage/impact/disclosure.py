"""Which of the network's figures may be published: k-anonymity by organisation (plain Python).

Rule (the threshold rule of business statistics: INSEE's *secret statistique* publishes no cell
made of fewer than three enterprises; Eurostat's guidelines on statistical disclosure control
say the same): a cell of the public dashboard (a month, a department, a process, a total) is
shown only when at least `k` distinct organisations contribute to it, `k` being the setting
`IMPACT_MIN_CONTRIBUTORS` (3 by default). A hidden cell has no value and a reason.

Inside one answer a total is the sum of the cells it shows, never the full sum, so that a
hidden month cannot be read back as "total minus the shown months". What each figure counts as
a contributor is said where the figure is computed (the method notes in docs/impact/).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

TOO_FEW = "too_few_contributors"
NO_DATA = "no_data"
REASONS = (TOO_FEW, NO_DATA)


@dataclass(frozen=True, slots=True)
class Cell:
    """A published value, or None with the reason it is not shown."""

    value: float | None
    reason: str | None = None

    @property
    def shown(self) -> bool:
        return self.reason is None

    @property
    def hidden(self) -> bool:
        return self.reason == TOO_FEW


def judge(value: float | None, contributors: int, threshold: int, *, additive: bool) -> Cell:
    """The cell as it may be published.

    `additive`: a sum (hours, euros) is 0 where nobody contributed, a ratio has no value there.
    """
    if threshold < 1:
        raise ValueError(f"threshold must be 1 or more: {threshold}")
    if contributors <= 0 or value is None:
        return Cell(0.0) if additive and contributors <= 0 else Cell(None, NO_DATA)
    if contributors < threshold:
        return Cell(None, TOO_FEW)
    return Cell(value)


def shown_sum(cells: Iterable[Cell]) -> float:
    """The sum of the values shown (a total that gives no hidden cell away)."""
    return sum(cell.value for cell in cells if cell.shown and cell.value is not None)


def hidden_count(cells: Iterable[Cell]) -> int:
    return sum(1 for cell in cells if cell.hidden)
