"""The checks every booking path runs, and the price it freezes.

The host's rules and the calendar around the slot, the qualifications, the price tier; on
PostgreSQL, the advisory locks that queue writers of overlapping bookings.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from maillage.core.durations import format_days, format_minutes
from maillage.directory.models import Membership, MembershipState, OrganisationStatus, User
from maillage.qualifications.equivalence import missing_trainings
from maillage.sharing import availability, pricing
from maillage.sharing.models import Booking, BookingState, Mode, Offer
from maillage.sharing.queries import reads

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


def memberships(user: User) -> list[Membership]:
    return list(
        Membership.objects.filter(
            user=user,
            state=MembershipState.ACTIVE,
            organisation__status=OrganisationStatus.VALIDATED,
        ).select_related("organisation")
    )


def check_rules(
    terms: reads.Terms,
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
    calendar = reads.load_calendar(
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


def check_qualified(user: User, offer: Offer, at: dt.datetime) -> None:
    if offer.mode == Mode.WITH_OPERATOR:
        return  # the host's operator runs the machine
    missing = missing_trainings(user, offer, at)
    if missing:
        raise ValidationError({"qualification": [m.message() for m in missing]})


def price_booking(
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


def price_list(offer: Offer) -> pricing.PriceList:
    return pricing.PriceList(
        offer.price_own_cents,
        offer.price_member_cents,
        offer.price_outsider_cents,
        offer.fixed_fee_cents,
    )


def lock_days(machine_id: int, start: dt.datetime, blocked_until: dt.datetime) -> None:
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
