"""Sharing's own questions: who may book a machine's offer, who hosts a booking."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from maillage.directory import permissions
from maillage.directory.models import User
from maillage.equipment.models import Machine, MachineStatus
from maillage.sharing.models import Audience, Booking, Offer


def check_audience(user: User, audience: str, host_id: int, org_ids: Sequence[int]) -> None:
    if audience == Audience.OWN and host_id not in org_ids:
        raise PermissionDenied(_("This machine is booked by its own organisation's members only."))
    if audience == Audience.NETWORK and not org_ids and not permissions.is_coordinator(user):
        raise PermissionDenied(
            _("This machine is booked by members of the network's organisations only.")
        )


def is_host(user: User, booking: Booking) -> bool:
    return permissions.can_host(user, booking.host_organisation)


def is_bookable(machine: Machine, offer: Offer | None) -> bool:
    """An active offer, on a machine in service."""
    return (
        offer is not None
        and offer.active
        and machine.status not in (MachineStatus.DOWN, MachineStatus.RETIRED)
    )
