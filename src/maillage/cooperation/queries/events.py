"""Reads of the network's events: who sees which, places left, who is registered."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from maillage.cooperation.models import Event, EventRegistration, Network
from maillage.cooperation.queries.governance import is_network_member


def visible_events(user: Any, network: Network) -> QuerySet[Event]:
    """Public events for all; the members' meetings too for members and coordinators."""
    events = network.events.select_related("commune", "organiser", "body").annotate(
        registered=Count("registrations", filter=Q(registrations__cancelled_at__isnull=True))
    )
    if is_network_member(user, network):
        return events
    return events.filter(is_public=True)


def upcoming(events: QuerySet[Event]) -> QuerySet[Event]:
    return events.filter(end__gte=timezone.now())


def can_see_event(user: Any, event: Event) -> bool:
    return event.is_public or is_network_member(user, event.network)


def active_registrations(event: Event) -> QuerySet[EventRegistration]:
    return event.registrations.filter(cancelled_at__isnull=True)


def registration_of(user: Any, event: Event) -> EventRegistration | None:
    if not user.is_authenticated:
        return None
    return active_registrations(event).filter(user=user).first()


def places_left(event: Event) -> int | None:
    if event.capacity is None:
        return None
    return max(0, event.capacity - active_registrations(event).count())
