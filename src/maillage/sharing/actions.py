"""Every write of the sharing domain: offers, openings, trainings, bookings and their usage.

One function per intent, one transaction each, permission checks inside; e-mails go out
after commit. Whatever path a booking takes (page, API, approval), it goes through
`request_booking` / `decide_booking`, so qualification and overlap rules cannot be skipped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from maillage.core.durations import format_days, format_minutes
from maillage.core.mail import send_notification
from maillage.core.outbox import enqueue_in_transaction
from maillage.core.validators import single_line_errors
from maillage.directory import permissions
from maillage.directory.models import (
    Membership,
    MembershipState,
    Organisation,
    OrganisationStatus,
    Role,
    User,
)
from maillage.equipment.models import Machine, MachineStatus
from maillage.sharing import availability, booking_reads, pricing
from maillage.sharing.models import (
    LIVE_STATES,
    Audience,
    Billing,
    Booking,
    BookingState,
    Downtime,
    Mode,
    Offer,
    OpeningWindow,
    Qualification,
    Registration,
    Training,
    TrainingSession,
)
from maillage.sharing.qualifications import equivalent_trainings, missing_trainings

# A granted qualification is dated at most a few minutes ahead (clock skew), and not too far back.
ISSUED_AT_SKEW = dt.timedelta(minutes=5)
ISSUED_AT_HISTORY_YEARS = 10

# Marked for translation here, translated when the refusal is written (`_check_rules`).
PROBLEM_MESSAGES = {
    availability.Problem.END_BEFORE_START: (
        "end",
        gettext_noop("The end must come after the start."),
    ),
    availability.Problem.TOO_SHORT: (
        "end",
        gettext_noop("Shorter than the host's minimum of %(min)s."),
    ),
    availability.Problem.TOO_LONG: (
        "end",
        gettext_noop("Longer than the host's maximum of %(max)s."),
    ),
    availability.Problem.NOTICE: (
        "start",
        gettext_noop("The host asks for %(notice)s of notice."),
    ),
    availability.Problem.HORIZON: (
        "start",
        gettext_noop("Bookings open at most %(horizon)s ahead."),
    ),
    availability.Problem.CLOSED: (
        "start",
        gettext_noop("The machine is not open for the whole slot."),
    ),
    availability.Problem.BUSY: (
        "start",
        gettext_noop("The machine is already booked then (buffer included)."),
    ),
}


# --- offers and opening hours ---------------------------------------------------------


@dataclass
class OfferInput:
    active: bool = True
    audience: str = Audience.NETWORK
    mode: str = Mode.ON_REQUEST
    billing: str = Billing.BOOKED
    price_own_cents: int = 0
    price_member_cents: int = 0
    price_outsider_cents: int = 0
    fixed_fee_cents: int = 0
    min_minutes: int = 30
    max_minutes: int = 480
    buffer_minutes: int = 0
    min_notice_minutes: int = 0
    horizon_days: int = 90
    no_show_grace_minutes: int = 30
    required_training_ids: tuple[int, ...] = ()
    accept_network_qualifications: bool = True
    safety_notes: str = ""


def save_offer(actor: User, machine: Machine, data: OfferInput) -> Offer:
    """Open (or change) the sharing of a machine."""
    if not permissions.can_host(actor, machine.organisation):
        raise PermissionDenied(_("Only the organisation's hosts can share its machines."))
    errors: dict[str, list[str]] = {}
    for name in (
        "price_own_cents",
        "price_member_cents",
        "price_outsider_cents",
        "fixed_fee_cents",
        "buffer_minutes",
        "min_notice_minutes",
        "no_show_grace_minutes",
    ):
        if getattr(data, name) < 0:
            errors[name] = [_("This value cannot be negative.")]
    if data.min_minutes < 5:
        errors["min_minutes"] = [_("At least 5 minutes.")]
    if data.max_minutes < data.min_minutes:
        errors["max_minutes"] = [_("The maximum cannot be below the minimum.")]
    if data.horizon_days < 1:
        errors["horizon_days"] = [_("At least one day.")]
    if data.audience not in Audience.values:
        errors["audience"] = [_("Unknown audience.")]
    if data.mode not in Mode.values:
        errors["mode"] = [_("Unknown mode.")]
    if data.billing not in Billing.values:
        errors["billing"] = [_("Unknown billing.")]
    trainings = list(Training.objects.filter(pk__in=data.required_training_ids))
    if len(trainings) != len(set(data.required_training_ids)):
        errors["required_trainings"] = [_("Unknown training.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        offer, _created = Offer.objects.get_or_create(machine=machine)
        for name, value in vars(data).items():
            if name != "required_training_ids":
                setattr(offer, name, value)
        offer.full_clean()
        offer.save()
        offer.required_trainings.set(trainings)
    return offer


@dataclass(frozen=True)
class WindowInput:
    weekday: int
    start: dt.time
    end: dt.time


def set_opening_windows(
    actor: User, windows: list[WindowInput], *, machine: Machine | None = None, site: object = None
) -> None:
    """Replace the weekly opening hours of a machine (or of a whole site)."""
    from maillage.directory.models import Site

    target_org = (
        machine.organisation if machine else (site.organisation if isinstance(site, Site) else None)
    )
    if target_org is None:
        raise ValidationError(_("Say which machine or site the hours are for."))
    if not permissions.can_host(actor, target_org):
        raise PermissionDenied(_("Only the organisation's hosts can set its opening hours."))
    errors = []
    for index, window in enumerate(windows):
        if not 0 <= window.weekday <= 6:
            errors.append(_("Line %(n)s: unknown day.") % {"n": index + 1})
        if window.end <= window.start:
            errors.append(
                _("Line %(n)s: the closing time must come after the opening time.")
                % {"n": index + 1}
            )
    if errors:
        raise ValidationError({"windows": errors})
    with transaction.atomic():
        scope = {"machine": machine} if machine else {"site": site}
        OpeningWindow.objects.filter(**scope).delete()
        OpeningWindow.objects.bulk_create(
            [OpeningWindow(weekday=w.weekday, start=w.start, end=w.end, **scope) for w in windows]
        )


def set_machine_down(
    actor: User,
    machine: Machine,
    reason: str,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
) -> Downtime:
    """Record a downtime; the machine stops taking bookings and affected bookers are told."""
    if not permissions.can_host(actor, machine.organisation):
        raise PermissionDenied(_("Only the organisation's hosts can set its machines down."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why, so that bookers understand.")})
    start = start or timezone.now()
    if end is not None and end <= start:
        raise ValidationError({"end": _("The end must come after the start.")})
    with transaction.atomic():
        # One status change of a machine at a time: a concurrent "up" cannot leave a downtime open.
        Machine.objects.select_for_update().filter(pk=machine.pk).first()
        downtime = Downtime.objects.create(
            machine=machine, start=start, end=end, reason=reason.strip(), created_by=actor
        )
        if end is None:
            Machine.objects.filter(pk=machine.pk).update(status=MachineStatus.DOWN)
        affected = Booking.objects.filter(machine=machine, state__in=LIVE_STATES, end__gt=start)
        if end is not None:
            affected = affected.filter(start__lt=end)
        affected_ids = list(affected.values_list("pk", flat=True))
        if affected_ids:
            from maillage.sharing.tasks import notify_downtime

            enqueue_in_transaction(notify_downtime, downtime.pk, affected_ids)
    return downtime


def set_machine_up(actor: User, machine: Machine) -> None:
    if not permissions.can_host(actor, machine.organisation):
        raise PermissionDenied(_("Only the organisation's hosts can set its machines back up."))
    with transaction.atomic():
        Machine.objects.select_for_update().filter(pk=machine.pk).first()
        Downtime.objects.filter(machine=machine, end__isnull=True).update(end=timezone.now())
        Machine.objects.filter(pk=machine.pk).update(status=MachineStatus.OPERATIONAL)


# --- trainings and qualifications ----------------------------------------------------


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
    from maillage.equipment.models import Process

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


# --- bookings ------------------------------------------------------------------------


def _memberships(user: User) -> list[Membership]:
    return list(
        Membership.objects.filter(
            user=user,
            state=MembershipState.ACTIVE,
            organisation__status=OrganisationStatus.VALIDATED,
        ).select_related("organisation")
    )


def _check_audience(user: User, audience: str, host_id: int, org_ids: Sequence[int]) -> None:
    if audience == Audience.OWN and host_id not in org_ids:
        raise PermissionDenied(_("This machine is booked by its own organisation's members only."))
    if audience == Audience.NETWORK and not org_ids and not permissions.is_coordinator(user):
        raise PermissionDenied(
            _("This machine is booked by members of the network's organisations only.")
        )


def _check_rules(
    terms: booking_reads.Terms,
    machine_id: int,
    wanted: availability.Interval,
    now: dt.datetime,
    exclude: int | None = None,
) -> None:
    """The host's rules and the calendar around the slot; late no-shows are released first."""
    # Only the slot and its buffer matter: the cost stays flat however full the calendar is.
    window = availability.blocked(
        availability.Interval(wanted.start, max(wanted.end, wanted.start)),
        terms.rules.buffer_minutes,
    )
    calendar = booking_reads.load_calendar(
        machine_id, terms.site_id, window.start, window.end, exclude_booking=exclude
    )
    # A confirmed booking nobody came for stops holding the machine once the grace is over.
    late = calendar.late_no_shows(now, terms.no_show_grace_minutes)
    if late:
        Booking.objects.filter(pk__in=late, state=BookingState.CONFIRMED).update(
            state=BookingState.NO_SHOW
        )
    problems = availability.check_request(
        wanted,
        now,
        terms.rules,
        calendar.open_intervals(window.start, window.end),
        calendar.busy(released=late),
    )
    if problems:
        errors: dict[str, list[str]] = {}
        values = {
            "min": format_minutes(terms.rules.min_minutes),
            "max": format_minutes(terms.rules.max_minutes),
            "notice": format_minutes(terms.rules.min_notice_minutes),
            "horizon": format_days(terms.rules.horizon_days),
        }
        for problem in problems:
            field, text = PROBLEM_MESSAGES[problem]
            errors.setdefault(field, []).append(_(text) % values)
        raise ValidationError(errors)


