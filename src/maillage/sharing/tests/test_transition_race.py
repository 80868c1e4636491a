"""Concurrent changes of one booking behave as if they had run one after the other.

Two clients read the same booking, wait for each other (threading.Barrier) and then ask for
two transitions at once (approve and cancel, check-in and check-out...), each thread with its
own database connection. Every transition locks the row and checks again the state it leaves,
so whatever the interleaving, the pair of answers and the final row are those of one of the two
serial orders: the second client either succeeds from the state the first one left, or gets
`BookingConflict` ("changed meanwhile"), never a silent success and never another exception.
A stale instance (the state changed after the caller read it) gets the same conflict without
threads. The API answers 409 to such a conflict.

Run on both databases: `DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres pytest ...`.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connections
from django.test import Client, RequestFactory
from django.utils import timezone

from maillage.api import booking_conflict
from maillage.directory.actions import people as people_actions
from maillage.directory.models import Membership, Role, User
from maillage.equipment import actions as equipment_actions
from maillage.equipment.models import Machine
from maillage.qualifications import actions as qualification_actions
from maillage.sharing.actions import bookings as booking_actions
from maillage.sharing.actions import downtimes as downtime_actions
from maillage.sharing.actions import offers as offer_actions
from maillage.sharing.actions import usage as usage_actions
from maillage.sharing.models import Booking, BookingState

TRIALS = 6
JOIN_TIMEOUT = 60  # seconds; SQLite writers queue behind one another (busy timeout 20 s)
MOVE = dt.timedelta(minutes=90)
OK, CONFLICT, TOO_EARLY = "ok", "conflict", "refused: check-in window"

REQUESTED, CONFIRMED = BookingState.REQUESTED, BookingState.CONFIRMED
CHECKED_IN, COMPLETED = BookingState.CHECKED_IN, BookingState.COMPLETED
CANCELLED, REFUSED = BookingState.CANCELLED, BookingState.REFUSED


@dataclass
class People:
    host: User
    booker: User
    machines: dict[str, Machine]  # by the offer's mode


@pytest.fixture(autouse=True)
def english(settings):
    """Messages are checked in English, in every thread (the interface defaults to French)."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def reference_data(db):
    """A transactional test's flush empties the communes and processes: load them again."""
    from maillage.testing import ensure_reference_data

    ensure_reference_data()


@pytest.fixture
def people(fast_hasher, reference_data, make_user, make_organisation) -> People:
    """A host with a self-service machine and an approval-only one, and a booker elsewhere."""
    host_admin = make_user("host")
    host = make_organisation("Atelier Hôte", admin=host_admin)
    guests = make_organisation("Collectif Invité", kind="sme")
    booker = make_user("booker")
    Membership.objects.create(user=booker, organisation=guests, role=Role.MEMBER)
    machines = {}
    for mode in ("self_service", "on_request"):
        machine = equipment_actions.create_machine(
            host_admin,
            host,
            equipment_actions.MachineInput(name=f"Laser {mode}", process_codes=["3.4.1.1"]),
        )
        offer_actions.save_offer(
            host_admin, machine, offer_actions.OfferInput(mode=mode, max_minutes=240)
        )
        machines[mode] = machine
    return People(host_admin, booker, machines)


def _slot(index: int) -> dt.datetime:
    """Tomorrow 08:00 local time and every 3 hours after: one slot per trial, moves included."""
    tomorrow = timezone.localtime() + dt.timedelta(days=1)
    return tomorrow.replace(hour=8, minute=0, second=0, microsecond=0) + index * dt.timedelta(
        hours=3
    )


def _booking(people: People, mode: str, state: str, start: dt.datetime) -> Booking:
    """Written directly: the transitions under test start from exactly this row."""
    end = start + dt.timedelta(hours=1)
    machine = people.machines[mode]
    return Booking.objects.create(
        machine=machine,
        booker=people.booker,
        booker_organisation=Membership.objects.get(user=people.booker).organisation,
        host_organisation=machine.organisation,
        start=start,
        end=end,
        blocked_until=end,
        state=state,
        tier="member",
    )


# Each call: (people, the client's own copy of the booking, the common clock) -> None.
Call = Callable[[People, Booking, dt.datetime], object]

