"""The passport tests' world: an owner with a machine, a validated taker, a pending one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from maillage.directory.models import Membership, Organisation, OrganisationStatus, Role, User
from maillage.equipment import actions as equipment_actions
from maillage.equipment.models import Machine
from maillage.maintenance.actions.usage import record_booking_usage
from maillage.sharing.models import Booking, BookingState


@dataclass
class World:
    owner: Organisation
    owner_admin: User
    owner_member: User
    taker: Organisation
    taker_member: User
    other_taker: Organisation
    other_member: User
    pending: Organisation
    pending_member: User
    machine: Machine


@pytest.fixture
def second_life(make_user: Any, make_organisation: Any, settings: Any) -> World:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    owner_admin = make_user("owner")
    owner = make_organisation("Atelier Cédant", admin=owner_admin)
    owner_member = make_user("owner_member")
    Membership.objects.create(user=owner_member, organisation=owner, role=Role.MEMBER)
    taker_member = make_user("taker")
    taker = make_organisation(
        "Lycée Preneur", kind="training_body", commune="Aubagne", postal_code="13400"
    )
    Membership.objects.create(user=taker_member, organisation=taker, role=Role.MEMBER)
    other_member = make_user("other")
    other_taker = make_organisation("PME Voisine", kind="sme")
    Membership.objects.create(user=other_member, organisation=other_taker, role=Role.MEMBER)
    pending_member = make_user("pending")
    pending = make_organisation("Collectif Attente", status=OrganisationStatus.PENDING)
    Membership.objects.create(user=pending_member, organisation=pending, role=Role.ADMIN)
    machine = equipment_actions.create_machine(
        owner_admin,
        owner,
        equipment_actions.MachineInput(
            name="Découpe laser Trotec",
            make="Trotec",
            model="Speedy 300",
            serial_number="TR-300-1234",
            year=2012,
            process_codes=["3.4.1.1"],
        ),
    )
    return World(
        owner,
        owner_admin,
        owner_member,
        taker,
        taker_member,
        other_taker,
        other_member,
        pending,
        pending_member,
        machine,
    )


def add_booking(world: World, days: int, state: str, hours: str | None = None) -> Booking:
    """A booking written directly, `days` from now (negative: in the past); a completed one's
    hours go on the machine's meter as its check-out would put them."""
    start = timezone.now() + dt.timedelta(days=days)
    end = start + dt.timedelta(hours=2)
    booking = Booking.objects.create(
        machine=world.machine,
        booker=world.taker_member,
        booker_organisation=world.taker,
        host_organisation=world.owner,
        start=start,
        end=end,
        blocked_until=end,
        state=state,
        tier="member",
        hours_used=Decimal(hours) if hours else None,
        completed_at=end if state == BookingState.COMPLETED else None,
    )
    if booking.hours_used is not None:
        record_booking_usage(booking, booking.hours_used, end)
    return booking
