"""Material flows read from the records (parts, machines received, bought, decommissioned,
transferred) and the CTI percentages they give, for an organisation and for the network."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from maillage.equipment import actions as equipment_actions
from maillage.impact import cti
from maillage.impact.actions.composition import MaterialInput, save_composition
from maillage.impact.queries.flows import flows, uncounted_machines
from maillage.maintenance.actions.decommissioning import (
    DecommissionInput,
    decommission_machine,
)
from maillage.maintenance.actions.decommissioning import (
    MaterialInput as WasteInput,
)
from maillage.maintenance.actions.interventions import (
    InterventionInput,
    PartInput,
    record_intervention,
)
from maillage.maintenance.models import Acquisition, OwnershipPeriod, Transfer, TransferState

pytestmark = pytest.mark.django_db


def _machine(w: Any, name: str, organisation: Any, materials: list[MaterialInput]) -> Any:
    user = w.admin if organisation == w.owner else w.neighbour_member
    machine = equipment_actions.create_machine(
        user, organisation, equipment_actions.MachineInput(name=name, process_codes=["3.2.1"])
    )
    if materials:
        save_composition(user, machine, materials)
    return machine


def _handed_over(w: Any, machine: Any, giver: Any, taker: Any, days_ago: int) -> None:
    """A transfer inside the network, as `accept_transfer` records it."""
    when = timezone.now() - dt.timedelta(days=days_ago)
    transfer = Transfer.objects.create(
        machine=machine,
        from_organisation=giver,
        kind="sale",
        state=TransferState.TRANSFERRED,
        to_organisation=taker,
        closed_at=when,
    )
    OwnershipPeriod.objects.create(
        machine=machine,
        organisation=taker,
        started_on=when.date(),
        acquisition=Acquisition.SECOND_HAND,
        transfer=transfer,
    )
    machine.organisation = taker
    machine.site = taker.sites.first()
    machine.save()


@pytest.fixture
def moves(impact_world):
    """One year of the owner's material moves (figures in the test below)."""
    w = impact_world
    today = timezone.localdate()
    # In: a machine bought from the neighbour through the network (6 t, reused)…
    bought_used = _machine(
        w,
        "Fraiseuse d'occasion",
        w.neighbour,
        [MaterialInput("cast_iron", 5000), MaterialInput("steel", 1000)],
    )
    _handed_over(w, bought_used, w.neighbour, w.owner, days_ago=30)
    # …a new machine (2 t of steel at the default 40 % recycled, 500 kg of virgin aluminium)…
    new = _machine(
        w,
        "Presse neuve",
        w.owner,
        [MaterialInput("steel", 2000), MaterialInput("aluminium", 500, recycled_feedstock=0)],
    )
    OwnershipPeriod.objects.create(
        machine=new,
        organisation=w.owner,
        started_on=today - dt.timedelta(days=60),
        acquisition=Acquisition.BOUGHT_NEW,
    )
    # …parts of a repair (200 kg copper at 35 %, 300 kg steel at 40 %), and last year's parts.
    for days, parts in (
        (45, [PartInput("Moteur", "200", "copper"), PartInput("Glissières", "300", "steel")]),
        (400, [PartInput("Vieille broche", "900", "steel")]),
    ):
        record_intervention(
            w.admin,
            w.lathe,
            InterventionInput(
                kind="preventive", done_at=timezone.now() - dt.timedelta(days=days), parts=parts
            ),
        )
    # …and a donated machine from outside whose composition nobody recorded.
    donated = _machine(w, "Scie donnée", w.owner, [])
    OwnershipPeriod.objects.create(
        machine=donated,
        organisation=w.owner,
        started_on=today - dt.timedelta(days=10),
        acquisition=Acquisition.DONATION,
    )
    # Out: a machine recycled (3 t of steel at 90 %, 100 kg of plastics with no factor)…
    scrapped = _machine(w, "Vieux tour", w.owner, [MaterialInput("steel", 3100)])
    decommission_machine(
        w.admin,
        scrapped,
        DecommissionInput(
            destination="recycling",
            materials=[
                WasteInput("steel", "3000", "17 04 05"),
                WasteInput("plastics", "100", "17 02 03"),
            ],
        ),
    )
    # …one reused elsewhere (1 t), one handed to the neighbour (400 kg of aluminium).
    reused = _machine(w, "Perceuse", w.owner, [MaterialInput("steel", 1000)])
    decommission_machine(w.admin, reused, DecommissionInput(destination="reuse", recipient="Lycée"))
    given = _machine(w, "Plieuse", w.owner, [MaterialInput("aluminium", 400)])
    _handed_over(w, given, w.owner, w.neighbour, days_ago=5)
    return w, today - dt.timedelta(days=365), today + dt.timedelta(days=1)


def _by(items: list[Any]) -> dict[tuple[str, str], float]:
    return {(item.source, item.material): item.mass for item in items}


def test_an_organisation_s_flows_and_circularity(moves, django_assert_max_num_queries):
    w, start, end = moves
    with django_assert_max_num_queries(9):  # two more: the synergies given and received
        inflows, outflows = flows(organisation=w.owner, start=start, end=end)
    assert _by(inflows) == {
        ("parts", "copper"): 200,
        ("parts", "steel"): 300,
        ("second_life", "cast_iron"): 5000,
        ("second_life", "steel"): 1000,
        ("new", "aluminium"): 500,
        ("new", "steel"): 2000,
    }
    assert _by(outflows) == {
        ("recycling", "plastics"): 100,
        ("recycling", "steel"): 3000,
        ("reuse", "steel"): 1000,
        ("transfer", "aluminium"): 400,
    }
    result = cti.circularity(inflows, outflows)
    # In: 6,000 reused + 2,000 × 0.4 + 0 + 200 × 0.35 + 300 × 0.4 = 6,990 of 9,000 kg.
    assert result.inflow_mass == 9000
    assert result.circular_inflow == pytest.approx(6990 / 9000)
    # Out: 3,000 × 0.9 + 100 × 0 + 1,000 + 400 = 4,100 of 4,500 kg.
    assert result.circular_outflow == pytest.approx(4100 / 4500)
    assert result.material_circularity == pytest.approx(11090 / 13500)
    assert uncounted_machines(organisation=w.owner, start=start, end=end) == {
        "second_life": 1,
        "new": 0,
        "reuse": 0,
        "transfer": 0,
    }


def test_the_network_counts_only_what_crosses_its_border(moves):
    _w, start, end = moves
    inflows, outflows = flows(start=start, end=end)
    # Transfers between its organisations are neither in nor out.
    assert {item.source for item in inflows} == {"parts", "new"}
    assert {item.source for item in outflows} == {"recycling", "reuse"}
    result = cti.circularity(inflows, outflows)
    assert result.inflow_mass == 3000 and result.circular_inflow == pytest.approx(990 / 3000)
    assert result.circular_outflow == pytest.approx(3700 / 4100)


def test_the_neighbour_received_what_the_owner_gave(moves):
    w, start, end = moves
    inflows, outflows = flows(organisation=w.neighbour, start=start, end=end)
    assert _by(inflows) == {("second_life", "aluminium"): 400}
    assert _by(outflows) == {("transfer", "cast_iron"): 5000, ("transfer", "steel"): 1000}


def test_a_period_without_moves_has_no_percentages(moves):
    w, _start, _end = moves
    far = timezone.localdate() - dt.timedelta(days=3000)
    inflows, outflows = flows(organisation=w.owner, start=far, end=far + dt.timedelta(days=30))
    result = cti.circularity(inflows, outflows)
    assert inflows == [] and outflows == [] and result.material_circularity is None