CALLS: dict[str, Call] = {
    "approve": lambda p, b, now: booking_actions.decide_booking(p.host, b, True),
    "refuse": lambda p, b, now: booking_actions.decide_booking(
        p.host, b, False, "Réservé pour un cours"
    ),
    "cancel": lambda p, b, now: booking_actions.cancel_booking(p.booker, b, now=now),
    "host_cancel": lambda p, b, now: booking_actions.cancel_booking(p.host, b, "Panne", now=now),
    "move": lambda p, b, now: booking_actions.move_booking(
        p.booker, b, b.start + MOVE, b.end + MOVE, now
    ),
    "check_in": lambda p, b, now: usage_actions.check_in(p.booker, b, now=now),
    "check_out": lambda p, b, now: usage_actions.check_out(
        p.booker, b, usage_actions.UsageInput(hours_used=Decimal("1")), now=now
    ),
}


def _answer(call: Call, people: People, booking: Booking, now: dt.datetime) -> str:
    """What the client is told: success, the conflict, or (listed where allowed) a refusal."""
    try:
        call(people, booking, now)
    except booking_actions.BookingConflict as exc:
        assert "changed meanwhile" in " ".join(exc.messages), exc.messages
        return CONFLICT
    except ValidationError as exc:
        text = " ".join(exc.messages)
        return TOO_EARLY if "Check in from" in text else "refused: " + text
    return OK


@dataclass
class Pair:
    first: str
    second: str
    mode: str
    state: str
    clock: dt.timedelta  # the common "now", from the booking's start
    # Every serial order's answers (first, second) and the final states it may leave.
    allowed: dict[tuple[str, str], set[str]] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.first}-{self.second}"


BEFORE, DURING = -dt.timedelta(hours=1), dt.timedelta(minutes=5)
PAIRS = [
    # Approve then cancel: both succeed; cancel then approve: the approval is too late.
    Pair("approve", "cancel", "on_request", REQUESTED, BEFORE,
         {(OK, OK): {CANCELLED}, (CONFLICT, OK): {CANCELLED}}),
    Pair("refuse", "cancel", "on_request", REQUESTED, BEFORE,
         {(OK, CONFLICT): {REFUSED}, (CONFLICT, OK): {CANCELLED}}),
    Pair("approve", "refuse", "on_request", REQUESTED, BEFORE,
         {(OK, CONFLICT): {CONFIRMED}, (CONFLICT, OK): {REFUSED}}),
    Pair("approve", "approve", "on_request", REQUESTED, BEFORE,
         {(OK, CONFLICT): {CONFIRMED}, (CONFLICT, OK): {CONFIRMED}}),
    Pair("cancel", "cancel", "self_service", CONFIRMED, BEFORE,
         {(OK, CONFLICT): {CANCELLED}, (CONFLICT, OK): {CANCELLED}}),
    Pair("cancel", "check_in", "self_service", CONFIRMED, -dt.timedelta(minutes=10),
         {(OK, CONFLICT): {CANCELLED}, (CONFLICT, OK): {CHECKED_IN}}),
    Pair("check_in", "check_in", "self_service", CONFIRMED, DURING,
         {(OK, CONFLICT): {CHECKED_IN}, (CONFLICT, OK): {CHECKED_IN}}),
    # Check-out works from a started confirmed booking as from a checked-in one.
    Pair("check_in", "check_out", "self_service", CONFIRMED, DURING,
         {(OK, OK): {COMPLETED}, (CONFLICT, OK): {COMPLETED}}),
    Pair("check_out", "check_out", "self_service", CONFIRMED, DURING,
         {(OK, CONFLICT): {COMPLETED}, (CONFLICT, OK): {COMPLETED}}),
    Pair("check_out", "host_cancel", "self_service", CONFIRMED, DURING,
         {(OK, CONFLICT): {COMPLETED}, (CONFLICT, OK): {CANCELLED}}),
    # A moved booking can still be cancelled; a cancelled one cannot be moved (nor revived).
    Pair("cancel", "move", "self_service", CONFIRMED, BEFORE,
         {(OK, CONFLICT): {CANCELLED}, (OK, OK): {CANCELLED}}),
    # Move then approve: confirmed at the new time; approve then move: asked again.
    Pair("move", "approve", "on_request", REQUESTED, BEFORE,
         {(OK, OK): {CONFIRMED, REQUESTED}}),
    Pair("move", "move", "self_service", CONFIRMED, BEFORE, {(OK, OK): {CONFIRMED}}),
    # After the move the check-in window is 80 minutes away: refused by the moved row's times.
    Pair("move", "check_in", "self_service", CONFIRMED, -dt.timedelta(minutes=10),
         {(OK, TOO_EARLY): {CONFIRMED}, (CONFLICT, OK): {CHECKED_IN}}),
]  # fmt: skip


