"""A territory for the scenario simulator: laser cutters in four workshops with private prices.

- Atelier A (Alice): two lasers, €100,000 and €140,000 (its average €120,000), life 12 years.
- Atelier B (Bob): one laser, €160,000, life 10 years. Atelier C (Carol): one, €200,000.
- Atelier D (Dave): one laser at €999,999, but D awaits validation: it never counts.
- Collectif E asked for laser cutting (a need) and owns none; Menuiserie F has a saw only.
- Fanny funds the network and belongs to no organisation.

Per organisation the prices are €120,000, €160,000 and €200,000: median €160,000, quartiles
€140,000 and €180,000; no organisation's own price is any of these. Two organisations only give
a life: the factor table's 15 years stays.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from maillage.directory.models import Organisation, User
from maillage.equipment import actions as equipment_actions
from maillage.equipment.models import Machine, Process
from maillage.impact.models import MachineEconomics
from maillage.matching.models import Need

LASER = "3.4.1.1"


@dataclass
class ScenarioWorld:
    alice: User
    bob: User
    dave: User
    fanny: User
    a: Organisation
    b: Organisation
    c: Organisation
    d: Organisation
    e: Organisation
    f: Organisation
    a_laser: Machine
    b_laser: Machine
    d_laser: Machine
    process: Process


def _machine(user: User, organisation: Organisation, name: str, code: str = LASER) -> Machine:
    return equipment_actions.create_machine(
        user,
        organisation,
        equipment_actions.MachineInput(name=name, process_codes=[code], power_kw=20.0),
    )


def _priced(machine: Machine, euros: int, life: int | None = None) -> None:
    MachineEconomics.objects.create(machine=machine, price_cents=euros * 100, life_years=life)


@pytest.fixture
def scenario_world(english, make_user, make_organisation) -> ScenarioWorld:
    alice, bob, carol, dave = (make_user(n) for n in ("alice", "bob", "carol", "dave"))
    fanny = make_user("fanny")
    a = make_organisation("Atelier A", admin=alice)
    b = make_organisation("Atelier B", admin=bob)
    c = make_organisation("Atelier C", admin=carol)
    d = make_organisation("Atelier D", admin=dave, status="pending")
    e = make_organisation("Collectif E")
    felix = make_user("felix")
    f = make_organisation("Menuiserie F", admin=felix)
    a_laser = _machine(alice, a, "Laser A1")
    _priced(a_laser, 100_000, 12)
    _priced(_machine(alice, a, "Laser A2"), 140_000, 12)
    b_laser = _machine(bob, b, "Laser B")
    _priced(b_laser, 160_000, 10)
    _priced(_machine(carol, c, "Laser C"), 200_000)
    d_laser = _machine(dave, d, "Laser D")
    _priced(d_laser, 999_999, 30)
    saw = Process.objects.exclude(code=LASER).filter(children__isnull=True).first()
    assert saw is not None
    _machine(felix, f, "Scie F", saw.code)
    now = timezone.now()
    Need.objects.create(
        requester=fanny,
        organisation=e,
        process=Process.objects.get(code=LASER),
        hours=10,
        earliest=now,
        deadline=now + dt.timedelta(days=30),
        latitude=43.3,
        longitude=5.4,
        max_km=50,
    )
    return ScenarioWorld(
        alice, bob, dave, fanny, a, b, c, d, e, f, a_laser, b_laser, d_laser,
        Process.objects.get(code=LASER),
    )  # fmt: skip
