"""A host with a laser cutter shared in self-service and a booker from another organisation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from maillage.directory.models import Membership, Organisation, Role, User
from maillage.equipment import actions as equipment_actions
from maillage.equipment.models import Machine
from maillage.sharing.actions import offers as offer_actions
from maillage.sharing.actions import usage as usage_actions
from maillage.sharing.models import Booking


@dataclass
class World:
    host: User
    organisation: Organisation
    booker: User
    laser: Machine

    def checked_out(self, hours: str, days_ago: int = 1) -> Booking:
        """A booking of the laser that started `days_ago` days ago, checked out with `hours`."""
        start = (timezone.now() - dt.timedelta(days=days_ago)).replace(microsecond=0)
        booking = Booking.objects.create(
            machine=self.laser,
            booker=self.booker,
            booker_organisation=Membership.objects.get(user=self.booker).organisation,
            host_organisation=self.organisation,
            start=start,
            end=start + dt.timedelta(hours=1),
            blocked_until=start + dt.timedelta(hours=1),
            state="confirmed",
            tier="member",
        )
        return usage_actions.check_out(
            self.booker, booking, usage_actions.UsageInput(hours_used=Decimal(hours))
        )


@pytest.fixture
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def world(english, make_user, make_organisation) -> World:
    host = make_user("host")
    organisation = make_organisation("Atelier Hôte", admin=host)
    guests = make_organisation("Collectif Invité", kind="sme")
    booker = make_user("booker")
    Membership.objects.create(user=booker, organisation=guests, role=Role.MEMBER)
    laser = equipment_actions.create_machine(
        host,
        organisation,
        equipment_actions.MachineInput(name="Laser CO2", process_codes=["3.4.1.1"]),
    )
    offer_actions.save_offer(host, laser, offer_actions.OfferInput(mode="self_service"))
    return World(host, organisation, booker, laser)
