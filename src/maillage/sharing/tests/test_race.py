"""Concurrent bookings of one machine: the database keeps them from overlapping.

Many threads, each with its own database connection, start together (threading.Barrier) and
ask `booking_actions.request_booking` for overlapping slots. Whatever the interleaving, the accepted
bookings never overlap (buffer included), every refusal is explained by an accepted booking,
and a direct SQL query finds no two live bookings overlapping. A second group of tests skips
the action and writes with the ORM: the database itself (a trigger on SQLite, an exclusion
constraint on PostgreSQL) refuses the overlap.

Run on both databases: `DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres pytest ...`.
"""

import datetime as dt
import threading
import traceback
from dataclasses import dataclass
from itertools import pairwise

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, connections, transaction
from django.utils import timezone

from maillage.directory.models import Membership, Role, User
from maillage.equipment import actions as equipment_actions
from maillage.equipment.models import Machine
from maillage.sharing.actions import bookings as booking_actions
from maillage.sharing.actions import offers as offer_actions
from maillage.sharing.models import LIVE_STATES, Booking, BookingState

BUFFER_MINUTES = 15
BOOKERS = 8
JOIN_TIMEOUT = 120  # seconds; SQLite writers queue behind one another (busy timeout 20 s)


@dataclass
class Attempt:
    index: int
    start: dt.datetime
    end: dt.datetime
    booking_id: int | None = None
    refusal: str = ""
    error: str = ""

    @property
    def blocked_until(self) -> dt.datetime:
        return self.end + dt.timedelta(minutes=BUFFER_MINUTES)

    def overlaps(self, other: "Attempt") -> bool:
        """Buffer included: what each booking keeps from the others is [start, end + buffer)."""
        return self.start < other.blocked_until and other.start < self.blocked_until


@pytest.fixture
def fast_hasher(settings):
    """The fixtures create ten people: hash their passwords quickly."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def reference_data(db):
    """Communes and processes: a transactional test's flush empties them (conftest reloads
    them too; this keeps the module independent of that)."""
    from maillage.testing import ensure_reference_data

    ensure_reference_data()


@pytest.fixture
def shared_machine(fast_hasher, reference_data, make_user, make_organisation):
    """A self-service laser cutter open all the time, and members of another organisation."""
    host_admin = make_user("host")
    host = make_organisation("Atelier Hôte", admin=host_admin)
    guests = make_organisation("Collectif Invité", kind="sme")
    machine = equipment_actions.create_machine(
        host_admin,
        host,
        equipment_actions.MachineInput(name="Laser partagé", process_codes=["3.4.1.1"]),
    )
    offer_actions.save_offer(
        host_admin,
        machine,
        offer_actions.OfferInput(
            mode="self_service", buffer_minutes=BUFFER_MINUTES, min_minutes=30, max_minutes=240
        ),
    )
    bookers = []
    for number in range(BOOKERS):
        user = make_user(f"booker{number}")
        Membership.objects.create(user=user, organisation=guests, role=Role.MEMBER)
        bookers.append(user)
    return machine, bookers


def _base() -> dt.datetime:
    """Tomorrow 08:00 local time: inside the notice and horizon rules."""
    tomorrow = timezone.localtime() + dt.timedelta(days=1)
    return tomorrow.replace(hour=8, minute=0, second=0, microsecond=0)


def _book_concurrently(
    machine: Machine, bookers: list[User], slots: list[tuple[dt.datetime, dt.datetime]]
) -> list[Attempt]:
    """One thread per slot, all released at once; each thread uses its own connection."""
    attempts = [Attempt(i, start, end) for i, (start, end) in enumerate(slots)]
    barrier = threading.Barrier(len(attempts))

    def run(attempt: Attempt) -> None:
        try:
            # Objects of this thread's own connection, loaded before the start signal.
            user = User.objects.get(pk=bookers[attempt.index % len(bookers)].pk)
            own_machine = Machine.objects.get(pk=machine.pk)
            barrier.wait(timeout=JOIN_TIMEOUT)
            try:
                booking = booking_actions.request_booking(
                    user, own_machine, attempt.start, attempt.end
                )
            except ValidationError as exc:
                attempt.refusal = " ".join(exc.messages)
            else:
                attempt.booking_id = booking.pk
        except Exception:  # anything else is a failure of the test, reported below
            attempt.error = traceback.format_exc()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(a,)) for a in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_TIMEOUT)
    assert not any(t.is_alive() for t in threads), "a booking thread hung"
    errors = [a.error for a in attempts if a.error]
    assert not errors, "unexpected exceptions:\n" + "\n".join(errors)
    return attempts


OVERLAP_SQL = f"""
    SELECT a.id, b.id FROM sharing_booking a
    JOIN sharing_booking b ON a.machine_id = b.machine_id AND a.id < b.id
    WHERE a.state IN {tuple(str(s) for s in LIVE_STATES)}
      AND b.state IN {tuple(str(s) for s in LIVE_STATES)}
      AND a.start < b.blocked_until AND b.start < a.blocked_until
