"""Signals the apps built on the inventory answer (they import equipment, never the reverse)."""

from django.dispatch import Signal

# Sent with `machine` (locked) before it is retired; a receiver raises ValidationError to refuse.
machine_retiring = Signal()