def _check_qualified(user: User, offer: Offer, at: dt.datetime) -> None:
    if offer.mode == Mode.WITH_OPERATOR:
        return  # the host's operator runs the machine
    missing = missing_trainings(user, offer, at)
    if missing:
        raise ValidationError({"qualification": [m.message() for m in missing]})


def _price(
    booking: Booking, prices: pricing.PriceList, billing: str, org_ids: set[int], is_member: bool
) -> None:
    """Freeze the tier, rate and fee; estimate the amount from the booked time."""
    tier = pricing.tier_for(org_ids, booking.host_organisation_id, is_member)
    booking.tier = tier
    booking.rate_cents = prices.rate(tier)
    booking.fixed_fee_cents = prices.fixed_fee_cents
    booking.billing = billing
    hours = pricing.hours_between((booking.end - booking.start).total_seconds())
    booking.estimated_cents = pricing.amount_cents(
        hours, booking.rate_cents, booking.fixed_fee_cents
    )
    booking.priced_at = timezone.now()


def _prices(offer: Offer) -> pricing.PriceList:
    return pricing.PriceList(
        offer.price_own_cents,
        offer.price_member_cents,
        offer.price_outsider_cents,
        offer.fixed_fee_cents,
    )


def request_booking(
    actor: User,
    machine: Machine,
    start: dt.datetime,
    end: dt.datetime,
    *,
    booker_organisation: Organisation | None = None,
    note: str = "",
    safety_acknowledged: bool = False,
    now: dt.datetime | None = None,
) -> Booking:
    """Ask for a slot; confirmed at once unless the host approves each request.

    Reads in two statements (`booking_reads`), writes in one short transaction: the machine's
    row locked, the booking inserted (the database refuses an overlap), its notification
    queued in the same transaction.
    """
    if not actor.is_authenticated:
        raise PermissionDenied(_("Sign in to book a machine."))
    now = now or timezone.now()
    terms = booking_reads.load_terms(machine.pk, actor.pk)
    if terms is None or not terms.active or terms.host_status != OrganisationStatus.VALIDATED:
        raise ValidationError({"machine": _("This machine is not offered for booking.")})
    if terms.machine_status in (MachineStatus.DOWN, MachineStatus.RETIRED):
        raise ValidationError({"machine": _("This machine is out of service for now.")})
    if timezone.is_naive(start) or timezone.is_naive(end):
        raise ValidationError({"start": _("Give the time with its time zone.")})
    # The horizon first: a slot years ahead is refused before any calendar arithmetic.
    if max(start, end) > now + dt.timedelta(days=terms.rules.horizon_days):
        field, text = PROBLEM_MESSAGES[availability.Problem.HORIZON]
        raise ValidationError({field: _(text) % {"horizon": format_days(terms.rules.horizon_days)}})
    # In UTC, durations are true durations even across a daylight-saving change.
    start, end = start.astimezone(dt.UTC), end.astimezone(dt.UTC)
    org_ids = terms.booker_org_ids
    _check_audience(actor, terms.audience, terms.host_id, org_ids)
    if booker_organisation is not None and booker_organisation.pk not in org_ids:
        raise ValidationError(
            {"booker_organisation": _("You can only book for an organisation you belong to.")}
        )
    booker_org_id = booker_organisation.pk if booker_organisation is not None else None
    if booker_org_id is None and org_ids:
        booker_org_id = terms.host_id if terms.host_id in org_ids else org_ids[0]
    if terms.safety_notes and not safety_acknowledged:
        raise ValidationError({"safety_acknowledged": _("Read and acknowledge the safety notes.")})
    if start < now:
        raise ValidationError({"start": _("This date has passed.")})
    _check_rules(terms, machine.pk, availability.Interval(start, end), now)
    if terms.required_trainings and terms.mode != Mode.WITH_OPERATOR:
        _check_qualified(actor, Offer.objects.get(pk=terms.offer_id), end)
    booking = Booking(
        machine=machine,
        booker=actor,
        booker_organisation_id=booker_org_id,
        host_organisation_id=terms.host_id,
        start=start,
        end=end,
        blocked_until=end + dt.timedelta(minutes=terms.rules.buffer_minutes),
        note=note.strip(),
        safety_acknowledged_at=now if terms.safety_notes else None,
        state=BookingState.REQUESTED if terms.mode == Mode.ON_REQUEST else BookingState.CONFIRMED,
    )
    _price(
        booking,
        terms.prices,
        terms.billing,
        {booker_org_id} if booker_org_id is not None else set(),
        bool(org_ids),
    )
    try:
        with transaction.atomic():
            _lock_days(machine.pk, booking.start, booking.blocked_until)
            booking.save()
            _queue_notification(booking, "requested")
    except IntegrityError as exc:
        if (
            "no_overlap" in str(exc)
            or "exclusion" in str(exc).lower()
            or "conflicting key" in str(exc)
        ):
            raise ValidationError(
                {"start": _("Someone has just booked this slot. Choose another one.")}
            ) from None
        raise
    return booking


