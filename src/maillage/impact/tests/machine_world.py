"""The impact tests' world: an owner with a lathe, a neighbour who books it, a pending firm."""

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
from maillage.maintenance.actions.usage import record_booking_usage, record_own_use
from maillage.sharing.models import Booking, BookingState


@dataclass
class World:
    owner: Organisation
    admin: User
    member: User
    neighbour: Organisation
    neighbour_member: User
    pending: Organisation
    pending_member: User
    lathe: Machine
    hidden: Machine

    def booked(self, hours: str, *, by: Organisation | None = None, days_ago: int = 10) -> Booking:
        """A completed booking of the lathe by the neighbour (or `by`), with its hours used
        recorded on the meter as its check-out would."""
        organisation = by or self.neighbour
        booker = self.neighbour_member if organisation == self.neighbour else self.member
        end = timezone.now() - dt.timedelta(days=days_ago)
        booking = Booking.objects.create(
            machine=self.lathe,
            booker=booker,
            booker_organisation=organisation,
            host_organisation=self.owner,
            start=end - dt.timedelta(hours=2),
            end=end,
            blocked_until=end,
            state=BookingState.COMPLETED,
            tier="member",
            hours_used=Decimal(hours),
            final_cents=int(Decimal(hours) * 4000),
            completed_at=end,
        )
        record_booking_usage(booking, booking.hours_used, end)  # type: ignore[arg-type]
        return booking

    def own_use(self, hours: str, days_ago: int = 20) -> None:
        record_own_use(self.admin, self.lathe, hours, timezone.now() - dt.timedelta(days=days_ago))


@pytest.fixture
def impact_world(english: Any, make_user: Any, make_organisation: Any, settings: Any) -> World:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    admin = make_user("owner_admin")
    owner = make_organisation("Atelier Tourné", admin=admin)
    member = make_user("owner_member")
    Membership.objects.create(user=member, organisation=owner, role=Role.MEMBER)
    neighbour_member = make_user("neighbour")
    neighbour = make_organisation("PME Voisine", kind="sme")
    Membership.objects.create(user=neighbour_member, organisation=neighbour, role=Role.MEMBER)
    pending_member = make_user("pending")
    pending = make_organisation("Collectif Attente", status=OrganisationStatus.PENDING)
    Membership.objects.create(user=pending_member, organisation=pending, role=Role.ADMIN)
    lathe = equipment_actions.create_machine(
        admin,
        owner,
        equipment_actions.MachineInput(name="Tour CN Ernault", year=2010, process_codes=["3.2.1"]),
    )
    hidden = equipment_actions.create_machine(
        pending_member,
        pending,
        equipment_actions.MachineInput(name="Fraiseuse cachée", process_codes=["3.2.1"]),
    )
    return World(
        owner, admin, member, neighbour, neighbour_member, pending, pending_member, lathe, hidden
    )
