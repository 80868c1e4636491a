"""Sharing pages through the test client: calendar, booking, my bookings, host dashboard, offer."""

import datetime as dt
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from maillage.directory.models import Membership, OrganisationStatus, Role
from maillage.equipment import actions as equipment_actions
from maillage.equipment.models import MachineStatus
from maillage.qualifications import actions as qualification_actions
from maillage.qualifications.models import Qualification
from maillage.sharing.actions import bookings as booking_actions
from maillage.sharing.actions import downtimes as downtime_actions
from maillage.sharing.actions import hours as hour_actions
from maillage.sharing.actions import offers as offer_actions
from maillage.sharing.actions import usage as usage_actions
from maillage.sharing.models import (
    AvailabilityException,
    Booking,
    BookingState,
    Downtime,
    Offer,
    OpeningWindow,
)
from maillage.sharing.queries.calendar import week_label

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
LASER_CUTTING = "3.4.1.1"


# --- people, organisations, a shared laser cutter -----------------------------------


@pytest.fixture
def client():
    """The pages in English, so that the texts checked here stay put when French is filled in."""
    from django.test import Client

    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def alice(make_user):
    return make_user("alice", first_name="Alice", last_name="Hôte")


@pytest.fixture
def bob(make_user):
    return make_user("bob", first_name="Bob", last_name="Bricoleur")


@pytest.fixture
def carol(make_user):
    """Registered, member of nothing."""
    return make_user("carol")


@pytest.fixture
def dave(make_user, fablab):
    """A member of org B who never took the training."""
    user = make_user("dave")
    Membership.objects.create(user=user, organisation=fablab, role=Role.MEMBER)
    return user


@pytest.fixture
def workshop(make_organisation, alice):
    """Org A, the host."""
    return make_organisation("Atelier Alice", admin=alice)


@pytest.fixture
def fablab(make_organisation, bob):
    """Org B, the booker's."""
    return make_organisation("Fablab Bob", admin=bob)


@pytest.fixture
def laser(alice, workshop):
    return equipment_actions.create_machine(
        alice,
        workshop,
        equipment_actions.MachineInput(name="Trotec Speedy 400", process_codes=[LASER_CUTTING]),
    )


@pytest.fixture
def training(alice, workshop, laser):
    return qualification_actions.create_training(alice, workshop, "Laser safety", machine=laser)


def _offer(alice, laser, training=None, **fields):
    data = {
        "mode": "on_request",
        "billing": "used",
        "price_own_cents": 1000,
        "price_member_cents": 1840,
        "price_outsider_cents": 3000,
        "fixed_fee_cents": 500,
        "required_training_ids": (training.pk,) if training else (),
        "safety_notes": "Wear the goggles.",
        **fields,
    }
    return offer_actions.save_offer(alice, laser, offer_actions.OfferInput(**data))


@pytest.fixture
def offer(alice, laser, training):
    return _offer(alice, laser, training)


@pytest.fixture
def qualified_bob(alice, bob, fablab, training):
    qualification_actions.grant_qualification(alice, bob, training)
    return bob


def _local_day(days_ahead: int) -> dt.date:
    return timezone.now().astimezone(PARIS).date() + dt.timedelta(days=days_ahead)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=PARIS)


def _soon(minutes: int = 10, hours: int = 2) -> tuple[dt.datetime, dt.datetime]:
    """A slot starting in a few minutes (to the minute), local time."""
    start = timezone.now().astimezone(PARIS).replace(second=0, microsecond=0)
    start += dt.timedelta(minutes=minutes)
    return start, start + dt.timedelta(hours=hours)


def _slot_data(start: dt.datetime, end: dt.datetime, **extra) -> dict:
    local_start, local_end = start.astimezone(PARIS), end.astimezone(PARIS)
    return {
        "date": local_start.strftime("%Y-%m-%d"),
        "start": local_start.strftime("%H:%M"),
        "end": local_end.strftime("%H:%M"),
        **extra,
    }


def _has_error_beside(response, field):
    return re.search(rf'class="field has-error" id="field-{field}"', response.content.decode())


def _follow_messages(response):
    return " ".join(str(m) for m in response.context["messages"])


def _book(actor, machine, start, end, **kwargs):
    kwargs.setdefault("safety_acknowledged", True)
    return booking_actions.request_booking(actor, machine, start, end, **kwargs)