"""


def _overlapping_pairs() -> list[tuple[int, int]]:
    """Straight from the tables, not through the ORM's idea of the bookings."""
    with connection.cursor() as cursor:
        cursor.execute(OVERLAP_SQL)
        return [tuple(row) for row in cursor.fetchall()]


def _check_outcome(attempts: list[Attempt]) -> list[Attempt]:
    accepted = [a for a in attempts if a.booking_id is not None]
    refused = [a for a in attempts if a.booking_id is None]
    assert accepted, "nobody got a slot"
    # Pairwise non-overlapping, buffer included.
    for i, first in enumerate(accepted):
        for second in accepted[i + 1 :]:
            assert not first.overlaps(second), (first, second)
    # Maximal: each refusal is explained by an accepted booking it overlaps.
    for attempt in refused:
        assert attempt.refusal, attempt
        assert any(attempt.overlaps(winner) for winner in accepted), attempt
    # The database holds exactly the accepted bookings, and no two live ones overlap.
    live = Booking.objects.filter(state__in=LIVE_STATES)
    assert sorted(live.values_list("pk", flat=True)) == sorted(a.booking_id for a in accepted)
    for booking in live:
        winner = next(a for a in accepted if a.booking_id == booking.pk)
        assert (booking.start, booking.end) == (winner.start, winner.end)
        assert booking.blocked_until == winner.blocked_until
    assert _overlapping_pairs() == []
    return accepted


@pytest.mark.django_db(transaction=True)
def test_forty_clients_on_eight_half_overlapping_slots_get_a_maximal_non_overlapping_set(
    shared_machine,
):
    """8 one-hour slots 45 minutes apart: each overlaps its neighbours (by 15 minutes, 30 with
    the buffer) and no other; 5 clients ask for each slot, all at once."""
    machine, bookers = shared_machine
    base = _base()
    candidates = [
        (base + dt.timedelta(minutes=45 * k), base + dt.timedelta(minutes=45 * k + 60))
        for k in range(8)
    ]
    for k in range(7):  # the conflict graph is a path: neighbours only
        a, b = (Attempt(0, *candidates[k]), Attempt(0, *candidates[k + 1]))
        assert a.overlaps(b)
        if k < 6:
            assert not a.overlaps(Attempt(0, *candidates[k + 2]))
    slots = [candidates[k % 8] for k in range(40)]

    attempts = _book_concurrently(machine, bookers, slots)

    accepted = _check_outcome(attempts)
    won = sorted(candidates.index((a.start, a.end)) for a in accepted)
    assert len(won) == len(set(won)), "one slot was given twice"
    # A maximal independent set of a path of 8 has between 3 and 4 nodes... and no gap of 3.
    assert 3 <= len(won) <= 4
    assert all(second - first in (2, 3) for first, second in pairwise(won))
    assert won[0] <= 1 and won[-1] >= 6
    assert len(attempts) - len(accepted) == 40 - len(won)


