"""The two SQL statements of a booking request say what the ORM says, on both databases.

`booking_reads` replaces eight ORM queries on the busiest write path; these tests hold it to
the ORM versions (`schedule.open_intervals`, `schedule.busy_intervals`, the memberships) on
random calendars, and check what the request does with the result: late no-shows released,
the per-day lock on PostgreSQL, the notification queued in the booking's transaction.
"""

import datetime as dt
import random

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone, translation

from maillage.directory.models import Membership, MembershipState, OrganisationStatus, Role
from maillage.equipment import actions as equipment_actions
from maillage.qualifications import actions as qualification_actions
from maillage.sharing import notifications, schedule
from maillage.sharing.actions import bookings as booking_actions
from maillage.sharing.actions import checks as booking_checks
from maillage.sharing.actions import offers as offer_actions
from maillage.sharing.availability import PARIS, Interval
from maillage.sharing.models import (
    LIVE_STATES,
    AvailabilityException,
    Booking,
    BookingState,
    Downtime,
    ExceptionKind,
    OpeningWindow,
)
from maillage.sharing.queries import reads as booking_reads

pytestmark = pytest.mark.django_db


@pytest.fixture
def host(make_user):
    return make_user("hote")


@pytest.fixture
def workshop(make_organisation, host):
    return make_organisation("Atelier des Calanques", admin=host)


@pytest.fixture
def machine(host, workshop):
    machine = equipment_actions.create_machine(
        host,
        workshop,
        equipment_actions.MachineInput(name="Plieuse", process_codes=["2.1.5"]),
    )
    offer_actions.save_offer(
        host,
        machine,
        offer_actions.OfferInput(mode="self_service", buffer_minutes=15, no_show_grace_minutes=20),
    )
    return machine


@pytest.fixture
def booker(make_user, make_organisation):
    user = make_user("emploi")
    guest = make_organisation("Collectif Vieux-Port", kind="sme")
    Membership.objects.create(user=user, organisation=guest, role=Role.MEMBER)
    return user


# --- the terms ------------------------------------------------------------------------


def test_terms_read_the_offer_the_host_and_only_the_valid_memberships(
    machine, booker, host, workshop, make_organisation
):
    own = booker.memberships.get().organisation
    pending = make_organisation("En attente", status=OrganisationStatus.PENDING)
    asked = make_organisation("Demandée")
    Membership.objects.create(user=booker, organisation=pending, role=Role.MEMBER)
    Membership.objects.create(
        user=booker, organisation=asked, role=Role.MEMBER, state=MembershipState.REQUESTED
    )
    terms = booking_reads.load_terms(machine.pk, booker.pk)
    assert terms is not None
    assert terms.offer_id == machine.offer.pk
    assert terms.active is True
    assert terms.mode == "self_service"
    assert terms.rules.buffer_minutes == 15
    assert terms.no_show_grace_minutes == 20
    assert terms.host_id == workshop.pk
    assert terms.host_status == OrganisationStatus.VALIDATED
    assert terms.site_id == machine.site_id
    assert terms.required_trainings == 0
    assert terms.booker_org_ids == (own.pk,)  # not the pending one, not the asked one

    training = qualification_actions.create_training(
        host, workshop, "Pliage en sécurité", machine=machine
    )
    machine.offer.required_trainings.add(training)
    host_terms = booking_reads.load_terms(machine.pk, host.pk)
    assert host_terms is not None
    assert host_terms.required_trainings == 1
    assert host_terms.booker_org_ids == (workshop.pk,)


def test_no_terms_without_an_offer(host, workshop, booker):
    bare = equipment_actions.create_machine(
        host, workshop, equipment_actions.MachineInput(name="Tour", process_codes=["3.2.1"])
    )
    assert booking_reads.load_terms(bare.pk, booker.pk) is None


# --- the calendar, against the ORM ------------------------------------------------------


