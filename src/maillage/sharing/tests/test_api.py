"""The sharing endpoints of /api/v1/: offers, availability, bookings, trainings, qualifications.

They obey the same rules as the pages because they call the same actions: who may book,
qualifications (checked at request and again at approval), opening hours and overlap.
"""

import datetime as dt
import json
from urllib.parse import quote

import pytest
from django.utils import timezone

from maillage.directory.actions import people as people_actions
from maillage.equipment import actions as equipment_actions
from maillage.qualifications import actions as qualification_actions
from maillage.qualifications.models import Qualification
from maillage.sharing.actions import bookings as booking_actions
from maillage.sharing.actions import hours as hour_actions
from maillage.sharing.actions import offers as offer_actions
from maillage.sharing.models import Booking, BookingState, Offer

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def alice(make_user):
    """Member of the host organisation."""
    return make_user("alice", first_name="Alice", last_name="Martin")


@pytest.fixture
def bob(make_user):
    """Member of another organisation of the network: the usual booker."""
    return make_user("bob")


@pytest.fixture
def carol(make_user):
    """Registered, but a member of no organisation."""
    return make_user("carol")


@pytest.fixture
def host(make_organisation, alice):
    return make_organisation("Atelier Alice", admin=alice)


@pytest.fixture
def guest_org(make_organisation, bob):
    return make_organisation("Tôlerie Bob", admin=bob, kind="sme")


@pytest.fixture
def laser(alice, host):
    return equipment_actions.create_machine(
        alice,
        host,
        equipment_actions.MachineInput(name="Trotec Speedy 400", process_codes=["3.4.1.1"]),
    )


@pytest.fixture
def token_for(db):
    def make(user):
        # Messages are checked in English; the interface defaults to French.
        return {
            "HTTP_AUTHORIZATION": f"Bearer {people_actions.create_api_token(user, 'test')[1]}",
            "HTTP_ACCEPT_LANGUAGE": "en",
        }

    return make


def _offer(actor, machine, **fields):
    return offer_actions.save_offer(actor, machine, offer_actions.OfferInput(**fields))


def _send(client, method, url, payload=None, **extra):
    if payload is None:
        return getattr(client, method)(url, **extra)
    return getattr(client, method)(
        url, json.dumps(payload), content_type="application/json", **extra
    )


def _errors(response):
    """{field: [messages]} from a 422, the field being the last item of `loc`."""
    assert response.status_code == 422, response.content
    found: dict[str, list[str]] = {}
    for entry in response.json()["detail"]:
        found.setdefault(entry["loc"][-1], []).append(entry["msg"])
    return found


def _slot(days=7, hour=10, hours=2):
    """A future slot, local time, aware."""
    start = timezone.localtime() + dt.timedelta(days=days)
    start = start.replace(hour=hour, minute=0, second=0, microsecond=0)
    return start, start + dt.timedelta(hours=hours)


def _book(client, machine, start, end, auth=None, **extra):
    """POST /bookings for this slot, as the holder of `auth` (anonymous without)."""
    payload = _booking_payload(machine, start, end, **extra)
    return _send(client, "post", f"{API}/bookings", payload, **(auth or {}))


def _booking_payload(machine, start, end, **extra):
    return {
        "machine_id": machine.pk,
        "start": start.isoformat(),
        "end": end.isoformat(),
        **extra,
    }


# --- offers ----------------------------------------------------------------------------


def test_the_host_opens_then_changes_an_offer_and_everyone_reads_it(
    client, alice, laser, token_for
):
    auth = token_for(alice)
    url = f"{API}/machines/{laser.pk}/offer"
    assert client.get(url).status_code == 404  # not offered yet

    created = _send(
        client, "put", url, {"mode": "self_service", "price_member_cents": 1840}, **auth
    )
    assert created.status_code == 201, created.content
    assert created.json()["mode"] == "self_service"
    assert created.json()["price_member_cents"] == 1840
    assert created.json()["min_minutes"] == 30  # defaults for what was left out

    changed = _send(client, "put", url, {"mode": "on_request", "buffer_minutes": 15}, **auth)
    assert changed.status_code == 200, changed.content
    assert changed.json()["buffer_minutes"] == 15
    assert Offer.objects.get(machine=laser).mode == "on_request"

    read = client.get(url)  # anonymous readers see the terms
    assert read.status_code == 200
    assert read.json()["machine"] == laser.pk
    assert read.json()["mode"] == "on_request"