# --- the whole flow ------------------------------------------------------------------


def test_a_qualified_member_books_the_host_approves_and_the_use_is_recorded(
    client, alice, qualified_bob, fablab, laser, offer
):
    bob = qualified_bob
    book_url = reverse("sharing:book", args=[laser.pk])

    # Bob reads the offer: his tier (network member) is marked; he holds the training.
    client.force_login(bob)
    page = client.get(book_url)
    assert page.status_code == 200
    html = page.content.decode()
    assert re.search(r'data-tier="member" class="applies".*?18,40 €', html, re.S)
    assert "5,00 €" in html  # the fixed fee
    assert 'id="trainings-held"' in html
    assert "Wear the goggles." in html
    assert 'name="booker_organisation"' not in html  # one organisation only

    start, end = _soon()
    sent = client.post(
        book_url, _slot_data(start, end, note="Plywood 3 mm", safety_acknowledged="on")
    )
    assert sent.status_code == 302, _has_error_beside(sent, "start") or sent.content[:3000]
    assert sent["Location"] == reverse("sharing:my_bookings")
    booking = Booking.objects.get()
    assert (booking.start, booking.end) == (start, end)
    assert booking.state == BookingState.REQUESTED
    assert booking.booker_organisation == fablab
    assert booking.tier == "member"
    assert booking.note == "Plywood 3 mm"
    assert booking.safety_acknowledged_at is not None

    mine = client.get(reverse("sharing:my_bookings"))
    assert f'id="booking-{booking.pk}"' in mine.content.decode()
    assert "Trotec Speedy 400" in mine.content.decode()

    # Alice sees the request on her dashboard and approves it.
    client.force_login(alice)
    board = client.get(reverse("sharing:host_dashboard"))
    assert f'id="request-{booking.pk}"' in board.content.decode()
    assert "Plywood 3 mm" in board.content.decode()
    decided = client.post(
        reverse("sharing:decide", args=[booking.pk]), {"decision": "approve"}, follow=True
    )
    assert "Booking approved." in _follow_messages(decided)
    booking.refresh_from_db()
    assert booking.state == BookingState.CONFIRMED
    assert booking.decided_by == alice

    # Bob checks in, then out with two hours of use, from "My bookings".
    client.force_login(bob)
    mine = client.get(reverse("sharing:my_bookings")).content.decode()
    check_in_url = reverse("sharing:booking_action", args=[booking.pk, "check_in"])
    assert check_in_url in mine
    assert client.post(check_in_url).status_code == 302
    booking.refresh_from_db()
    assert booking.state == BookingState.CHECKED_IN

    done = client.post(
        reverse("sharing:booking_action", args=[booking.pk, "check_out"]),
        {
            "hours_used": "2",
            "meter_reading": "1234,5",
            "consumables": "2 sheets",
            "problem_report": "The lens is dirty.",
        },
        follow=True,
    )
    assert "Checked out" in _follow_messages(done)
    booking.refresh_from_db()
    assert booking.state == BookingState.COMPLETED
    assert booking.hours_used == Decimal("2")
    assert booking.meter_reading == Decimal("1234.5")
    assert booking.final_cents == 2 * 1840 + 500
    assert "41,80 €" in done.content.decode()
    assert Qualification.objects.get(user=bob).last_used_at is not None

    # The host sees the problem report.
    client.force_login(alice)
    board = client.get(reverse("sharing:host_dashboard")).content.decode()
    assert f'id="problem-{booking.pk}"' in board
    assert "The lens is dirty." in board


def test_the_host_can_check_in_and_out_from_the_dashboard(
    client, alice, qualified_bob, laser, offer
):
    start, end = _soon(minutes=5)
    booking = booking_actions.decide_booking(alice, _book(qualified_bob, laser, start, end), True)
    client.force_login(alice)
    back = reverse("sharing:host_dashboard")
    board = client.get(back).content.decode()
    assert f'id="current-{booking.pk}"' in board
    check_in_url = reverse("sharing:booking_action", args=[booking.pk, "check_in"])
    assert check_in_url in board
    assert client.post(check_in_url, {"next": back})["Location"] == back
    answer = client.post(
        reverse("sharing:booking_action", args=[booking.pk, "check_out"]),
        {"hours_used": "1,5", "next": back},
    )
    assert answer["Location"] == back
    booking.refresh_from_db()
    assert booking.state == BookingState.COMPLETED
    assert booking.hours_used == Decimal("1.5")