def _lock_days(machine_id: int, start: dt.datetime, blocked_until: dt.datetime) -> None:
    """Queue the writers of overlapping bookings of one machine (PostgreSQL).

    Two conflicting inserts running side by side can each wait for the other inside the
    exclusion constraint, and PostgreSQL then aborts one with a deadlock a second later
    instead of a clean conflict. So each writer first takes a transaction-level advisory lock
    per UTC day its blocked time touches, in day order: two overlapping bookings share a day,
    so the second waits for the first and then meets a committed row; bookings of other days
    or other machines go on side by side. SQLite runs one writer at a time anyway.
    """
    if connection.vendor != "postgresql":
        return
    first = start.astimezone(dt.UTC).date().toordinal()
    last = (blocked_until.astimezone(dt.UTC) - dt.timedelta(microseconds=1)).date().toordinal()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, day) FROM generate_series(%s, %s) AS day",
            [machine_id % 2**31, first, max(first, last)],
        )


def _is_host(user: User, booking: Booking) -> bool:
    return permissions.can_host(user, booking.host_organisation)


class BookingConflict(ValidationError):
    """The booking changed between the caller's read and the lock (the API answers 409)."""


def _locked_booking(booking: Booking, starts_from: Sequence[str]) -> Booking:
    """Inside a transaction: the booking's row locked and read again, in a state it may leave.

    The caller's instance may be stale (read before someone else's change committed): every
    transition starts from this row, so two concurrent ones behave as if run one after the other.
    """
    locked = Booking.objects.select_for_update(of=("self",)).get(pk=booking.pk)
    if locked.state not in starts_from:
        raise BookingConflict(
            _("This booking was changed meanwhile: it is now “%(state)s”.")
            % {"state": BookingState(locked.state).label}
        )
    return locked