def _race(people: People, pair: Pair, booking_id: int, now: dt.datetime) -> tuple[str, str]:
    """Both clients read the booking, then call at once; any other exception fails the test."""
    names = (pair.first, pair.second)
    barrier = threading.Barrier(2)
    answers: list[str] = ["", ""]
    errors: list[str] = []

    def run(index: int) -> None:
        try:
            booking = Booking.objects.get(pk=booking_id)  # this client's read, soon stale
            barrier.wait(timeout=JOIN_TIMEOUT)
            answers[index] = _answer(CALLS[names[index]], people, booking, now)
        except Exception:
            errors.append(traceback.format_exc())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_TIMEOUT)
    assert not any(t.is_alive() for t in threads), "a client hung"
    assert not errors, "unexpected exceptions:\n" + "\n".join(errors)
    return answers[0], answers[1]


def _check_final(pair: Pair, answers: tuple[str, str], row: Booking, start: dt.datetime) -> None:
    assert answers in pair.allowed, (str(pair), answers)
    assert row.state in pair.allowed[answers], (str(pair), answers, row.state)
    moved = (pair.first, answers[0]) == ("move", OK) or (pair.second, answers[1]) == ("move", OK)
    assert row.start == (start + MOVE if moved else start), (str(pair), answers)
    assert row.blocked_until >= row.end
    if row.state == COMPLETED:
        assert row.completed_at is not None and row.checked_in_at is not None
    if row.state == CHECKED_IN:
        assert row.checked_in_at is not None


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_transitions_give_the_outcome_of_one_serial_order(people):
    """Every pair of the table, a few times each (which order wins is up to the scheduler)."""
    slot = 0
    for pair in PAIRS:
        for _trial in range(TRIALS):
            start = _slot(slot)
            slot += 1
            booking = _booking(people, pair.mode, pair.state, start)
            answers = _race(people, pair, booking.pk, start + pair.clock)
            _check_final(pair, answers, Booking.objects.get(pk=booking.pk), start)


@pytest.mark.django_db
@pytest.mark.parametrize("pair", PAIRS, ids=str)
def test_each_serial_order_gives_the_listed_outcome(people, pair):
    """The table above, checked without threads: both clients read first, then call in turn."""
    for trial, order in enumerate(((0, 1), (1, 0))):
        start = _slot(trial)
        booking = _booking(people, pair.mode, pair.state, start)
        names = (pair.first, pair.second)
        copies = [Booking.objects.get(pk=booking.pk) for _ in names]
        answers = ["", ""]
        for index in order:
            answers[index] = _answer(CALLS[names[index]], people, copies[index], start + pair.clock)
        _check_final(pair, (answers[0], answers[1]), Booking.objects.get(pk=booking.pk), start)


# --- through the API: the loser is told 409 Conflict ----------------------------------------


def _token(user: User) -> dict[str, str]:
    return {
        "HTTP_AUTHORIZATION": f"Bearer {people_actions.create_api_token(user, 'race')[1]}",
        "HTTP_ACCEPT_LANGUAGE": "en",
    }


def _post_together(posts: list[tuple[str, dict, dict[str, str]]]) -> list[tuple[int, dict]]:
    """Each request from its own thread (and connection), released at once."""
    barrier = threading.Barrier(len(posts))
    responses: list[tuple[int, dict]] = [(0, {})] * len(posts)
    errors: list[str] = []

    def run(index: int) -> None:
        url, payload, headers = posts[index]
        try:
            client = Client()
            barrier.wait(timeout=JOIN_TIMEOUT)
            response = client.post(url, payload, content_type="application/json", **headers)
            responses[index] = (response.status_code, response.json())
        except Exception:
            errors.append(traceback.format_exc())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(posts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_TIMEOUT)
    assert not any(t.is_alive() for t in threads), "a client hung"
    assert not errors, "\n".join(errors)
    return responses


@pytest.mark.django_db(transaction=True)
def test_an_approval_racing_a_cancellation_through_the_api_never_loses_the_cancellation(people):
    host_headers, booker_headers = _token(people.host), _token(people.booker)
    for trial in range(TRIALS):
        booking = _booking(people, "on_request", REQUESTED, _slot(trial))
        (approve_status, approve_body), (cancel_status, cancel_body) = _post_together(
            [
                (f"/api/v1/bookings/{booking.pk}/decide", {"approve": True}, host_headers),
                (f"/api/v1/bookings/{booking.pk}/cancel", {}, booker_headers),
            ]
        )
        # The booker's cancellation always holds, whoever came first.
        assert (cancel_status, cancel_body["state"]) == (200, CANCELLED), cancel_body
        assert Booking.objects.get(pk=booking.pk).state == CANCELLED
        # The approval came first (200), lost the race under the lock (409), or read a booking
        # already cancelled (the usual 422).
        assert approve_status in (200, 409, 422), approve_body
        if approve_status == 409:
            assert approve_body["detail"][0]["msg"].startswith("This booking was changed meanwhile")


