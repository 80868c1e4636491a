"""Signals the apps built on sharing answer (they import sharing, never the reverse)."""

from django.dispatch import Signal

# Sent by check-out inside its transaction, with `booking` (locked, completed), `hours` (a
# Decimal, the hours recorded) and `when` (the check-out time): maintenance counts the use.
usage_recorded = Signal()