def _synced(caller: Booking, locked: Booking) -> Booking:
    """The caller's instance shows the new row too (pages and tests keep using it)."""
    for field in Booking._meta.concrete_fields:
        setattr(caller, field.attname, getattr(locked, field.attname))
    return locked


def decide_booking(actor: User, booking: Booking, approve: bool, reason: str = "") -> Booking:
    """The host approves (qualifications and slot checked again) or refuses a request."""
    if not _is_host(actor, booking):
        raise PermissionDenied(_("Only the host organisation decides on its bookings."))
    if booking.state != BookingState.REQUESTED:
        raise ValidationError(_("This booking is no longer waiting for a decision."))
    with transaction.atomic():
        locked = _locked_booking(booking, (BookingState.REQUESTED,))
        if approve:
            offer = Offer.objects.get(machine_id=locked.machine_id)
            _check_qualified(locked.booker, offer, locked.end)
            org_ids = {m.organisation_id for m in _memberships(locked.booker)}
            _price(
                locked,
                _prices(offer),
                offer.billing,
                {locked.booker_organisation_id} if locked.booker_organisation_id else set(),
                bool(org_ids),
            )
            locked.state = BookingState.CONFIRMED
        else:
            if not reason.strip():
                raise ValidationError({"reason": _("Say why, so that the booker can adapt.")})
            locked.state = BookingState.REFUSED
        locked.reason = reason.strip()
        locked.decided_by = actor
        locked.save()
        _queue_notification(locked, locked.state)
    return _synced(booking, locked)


