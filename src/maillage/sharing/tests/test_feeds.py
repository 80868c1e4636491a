"""iCalendar feeds: a person's bookings and a machine's, behind a secret token in the URL."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from maillage.directory.auth import hash_token
from maillage.equipment.actions import MachineInput, create_machine
from maillage.sharing.actions import bookings as booking_actions
from maillage.sharing.actions import feeds as feed_actions
from maillage.sharing.actions import offers as offer_actions
from maillage.sharing.models import Audience, CalendarToken, Mode

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://maillage.example"


@pytest.fixture
def alice(make_user):
    return make_user("alice")


@pytest.fixture
def bob(make_user):
    return make_user("bob")


@pytest.fixture
def carol(make_user):
    return make_user("carol")


@pytest.fixture
def workshop(make_organisation, alice):
    return make_organisation("Atelier Alice", admin=alice)


@pytest.fixture
def fablab(make_organisation, bob):
    return make_organisation("Fablab Bob", admin=bob)


def _machine(actor, organisation, name, mode):
    machine = create_machine(
        actor, organisation, MachineInput(name=name, process_codes=["3.4.1.1"])
    )
    offer_actions.save_offer(
        actor, machine, offer_actions.OfferInput(audience=Audience.REGISTERED, mode=mode)
    )
    return machine


@pytest.fixture
def laser(alice, workshop):
    return _machine(alice, workshop, "Trotec Speedy 400", Mode.SELF_SERVICE)


@pytest.fixture
def lathe(alice, workshop):
    return _machine(alice, workshop, "Tour Cazeneuve", Mode.ON_REQUEST)


def _slot(days, hour, hours=2):
    local = timezone.localtime() + dt.timedelta(days=days)
    start = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    return start, start + dt.timedelta(hours=hours)


@pytest.fixture
def carols_bookings(carol, bob, fablab, laser, lathe):
    confirmed = booking_actions.request_booking(carol, laser, *_slot(2, 9))
    requested = booking_actions.request_booking(carol, lathe, *_slot(3, 14))
    cancelled = booking_actions.request_booking(carol, laser, *_slot(4, 9))
    booking_actions.cancel_booking(carol, cancelled)
    others = booking_actions.request_booking(bob, laser, *_slot(5, 9))
    return {
        "confirmed": confirmed,
        "requested": requested,
        "cancelled": cancelled,
        "others": others,
    }


def _events(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["VERSION"]) == "2.0" and calendar["PRODID"]
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def _feed_url(client, user):
    """Makes the person's feed address on the calendar page, which shows it this once."""
    client.force_login(user)
    response = client.post(reverse("statements:calendar_settings"), {"renew": "1"})
    assert response.status_code == 200
    client.logout()
    url = response.context["new_links"]["https"].removeprefix("https://maillage.example")
    assert url in response.content.decode()
    return url


def _secret(url):
    return url.rsplit("/", 1)[-1].removesuffix(".ics")


def test_the_address_is_shown_once_when_made_and_only_its_hash_is_kept(client, carol):
    client.force_login(carol)
    assert ".ics" not in client.get(reverse("statements:calendar_settings")).content.decode()
    url = _feed_url(client, carol)
    secret = _secret(url)
    client.force_login(carol)
    assert secret not in client.get(reverse("statements:calendar_settings")).content.decode()
    stored = CalendarToken.objects.filter(user=carol).values().get()
    assert secret not in str(stored)
    assert stored["token_hash"] == hash_token(secret)
    assert CalendarToken.objects.count() == 1


def test_a_persons_feed_lists_their_bookings_and_no_one_elses(client, carol, carols_bookings):
    url = _feed_url(client, carol)  # logged out again: the token is enough
    events = _events(client.get(url))
    mine = ("confirmed", "requested", "cancelled")
    assert set(events) == {f"booking-{carols_bookings[k].pk}@maillage.example" for k in mine}

    confirmed = carols_bookings["confirmed"]
    event = events[f"booking-{confirmed.pk}@maillage.example"]
    assert event.decoded("DTSTART") == confirmed.start
    assert event.decoded("DTSTART").utcoffset() == dt.timedelta(0)
    assert event["DTSTART"].to_ical().endswith(b"Z") and event["DTEND"].to_ical().endswith(b"Z")
    assert event.decoded("DTEND") == confirmed.end
    assert "Trotec Speedy 400" in str(event["SUMMARY"])
    assert "Atelier Alice" in str(event["LOCATION"]) and "13002" in str(event["LOCATION"])
    assert event["DTSTAMP"]

    statuses = {
        k: str(events[f"booking-{carols_bookings[k].pk}@maillage.example"]["STATUS"]) for k in mine
    }
    assert statuses == {
        "confirmed": "CONFIRMED",
        "requested": "TENTATIVE",
        "cancelled": "CANCELLED",
    }


