"""The network of this installation and who runs it."""

from __future__ import annotations

from typing import Any

from maillage.cooperation.models import Network
from maillage.directory import permissions


def current_network() -> Network | None:
    """The installation's network (one today): the oldest, so a second one does not take over."""
    return Network.objects.order_by("id").first()


def can_run_network(user: Any) -> bool:
    """The network's staff (the platform's coordinators) edit members, bodies, funds and rules."""
    return bool(user.is_authenticated and permissions.is_coordinator(user))
