"""Two members save a machine's composition at the same moment: the machine ends with one of
the two compositions whole, never a mix, and its stored figures match it.

Each save runs in its own thread and connection (released together); the action locks the
machine row, so the two replace-all writes run one after the other. Run on both databases:
`DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> pytest ...`.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from maillage.impact.actions.composition import MaterialInput, save_composition
from maillage.impact.models import MachineImpact, MaterialShare
from maillage.impact.tests.test_factor_race import _together

TRIALS = 4
STEEL_FRAME = [MaterialInput("steel", 4000), MaterialInput("copper", 200)]
CAST_FRAME = [MaterialInput("cast_iron", 6000), MaterialInput("electronics", 50)]


def _save(person, machine, rows) -> Callable[[], str]:
    def call() -> str:
        save_composition(person, machine, rows)
        return "ok"

    return call


def _state(machine) -> tuple[list[tuple[str, float]], float | None]:
    rows = sorted(MaterialShare.objects.filter(machine=machine).values_list("material", "mass_kg"))
    return rows, MachineImpact.objects.get(machine=machine).mass_kg


@pytest.mark.django_db(transaction=True)
def test_two_saves_at_once_leave_one_whole_composition(impact_world):
    w = impact_world
    steel = sorted((row.material, float(row.mass_kg)) for row in STEEL_FRAME)
    cast = sorted((row.material, float(row.mass_kg)) for row in CAST_FRAME)
    for _trial in range(TRIALS):
        answers = _together(
            [_save(w.admin, w.lathe, STEEL_FRAME), _save(w.member, w.lathe, CAST_FRAME)]
        )
        assert answers == ["ok", "ok"]
        rows, mass = _state(w.lathe)
        assert rows in (steel, cast), rows
        assert mass == pytest.approx(sum(kg for _, kg in rows))