@pytest.mark.django_db
def test_the_api_answers_409_with_the_usual_error_shape_to_a_conflict(people):
    """What the racing API clients above get when they lose under the lock."""
    booking = _booking(people, "on_request", REQUESTED, _slot(0))
    stale = Booking.objects.get(pk=booking.pk)
    booking_actions.cancel_booking(people.booker, booking)
    with pytest.raises(booking_actions.BookingConflict) as caught:
        booking_actions.decide_booking(people.host, stale, True)
    response = booking_conflict(RequestFactory().post("/api/v1/bookings/1/decide"), caught.value)
    assert response.status_code == 409
    assert json.loads(response.content) == {
        "detail": [
            {
                "loc": ["body"],
                "msg": "This booking was changed meanwhile: it is now “Cancelled”.",
                "type": "value_error",
            }
        ]
    }


# --- one client with a stale copy --------------------------------------------------------


def _stale(people: People, mode: str, state: str, now_state: str) -> tuple[Booking, Booking]:
    """The caller's copy says `state`; the row has since become `now_state`."""
    booking = _booking(people, mode, state, _slot(0))
    Booking.objects.filter(pk=booking.pk).update(state=now_state)
    return booking, Booking.objects.get(pk=booking.pk)


STALE = [
    ("approve", "on_request", REQUESTED, CANCELLED, "Cancelled", DURING),
    ("refuse", "on_request", REQUESTED, CONFIRMED, "Confirmed", DURING),
    ("cancel", "self_service", CONFIRMED, CHECKED_IN, "Checked in", BEFORE),
    ("host_cancel", "self_service", CONFIRMED, COMPLETED, "Completed", DURING),
    ("move", "self_service", CONFIRMED, CANCELLED, "Cancelled", BEFORE),
    ("check_in", "self_service", CONFIRMED, CANCELLED, "Cancelled", DURING),
    ("check_out", "self_service", CHECKED_IN, COMPLETED, "Completed", DURING),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("call", "mode", "state", "now_state", "label", "clock"), STALE)
def test_a_transition_from_a_stale_copy_gets_the_conflict_and_changes_nothing(
    people, call, mode, state, now_state, label, clock
):
    stale, before = _stale(people, mode, state, now_state)
    with pytest.raises(booking_actions.BookingConflict) as caught:
        CALLS[call](people, stale, stale.start + clock)
    assert caught.value.messages == [f"This booking was changed meanwhile: it is now “{label}”."]
    after = Booking.objects.get(pk=stale.pk)
    assert (after.state, after.start, after.updated_at) == (
        now_state,
        before.start,
        before.updated_at,
    )


@pytest.mark.django_db
def test_the_conflict_reads_in_french(people, settings):
    from django.utils import translation

    stale, _row = _stale(people, "on_request", REQUESTED, CANCELLED)
    with translation.override("fr"), pytest.raises(booking_actions.BookingConflict) as caught:
        booking_actions.decide_booking(people.host, stale, True)
    assert caught.value.messages == [
        "Cette réservation a changé entre-temps : elle est maintenant « Annulée »."
    ]


@pytest.mark.django_db
def test_a_stale_start_is_checked_again_for_the_cancellation_notice(people):
    """Moved meanwhile to within the host's notice: the booker can no longer cancel online."""
    machine = people.machines["self_service"]
    machine.offer.min_notice_minutes = 120
    machine.offer.save()
    stale = _booking(people, "self_service", CONFIRMED, _slot(1))
    now = stale.start - dt.timedelta(hours=3)  # enough notice for the copy's start
    Booking.objects.filter(pk=stale.pk).update(
        start=now + dt.timedelta(hours=1), end=now + dt.timedelta(hours=2)
    )
    Booking.objects.filter(pk=stale.pk).update(blocked_until=now + dt.timedelta(hours=2))
    with pytest.raises(ValidationError, match="Too late to cancel online"):
        booking_actions.cancel_booking(people.booker, stale, now=now)
    assert Booking.objects.get(pk=stale.pk).state == CONFIRMED