@pytest.mark.django_db(transaction=True)
def test_thirty_clients_on_one_slot_get_exactly_one_booking(shared_machine):
    machine, bookers = shared_machine
    start = _base() + dt.timedelta(hours=2)
    attempts = _book_concurrently(machine, bookers, [(start, start + dt.timedelta(hours=1))] * 30)
    accepted = _check_outcome(attempts)
    assert len(accepted) == 1
    assert Booking.objects.get().state == BookingState.CONFIRMED


@pytest.mark.django_db(transaction=True)
def test_touching_slots_all_succeed_together(shared_machine):
    """Slots that only touch once the buffer is counted do not conflict: all of them win."""
    machine, bookers = shared_machine
    base = _base()
    step = dt.timedelta(minutes=60 + BUFFER_MINUTES)
    slots = [(base + k * step, base + k * step + dt.timedelta(hours=1)) for k in range(10)]
    attempts = _book_concurrently(machine, bookers, slots)
    assert len(_check_outcome(attempts)) == 10


# --- the database's own guard, without the action --------------------------------------


def _raw_booking(machine, user, start, minutes=60, buffer=BUFFER_MINUTES, state="confirmed"):
    end = start + dt.timedelta(minutes=minutes)
    return Booking(
        machine=machine,
        booker=user,
        host_organisation=machine.organisation,
        start=start,
        end=end,
        blocked_until=end + dt.timedelta(minutes=buffer),
        state=state,
        tier="member",
    )


def _refused_by_the_database(booking: Booking) -> str:
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        booking.save()
    return str(caught.value)


@pytest.mark.django_db
def test_the_database_refuses_an_overlapping_insert_made_with_the_orm(shared_machine):
    machine, bookers = shared_machine
    base = _base()
    _raw_booking(machine, bookers[0], base).save()  # [08:00, 09:00) blocked until 09:15

    message = _refused_by_the_database(_raw_booking(machine, bookers[1], base))
    assert "sharing_booking_no_overlap" in message  # trigger or exclusion constraint, by name
    for minutes in (-59, 30, 74):  # overlaps the booking or its buffer
        start = base + dt.timedelta(minutes=minutes)
        _refused_by_the_database(_raw_booking(machine, bookers[1], start))
    # Our own buffer reaching into the next booking is refused as well.
    _refused_by_the_database(_raw_booking(machine, bookers[1], base - dt.timedelta(minutes=70)))

    # Touching is fine on both sides ([start, blocked_until) is half-open).
    _raw_booking(machine, bookers[1], base + dt.timedelta(minutes=75)).save()
    _raw_booking(machine, bookers[2], base - dt.timedelta(minutes=75)).save()
    # Dead bookings do not hold the machine.
    for state in (BookingState.CANCELLED, BookingState.REFUSED, BookingState.NO_SHOW):
        _raw_booking(machine, bookers[3], base, state=state).save()
    assert _overlapping_pairs() == []


@pytest.mark.django_db
def test_the_database_refuses_an_update_that_brings_back_an_overlap(shared_machine):
    machine, bookers = shared_machine
    base = _base()
    _raw_booking(machine, bookers[0], base).save()
    cancelled = _raw_booking(machine, bookers[1], base, state=BookingState.CANCELLED)
    cancelled.save()
    cancelled.state = BookingState.CONFIRMED  # revived behind the action's back
    _refused_by_the_database(cancelled)
    later = _raw_booking(machine, bookers[1], base + dt.timedelta(hours=3))
    later.save()
    later.start, later.end = base, base + dt.timedelta(hours=1)  # moved onto the first one
    later.blocked_until = later.end
    _refused_by_the_database(later)
    # Through a queryset update too (no save(), no signal).
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.filter(pk=later.pk).update(start=base - dt.timedelta(minutes=30))
    assert _overlapping_pairs() == []


@pytest.mark.django_db
def test_other_machines_are_not_concerned(shared_machine):
    machine, bookers = shared_machine
    other = equipment_actions.create_machine(
        User.objects.get(username="host"),
        machine.organisation,
        equipment_actions.MachineInput(name="Autre laser", process_codes=["3.4.1.1"]),
    )
    base = _base()
    _raw_booking(machine, bookers[0], base).save()
    _raw_booking(other, bookers[1], base).save()
    assert Booking.objects.count() == 2
