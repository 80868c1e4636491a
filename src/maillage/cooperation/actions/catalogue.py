"""Booking the network's training sessions: a seat, else the waiting list; cancelling gives the
seat to the first in line.

Every write locks the session row and counts the seats again under the lock, so two people for the
last seat get one seat and one place in line, and a cancellation never loses track of who waits.
Attendance and qualifications stay with `maillage.qualifications.actions.record_attendance_sheet`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.cooperation.models import WaitingListEntry
from maillage.cooperation.tasks.catalogue import notify_seat_given
from maillage.core.outbox import enqueue_in_transaction
from maillage.directory import permissions
from maillage.directory.models import User
from maillage.qualifications.models import Registration, TrainingSession

REGISTERED = "registered"
WAITING = "waiting"
CANCELLED = "cancelled"
LEFT_LIST = "left_list"


@dataclass(frozen=True)
class Outcome:
    state: str
    position: int | None = None  # in the waiting list, from 1


def _lock(session: TrainingSession) -> TrainingSession:
    locked = (
        TrainingSession.objects.select_for_update(of=("self",))
        .select_related("training__organisation")
        .filter(pk=session.pk)
        .first()
    )
    if locked is None:
        raise ValidationError(_("This session no longer exists."))
    return locked


def _promote(locked: TrainingSession) -> list[Registration]:
    """Give the free seats to the first people in line (the session is locked by the caller)."""
    promoted: list[Registration] = []
    free = locked.capacity - locked.registrations.count()
    for entry in locked.waiting_list.select_related("user").order_by("created_at", "pk"):
        if free <= 0:
            break
        entry.delete()
        if not entry.user.is_active or locked.registrations.filter(user=entry.user).exists():
            continue
        registration = Registration.objects.create(session=locked, user=entry.user)
        enqueue_in_transaction(notify_seat_given, registration.pk)
        promoted.append(registration)
        free -= 1
    return promoted


def position_in_list(session: TrainingSession, entry: WaitingListEntry) -> int:
    return (
        WaitingListEntry.objects.filter(session=session, created_at__lt=entry.created_at).count()
        + WaitingListEntry.objects.filter(
            session=session, created_at=entry.created_at, pk__lte=entry.pk
        ).count()
    )


def book(user: User, session: TrainingSession, now: dt.datetime | None = None) -> Outcome:
    """A seat if one is left, else a place at the end of the waiting list."""
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied(_("Sign in to register."))
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(session)
        if not permissions.can_view_organisation(user, locked.training.organisation):
            raise PermissionDenied(_("This training is not open to you."))
        if locked.start <= now:
            raise ValidationError(_("This session has already started."))
        if locked.registrations.filter(user=user).exists():
            raise ValidationError(_("You are already registered for this session."))
        if locked.waiting_list.filter(user=user).exists():
            raise ValidationError(_("You are already on the waiting list of this session."))
        _promote(locked)  # seats freed by a larger capacity go to those waiting first
        if locked.registrations.count() < locked.capacity:
            Registration.objects.create(session=locked, user=user)
            return Outcome(REGISTERED)
        entry = WaitingListEntry.objects.create(session=locked, user=user)
        return Outcome(WAITING, position_in_list(locked, entry))


def cancel(user: User, session: TrainingSession, now: dt.datetime | None = None) -> Outcome:
    """Give up one's seat (the first in line gets it) or one's place in the waiting list."""
    if not user.is_authenticated:
        raise PermissionDenied(_("Sign in to cancel."))
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(session)
        registration = locked.registrations.filter(user=user).first()
        if registration is not None:
            if locked.start <= now:
                raise ValidationError(
                    _("This session has already started: it cannot be cancelled.")
                )
            registration.delete()
            _promote(locked)
            return Outcome(CANCELLED)
        deleted, _rows = locked.waiting_list.filter(user=user).delete()
        if deleted:
            return Outcome(LEFT_LIST)
        raise ValidationError(_("You are neither registered nor waiting for this session."))
