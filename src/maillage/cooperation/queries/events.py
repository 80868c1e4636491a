"""Reads of the network's events: who sees which, places left, who is registered."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from maillage.cooperation.models import Event, EventRegistration, Network
from maillage.cooperation.queries.governance import is_network_member
from maillage.directory.models import User

FEED_SALT = "maillage.cooperation.calendar-feed"


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


def feed_token(user: User) -> str:
    """The person's calendar address key; changing their password changes it (and revokes it)."""
    digest = salted_hmac(FEED_SALT, f"{user.pk}:{user.password}", algorithm="sha256")
    return f"{user.pk}-{digest.hexdigest()[:32]}"


def feed_user(token: str) -> User | None:
    """Who the calendar key belongs to, None for a wrong or outdated key."""
    head, _sep, _tail = token.partition("-")
    # ASCII digits only: "²".isdigit() is True but int("²") fails.
    if not (head.isascii() and head.isdigit()) or len(head) > 18:
        return None
    user = User.objects.filter(pk=int(head), is_active=True).first()
    if user is None or not constant_time_compare(feed_token(user), token):
        return None
    return user
