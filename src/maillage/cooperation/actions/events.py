"""The network's events: who runs the network plans them; people register and cancel. The
event's row is locked, so the last place goes to one person only, and nobody registers once the
event has started."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.cooperation.actions.governance import check_run
from maillage.cooperation.models import Body, Event, EventRegistration, Network
from maillage.cooperation.queries import events as queries
from maillage.core.dates import check_in_window
from maillage.core.locks import lock_existing
from maillage.core.validators import single_line_errors
from maillage.directory.models import Commune, Organisation, User

MAX_CAPACITY = 100_000


@dataclass(frozen=True)
class EventInput:
    title: str
    start: dt.datetime
    end: dt.datetime
    is_public: bool
    description: str = ""
    place: str = ""
    commune: Commune | None = None
    capacity: int | None = None
    organiser: Organisation | None = None
    body: Body | None = None


def create_event(user: User, network: Network, data: EventInput) -> Event:
    check_run(user, network)
    title, place = data.title.strip(), data.place.strip()
    errors: dict[str, Any] = single_line_errors(title=title, place=place)
    if not title:
        errors["title"] = [_("This field is required.")]
    for field, value in (("start", data.start), ("end", data.end)):
        try:
            check_in_window(value, field)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if "start" not in errors and "end" not in errors and data.end < data.start:
        errors["end"] = [_("The event cannot end before it starts.")]
    if data.capacity is not None and not 1 <= data.capacity <= MAX_CAPACITY:
        errors["capacity"] = [_("Give at least one place, or leave it empty for no limit.")]
    if data.body is not None and data.body.network_id != network.pk:
        errors["body"] = [_("This body is not one of the network's.")]
    if errors:
        raise ValidationError(errors)
    return Event.objects.create(
        network=network,
        body=data.body,
        title=title[:200],
        description=data.description.strip(),
        start=data.start,
        end=data.end,
        place=place[:200],
        commune=data.commune,
        capacity=data.capacity,
        is_public=data.is_public,
        organiser=data.organiser,
    )


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
