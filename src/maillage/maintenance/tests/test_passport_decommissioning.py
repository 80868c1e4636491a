"""Decommissioning: the machine retires, its destination and recycled materials recorded."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from maillage.directory.actions import people as people_actions
from maillage.equipment.models import Machine, MachineStatus
from maillage.maintenance import waste
from maillage.maintenance.actions import transfers
from maillage.maintenance.actions.decommissioning import (
    DecommissionInput,
    MaterialInput,
    decommission_machine,
)
from maillage.maintenance.models.passport import Decommissioning, OwnershipPeriod
from maillage.maintenance.queries.passport import build_passport
from maillage.maintenance.tests.passport_world import World, add_booking
from maillage.sharing.models import BookingState


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def _recycling(*materials: MaterialInput) -> DecommissionInput:
    return DecommissionInput(
        destination="recycling", recipient="Ferrailleur", materials=list(materials)
    )


def test_the_shipped_list_of_waste_reads_codes_in_every_spelling() -> None:
    assert waste.find("17 04 05").label_en == "Iron and steel"
    assert waste.find("170405").code == "17 04 05"
    assert waste.find("16 02 13*").hazardous
    assert waste.find("99 99 99") is None and waste.find("17 04") is None


def test_recycling_records_materials_and_retires_the_machine(second_life: World) -> None:
    record = decommission_machine(
        second_life.owner_admin,
        second_life.machine,
        _recycling(
            MaterialInput("steel", "420.5", "17 04 05"),
            MaterialInput("electronics", Decimal("12"), "160214"),
        ),
    )
    assert Machine.objects.get(pk=second_life.machine.pk).status == MachineStatus.RETIRED
    assert [(m.material, m.mass_kg, m.waste_code) for m in record.materials.all()] == [
        ("steel", Decimal("420.50"), "17 04 05"),
        ("electronics", Decimal("12.00"), "16 02 14"),
    ]
    period = OwnershipPeriod.objects.get(machine=second_life.machine)
    assert period.ended_on == record.decommissioned_on
    passport = build_passport(second_life.machine, second_life.taker_member)
    assert passport.end_of_life.destination == "recycling"
    assert len(passport.end_of_life.materials) == 2
    assert [o.holder for o in passport.owners] == ["Atelier Cédant"]


def test_an_unknown_waste_code_is_refused_naming_it(second_life: World) -> None:
    with pytest.raises(ValidationError) as caught:
        decommission_machine(
            second_life.owner_admin,
            second_life.machine,
            _recycling(
                MaterialInput("steel", "10", "17 04 05"), MaterialInput("steel", "0", "99 01 01")
            ),
        )
    errors = caught.value.message_dict
    assert set(errors) == {"materials.1.mass_kg", "materials.1.waste_code"}
    assert "99 01 01" in errors["materials.1.waste_code"][0]
    assert not Decommissioning.objects.exists()
    assert Machine.objects.get(pk=second_life.machine.pk).status != MachineStatus.RETIRED


def test_recycling_needs_materials_and_reuse_takes_none(second_life: World) -> None:
    with pytest.raises(ValidationError, match="materials sent to recycling"):
        decommission_machine(second_life.owner_admin, second_life.machine, _recycling())
    with pytest.raises(ValidationError, match="recycling only"):
        decommission_machine(
            second_life.owner_admin,
            second_life.machine,
            DecommissionInput("reuse", materials=[MaterialInput("steel", "1", "17 04 05")]),
        )


def test_refused_with_bookings_to_come_and_nothing_saved(second_life: World) -> None:
    add_booking(second_life, 2, BookingState.REQUESTED)
    with pytest.raises(ValidationError, match="1 booking to come"):
        decommission_machine(
            second_life.owner_admin, second_life.machine, DecommissionInput("reuse")
        )
    assert not Decommissioning.objects.exists() and not OwnershipPeriod.objects.exists()
    assert Machine.objects.get(pk=second_life.machine.pk).status == MachineStatus.OPERATIONAL


def test_refused_while_offered_for_transfer(second_life: World) -> None:
    transfers.list_for_transfer(
        second_life.owner_admin, second_life.machine, transfers.TransferInput("donation")
    )
    with pytest.raises(ValidationError, match="withdraw the offer first"):
        decommission_machine(
            second_life.owner_admin, second_life.machine, DecommissionInput("remanufacture")
        )


def test_api_decommission_names_the_bad_code(client, second_life: World) -> None:
    token = people_actions.create_api_token(second_life.owner_admin, "t")[1]
    body = {
        "destination": "recycling",
        "materials": [{"material": "steel", "mass_kg": "5", "waste_code": "12 34 56"}],
    }
    answer = client.post(
        f"/api/v1/machines/{second_life.machine.pk}/decommission",
        json.dumps(body),
        "application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "materials.0.waste_code"]
    body["materials"][0]["waste_code"] = "17 04 05"
    answer = client.post(
        f"/api/v1/machines/{second_life.machine.pk}/decommission",
        json.dumps(body),
        "application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert answer.status_code == 200
    assert answer.json()["end_of_life"]["materials"][0]["waste_code"] == "17 04 05"