# --- the booking form ----------------------------------------------------------------


def test_a_member_without_the_training_sees_which_and_who_gives_it(client, dave, laser, offer):
    client.force_login(dave)
    url = reverse("sharing:book", args=[laser.pk])
    html = client.get(url).content.decode()
    assert 'id="missing-trainings"' in html
    assert "Laser safety" in html
    assert "Atelier Alice (Alice Hôte)" in html

    start, end = _soon(minutes=60)
    answer = client.post(url, _slot_data(start, end, safety_acknowledged="on"))
    assert answer.status_code == 200
    assert _has_error_beside(answer, "qualification")
    assert "Training required" in answer.content.decode()
    assert not Booking.objects.exists()


def test_bad_input_shows_the_message_beside_its_field_and_saves_nothing(
    client, qualified_bob, laser, offer
):
    client.force_login(qualified_bob)
    url = reverse("sharing:book", args=[laser.pk])
    day = _local_day(3)

    too_short = client.post(
        url, _slot_data(_at(day, 10), _at(day, 10, 10), safety_acknowledged="on")
    )
    assert too_short.status_code == 200
    assert _has_error_beside(too_short, "end")
    assert "minimum of 30 min." in too_short.content.decode()

    unread = client.post(url, _slot_data(_at(day, 10), _at(day, 12)))
    assert _has_error_beside(unread, "safety_acknowledged")
    assert not _has_error_beside(unread, "start")

    too_far = _local_day(200)
    far = client.post(url, _slot_data(_at(too_far, 10), _at(too_far, 12), safety_acknowledged="on"))
    assert _has_error_beside(far, "start")
    assert "90 days ahead" in far.content.decode()

    garbled = client.post(url, {"date": "someday", "start": "10:00", "end": "12:00"})
    assert _has_error_beside(garbled, "date")

    assert not Booking.objects.exists()


def test_a_taken_slot_is_refused_beside_the_start(client, qualified_bob, laser, offer):
    day = _local_day(4)
    _book(qualified_bob, laser, _at(day, 10), _at(day, 12))
    client.force_login(qualified_bob)
    answer = client.post(
        reverse("sharing:book", args=[laser.pk]),
        _slot_data(_at(day, 11), _at(day, 13), safety_acknowledged="on"),
    )
    assert _has_error_beside(answer, "start")
    assert Booking.objects.count() == 1


def test_an_end_before_the_start_means_the_next_day(client, alice, qualified_bob, laser, training):
    _offer(alice, laser, training, max_minutes=600, safety_notes="", mode="self_service")
    client.force_login(qualified_bob)
    day = _local_day(5)
    answer = client.post(
        reverse("sharing:book", args=[laser.pk]),
        _slot_data(_at(day, 22), _at(day, 23)) | {"end": "02:00"},
    )
    assert answer.status_code == 302
    booking = Booking.objects.get()
    assert booking.state == BookingState.CONFIRMED
    assert booking.end == _at(day + dt.timedelta(days=1), 2)


def test_a_person_in_several_organisations_chooses_who_pays(
    client, make_organisation, alice, qualified_bob, workshop, fablab, laser, offer
):
    other = make_organisation("Repair Café", kind="reuse_repair")
    Membership.objects.create(user=qualified_bob, organisation=other, role=Role.MEMBER)
    client.force_login(qualified_bob)
    url = reverse("sharing:book", args=[laser.pk])
    html = client.get(url).content.decode()
    assert 'name="booker_organisation"' in html

    day = _local_day(3)
    wrong = client.post(
        url,
        _slot_data(
            _at(day, 10), _at(day, 12), safety_acknowledged="on", booker_organisation=workshop.pk
        ),
    )
    assert _has_error_beside(wrong, "booker_organisation")
    assert not Booking.objects.exists()

    client.post(
        url,
        _slot_data(
            _at(day, 10), _at(day, 12), safety_acknowledged="on", booker_organisation=other.pk
        ),
    )
    assert Booking.objects.get().booker_organisation == other


