"""Writes behind the training pages and the calendar settings, in the style of `actions.py`.

The base actions (`create_training`, `schedule_session`, `register`, `record_attendance`,
`grant_qualification`) stay in `actions.py`; these wrap them where a page needs one more rule
or several of them in one transaction. The calendar-token writes live here too, because the
statements and feeds pages own no other write module.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Collection

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.directory import permissions
from maillage.directory.auth import hash_token
from maillage.directory.models import User
from maillage.sharing import actions
from maillage.sharing.models import (
    CalendarToken,
    Offer,
    Qualification,
    Registration,
    Training,
    TrainingSession,
)

# --- trainings --------------------------------------------------------------------------


def can_manage_training(user: object, training: Training) -> bool:
    """The organisation's trainers and admins (and coordinators) run the training."""
    if not getattr(user, "is_authenticated", False):
        return False
    return permissions.can_train(user, training.organisation)


def register_for_session(
    user: User, session: TrainingSession, now: dt.datetime | None = None
) -> Registration:
    """Take a place in a session that has not started, of a training this person can see."""
    if not user.is_authenticated:
        raise PermissionDenied(_("Sign in to register."))
    now = now or timezone.now()
    if not permissions.can_view_organisation(user, session.training.organisation):
        raise PermissionDenied(_("This training is not open to you."))
    if session.start <= now:
        raise ValidationError(_("This session has already started."))
    return actions.register(user, session)


def record_attendance_sheet(
    actor: User,
    session: TrainingSession,
    attended_ids: Collection[int],
    now: dt.datetime | None = None,
) -> list[Qualification]:
    """Mark who came to a session, in one go; each attendee gets (or renews) the qualification.

    Unticking someone ticked by mistake takes back the qualification this very session gave
    (recognised by its issue date, the session's end); a qualification renewed since is kept.
    """
    training = session.training
    if not can_manage_training(actor, training):
        raise PermissionDenied(_("Only the trainer's organisation records attendance."))
    now = now or timezone.now()
    if session.start > now:
        raise ValidationError(_("The session has not started yet: record attendance afterwards."))
    granted: list[Qualification] = []
    with transaction.atomic():
        # Locked and read again: who is marked present is compared with the current sheet.
        registrations = list(
            session.registrations.select_for_update(of=("self",)).select_related(
                "user", "session__training"
            )
        )
        unknown = set(attended_ids) - {r.pk for r in registrations}
        if unknown:
            raise ValidationError(_("Someone ticked is not registered for this session."))
        for registration in registrations:
            present = registration.pk in attended_ids
            if present == registration.attended:
                continue
            qualification = actions.record_attendance(actor, registration, attended=present)
            if qualification is not None:
                granted.append(qualification)
            else:
                Qualification.objects.filter(
                    user=registration.user, training=training, issued_at=session.end
                ).delete()
    return granted


def grant_to(
    actor: User, training: Training, who: str, issued_at: dt.datetime | None = None
) -> Qualification:
    """Qualify someone named by username or e-mail (the trainer's "grant directly")."""
    if not can_manage_training(actor, training):
        raise PermissionDenied(_("Only the trainer's organisation grants this qualification."))
    who = who.strip()
    if not who:
        raise ValidationError({"who": _("Give a username or an e-mail address.")})
    people = list(
        User.objects.filter(Q(username__iexact=who) | Q(email__iexact=who), is_active=True)[:2]
    )
    if not people:
        raise ValidationError({"who": _("Nobody is registered under “%(who)s”.") % {"who": who}})
    if len(people) > 1:
        raise ValidationError(
            {"who": _("Several people match “%(who)s”: give the e-mail address.") % {"who": who}}
        )
    return actions.grant_qualification(actor, people[0], training, issued_at)


# --- calendar feed tokens ---------------------------------------------------------------


def has_calendar_feed(user: User) -> bool:
    """Whether this person has made a feed address (its secret is not kept, only its hash)."""
    return CalendarToken.objects.filter(user=user).exists()


def renew_calendar_token(user: User) -> str:
    """A new feed secret, returned once: every link given out before stops working."""
    if not user.is_authenticated:
        raise PermissionDenied(_("Sign in to get a calendar feed."))
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        token, created = CalendarToken.objects.select_for_update().get_or_create(
            user=user, defaults={"token_hash": hash_token(secret)}
        )
        if not created:
            token.token_hash = hash_token(secret)
            token.save(update_fields=["token_hash"])
    return secret


def renew_machine_feed_token(actor: User, offer: Offer) -> str:
    """A new machine-feed secret, returned once (e.g. when someone leaves the host organisation)."""
    if not permissions.can_host(actor, offer.machine.organisation):
        raise PermissionDenied(_("Only the organisation's hosts manage its machines' feeds."))
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        locked = Offer.objects.select_for_update().get(pk=offer.pk)
        locked.feed_token_hash = hash_token(secret)
        locked.save(update_fields=["feed_token_hash", "updated_at"])
    offer.feed_token_hash = locked.feed_token_hash
    return secret