def test_offer_writes_need_a_member_of_the_owner(client, bob, guest_org, laser, token_for):
    url = f"{API}/machines/{laser.pk}/offer"
    assert _send(client, "put", url, {"mode": "self_service"}).status_code == 401
    refused = _send(client, "put", url, {"mode": "self_service"}, **token_for(bob))
    assert refused.status_code == 403
    assert not Offer.objects.filter(machine=laser).exists()


def test_offer_errors_name_their_fields(client, alice, laser, token_for):
    url = f"{API}/machines/{laser.pk}/offer"
    response = _send(
        client,
        "put",
        url,
        {
            "min_minutes": 2,
            "max_minutes": 1,
            "audience": "everyone",
            "buffer_minutes": -5,
            "required_training_ids": [999999],
        },
        **token_for(alice),
    )
    errors = _errors(response)
    assert {"min_minutes", "max_minutes", "audience", "buffer_minutes"} <= set(errors)
    assert "required_training_ids" in errors
    assert all(e["loc"][0] == "body" for e in response.json()["detail"])


@pytest.mark.parametrize("training_id", [2**63, 10**30, -1, 0])
def test_a_training_id_no_column_can_hold_is_an_unknown_training(
    client, alice, laser, token_for, training_id
):
    url = f"{API}/machines/{laser.pk}/offer"
    response = _send(
        client, "put", url, {"required_training_ids": [training_id]}, **token_for(alice)
    )
    assert response.status_code == 422, response.content
    assert "required_training_ids" in _errors(response)
    assert not Offer.objects.filter(machine=laser).exists()


# --- availability ----------------------------------------------------------------------


def _monday_in(weeks):
    today = timezone.localdate()
    return today + dt.timedelta(days=7 * weeks - today.weekday())


