"""The project portfolio's plain rules: the order of stages, which moves are allowed, euros.

No Django import: the actions and pages ask these questions, the tests check them alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

# A project goes forward one stage at a time, and may step back one (a study that fails).
STAGES: tuple[str, ...] = ("idea", "study", "funded", "running", "done")

NBSP = "\u00a0"


def stage_index(stage: str) -> int:
    """Position of the stage, 0 for an idea; ValueError for an unknown stage."""
    return STAGES.index(stage)


def allowed_moves(stage: str) -> tuple[str, ...]:
    """The stages a project at `stage` may move to: the next one, and the previous one."""
    i = stage_index(stage)
    moves = []
    if i + 1 < len(STAGES):
        moves.append(STAGES[i + 1])
    if i > 0:
        moves.append(STAGES[i - 1])
    return tuple(moves)


def can_move(current: str, target: str) -> bool:
    return target in STAGES and current in STAGES and target in allowed_moves(current)


@dataclass(frozen=True)
class Step:
    stage: str
    state: str  # done | current | todo


def stepper(current: str) -> list[Step]:
    """Every stage with where the project stands: passed, the current one, still to come."""
    i = stage_index(current)
    return [
        Step(stage, "done" if n < i else "current" if n == i else "todo")
        for n, stage in enumerate(STAGES)
    ]


def euros(amount: Decimal) -> str:
    """French euros, whole: « 120 000 € » (no-break spaces), cents only when there are some."""
    sign = "-" if amount < 0 else ""
    amount = abs(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    whole = int(amount)
    cents = int((amount - whole) * 100)
    digits = f"{whole:,}".replace(",", NBSP)
    if cents:
        return f"{sign}{digits},{cents:02d}{NBSP}€"
    return f"{sign}{digits}{NBSP}€"


def requester_count(rows: Iterable[tuple[int | None, int]]) -> int:
    """Distinct askers among (organisation id or None, requester id) pairs: an organisation counts
    once however many of its people asked; a person without organisation counts once."""
    return len({("o", org) if org is not None else ("u", person) for org, person in rows})