def test_the_form_is_prefilled_from_the_slot_in_the_link(client, qualified_bob, laser, offer):
    client.force_login(qualified_bob)
    url = reverse("sharing:book", args=[laser.pk])
    # Unencoded, the "+" of the offset arrives as a space: both are read.
    for query in (
        "?start=2030-01-15T09:30:00%2B01:00&end=2030-01-15T11:00:00%2B01:00",
        "?start=2030-01-15T08:30:00Z&end=2030-01-15T10:00:00Z",
        "?start=2030-01-15T09:30:00+01:00&end=2030-01-15T11:00:00+01:00",
    ):
        html = client.get(url + query).content.decode()
        assert 'name="date" value="2030-01-15"' in html
        assert 'name="start" value="09:30"' in html
        assert 'name="end" value="11:00"' in html
    assert client.get(url + "?start=nonsense").status_code == 200


def test_a_machine_without_offer_or_down_cannot_be_booked(client, alice, qualified_bob, laser):
    client.force_login(qualified_bob)
    url = reverse("sharing:book", args=[laser.pk])
    assert 'id="booking-form"' not in client.get(url).content.decode()
    _offer(alice, laser)
    assert 'id="booking-form"' in client.get(url).content.decode()
    downtime_actions.set_machine_down(alice, laser, "Tube broken")
    html = client.get(url).content.decode()
    assert 'id="booking-form"' not in html
    assert "out of service" in html


# --- who may see and do what ----------------------------------------------------------


def test_strangers_get_403_or_404(
    client, make_organisation, make_user, alice, qualified_bob, carol, laser, offer
):
    # Anonymous people are sent to sign in before booking.
    for name in ("book", "offer_edit"):
        answer = client.get(reverse(f"sharing:{name}", args=[laser.pk]))
        assert answer.status_code == 302 and "/accounts/login/" in answer["Location"]
    assert client.get(reverse("sharing:my_bookings")).status_code == 302

    day = _local_day(3)
    booking = _book(qualified_bob, laser, _at(day, 10), _at(day, 12))
    client.force_login(carol)
    assert client.get(reverse("sharing:offer_edit", args=[laser.pk])).status_code == 403
    assert (
        client.post(reverse("sharing:machine_down", args=[laser.pk]), {"reason": "x"}).status_code
        == 403
    )
    assert client.post(reverse("sharing:machine_up", args=[laser.pk])).status_code == 403
    for step in ("cancel", "move", "check_in", "check_out"):
        url = reverse("sharing:booking_action", args=[booking.pk, step])
        assert client.post(url).status_code == 404
    assert (
        client.post(
            reverse("sharing:decide", args=[booking.pk]), {"decision": "approve"}
        ).status_code
        == 404
    )
    assert (
        client.post(reverse("sharing:booking_action", args=[booking.pk, "explode"])).status_code
        == 404
    )
    assert (
        client.get(reverse("sharing:booking_action", args=[booking.pk, "cancel"])).status_code
        == 405
    )

    # The booker cannot decide on their own request.
    client.force_login(qualified_bob)
    assert (
        client.post(
            reverse("sharing:decide", args=[booking.pk]), {"decision": "approve"}
        ).status_code
        == 403
    )
    booking.refresh_from_db()
    assert booking.state == BookingState.REQUESTED

    # A pending organisation's machine does not exist for outsiders.
    dan = make_user("dan")
    pending = make_organisation("Atelier en attente", admin=dan, status=OrganisationStatus.PENDING)
    hidden = equipment_actions.create_machine(
        dan, pending, equipment_actions.MachineInput(name="Hidden", process_codes=[LASER_CUTTING])
    )
    client.force_login(carol)
    for name in ("calendar", "book", "offer_edit"):
        assert client.get(reverse(f"sharing:{name}", args=[hidden.pk])).status_code == 404
    client.logout()
    assert client.get(reverse("sharing:calendar", args=[hidden.pk])).status_code == 404


def test_an_outsider_is_refused_a_network_only_machine_with_403(client, carol, laser, alice):
    _offer(alice, laser, safety_notes="")
    client.force_login(carol)
    day = _local_day(3)
    answer = client.post(
        reverse("sharing:book", args=[laser.pk]), _slot_data(_at(day, 10), _at(day, 12))
    )
    assert answer.status_code == 403
    assert not Booking.objects.exists()


# --- the calendar --------------------------------------------------------------------