def test_availability_gives_opening_hours_and_free_time_around_bookings_with_the_buffer(
    client, alice, bob, guest_org, laser
):
    _offer(alice, laser, mode="self_service", buffer_minutes=30)
    hour_actions.set_opening_windows(
        alice,
        [hour_actions.WindowInput(day, dt.time(8), dt.time(18)) for day in range(5)],
        machine=laser,
    )
    monday = _monday_in(2)
    tz = timezone.get_current_timezone()
    at = lambda hour, minute=0: dt.datetime.combine(monday, dt.time(hour, minute), tzinfo=tz)  # noqa: E731
    booking_actions.request_booking(bob, laser, at(10), at(12))

    start = at(0)
    end = start + dt.timedelta(days=2)
    response = client.get(
        f"{API}/machines/{laser.pk}/availability",
        {"start": start.isoformat(), "end": end.isoformat()},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    spans = lambda key: [  # noqa: E731
        (dt.datetime.fromisoformat(i["start"]), dt.datetime.fromisoformat(i["end"]))
        for i in body[key]
    ]
    assert spans("open") == [
        (at(8), at(18)),
        (at(8) + dt.timedelta(days=1), at(18) + dt.timedelta(days=1)),
    ]
    # Before the booking, a new one must end 30 minutes early; the booking blocks until 12:30.
    assert spans("free") == [
        (at(8), at(9, 30)),
        (at(12, 30), at(18)),
        (at(8) + dt.timedelta(days=1), at(18) + dt.timedelta(days=1)),
    ]
    assert body["buffer_minutes"] == 30
    # Local time with its offset.
    assert body["open"][0]["start"].endswith(("+01:00", "+02:00"))


def test_availability_accepts_an_unencoded_plus_and_refuses_bad_ranges(client, alice, laser):
    _offer(alice, laser)
    url = f"{API}/machines/{laser.pk}/availability"
    # A '+' left unencoded in a query string arrives as a space: still understood.
    ok = client.get(f"{url}?start=2026-03-30T00:00:00+02:00&end=2026-03-31T00:00:00+02:00")
    assert ok.status_code == 200, ok.content
    assert ok.json()["open"] == [
        {"start": "2026-03-30T00:00:00+02:00", "end": "2026-03-31T00:00:00+02:00"}
    ]

    too_long = client.get(
        url, {"start": "2026-03-01T00:00:00+01:00", "end": "2026-04-02T00:00:00+02:00"}
    )
    assert "end" in _errors(too_long)
    assert too_long.json()["detail"][0]["loc"] == ["query", "end"]

    naive = client.get(url, {"start": "2026-03-30T00:00:00", "end": "2026-03-31T00:00:00+02:00"})
    assert _errors(naive).keys() == {"start"}

    garbage = client.get(url, {"start": "tomorrow", "end": "2026-03-31T00:00:00+02:00"})
    assert "start" in _errors(garbage)

    backwards = client.get(
        url, {"start": "2026-03-31T00:00:00+02:00", "end": "2026-03-30T00:00:00+02:00"}
    )
    assert "end" in _errors(backwards)

    missing = client.get(url, {"start": "2026-03-31T00:00:00+02:00"})
    assert "end" in _errors(missing)


def test_availability_of_a_machine_that_is_not_offered_is_404(client, laser):
    url = f"{API}/machines/{laser.pk}/availability"
    start = quote("2026-03-30T00:00:00+02:00")
    end = quote("2026-03-31T00:00:00+02:00")
    assert client.get(f"{url}?start={start}&end={end}").status_code == 404


# --- bookings --------------------------------------------------------------------------


def test_a_member_books_a_self_service_machine_and_both_sides_see_it(
    client, alice, bob, carol, guest_org, host, laser, token_for
):
    _offer(alice, laser, mode="self_service", price_member_cents=2000, fixed_fee_cents=500)
    start, end = _slot()
    response = _send(
        client,
        "post",
        f"{API}/bookings",
        _booking_payload(laser, start, end, note="Plywood 5 mm"),
        **token_for(bob),
    )
    assert response.status_code == 201, response.content
    booking = response.json()
    assert booking["state"] == BookingState.CONFIRMED
    assert booking["booker"] == "bob"
    assert booking["booker_organisation"] == guest_org.slug
    assert booking["host_organisation"] == host.slug
    assert booking["tier"] == "member"
    assert booking["estimated_cents"] == 2 * 2000 + 500
    assert dt.datetime.fromisoformat(booking["start"]) == start

    mine = client.get(f"{API}/bookings", **token_for(bob))
    assert [b["id"] for b in mine.json()["items"]] == [booking["id"]]
    hosted = client.get(f"{API}/bookings", {"role": "host"}, **token_for(alice))
    assert [b["id"] for b in hosted.json()["items"]] == [booking["id"]]
    assert client.get(f"{API}/bookings", {"role": "host"}, **token_for(bob)).json()["items"] == []

    url = f"{API}/bookings/{booking['id']}"
    assert client.get(url, **token_for(bob)).status_code == 200
    assert client.get(url, **token_for(alice)).status_code == 200
    assert client.get(url, **token_for(carol)).status_code == 404
    assert client.get(url).status_code == 401


def test_booking_writes_need_authentication(client, alice, laser):
    _offer(alice, laser, mode="self_service")
    start, end = _slot()
    assert _book(client, laser, start, end).status_code == 401
    assert client.get(f"{API}/bookings").status_code == 401
    assert client.get(f"{API}/qualifications").status_code == 401
    assert not Booking.objects.exists()


def test_booking_errors_name_their_fields(client, alice, bob, guest_org, laser, token_for):
    _offer(alice, laser, mode="self_service", min_minutes=60, max_minutes=120)
    auth = token_for(bob)
    start, end = _slot()

    too_short = _send(
        client,
        "post",
        f"{API}/bookings",
        _booking_payload(laser, start, start + dt.timedelta(minutes=30)),
        **auth,
    )
    assert _errors(too_short).keys() == {"end"}
    assert too_short.json()["detail"][0]["loc"] == ["body", "end"]

    naive = _send(
        client,
        "post",
        f"{API}/bookings",
        {"machine_id": laser.pk, "start": "2030-01-07T10:00:00", "end": "2030-01-07T11:00:00"},
        **auth,
    )
    assert "start" in _errors(naive)

    unknown = _send(
        client,
        "post",
        f"{API}/bookings",
        _booking_payload(laser, start, end) | {"machine_id": 999999},
        **auth,
    )
    assert _errors(unknown).keys() == {"machine_id"}

    bad_org = _send(
        client,
        "post",
        f"{API}/bookings",
        _booking_payload(laser, start, end, booker_organisation="nope"),
        **auth,
    )
    assert _errors(bad_org).keys() == {"booker_organisation"}

    missing = _send(client, "post", f"{API}/bookings", {"machine_id": laser.pk}, **auth)
    assert {"start", "end"} <= _errors(missing).keys()

    assert _book(client, laser, start, end, auth).status_code == 201
    overlap = _send(
        client,
        "post",
        f"{API}/bookings",
        _booking_payload(laser, start + dt.timedelta(minutes=30), end + dt.timedelta(minutes=30)),
        **auth,
    )
    assert _errors(overlap).keys() == {"start"}
    assert Booking.objects.count() == 1


def test_not_offered_machine_is_refused_on_machine_id(
    client, alice, bob, guest_org, laser, token_for
):
    _offer(alice, laser, active=False)
    start, end = _slot()
    response = _book(client, laser, start, end, token_for(bob))
    assert _errors(response).keys() == {"machine_id"}


def test_a_members_only_offer_refuses_a_member_of_another_organisation(
    client, alice, bob, guest_org, laser, token_for
):
    _offer(alice, laser, mode="self_service", audience="own")
    start, end = _slot()
    refused = _book(client, laser, start, end, token_for(bob))
    assert refused.status_code == 403
    assert "own organisation" in refused.json()["detail"]
    assert not Booking.objects.exists()

    accepted = _book(client, laser, start, end, token_for(alice))
    assert accepted.status_code == 201, accepted.content
    assert accepted.json()["tier"] == "own"


def test_a_network_offer_refuses_someone_of_no_organisation(client, alice, carol, laser, token_for):
    _offer(alice, laser, mode="self_service", audience="network")
    start, end = _slot()
    refused = _book(client, laser, start, end, token_for(carol))
    assert refused.status_code == 403


def test_the_host_decides_on_requests_and_nobody_else_does(
    client, alice, bob, carol, guest_org, laser, token_for
):
    _offer(alice, laser, mode="on_request")
    start, end = _slot()
    created = _book(client, laser, start, end, token_for(bob))
    assert created.json()["state"] == BookingState.REQUESTED
    url = f"{API}/bookings/{created.json()['id']}/decide"

    assert _send(client, "post", url, {"approve": True}).status_code == 401
    assert _send(client, "post", url, {"approve": True}, **token_for(carol)).status_code == 404
    assert _send(client, "post", url, {"approve": True}, **token_for(bob)).status_code == 403
    assert _errors(_send(client, "post", url, {"approve": False}, **token_for(alice))).keys() == {
        "reason"
    }
    assert _errors(_send(client, "post", url, {}, **token_for(alice))).keys() == {"approve"}

    approved = _send(client, "post", url, {"approve": True}, **token_for(alice))
    assert approved.status_code == 200, approved.content
    assert approved.json()["state"] == BookingState.CONFIRMED
    again = _send(client, "post", url, {"approve": True}, **token_for(alice))
    assert again.status_code == 422


def test_a_refusal_carries_its_reason(client, alice, bob, guest_org, laser, token_for):
    _offer(alice, laser, mode="on_request")
    start, end = _slot()
    created = _book(client, laser, start, end, token_for(bob))
    refused = _send(
        client,
        "post",
        f"{API}/bookings/{created.json()['id']}/decide",
        {"approve": False, "reason": "Closed for inventory"},
        **token_for(alice),
    )
    assert refused.json()["state"] == BookingState.REFUSED
    assert refused.json()["reason"] == "Closed for inventory"


def test_cancel_move_check_in_and_check_out(client, alice, bob, carol, guest_org, laser, token_for):
    _offer(alice, laser, mode="self_service", billing="used", price_member_cents=1000)
    auth = token_for(bob)
    start, end = _slot()
    first = _book(client, laser, start, end, auth).json()

    later_start, later_end = start + dt.timedelta(days=1), end + dt.timedelta(days=1)
    moved = _send(
        client,
        "post",
        f"{API}/bookings/{first['id']}/move",
        {"start": later_start.isoformat(), "end": later_end.isoformat()},
        **auth,
    )
    assert moved.status_code == 200, moved.content
    assert dt.datetime.fromisoformat(moved.json()["start"]) == later_start
    assert (
        _send(
            client,
            "post",
            f"{API}/bookings/{first['id']}/move",
            {"start": later_start.isoformat(), "end": later_end.isoformat()},
            **token_for(alice),
        ).status_code
        == 403
    )  # only the booker moves
    assert (
        _send(
            client, "post", f"{API}/bookings/{first['id']}/cancel", {}, **token_for(carol)
        ).status_code
        == 404
    )

    # No body at all: the reason is optional for the booker.
    cancelled = client.post(
        f"{API}/bookings/{first['id']}/cancel", content_type="application/json", **auth
    )
    assert cancelled.status_code == 200, cancelled.content
    assert cancelled.json()["state"] == BookingState.CANCELLED
    assert _errors(_send(client, "post", f"{API}/bookings/{first['id']}/cancel", {}, **auth))

    # A booking starting in a few minutes: check in, then out with the recorded use.
    soon = timezone.now() + dt.timedelta(minutes=5)
    current = _send(
        client,
        "post",
        f"{API}/bookings",
        _booking_payload(laser, soon, soon + dt.timedelta(hours=1)),
        **auth,
    ).json()
    checked_in = _send(client, "post", f"{API}/bookings/{current['id']}/check-in", **auth)
    assert checked_in.status_code == 200, checked_in.content
    assert checked_in.json()["state"] == BookingState.CHECKED_IN
    bad_usage = _send(
        client, "post", f"{API}/bookings/{current['id']}/check-out", {"hours_used": -1}, **auth
    )
    assert _errors(bad_usage).keys() == {"hours_used"}
    done = _send(
        client,
        "post",
        f"{API}/bookings/{current['id']}/check-out",
        {"hours_used": "1.5", "meter_reading": 1234.5, "consumables": "2 sheets"},
        **auth,
    )
    assert done.status_code == 200, done.content
    assert done.json()["state"] == BookingState.COMPLETED
    assert done.json()["final_cents"] == 1500
    assert float(done.json()["hours_used"]) == 1.5


def test_the_host_cancels_with_a_reason(client, alice, bob, guest_org, laser, token_for):
    _offer(alice, laser, mode="self_service")
    start, end = _slot()
    created = _book(client, laser, start, end, token_for(bob)).json()
    url = f"{API}/bookings/{created['id']}/cancel"
    assert _errors(_send(client, "post", url, {}, **token_for(alice))).keys() == {"reason"}
    done = _send(client, "post", url, {"reason": "Maintenance"}, **token_for(alice))
    assert done.json()["state"] == BookingState.CANCELLED


# --- qualifications --------------------------------------------------------------------


@pytest.fixture
def laser_training(alice, host, laser):
    return qualification_actions.create_training(
        alice, host, "Découpe laser : sécurité", machine=laser
    )


def test_a_missing_qualification_is_refused_naming_the_training_and_who_gives_it(
    client, alice, bob, guest_org, host, laser, laser_training, token_for
):
    _offer(alice, laser, mode="self_service", required_training_ids=(laser_training.pk,))
    start, end = _slot()
    payload = _booking_payload(laser, start, end)
    response = _send(client, "post", f"{API}/bookings", payload, **token_for(bob))
    assert response.status_code == 422, response.content
    [entry] = response.json()["detail"]
    assert entry["loc"] == ["body", "qualification"]
    assert "Découpe laser : sécurité" in entry["msg"]
    assert host.name in entry["msg"]
    assert "Alice Martin" in entry["msg"]  # the trainer
    assert not Booking.objects.exists()

    # The trainer's organisation qualifies Bob through the API; now he may book.
    granted = _send(
        client,
        "post",
        f"{API}/trainings/{laser_training.pk}/grant",
        {"username": "bob"},
        **token_for(alice),
    )
    assert granted.status_code == 201, granted.content
    assert granted.json()["user"] == "bob"
    assert granted.json()["status"] == "valid"
    booked = _send(client, "post", f"{API}/bookings", payload, **token_for(bob))
    assert booked.status_code == 201, booked.content

    mine = client.get(f"{API}/qualifications", **token_for(bob))
    assert mine.status_code == 200
    assert [(q["training"]["id"], q["status"]) for q in mine.json()] == [
        (laser_training.pk, "valid")
    ]
    assert client.get(f"{API}/qualifications", **token_for(alice)).json() == []


def test_with_an_operator_no_qualification_is_needed(
    client, alice, bob, guest_org, laser, laser_training, token_for
):
    _offer(alice, laser, mode="with_operator", required_training_ids=(laser_training.pk,))
    start, end = _slot()
    response = _book(client, laser, start, end, token_for(bob))
    assert response.status_code == 201, response.content


def test_an_expired_qualification_is_refused_when_the_host_approves(
    client, alice, bob, guest_org, laser, laser_training, token_for
):
    _offer(alice, laser, mode="on_request", required_training_ids=(laser_training.pk,))
    qualification_actions.grant_qualification(alice, bob, laser_training)
    start, end = _slot()
    created = _book(client, laser, start, end, token_for(bob))
    assert created.status_code == 201, created.content
    assert created.json()["state"] == BookingState.REQUESTED

    # Between the request and the decision, the qualification runs out.
    Qualification.objects.filter(user=bob).update(expires_at=timezone.now() - dt.timedelta(days=1))
    response = _send(
        client,
        "post",
        f"{API}/bookings/{created.json()['id']}/decide",
        {"approve": True},
        **token_for(alice),
    )
    assert response.status_code == 422, response.content
    [entry] = response.json()["detail"]
    assert entry["loc"] == ["body", "qualification"]
    assert "expired" in entry["msg"] and "Découpe laser : sécurité" in entry["msg"]
    assert Booking.objects.get().state == BookingState.REQUESTED

    mine = client.get(f"{API}/qualifications", **token_for(bob)).json()
    assert [q["status"] for q in mine] == ["expired"]


def test_only_the_trainer_organisation_grants(
    client, alice, bob, carol, guest_org, laser_training, token_for
):
    url = f"{API}/trainings/{laser_training.pk}/grant"
    assert _send(client, "post", url, {"username": "carol"}).status_code == 401
    assert _send(client, "post", url, {"username": "carol"}, **token_for(bob)).status_code == 403
    assert _errors(
        _send(client, "post", url, {"username": "nobody"}, **token_for(alice))
    ).keys() == {"username"}
    assert (
        _send(
            client,
            "post",
            f"{API}/trainings/999999/grant",
            {"username": "carol"},
            **token_for(alice),
        ).status_code
        == 404
    )
    first = _send(client, "post", url, {"username": "carol"}, **token_for(alice))
    assert first.status_code == 201
    renewed = _send(client, "post", url, {"username": "carol"}, **token_for(alice))
    assert renewed.status_code == 200
    assert Qualification.objects.filter(user=carol).count() == 1


def test_trainings_of_the_network_are_listed(client, alice, host, laser, laser_training):
    qualification_actions.create_training(alice, host, "Fraisage", process_code="3.2.3")
    response = client.get(f"{API}/trainings")
    assert response.status_code == 200
    items = response.json()["items"]
    assert [t["title"] for t in items] == ["Découpe laser : sécurité", "Fraisage"]
    assert items[0]["machine"] == laser.pk and items[0]["organisation"] == host.slug
    assert items[0]["trainer"] == "Alice Martin"
    assert items[1]["process"] == "3.2.3"
    by_machine = client.get(f"{API}/trainings", {"machine": laser.pk}).json()["items"]
    assert [t["id"] for t in by_machine] == [laser_training.pk]