def cancel_booking(
    actor: User, booking: Booking, reason: str = "", now: dt.datetime | None = None
) -> Booking:
    """The booker cancels before the start (within the host's notice), the host at any time."""
    now = now or timezone.now()
    is_booker = actor.pk == booking.booker_id
    is_host = _is_host(actor, booking)
    if not (is_booker or is_host):
        raise PermissionDenied(_("Only the booker or the host can cancel this booking."))
    if booking.state not in (BookingState.REQUESTED, BookingState.CONFIRMED):
        raise ValidationError(_("Only a requested or confirmed booking can be cancelled."))
    if is_host and not is_booker and not reason.strip():
        raise ValidationError({"reason": _("Say why, so that the booker understands.")})
    with transaction.atomic():
        locked = _locked_booking(booking, (BookingState.REQUESTED, BookingState.CONFIRMED))
        if is_booker and not is_host:
            # The locked row's start: a move since the caller's read changes the notice.
            offer = Offer.objects.filter(machine_id=locked.machine_id).first()
            notice = dt.timedelta(minutes=offer.min_notice_minutes if offer else 0)
            if locked.start - notice < now:
                raise ValidationError(_("Too late to cancel online: contact the host."))
        locked.state = BookingState.CANCELLED
        locked.reason = reason.strip()
        locked.decided_by = actor
        locked.save()
        _queue_notification(locked, "cancelled")
    return _synced(booking, locked)


