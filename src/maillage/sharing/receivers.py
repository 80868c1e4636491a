"""What sharing answers to the inventory's signals (connected in SharingConfig.ready)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import ngettext

from maillage.equipment.models import Machine
from maillage.sharing.models import LIVE_STATES


def refuse_retiring_with_bookings_to_come(sender: Any, machine: Machine, **kwargs: Any) -> None:
    """Nothing is cancelled behind the bookers' backs: they are cancelled or moved first."""
    to_come = machine.bookings.filter(state__in=LIVE_STATES, end__gt=timezone.now()).count()
    if to_come:
        raise ValidationError(
            {
                "status": ngettext(
                    "This machine still has %(n)d booking to come: cancel or move it first.",
                    "This machine still has %(n)d bookings to come: cancel or move them first.",
                    to_come,
                )
                % {"n": to_come}
            }
        )