@pytest.mark.django_db
def test_a_stale_start_is_checked_again_for_the_check_in_window(people):
    stale = _booking(people, "self_service", CONFIRMED, _slot(0))
    now = stale.start
    later = now + dt.timedelta(hours=2)
    Booking.objects.filter(pk=stale.pk).update(
        start=later, end=later + dt.timedelta(hours=1), blocked_until=later + dt.timedelta(hours=1)
    )
    with pytest.raises(ValidationError, match="Check in from 30 minutes"):
        usage_actions.check_in(people.booker, stale, now=now)
    assert Booking.objects.get(pk=stale.pk).state == CONFIRMED


@pytest.mark.django_db
def test_the_callers_copy_shows_the_new_state_and_the_locked_row_is_returned(people):
    booking = _booking(people, "on_request", REQUESTED, _slot(0))
    other_copy = Booking.objects.get(pk=booking.pk)
    Booking.objects.filter(pk=booking.pk).update(note="changed by someone else")
    returned = booking_actions.decide_booking(people.host, booking, True)
    assert returned.state == booking.state == CONFIRMED
    assert returned.note == booking.note == "changed by someone else"
    assert returned.decided_by_id == booking.decided_by_id == people.host.pk
    # A move of the other copy starts from the confirmed row and asks for approval again.
    moved = booking_actions.move_booking(
        people.booker, other_copy, other_copy.start + MOVE, other_copy.end + MOVE
    )
    assert moved.state == other_copy.state == REQUESTED
    assert moved.note == "changed by someone else"


# --- a date already past -------------------------------------------------------------------


@pytest.mark.django_db
def test_a_request_or_move_to_a_past_start_says_the_date_has_passed(people):
    machine = people.machines["self_service"]
    machine.offer.min_notice_minutes = 1440
    machine.offer.save()
    past = timezone.now() - dt.timedelta(hours=2)
    with pytest.raises(ValidationError) as caught:
        booking_actions.request_booking(people.booker, machine, past, past + dt.timedelta(hours=1))
    assert caught.value.message_dict == {"start": ["This date has passed."]}
    booking = _booking(people, "self_service", CONFIRMED, _slot(2))
    with pytest.raises(ValidationError) as caught:
        booking_actions.move_booking(people.booker, booking, past, past + dt.timedelta(hours=1))
    assert caught.value.message_dict == {"start": ["This date has passed."]}
    # A future start within the notice still gets the notice message.
    soon = timezone.now() + dt.timedelta(hours=2)
    with pytest.raises(ValidationError) as caught:
        booking_actions.request_booking(people.booker, machine, soon, soon + dt.timedelta(hours=1))
    assert "This date has passed." not in caught.value.message_dict.get("start", [])
    assert caught.value.message_dict.get("start")


# --- the other transitions of sharing ------------------------------------------------------


def _together(*calls: Callable[[], object]) -> None:
    """Each call from its own thread (and connection), released at once; none may raise."""
    barrier = threading.Barrier(len(calls))
    errors: list[str] = []

    def run(call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=JOIN_TIMEOUT)
            call()
        except Exception:
            errors.append(traceback.format_exc())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_TIMEOUT)
    assert not any(t.is_alive() for t in threads), "a client hung"
    assert not errors, "\n".join(errors)


@pytest.mark.django_db(transaction=True)
def test_concurrent_grants_keep_the_latest_expiry_and_a_machine_is_down_iff_a_downtime_is_open(
    people,
):
    from maillage.equipment.models import MachineStatus
    from maillage.qualifications.models import Qualification
    from maillage.sharing.models import Downtime

    machine = people.machines["self_service"]
    training = qualification_actions.create_training(
        people.host, machine.organisation, "Laser", machine=machine
    )
    recent = timezone.now()
    for trial in range(TRIALS):
        older = recent - dt.timedelta(days=30 + trial)
        Qualification.objects.filter(user=people.booker, training=training).delete()
        _together(
            lambda older=older: qualification_actions.grant_qualification(
                people.host, people.booker, training, older
            ),
            lambda: qualification_actions.grant_qualification(
                people.host, people.booker, training, recent
            ),
        )
        # Whichever came second, the older session did not shorten the later qualification.
        assert Qualification.objects.get(user=people.booker, training=training).issued_at == recent

        Machine.objects.filter(pk=machine.pk).update(status=MachineStatus.OPERATIONAL)
        Downtime.objects.all().delete()
        _together(
            lambda: downtime_actions.set_machine_down(people.host, machine, "Tube cassé"),
            lambda: downtime_actions.set_machine_up(people.host, machine),
        )
        down = Machine.objects.get(pk=machine.pk).status == MachineStatus.DOWN
        assert down == Downtime.objects.filter(machine=machine, end__isnull=True).exists()
