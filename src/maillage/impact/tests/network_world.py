"""A small network for the network figures: three hosts with lathes, three bookers without.

Hosts H1 and H2 (Marseille, department 13) and H3 (Lyon, 69) each own a lathe (turning,
3.2.1); H1 also a laser cutter (3.4.1.1). Bookers B1, B2 (department 13) and B3 (Lyon) own no
machine. Rows are written straight to the tables the figures read (completed bookings, usage
records, needs), dated in 2025, so each test states exactly what the network did.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from maillage.directory.models import Membership, Organisation, Role, User
from maillage.equipment import actions as equipment_actions
from maillage.equipment.models import Machine, Process
from maillage.maintenance.models import UsageRecord, UsageSource
from maillage.matching.models import Need, NeedStatus
from maillage.sharing.models import Booking, BookingState

YEAR = 2025


def at(month: int, day: int = 10, hour: int = 9, year: int = YEAR) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, hour))


@dataclass
class Network:
    hosts: list[Organisation]
    bookers: list[Organisation]
    people: dict[int, User]
    lathes: list[Machine]
    laser: Machine
    made: list[Booking] = field(default_factory=list)

    def book(
        self,
        machine: Machine,
        booker: Organisation,
        start: dt.datetime,
        hours: float,
        *,
        told: float | None = None,
        state: str = BookingState.COMPLETED,
        cents: int = 0,
    ) -> Booking:
        """A booking of `hours` (booked length) with `told` machine hours at check-out."""
        end = start + dt.timedelta(hours=hours)
        booking = Booking.objects.create(
            machine=machine,
            booker=self.people[booker.pk],
            booker_organisation=booker,
            host_organisation=machine.organisation,
            start=start,
            end=end,
            blocked_until=end,
            state=state,
            tier="member",
            estimated_cents=cents,
            hours_used=None if told is None else Decimal(str(told)),
        )
        self.made.append(booking)
        return booking

    def share_among_three(self) -> None:
        """March to May: each booker books each host's lathe, 2.5 h told; each use recorded."""
        for month in (3, 4, 5):
            for lathe in self.lathes:
                for day, booker in enumerate(self.bookers, start=1):
                    self.book(lathe, booker, at(month, day), 3, told=2.5, cents=4_500)
                    self.use(lathe, at(month, day), 2.5)

    def use(self, machine: Machine, when: dt.datetime, hours: float) -> UsageRecord:
        return UsageRecord.objects.create(
            machine=machine, when=when, hours=Decimal(str(hours)), source=UsageSource.OWNER
        )

    def need(
        self,
        organisation: Organisation | None,
        *,
        when: dt.datetime,
        status: str = NeedStatus.MATCHED,
        machine: Machine | None = None,
        max_km: float = 30,
        lat: float = 43.30,
        lon: float = 5.37,
        requester: User | None = None,
    ) -> Need:
        need = Need.objects.create(
            requester=requester or self.people[(organisation or self.bookers[0]).pk],
            organisation=organisation,
            process=Process.objects.get(code="3.2.1"),
            hours=Decimal(4),
            earliest=when,
            deadline=when + dt.timedelta(days=10),
            latitude=lat,
            longitude=lon,
            department_id="13",
            max_km=max_km,
            status=status,
            allocated_machine=machine,
        )
        Need.objects.filter(pk=need.pk).update(created_at=when)
        need.refresh_from_db()
        return need


@pytest.fixture
def park(settings: Any, make_user: Any, make_organisation: Any) -> Network:
    settings.LANGUAGE_CODE = "en"
    settings.IMPACT_MIN_CONTRIBUTORS = 3
    people: dict[int, User] = {}

    def member(org: Organisation, name: str, role: str = Role.ADMIN) -> User:
        user = make_user(name)
        Membership.objects.create(user=user, organisation=org, role=role)
        people[org.pk] = user
        return user

    hosts, lathes = [], []
    for number, (commune, code) in enumerate(
        (("Marseille", "13002"), ("Marseille", "13008"), ("Lyon", "69003")), start=1
    ):
        host = make_organisation(f"Hôte {number}", kind="sme", commune=commune, postal_code=code)
        member(host, f"host{number}")
        hosts.append(host)
        lathes.append(
            equipment_actions.create_machine(
                people[host.pk],
                host,
                equipment_actions.MachineInput(name=f"Tour {number}", process_codes=["3.2.1"]),
            )
        )
    laser = equipment_actions.create_machine(
        people[hosts[0].pk],
        hosts[0],
        equipment_actions.MachineInput(name="Laser", process_codes=["3.4.1.1"]),
    )
    bookers = []
    for number, (commune, code) in enumerate(
        (("Marseille", "13001"), ("Aubagne", "13400"), ("Lyon", "69001")), start=1
    ):
        booker = make_organisation(f"Client {number}", commune=commune, postal_code=code)
        member(booker, f"booker{number}", Role.MEMBER)
        bookers.append(booker)
    return Network(hosts, bookers, people, lathes, laser)
