"""What maintenance does when a lower layer tells it something happened (signals from sharing)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from maillage.maintenance.actions.usage import record_booking_usage
from maillage.sharing.models import Booking


def count_booking_usage(
    sender: Any, booking: Booking, hours: Decimal, when: dt.datetime, **kwargs: Any
) -> None:
    """A check-out's hours go on the machine's meter, in the check-out's transaction."""
    record_booking_usage(booking, hours, when)