def _random_calendar(rng: random.Random, machine, other, base: dt.datetime) -> None:
    """Windows on the site or the machine, exceptions, bookings in every state, downtimes;
    and the same on another machine of the site, which must not leak in."""
    OpeningWindow.objects.all().delete()
    AvailabilityException.objects.all().delete()
    Downtime.objects.all().delete()
    Booking.objects.all().delete()
    scope = rng.choice(["site", "machine", "both", "none"])
    for day in range(7):
        opens = dt.time(rng.randrange(6, 11), rng.choice((0, 30)))
        closes = dt.time(rng.randrange(12, 23), rng.choice((0, 30)))
        if scope in ("site", "both"):
            OpeningWindow.objects.create(
                site_id=machine.site_id, weekday=day, start=opens, end=closes
            )
        if scope in ("machine", "both") and rng.random() < 0.7:
            OpeningWindow.objects.create(
                machine=machine, weekday=day, start=dt.time(9), end=dt.time(17)
            )
        OpeningWindow.objects.create(machine=other, weekday=day, start=dt.time(1), end=dt.time(2))

    def span(hours_from: int, hours_to: int) -> tuple[dt.datetime, dt.datetime]:
        start = base + dt.timedelta(minutes=15 * rng.randrange(hours_from * 4, hours_to * 4))
        return start, start + dt.timedelta(minutes=15 * rng.randrange(1, 40))

    for _ in range(rng.randrange(0, 4)):
        start, end = span(-24, 24 * 6)
        kind = rng.choice(list(ExceptionKind))
        target = rng.choice(
            [{"machine": machine}, {"site_id": machine.site_id}, {"machine": other}]
        )
        AvailabilityException.objects.create(kind=kind, start=start, end=end, **target)
    cursor = base - dt.timedelta(days=1)
    for number in range(rng.randrange(3, 12)):
        cursor += dt.timedelta(minutes=15 * rng.randrange(1, 60))
        end = cursor + dt.timedelta(minutes=15 * rng.randrange(2, 12))
        live = number < 3  # at least three that hold the machine
        Booking.objects.create(
            machine=machine if live else rng.choice([machine, machine, other]),
            booker=machine.organisation.memberships.first().user,
            host_organisation=machine.organisation,
            start=cursor,
            end=end,
            blocked_until=end + dt.timedelta(minutes=15),
            state=rng.choice(LIVE_STATES if live else list(BookingState)),
            tier="member",
        )
        cursor = end + dt.timedelta(minutes=15)
    for _ in range(rng.randrange(1, 3)):
        start, end = span(-48, 24 * 6)
        Downtime.objects.create(
            machine=rng.choice([machine, other]),
            start=start,
            end=end if rng.random() < 0.7 else None,
            reason="Révision",
        )


@pytest.mark.parametrize("seed", range(12))
def test_the_calendar_statement_says_what_the_orm_says(seed, machine, host, workshop):
    rng = random.Random(seed)
    other = equipment_actions.create_machine(
        host, workshop, equipment_actions.MachineInput(name="Voisine", process_codes=["2.1.5"])
    )
    # Around the 2026 autumn change, so that local windows move under UTC bounds.
    base = dt.datetime(2026, 10, 23, 8, 0, tzinfo=PARIS).astimezone(dt.UTC)
    _random_calendar(rng, machine, other, base)
    bookings = list(Booking.objects.filter(machine=machine))
    seen_open = seen_busy = 0
    for number in range(16):
        if number % 2:  # around one of the machine's bookings
            around = rng.choice(bookings)
            start = around.start - dt.timedelta(minutes=15 * rng.randrange(0, 16))
            end = around.end + dt.timedelta(minutes=15 * rng.randrange(0, 16))
        else:
            start = base + dt.timedelta(minutes=15 * rng.randrange(-96, 24 * 4 * 6))
            end = start + dt.timedelta(minutes=15 * rng.randrange(1, 24 * 4 * 2))
        exclude = rng.choice([None, None, *(b.pk for b in bookings)])
        calendar = booking_reads.load_calendar(machine.pk, machine.site_id, start, end, exclude)
        expected_open = schedule.open_intervals(machine, start, end)
        expected_busy = schedule.busy_intervals(machine, start, end, exclude_booking=exclude)
        assert calendar.open_intervals(start, end) == expected_open
        assert sorted(calendar.busy(), key=_key) == sorted(expected_busy, key=_key)
        seen_open += bool(expected_open)
        seen_busy += bool(expected_busy)
    assert seen_open and seen_busy  # the comparison was not between empty lists


def _key(interval: Interval) -> tuple[dt.datetime, dt.datetime]:
    return interval.start, interval.end


# --- what the request does with it ------------------------------------------------------


def _local(days_ahead: int, hour: int) -> dt.datetime:
    day = timezone.now().astimezone(PARIS).date() + dt.timedelta(days=days_ahead)
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=PARIS)


