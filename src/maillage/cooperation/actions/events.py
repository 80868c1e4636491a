"""Registering for the network's events and cancelling: the event's row is locked, so the last
place goes to one person only, and nobody registers once the event has started."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.cooperation.models import Event, EventRegistration
from maillage.cooperation.queries import events as queries
from maillage.core.locks import lock_existing
from maillage.directory.models import User


def register(user: User, event: Event) -> EventRegistration:
    if not user.is_authenticated:
        raise PermissionDenied(_("Sign in to register."))
    if not queries.can_see_event(user, event):
        raise PermissionDenied(_("This event is for the network's members."))
    with transaction.atomic():
        current = lock_existing(event)
        if current.start <= timezone.now():
            raise ValidationError(_("This event has already started: registration is closed."))
        if queries.registration_of(user, current) is not None:
            raise ValidationError(_("You are already registered for this event."))
        if current.capacity is not None and queries.places_left(current) == 0:
            raise ValidationError(_("This event is full."))
        try:
            with transaction.atomic():
                return EventRegistration.objects.create(event=current, user=user)
        except IntegrityError:
            raise ValidationError(_("You are already registered for this event.")) from None


def cancel(user: User, event: Event) -> EventRegistration:
    """The person gives up their place, until the event starts."""
    with transaction.atomic():
        current = lock_existing(event)
        registration = queries.registration_of(user, current)
        if registration is None:
            raise ValidationError(_("You are not registered for this event."))
        if current.start <= timezone.now():
            raise ValidationError(_("This event has already started."))
        registration.cancelled_at = timezone.now()
        registration.save(update_fields=["cancelled_at"])
    return registration