def test_the_week_shows_openings_closures_downtimes_and_hides_who_booked(
    client, alice, qualified_bob, carol, laser, offer
):
    today = _local_day(0)
    day = today - dt.timedelta(days=today.weekday()) + dt.timedelta(days=8)  # next Tuesday
    hour_actions.set_opening_windows(
        alice, [hour_actions.WindowInput(day.weekday(), dt.time(8), dt.time(18))], machine=laser
    )
    other_day = day + dt.timedelta(days=1)
    AvailabilityException.objects.create(
        machine=laser,
        kind="closure",
        start=_at(other_day, 0),
        end=_at(other_day, 23),
        reason="Inventory",
    )
    booking = _book(qualified_bob, laser, _at(day, 10), _at(day, 12))
    url = reverse("sharing:calendar", args=[laser.pk]) + f"?week={week_label(day)}"

    client.force_login(carol)
    html = client.get(url).content.decode()
    column = html[html.index(f'data-date="{day:%Y-%m-%d}"') :]
    column = column[: column.index("</td>")]
    assert "08:00" in column and "18:00" in column
    assert "10:00" in column and "Busy" in column
    assert "Bricoleur" not in html
    assert "Inventory" in html

    client.force_login(qualified_bob)
    assert "Your booking" in client.get(url).content.decode()

    client.force_login(alice)
    html = client.get(url).content.decode()
    assert "Bob Bricoleur (Fablab Bob)" in html
    assert reverse("sharing:offer_edit", args=[laser.pk]) in html

    downtime_actions.set_machine_down(alice, laser, "Tube broken")
    current = reverse("sharing:calendar", args=[laser.pk])
    assert "Tube broken" in client.get(current).content.decode()
    assert booking.pk