def test_the_uid_stays_the_same_when_the_booking_changes(client, alice, carol, carols_bookings):
    url = _feed_url(client, carol)
    requested = carols_bookings["requested"]
    uid = f"booking-{requested.pk}@maillage.example"
    assert str(_events(client.get(url))[uid]["STATUS"]) == "TENTATIVE"
    booking_actions.decide_booking(alice, requested, approve=True)
    assert str(_events(client.get(url))[uid]["STATUS"]) == "CONFIRMED"


def test_a_wrong_token_is_404(client, carol, carols_bookings):
    _feed_url(client, carol)
    for token in ("nope", "x" * 43, CalendarToken.objects.get().token_hash):
        assert client.get(reverse("statements:user_feed", args=[token])).status_code == 404


def test_a_deactivated_account_has_no_feed(client, carol, carols_bookings):
    url = _feed_url(client, carol)
    carol.is_active = False
    carol.save()
    assert client.get(url).status_code == 404


def test_renewing_the_secret_invalidates_the_old_address(client, carol, carols_bookings):
    old_url = _feed_url(client, carol)
    client.force_login(carol)
    new_url = _feed_url(client, carol)
    assert new_url != old_url
    assert client.get(old_url).status_code == 404
    assert len(_events(client.get(new_url))) == 3


def test_the_calendar_page_needs_signing_in(client):
    response = client.get(reverse("statements:calendar_settings"))
    assert response.status_code == 302 and "login" in response["Location"]


# --- machine feeds ---------------------------------------------------------------------


def _machine_feed(machine):
    """A fresh feed address for the machine, made by its organisation's admin."""
    host = machine.organisation.memberships.get().user
    secret = feed_actions.renew_machine_feed_token(host, machine.offer)
    return reverse("statements:machine_feed", args=[machine.pk, secret])


def test_a_machine_feed_lists_every_booking_of_the_machine(client, laser, carols_bookings):
    events = _events(client.get(_machine_feed(laser)))
    expected = {carols_bookings[k].pk for k in ("confirmed", "cancelled", "others")}
    assert set(events) == {f"booking-{pk}@maillage.example" for pk in expected}
    assert all("Trotec Speedy 400" in str(e["SUMMARY"]) for e in events.values())


def test_a_machine_feed_needs_its_own_token(client, laser, lathe, carols_bookings):
    lathe_secret = _secret(_machine_feed(lathe))
    laser_secret = _secret(_machine_feed(laser))
    laser.offer.refresh_from_db()
    wrong = [
        reverse("statements:machine_feed", args=[laser.pk, "nope"]),
        # The lathe's token does not open the laser's feed, nor does the stored hash.
        reverse("statements:machine_feed", args=[laser.pk, lathe_secret]),
        reverse("statements:machine_feed", args=[laser.pk, laser.offer.feed_token_hash]),
        reverse("statements:machine_feed", args=[999999, laser_secret]),
    ]
    for url in wrong:
        assert client.get(url).status_code == 404


def test_host_members_make_their_machine_feeds_and_others_do_not(client, alice, bob, laser, lathe):
    client.force_login(alice)
    html = client.get(reverse("statements:calendar_settings")).content.decode()
    assert f'name="renew_machine" value="{laser.offer.pk}"' in html
    response = client.post(
        reverse("statements:calendar_settings"), {"renew_machine": laser.offer.pk}
    )
    (url,) = [f["links"]["https"] for f in response.context["machine_feeds"] if f["links"]]
    assert f"/machines/{laser.pk}/feed/" in url
    assert client.get(url.removeprefix("https://maillage.example")).status_code == 200
    assert ".ics" not in client.get(reverse("statements:calendar_settings")).content.decode()
    client.force_login(bob)
    html = client.get(reverse("statements:calendar_settings")).content.decode()
    assert "renew_machine" not in html


def test_the_offers_history_holds_no_feed_secret_or_hash(alice, laser):
    secret = feed_actions.renew_machine_feed_token(alice, laser.offer)
    laser.offer.refresh_from_db()
    rows = [str(row) for row in laser.offer.history.values()]
    assert rows and not any(secret in r or laser.offer.feed_token_hash in r for r in rows)
    assert "feed_token_hash" not in {f.name for f in laser.offer.history.model._meta.fields}


def test_renewing_a_machine_feed_invalidates_the_old_address(client, alice, bob, laser):
    old_url = _machine_feed(laser)
    client.force_login(bob)
    response = client.post(
        reverse("statements:calendar_settings"), {"renew_machine": laser.offer.pk}
    )
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        feed_actions.renew_machine_feed_token(bob, laser.offer)
    assert client.get(old_url).status_code == 200
    client.force_login(alice)
    response = client.post(
        reverse("statements:calendar_settings"), {"renew_machine": laser.offer.pk}
    )
    new_url = response.context["machine_feeds"][0]["links"]["https"]
    assert client.get(old_url).status_code == 404
    assert client.get(new_url.removeprefix("https://maillage.example")).status_code == 200