def move_booking(
    actor: User,
    booking: Booking,
    start: dt.datetime,
    end: dt.datetime,
    now: dt.datetime | None = None,
) -> Booking:
    """The booker moves a booking within the host's rules; approval-only offers ask again."""
    now = now or timezone.now()
    if actor.pk != booking.booker_id:
        raise PermissionDenied(_("Only the booker can move this booking."))
    if booking.state not in (BookingState.REQUESTED, BookingState.CONFIRMED):
        raise ValidationError(_("Only a requested or confirmed booking can be moved."))
    if timezone.is_naive(start) or timezone.is_naive(end):
        raise ValidationError({"start": _("Give the time with its time zone.")})
    start, end = start.astimezone(dt.UTC), end.astimezone(dt.UTC)
    terms = booking_reads.load_terms(booking.machine_id, actor.pk)
    if terms is None:
        raise ValidationError({"machine": _("This machine is not offered for booking.")})
    if start < now:
        raise ValidationError({"start": _("This date has passed.")})
    try:
        with transaction.atomic():
            locked = _locked_booking(booking, (BookingState.REQUESTED, BookingState.CONFIRMED))
            # Checked under the lock: the calendar around the slot, without this very booking.
            _check_rules(
                terms, locked.machine_id, availability.Interval(start, end), now, locked.pk
            )
            if terms.required_trainings and terms.mode != Mode.WITH_OPERATOR:
                _check_qualified(actor, Offer.objects.get(pk=terms.offer_id), end)
            locked.start, locked.end = start, end
            locked.blocked_until = end + dt.timedelta(minutes=terms.rules.buffer_minutes)
            if terms.mode == Mode.ON_REQUEST:
                locked.state = BookingState.REQUESTED
            _price(
                locked,
                terms.prices,
                terms.billing,
                {locked.booker_organisation_id} if locked.booker_organisation_id else set(),
                bool(terms.booker_org_ids),
            )
            _lock_days(locked.machine_id, locked.start, locked.blocked_until)
            locked.save()
            _queue_notification(locked, "moved")
    except IntegrityError:
        raise ValidationError(
            {"start": _("Someone has just booked this slot. Choose another one.")}
        ) from None
    return _synced(booking, locked)


def check_in(actor: User, booking: Booking, now: dt.datetime | None = None) -> Booking:
    now = now or timezone.now()
    if not (actor.pk == booking.booker_id or _is_host(actor, booking)):
        raise PermissionDenied(_("Only the booker or the host can check in."))
    if booking.state != BookingState.CONFIRMED:
        raise ValidationError(_("Only a confirmed booking can be checked in."))
    with transaction.atomic():
        locked = _locked_booking(booking, (BookingState.CONFIRMED,))
        if not locked.start - dt.timedelta(minutes=30) <= now <= locked.end:
            raise ValidationError(_("Check in from 30 minutes before the start until the end."))
        locked.state = BookingState.CHECKED_IN
        locked.checked_in_at = now
        locked.save()
    return _synced(booking, locked)


@dataclass(frozen=True)
class UsageInput:
    hours_used: Decimal
    meter_reading: Decimal | None = None
    consumables: str = ""
    problem_report: str = ""