def test_the_calendar_moves_by_week_and_answers_htmx_with_the_partial_only(client, laser, offer):
    url = reverse("sharing:calendar", args=[laser.pk])
    page = client.get(url + "?week=2030-W02")
    html = page.content.decode()
    assert page.status_code == 200
    assert "<html" in html
    assert f'href="{url}?week=2030-W01"' in html
    assert f'hx-get="{url}?week=2030-W03"' in html
    assert 'hx-target="#calendar"' in html
    assert 'data-date="2030-01-07"' in html and 'data-date="2030-01-13"' in html
    assert "htmx.min.js" in html

    partial = client.get(url + "?week=2030-W03", HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert partial.status_code == 200
    assert "<html" not in body and "<header" not in body
    assert body.lstrip().startswith('<section id="calendar"')
    assert 'data-date="2030-01-14"' in body
    assert "HX-Request" in partial["Vary"]

    # A malformed week falls back to the current one.
    assert client.get(url + "?week=2030-W99").status_code == 200


# --- my bookings: cancel, move, bad usage --------------------------------------------


def test_the_booker_moves_then_cancels_with_a_reason(client, alice, qualified_bob, laser, offer):
    day = _local_day(3)
    booking = _book(qualified_bob, laser, _at(day, 10), _at(day, 12))
    booking_actions.decide_booking(alice, booking, True)
    client.force_login(qualified_bob)
    html = client.get(reverse("sharing:my_bookings")).content.decode()
    assert f'id="move-b{booking.pk}-date"' in html

    later = day + dt.timedelta(days=1)
    moved = client.post(
        reverse("sharing:booking_action", args=[booking.pk, "move"]),
        _slot_data(_at(later, 14), _at(later, 16)),
        follow=True,
    )
    assert "Booking moved" in _follow_messages(moved)
    booking.refresh_from_db()
    assert booking.start == _at(later, 14)
    assert booking.state == BookingState.REQUESTED  # approval-only offers ask again

    bad = client.post(
        reverse("sharing:booking_action", args=[booking.pk, "move"]),
        _slot_data(_at(later, 14), _at(later, 14, 5)),
        follow=True,
    )
    assert "minimum of 30 min." in _follow_messages(bad)
    booking.refresh_from_db()
    assert booking.end == _at(later, 16)

    cancelled = client.post(
        reverse("sharing:booking_action", args=[booking.pk, "cancel"]),
        {"reason": "Plans changed"},
        follow=True,
    )
    assert "Booking cancelled." in _follow_messages(cancelled)
    booking.refresh_from_db()
    assert booking.state == BookingState.CANCELLED
    assert booking.reason == "Plans changed"


def test_bad_usage_is_refused_with_its_message_and_changes_nothing(
    client, alice, qualified_bob, laser, offer
):
    start, end = _soon(minutes=5)
    booking = booking_actions.decide_booking(alice, _book(qualified_bob, laser, start, end), True)
    usage_actions.check_in(qualified_bob, booking)
    client.force_login(qualified_bob)
    url = reverse("sharing:booking_action", args=[booking.pk, "check_out"])
    for hours, message in (("-1", "cannot be negative"), ("two", "Give a number"), ("", "")):
        answer = client.post(url, {"hours_used": hours}, follow=True)
        assert message in _follow_messages(answer)
        assert answer.context["messages"]
        booking.refresh_from_db()
        assert booking.state == BookingState.CHECKED_IN


def test_the_host_refuses_with_a_reason_only(client, alice, qualified_bob, laser, offer):
    day = _local_day(3)
    booking = _book(qualified_bob, laser, _at(day, 10), _at(day, 12))
    client.force_login(alice)
    url = reverse("sharing:decide", args=[booking.pk])
    silent = client.post(url, {"decision": "refuse"}, follow=True)
    assert "Say why" in _follow_messages(silent)
    booking.refresh_from_db()
    assert booking.state == BookingState.REQUESTED
    client.post(url, {"decision": "refuse", "reason": "Maintenance that week"})
    booking.refresh_from_db()
    assert booking.state == BookingState.REFUSED
    assert booking.reason == "Maintenance that week"
    mail.outbox.clear()


# --- the host's offer page -----------------------------------------------------------


def _offer_post(**overrides):
    data = {
        "section": "offer",
        "active": "on",
        "audience": "network",
        "mode": "self_service",
        "billing": "booked",
        "price_own": "0",
        "price_member": "18,40",
        "price_outsider": "25.5",
        "fixed_fee": "",
        "min_minutes": "30",
        "max_minutes": "240",
        "buffer_minutes": "15",
        "min_notice_minutes": "60",
        "horizon_days": "30",
        "no_show_grace_minutes": "20",
        "accept_network_qualifications": "on",
        "safety_notes": "Goggles.",
    }
    data.update(overrides)
    return data


def test_the_host_shares_a_machine_with_prices_in_euros_and_trainings(
    client, alice, workshop, laser, training
):
    laser_family = qualification_actions.create_training(
        alice, workshop, "Thermal cutting", process_code="3.4"
    )
    milling = qualification_actions.create_training(
        alice, workshop, "Milling", process_code="3.2.3"
    )
    client.force_login(alice)
    url = reverse("sharing:offer_edit", args=[laser.pk])
    html = client.get(url).content.decode()
    assert "Laser safety" in html and "Thermal cutting" in html
    assert "Milling" not in html

    saved = client.post(url, _offer_post(required_trainings=[training.pk, laser_family.pk]))
    assert saved.status_code == 302
    offer = Offer.objects.get(machine=laser)
    assert (offer.price_own_cents, offer.price_member_cents, offer.price_outsider_cents) == (
        0,
        1840,
        2550,
    )
    assert offer.fixed_fee_cents == 0
    assert offer.buffer_minutes == 15
    assert set(offer.required_trainings.all()) == {training, laser_family}
    html = client.get(url).content.decode()
    assert 'value="18,40"' in html and 'value="25,50"' in html

    # A training outside the machine's processes is not a valid choice.
    wrong = client.post(url, _offer_post(required_trainings=[milling.pk]))
    assert _has_error_beside(wrong, "required_trainings")


def test_bad_offer_input_shows_beside_the_field_and_saves_nothing(client, alice, laser):
    client.force_login(alice)
    url = reverse("sharing:offer_edit", args=[laser.pk])
    three_decimals = client.post(url, _offer_post(price_member="12,345"))
    assert _has_error_beside(three_decimals, "price_member")
    negative = client.post(url, _offer_post(price_outsider="-3"))
    assert _has_error_beside(negative, "price_outsider")
    upside_down = client.post(url, _offer_post(min_minutes="120", max_minutes="60"))
    assert _has_error_beside(upside_down, "max_minutes")
    assert not Offer.objects.exists()


def test_the_host_sets_weekly_hours_and_closures(
    client, alice, qualified_bob, laser, offer, django_capture_on_commit_callbacks
):
    day = _local_day(10)
    booked = _book(qualified_bob, laser, _at(day, 9), _at(day, 11))
    client.force_login(alice)
    url = reverse("sharing:offer_edit", args=[laser.pk])
    hours = {
        "section": "hours",
        "windows-TOTAL_FORMS": "10",
        "windows-INITIAL_FORMS": "0",
        "windows-MIN_NUM_FORMS": "0",
        "windows-MAX_NUM_FORMS": "10",
        "windows-0-weekday": "0",
        "windows-0-start": "08:00",
        "windows-0-end": "12:00",
        "windows-1-weekday": "0",
        "windows-1-start": "14:00",
        "windows-1-end": "18:00",
    }
    assert client.post(url, hours).status_code == 302
    assert list(OpeningWindow.objects.filter(machine=laser).values_list("weekday", "start")) == [
        (0, dt.time(8)),
        (0, dt.time(14)),
    ]

    bad = client.post(url, hours | {"windows-1-end": "13:00"})
    assert bad.status_code == 200
    assert "closing time must come after" in bad.content.decode()
    half = client.post(url, hours | {"windows-2-weekday": "3"})
    assert "Give the day, the opening and the closing time." in half.content.decode()
    assert sorted(OpeningWindow.objects.filter(machine=laser).values_list("end", flat=True)) == [
        dt.time(12),
        dt.time(18),
    ]

    closure = {
        "section": "closure",
        "kind": "closure",
        "start": f"{day:%Y-%m-%d}T00:00",
        "end": f"{day:%Y-%m-%d}T23:00",
        "reason": "Inventory",
    }
    upside_down = client.post(url, closure | {"end": f"{day:%Y-%m-%d}T00:00"})
    assert _has_error_beside(upside_down, "end")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, closure).status_code == 302
    assert [m.to for m in mail.outbox] == [[qualified_bob.email]]
    assert "Inventory" in mail.outbox[0].body
    assert booked.pk
    exception = AvailabilityException.objects.get(machine=laser)
    assert exception.start == _at(day, 0)
    assert "Inventory" in client.get(url).content.decode()
    client.post(url, {"section": "remove_closure", "exception": exception.pk})
    assert not AvailabilityException.objects.exists()