def test_a_late_no_show_stops_holding_the_machine(machine, booker, host):
    late = booking_actions.request_booking(
        host, machine, _local(3, 9), _local(3, 12), now=_local(2, 9)
    )
    assert late.state == BookingState.CONFIRMED
    with pytest.raises(ValidationError) as refused:  # 09:15: within the grace, still held
        booking_actions.request_booking(
            booker,
            machine,
            _local(3, 10),
            _local(3, 11),
            now=_local(3, 9) + dt.timedelta(minutes=15),
        )
    assert "start" in refused.value.message_dict
    # 09:21: the 09:00 booking was never checked in and the host's 20 minutes are over.
    taken = booking_actions.request_booking(
        booker, machine, _local(3, 10), _local(3, 11), now=_local(3, 9) + dt.timedelta(minutes=21)
    )
    assert taken.state == BookingState.CONFIRMED
    assert Booking.objects.get(pk=late.pk).state == BookingState.NO_SHOW


def test_the_notification_is_queued_in_the_booking_transaction(machine, booker, settings):
    """With the database queue, the task row commits or rolls back with the booking."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    start = _local(2, 10)
    booking = booking_actions.request_booking(booker, machine, start, start + dt.timedelta(hours=1))
    queued = DBTaskResult.objects.filter(task_path="maillage.sharing.tasks.notify_booking")
    assert [row.args_kwargs["args"][:2] for row in queued] == [[booking.pk, "requested"]]
    assert [row.args_kwargs["args"][2:] for row in queued] == [
        [BookingState.CONFIRMED, booking.start.isoformat()]
    ]
    assert mail.outbox == []  # the worker sends it, not the request

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        later = _local(4, 10)
        booking_actions.request_booking(booker, machine, later, later + dt.timedelta(hours=1))
        raise Abort
    assert queued.count() == 1  # the rolled-back booking left no task behind


def test_without_a_queue_the_notification_leaves_after_commit(
    machine, booker, host, django_capture_on_commit_callbacks
):
    """The immediate backend (tests, small installations): e-mails once the booking is in."""
    start = _local(2, 14)
    with django_capture_on_commit_callbacks(execute=True):
        booking = booking_actions.request_booking(
            booker, machine, start, start + dt.timedelta(hours=1)
        )
        assert mail.outbox == []
    assert sorted(m.to[0] for m in mail.outbox) == sorted([booker.email, host.email])
    assert booking.machine.name in mail.outbox[0].subject


@pytest.mark.skipif(connection.vendor != "postgresql", reason="advisory locks are PostgreSQL's")
def test_writers_lock_each_utc_day_the_blocked_time_touches(machine):
    start = dt.datetime(2026, 12, 3, 22, 30, tzinfo=dt.UTC)
    with transaction.atomic():
        booking_checks.lock_days(machine.pk, start, start + dt.timedelta(hours=2))
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT classid, objid FROM pg_locks WHERE locktype = 'advisory' "
                "AND pid = pg_backend_pid() ORDER BY objid"
            )
            held = cursor.fetchall()
    first = dt.date(2026, 12, 3).toordinal()
    assert held == [(machine.pk, first), (machine.pk, first + 1)]


def test_the_e_mail_tells_the_state_of_its_event_even_when_sent_later(machine, booker):
    """The worker may send after the booking changed again: the e-mail keeps its own event."""
    start = _local(2, 15)
    booking = booking_actions.request_booking(booker, machine, start, start + dt.timedelta(hours=1))
    booking_actions.cancel_booking(booker, booking)
    mail.outbox.clear()
    with translation.override("en"):
        notifications.send_booking_notification(
            booking.pk, "requested", BookingState.CONFIRMED, start.isoformat()
        )
    assert mail.outbox and all("Confirmed" in m.subject for m in mail.outbox)


def test_a_refused_slot_is_explained_in_french_first(machine, booker):
    start = _local(2, 3)  # 03:00, when the machine is closed
    OpeningWindow.objects.create(
        machine=machine, weekday=start.weekday(), start=dt.time(8), end=dt.time(18)
    )
    with translation.override("fr"), pytest.raises(ValidationError) as refused:
        booking_actions.request_booking(booker, machine, start, start + dt.timedelta(hours=1))
    assert refused.value.message_dict["start"] == [
        "La machine n'est pas ouverte pendant tout le créneau."
    ]