def check_out(
    actor: User, booking: Booking, usage: UsageInput, now: dt.datetime | None = None
) -> Booking:
    """Record the use; the final amount follows the recorded hours when the offer bills by use."""
    now = now or timezone.now()
    if not (actor.pk == booking.booker_id or _is_host(actor, booking)):
        raise PermissionDenied(_("Only the booker or the host can check out."))
    if booking.state not in (BookingState.CHECKED_IN, BookingState.CONFIRMED):
        raise ValidationError(_("Only a booking in progress can be checked out."))
    errors: dict[str, list[str]] = {}
    if usage.hours_used < 0:
        errors["hours_used"] = [_("Hours used cannot be negative.")]
    elif usage.hours_used > Decimal(24 * 31):
        errors["hours_used"] = [_("That is more hours than a month holds.")]
    if usage.meter_reading is not None and usage.meter_reading < 0:
        errors["meter_reading"] = [_("A meter reading cannot be negative.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        caller = booking
        booking = _locked_booking(caller, (BookingState.CHECKED_IN, BookingState.CONFIRMED))
        if booking.state == BookingState.CONFIRMED and now < booking.start:
            raise ValidationError(_("This booking has not started yet."))
        booking.hours_used = usage.hours_used
        booking.meter_reading = usage.meter_reading
        booking.consumables = usage.consumables.strip()
        booking.problem_report = usage.problem_report.strip()
        if booking.checked_in_at is None:
            booking.checked_in_at = booking.start
        booking.state = BookingState.COMPLETED
        booking.completed_at = now
        if booking.billing == Billing.USED:
            booking.final_cents = pricing.amount_cents(
                usage.hours_used, booking.rate_cents, booking.fixed_fee_cents
            )
        else:
            booking.final_cents = booking.estimated_cents
        booking.save()
        # Using the machine keeps the qualifications it accepts from lapsing, equivalents included.
        offer = Offer.objects.filter(machine_id=booking.machine_id).first()
        if offer is not None:
            accepted = Q(pk__in=[])
            for required in offer.required_trainings.select_related("process"):
                accepted |= (
                    equivalent_trainings(required)
                    if offer.accept_network_qualifications
                    else Q(pk=required.pk)
                )
            Qualification.objects.filter(
                user=booking.booker, training__in=Training.objects.filter(accepted)
            ).update(last_used_at=now)
        _queue_notification(booking, "completed")
    return _synced(caller, booking)


def release_no_shows(now: dt.datetime) -> int:
    """Confirmed bookings never checked in after the host's grace period become no-shows.

    One UPDATE per distinct grace period among the offers (the periodic command); a booking
    request releases the late bookings that block its own slot itself (`_check_rules`).
    """
    default = Offer._meta.get_field("no_show_grace_minutes").get_default()
    confirmed = Booking.objects.filter(state=BookingState.CONFIRMED)
    released = 0
    graces = set(Offer.objects.values_list("no_show_grace_minutes", flat=True)) | {default}
    for grace in sorted(graces):
        by_offer = Q(machine__offer__no_show_grace_minutes=grace)
        if grace == default:
            by_offer |= Q(machine__offer__isnull=True)
        late = confirmed.filter(by_offer, start__lt=now - dt.timedelta(minutes=grace))
        released += late.update(state=BookingState.NO_SHOW)
    return released


# --- notifications (after commit) ----------------------------------------------------


def _host_emails(organisation: Organisation) -> list[str]:
    return list(
        Membership.objects.filter(
            organisation=organisation, state=MembershipState.ACTIVE, role=Role.ADMIN
        )
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )


def _queue_notification(booking: Booking, event: str) -> None:
    """Inside the booking's transaction: the e-mails go out once it has committed.

    The state and start go with the task: the worker may send after a later change, and each
    e-mail tells what happened at its own event.
    """
    from maillage.sharing.tasks import notify_booking

    enqueue_in_transaction(
        notify_booking, booking.pk, str(event), str(booking.state), booking.start.isoformat()
    )


def send_booking_notification(booking_id: int, event: str, state: str, start: str) -> None:
    booking = (
        Booking.objects.select_related("machine", "booker", "host_organisation")
        .filter(pk=booking_id)
        .first()
    )
    if booking is None:
        return  # deleted meanwhile: nobody left to tell
    local = timezone.localtime(dt.datetime.fromisoformat(start))
    subject = _("%(machine)s, %(when)s: %(state)s") % {
        "machine": booking.machine.name,
        "when": local.strftime("%d/%m/%Y %H:%M"),
        "state": BookingState(state).label,
    }
    url = settings.SITE_URL.rstrip("/") + "/bookings/"
    body = f"{subject}\n{booking.reason}\n\n{url}".strip()
    if booking.booker.email:
        send_notification(subject, body, [booking.booker.email])
    hosts = _host_emails(booking.host_organisation)
    if hosts and event in ("requested", "moved", "cancelled", "completed"):
        send_notification(
            subject, body + "\n" + settings.SITE_URL.rstrip("/") + "/bookings/host/", hosts
        )


def send_downtime_notification(downtime_id: int, booking_ids: list[int]) -> None:
    downtime = Downtime.objects.filter(pk=downtime_id).first()
    if downtime is None:
        return
    for booking in Booking.objects.filter(pk__in=booking_ids).select_related("booker", "machine"):
        if booking.booker.email:
            send_notification(
                _("%(machine)s is out of service") % {"machine": booking.machine.name},
                _("Your booking of %(when)s is affected: %(reason)s. The host will contact you.")
                % {
                    "when": timezone.localtime(booking.start).strftime("%d/%m/%Y %H:%M"),
                    "reason": downtime.reason,
                },
                [booking.booker.email],
            )
