"""Roles in an organisation: hosts share machines and decide on bookings, trainers qualify people,
plain members book and keep the listing up to date. The actions check; pages and API follow."""

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from maillage.directory.actions import people as people_actions
from maillage.directory.models import Membership, Role
from maillage.equipment import actions as equipment_actions
from maillage.qualifications import actions as qualification_actions
from maillage.qualifications.models import Qualification
from maillage.sharing.actions import bookings as booking_actions
from maillage.sharing.actions import offers as offer_actions
from maillage.sharing.models import Booking, BookingState, Offer

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def alice(make_user):
    """Admin of the host organisation."""
    return make_user("alice")


@pytest.fixture
def host(make_organisation, alice):
    return make_organisation("Atelier Alice", admin=alice)


def _member(make_user, organisation, username, role):
    user = make_user(username)
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def hana(make_user, host):
    return _member(make_user, host, "hana", Role.HOST)


@pytest.fixture
def theo(make_user, host):
    return _member(make_user, host, "theo", Role.TRAINER)


@pytest.fixture
def mia(make_user, host):
    return _member(make_user, host, "mia", Role.MEMBER)


@pytest.fixture
def bob(make_user, make_organisation):
    """Admin of another organisation of the network: the booker."""
    user = make_user("bob")
    make_organisation("Tôlerie Bob", admin=user, kind="sme")
    return user


@pytest.fixture
def laser(alice, host):
    return equipment_actions.create_machine(
        alice,
        host,
        equipment_actions.MachineInput(name="Trotec Speedy 400", process_codes=["3.4.1.1"]),
    )


@pytest.fixture
def request_(alice, bob, laser):
    """Bob's request on Alice's laser, waiting for the host's decision."""
    offer_actions.save_offer(alice, laser, offer_actions.OfferInput(mode="on_request"))
    start = (timezone.localtime() + dt.timedelta(days=7)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    return booking_actions.request_booking(bob, laser, start, start + dt.timedelta(hours=2))


@pytest.fixture
def training(alice, host, laser):
    return qualification_actions.create_training(
        alice, host, "Découpe laser : sécurité", machine=laser
    )


def _token(user):
    return {
        "HTTP_AUTHORIZATION": f"Bearer {people_actions.create_api_token(user, 't')[1]}",
        "HTTP_ACCEPT_LANGUAGE": "en",
    }


def _post(client, url, payload, user):
    return client.post(url, json.dumps(payload), content_type="application/json", **_token(user))


def _put(client, url, payload, user):
    return client.put(url, json.dumps(payload), content_type="application/json", **_token(user))


def _error_fields(response):
    assert response.status_code == 422, response.content
    return {entry["loc"][-1] for entry in response.json()["detail"]}


# --- a plain member ------------------------------------------------------------------------


def test_a_member_can_neither_approve_nor_price_nor_qualify(mia, bob, laser, request_, training):
    with pytest.raises(PermissionDenied):
        booking_actions.decide_booking(mia, request_, approve=True)
    with pytest.raises(PermissionDenied):
        offer_actions.save_offer(mia, laser, offer_actions.OfferInput(price_member_cents=1))
    with pytest.raises(PermissionDenied):
        qualification_actions.grant_qualification(mia, bob, training)
    with pytest.raises(PermissionDenied):
        qualification_actions.grant_to(mia, training, "bob")
    assert Booking.objects.get().state == BookingState.REQUESTED
    assert Offer.objects.get().price_member_cents == 0
    assert not Qualification.objects.exists()


def test_a_member_still_books_and_edits_machines(mia, alice, laser):
    offer_actions.save_offer(alice, laser, offer_actions.OfferInput(mode="self_service"))
    start = (timezone.localtime() + dt.timedelta(days=3)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    booking = booking_actions.request_booking(mia, laser, start, start + dt.timedelta(hours=1))
    assert booking.state == BookingState.CONFIRMED
    equipment_actions.update_machine(
        mia, laser, equipment_actions.MachineInput(name="Laser", process_codes=["3.4.1.1"])
    )
    laser.refresh_from_db()
    assert laser.name == "Laser"


def test_the_api_refuses_a_member_with_403(client, mia, laser, request_, training):
    decided = _post(client, f"{API}/bookings/{request_.pk}/decide", {"approve": True}, mia)
    assert decided.status_code == 403, decided.content
    priced = _put(client, f"{API}/machines/{laser.pk}/offer", {"price_member_cents": 1}, mia)
    assert priced.status_code == 403, priced.content
    granted = _post(client, f"{API}/trainings/{training.pk}/grant", {"username": "mia"}, mia)
    assert granted.status_code == 403, granted.content
    assert Booking.objects.get().state == BookingState.REQUESTED
    assert not Qualification.objects.exists()


def test_the_pages_refuse_a_member_with_403(client, mia, host, laser, request_, training):
    client.force_login(mia)
    decide = client.post(reverse("sharing:decide", args=[request_.pk]), {"decision": "approve"})
    assert decide.status_code == 403
    assert client.get(reverse("sharing:offer_edit", args=[laser.pk])).status_code == 403
    grant = client.post(
        reverse("trainings:detail", args=[training.pk]), {"form": "grant", "grant-who": "mia"}
    )
    assert grant.status_code == 403
    assert client.get(reverse("trainings:create", args=[host.slug])).status_code == 403
    assert client.get(reverse("statements:statement", args=[host.slug])).status_code == 403
    assert Booking.objects.get().state == BookingState.REQUESTED
    assert not Qualification.objects.exists()


def test_the_host_dashboard_shows_requests_to_hosts_only(client, mia, hana, request_):
    client.force_login(mia)
    page = client.get(reverse("sharing:host_dashboard")).content.decode()
    assert f'id="request-{request_.pk}"' not in page
    client.force_login(hana)
    page = client.get(reverse("sharing:host_dashboard")).content.decode()
    assert f'id="request-{request_.pk}"' in page
    assert reverse("sharing:decide", args=[request_.pk]) in page


# --- hosts and trainers --------------------------------------------------------------------


def test_a_host_approves_and_prices_but_does_not_qualify(
    client, hana, bob, laser, request_, training
):
    decided = _post(client, f"{API}/bookings/{request_.pk}/decide", {"approve": True}, hana)
    assert decided.status_code == 200, decided.content
    assert Booking.objects.get().state == BookingState.CONFIRMED
    offer_actions.save_offer(
        hana, laser, offer_actions.OfferInput(mode="on_request", price_member_cents=900)
    )
    assert Offer.objects.get().price_member_cents == 900
    with pytest.raises(PermissionDenied):
        qualification_actions.grant_qualification(hana, bob, training)


def test_a_host_approves_on_the_page(client, hana, request_):
    client.force_login(hana)
    client.post(reverse("sharing:decide", args=[request_.pk]), {"decision": "approve"})
    assert Booking.objects.get().state == BookingState.CONFIRMED


def test_a_trainer_qualifies_but_does_not_approve(client, theo, bob, request_, training):
    granted = _post(client, f"{API}/trainings/{training.pk}/grant", {"username": "bob"}, theo)
    assert granted.status_code == 201, granted.content
    assert Qualification.objects.get().user == bob
    with pytest.raises(PermissionDenied):
        booking_actions.decide_booking(theo, request_, approve=True)
    assert Booking.objects.get().state == BookingState.REQUESTED