def test_the_host_sets_the_machine_down_and_up(client, alice, qualified_bob, laser, offer):
    day = _local_day(2)
    _book(qualified_bob, laser, _at(day, 10), _at(day, 12))
    mail.outbox.clear()
    client.force_login(alice)
    down = reverse("sharing:machine_down", args=[laser.pk])
    silent = client.post(down, {"reason": " "}, follow=True)
    assert _follow_messages(silent)
    laser.refresh_from_db()
    assert laser.status == MachineStatus.OPERATIONAL

    client.post(down, {"reason": "Tube broken"})
    laser.refresh_from_db()
    assert laser.status == MachineStatus.DOWN
    assert Downtime.objects.get(machine=laser).reason == "Tube broken"
    assert (
        "Back in service"
        in client.get(reverse("sharing:offer_edit", args=[laser.pk])).content.decode()
    )

    client.post(reverse("sharing:machine_up", args=[laser.pk]))
    laser.refresh_from_db()
    assert laser.status == MachineStatus.OPERATIONAL
    assert Downtime.objects.get(machine=laser).end is not None


@pytest.mark.django_db
def test_the_release_command_marks_late_bookings_as_no_shows(make_user, make_organisation):
    import datetime as dt
    import io

    from django.core.management import call_command
    from django.utils import timezone

    from maillage.equipment.actions import MachineInput, create_machine
    from maillage.sharing.actions import bookings as booking_actions
    from maillage.sharing.actions import offers as offer_actions
    from maillage.sharing.models import Booking, BookingState

    host = make_user("host-ns")
    organisation = make_organisation("Atelier NS", admin=host)
    machine = create_machine(host, organisation, MachineInput(name="Tour", process_codes=["3.2.1"]))
    offer_actions.save_offer(
        host, machine, offer_actions.OfferInput(mode="self_service", audience="own")
    )
    start = timezone.now() - dt.timedelta(hours=3)
    booking = booking_actions.request_booking(
        host, machine, start, start + dt.timedelta(hours=1), now=start - dt.timedelta(days=1)
    )
    assert booking.state == BookingState.CONFIRMED
    out = io.StringIO()
    call_command("release_no_shows", stdout=out)
    assert "1 booking" in out.getvalue()
    assert Booking.objects.get(pk=booking.pk).state == BookingState.NO_SHOW
