"""A breakdown world for the maintenance tests: the matching tests' three lasers (Marseille A,
Aix B at about 25 km, Toulon C at about 50 km), Dave booking Laser A, and helpers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from maillage.matching.tests import test_api
from maillage.matching.tests.test_api import PARIS
from maillage.sharing.actions import bookings as booking_actions

# The territory's fixtures, shared with the matching tests.
__all__ = ["PARIS", "at", "book", "english"]

_fresh_index, taxonomy, territory = test_api._fresh_index, test_api.taxonomy, test_api.territory

# A whole quarter hour a few minutes ahead: slots computed from it stay on the minute.
NOW = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(minutes=15)


def at(hours: float) -> dt.datetime:
    return NOW + dt.timedelta(hours=hours)


def book(user: Any, machine: Any, start_h: float, end_h: float) -> Any:
    return booking_actions.request_booking(user, machine, at(start_h), at(end_h), now=NOW)


@pytest.fixture
def english(settings: Any) -> None:
    """Messages are checked in English (the interface defaults to French)."""
    settings.LANGUAGE_CODE = "en"
