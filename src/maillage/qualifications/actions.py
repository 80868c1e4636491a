"""Every write about trainings: trainings, sessions, registrations, attendance, qualifications.

One function per intent, one transaction each, permission checks inside. The sharing app
calls `mark_used` when a booking is checked out: use keeps qualifications from lapsing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage.core.validators import single_line_errors
from maillage.directory import permissions
from maillage.directory.models import Organisation, User
from maillage.equipment.models import Machine, Process
from maillage.qualifications.equivalence import equivalent_trainings
from maillage.qualifications.models import Qualification, Registration, Training, TrainingSession
from maillage.qualifications.permissions import can_manage_training

# A granted qualification is dated at most a few minutes ahead (clock skew), and not too far back.
ISSUED_AT_SKEW = dt.timedelta(minutes=5)
ISSUED_AT_HISTORY_YEARS = 10


def create_training(
    actor: User,
    organisation: Organisation,
    title: str,
    *,
    machine: Machine | None = None,
    process_code: str = "",
    validity_months: int = 24,
    idle_lapse_months: int | None = None,
    description: str = "",
) -> Training:
    if not permissions.can_train(actor, organisation):
        raise PermissionDenied(_("Only the organisation's trainers can offer a training."))
    errors: dict[str, list[str]] = single_line_errors(title=title)
    if not title.strip():
        errors["title"] = [_("Give the training a title.")]
    process = Process.objects.filter(code=process_code).first() if process_code else None
    if process_code and process is None:
        errors["process"] = [_("Unknown process code: %(c)s.") % {"c": process_code}]
    if machine is None and process is None:
        errors["machine"] = [_("A training is for a machine or for a process.")]
    if machine is not None and machine.organisation_id != organisation.pk:
        errors["machine"] = [_("Choose one of the organisation's own machines.")]
    if validity_months < 1:
        errors["validity_months"] = [_("At least one month.")]
    if idle_lapse_months is not None and idle_lapse_months < 1:
        errors["idle_lapse_months"] = [_("At least one month.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return Training.objects.create(
            title=title.strip(),
            organisation=organisation,
            trainer=actor,
            machine=machine,
            process=process,
            validity_months=validity_months,
            idle_lapse_months=idle_lapse_months,
            description=description,
        )


def schedule_session(
    actor: User,
    training: Training,
    start: dt.datetime,
    end: dt.datetime,
    capacity: int,
    place: str = "",
) -> TrainingSession:
    if not permissions.can_train(actor, training.organisation):
        raise PermissionDenied(_("Only the training's organisation schedules its sessions."))
    errors: dict[str, list[str]] = single_line_errors(place=place)
    if end <= start:
        errors["end"] = [_("The end must come after the start.")]
    if capacity < 1:
        errors["capacity"] = [_("At least one place.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return TrainingSession.objects.create(
            training=training, start=start, end=end, capacity=capacity, place=place
        )


def register(user: User, session: TrainingSession) -> Registration:
    """Take a place in a session, if one is left (counted under a lock)."""
    if not user.is_authenticated:
        raise PermissionDenied(_("Sign in to register."))
    with transaction.atomic():
        locked = TrainingSession.objects.select_for_update().get(pk=session.pk)
        if locked.registrations.filter(user=user).exists():
            raise ValidationError(_("You are already registered for this session."))
        if locked.registrations.count() >= locked.capacity:
            raise ValidationError(_("This session is full."))
        return Registration.objects.create(session=locked, user=user)


def record_attendance(
    actor: User, registration: Registration, attended: bool = True
) -> Qualification | None:
    """The trainer marks who came; attending grants (or renews) the qualification."""
    training = registration.session.training
    if not permissions.can_train(actor, training.organisation):
        raise PermissionDenied(_("Only the trainer's organisation records attendance."))
    with transaction.atomic():
        registration.attended = attended
        registration.save(update_fields=["attended"])
        if not attended:
            return None
        return _grant(actor, registration.user, training, registration.session.end)


def grant_qualification(
    actor: User, user: User, training: Training, issued_at: dt.datetime | None = None
) -> Qualification:
    """A trainer qualifies someone directly (e.g. after a one-to-one session)."""
    if not permissions.can_train(actor, training.organisation):
        raise PermissionDenied(_("Only the trainer's organisation grants this qualification."))
    now = timezone.now()
    issued_at = issued_at or now
    if timezone.is_naive(issued_at):
        raise ValidationError({"issued_at": _("Give the time with its time zone offset.")})
    if issued_at > now + ISSUED_AT_SKEW:
        raise ValidationError({"issued_at": _("A qualification cannot be dated in the future.")})
    if issued_at < now - relativedelta(years=ISSUED_AT_HISTORY_YEARS):
        raise ValidationError(
            {
                "issued_at": ngettext(
                    "A qualification cannot be dated more than %(n)s year back.",
                    "A qualification cannot be dated more than %(n)s years back.",
                    ISSUED_AT_HISTORY_YEARS,
                )
                % {"n": ISSUED_AT_HISTORY_YEARS}
            }
        )
    with transaction.atomic():
        return _grant(actor, user, training, issued_at)


def _grant(actor: User, user: User, training: Training, issued_at: dt.datetime) -> Qualification:
    """Grant or renew; an older session never shortens a later qualification."""
    if actor.pk == user.pk and not permissions.is_coordinator(actor):
        raise ValidationError({"who": _("You cannot grant a qualification to yourself.")})
    expires_at = issued_at + relativedelta(months=training.validity_months)
    fields = {"issued_at": issued_at, "issued_by": actor, "expires_at": expires_at}
    # Created, or else locked and compared again: a concurrent grant may have just written it.
    qualification, created = Qualification.objects.get_or_create(
        user=user, training=training, defaults=fields
    )
    if created:
        return qualification
    existing = Qualification.objects.select_for_update().get(pk=qualification.pk)
    if existing.expires_at >= expires_at:
        return existing
    for name, value in fields.items():
        setattr(existing, name, value)
    existing.save(update_fields=list(fields))
    return existing


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
    return register(user, session)


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
            qualification = record_attendance(actor, registration, attended=present)
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
    return grant_qualification(actor, people[0], training, issued_at)


def mark_used(
    user: User, required: Iterable[Training], accept_network: bool, now: dt.datetime
) -> None:
    """Using a machine keeps the qualifications it accepts from lapsing, equivalents included."""
    accepted = Q(pk__in=[])
    for training in required:
        accepted |= equivalent_trainings(training) if accept_network else Q(pk=training.pk)
    Qualification.objects.filter(user=user, training__in=Training.objects.filter(accepted)).update(
        last_used_at=now
    )
