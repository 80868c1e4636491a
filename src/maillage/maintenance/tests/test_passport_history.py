"""The passport tells a machine's maintenance life: interventions, retrofits, parts replaced."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from maillage.maintenance.actions import interventions
from maillage.maintenance.actions.passport import set_privacy
from maillage.maintenance.queries.passport import build_passport
from maillage.maintenance.tests.passport_world import World

pytestmark = pytest.mark.django_db


def _history(world: World) -> None:
    done = timezone.now() - dt.timedelta(days=30)
    interventions.record_intervention(
        world.owner_admin,
        world.machine,
        interventions.InterventionInput(
            kind="corrective",
            done_at=done,
            hours_spent=Decimal("3.5"),
            cost_cents=45050,
            notes="Tube laser changé",
            failed_at=done - dt.timedelta(days=2),
            restored_at=done,
            parts=[
                interventions.PartInput(name="Tube CO2 60 W", mass_kg="4.2", material="electronics")
            ],
        ),
    )


def test_the_owner_reads_interventions_and_parts_in_the_passport(second_life: World) -> None:
    _history(second_life)
    with translation.override("fr"):
        passport = build_passport(second_life.machine, second_life.owner_member)
    sections = {section.key: section for section in passport.sections}
    [repair] = sections["interventions"].entries
    assert repair.details["coût"] == "450,50 €"
    assert repair.details["remarques"] == "Tube laser changé"
    [part] = sections["parts_replaced"].entries
    assert part.title == "Tube CO2 60 W" and part.details["masse (kg)"] == "4,20"


def test_private_interventions_are_left_out_for_other_organisations(second_life: World) -> None:
    _history(second_life)
    set_privacy(second_life.owner_admin, second_life.machine, ["interventions"])
    outsider = build_passport(second_life.machine, second_life.taker_member)
    assert not outsider.sections
    owner = build_passport(second_life.machine, second_life.owner_member)
    assert [s.key for s in owner.sections] == ["interventions", "retrofits", "parts_replaced"]
