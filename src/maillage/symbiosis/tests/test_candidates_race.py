"""Two people propose the same synergy at once: one synergy, the other a clear refusal.

Run on PostgreSQL too: `DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> pytest ...`.
"""

from __future__ import annotations

from typing import Any

import pytest

from maillage.symbiosis.actions.proposals import propose_synergy
from maillage.symbiosis.models import Synergy
from maillage.symbiosis.tests import candidates_world
from maillage.testing import race

world, english = candidates_world.world, candidates_world.english

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("english")]


def test_two_concurrent_proposals_of_one_pair_make_one_synergy(world: Any) -> None:
    offer, sand = world["offer"], world["sand"]
    answers = race(
        lambda: propose_synergy(world["alice"], offer, sand),
        lambda: propose_synergy(world["bob"], offer, sand),
    )
    assert sorted(a[:7] for a in answers) == ["ok", "refused"], answers
    assert any("already under way" in a for a in answers)
    assert Synergy.objects.filter(offer=offer, demand=sand).count() == 1
