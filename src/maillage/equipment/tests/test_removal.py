"""Removing a site, a machine or an organisation that others depend on is explained, never a 500.

Sites keep their machines and machines keep their bookings (what was used and billed): the
action says what blocks and offers to retire the machine instead.
"""

import datetime as dt
import json

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from maillage.directory.actions import people as people_actions
from maillage.directory.actions import sites as site_actions
from maillage.directory.models import Organisation, Site
from maillage.equipment import actions
from maillage.equipment.models import Machine, MachineStatus
from maillage.sharing.models import Booking, BookingState

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(make_user):
    return make_user("alice")


@pytest.fixture
def workshop(make_organisation, alice):
    return make_organisation("Atelier des Calanques", admin=alice)


def _machine(alice, workshop, name="Plieuse"):
    return actions.create_machine(
        alice, workshop, actions.MachineInput(name=name, process_codes=["2.1.5"])
    )


def _book(machine, booker, days, state):
    start = timezone.now() + dt.timedelta(days=days)
    return Booking.objects.create(
        machine=machine,
        booker=booker,
        host_organisation=machine.organisation,
        start=start,
        end=start + dt.timedelta(hours=1),
        blocked_until=start + dt.timedelta(hours=1),
        state=state,
        tier="member",
    )


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def _token(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {people_actions.create_api_token(user, 't')[1]}"}


# --- sites ---------------------------------------------------------------------------------


def test_a_site_with_machines_is_not_removed_and_the_message_counts_them(alice, workshop):
    site = workshop.sites.get()
    _machine(alice, workshop, "Plieuse")
    _machine(alice, workshop, "Tour")
    with pytest.raises(ValidationError) as exc_info, translation.override("en"):
        site_actions.delete_site(alice, site)
    assert exc_info.value.messages == [
        "This site still has 2 machines: move them to another site or remove them first."
    ]
    assert Site.objects.filter(pk=site.pk).exists()


def test_the_page_explains_why_the_site_stays(client, alice, workshop):
    site = workshop.sites.get()
    _machine(alice, workshop)
    client.force_login(alice)
    response = client.post(f"/o/{workshop.slug}/sites/{site.pk}/delete/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    assert any("1 machine" in m for m in _messages(response))
    assert Site.objects.filter(pk=site.pk).exists()


def test_the_api_answers_422_naming_the_machines(client, alice, workshop):
    site = workshop.sites.get()
    _machine(alice, workshop)
    response = client.delete(f"/api/v1/sites/{site.pk}", HTTP_ACCEPT_LANGUAGE="en", **_token(alice))
    assert response.status_code == 422
    assert "1 machine" in response.json()["detail"][0]["msg"]
    assert Site.objects.filter(pk=site.pk).exists()


def test_a_site_without_machines_is_removed(client, alice, workshop):
    from maillage.directory.actions.sites import SiteInput, add_site

    extra = add_site(alice, workshop, SiteInput(name="Annexe", commune="Aubagne"))
    response = client.delete(f"/api/v1/sites/{extra.pk}", **_token(alice))
    assert response.status_code == 204
    assert not Site.objects.filter(pk=extra.pk).exists()


# --- machines ------------------------------------------------------------------------------


def test_a_machine_with_bookings_is_not_removed_and_retiring_is_offered(
    client, alice, workshop, make_user
):
    machine = _machine(alice, workshop)
    _book(machine, make_user("bob"), -3, BookingState.COMPLETED)
    client.force_login(alice)
    response = client.post(f"/machines/{machine.pk}/delete/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302 and response.url == machine.get_absolute_url()
    assert any("1 booking in its history" in m and "Retire" in m for m in _messages(response))
    page = client.get(machine.get_absolute_url())
    assert f"/machines/{machine.pk}/retire/" in page.content.decode()
    assert Machine.objects.filter(pk=machine.pk).exists()


def test_the_api_answers_422_when_a_machine_has_bookings(client, alice, workshop, make_user):
    machine = _machine(alice, workshop)
    _book(machine, make_user("bob"), -3, BookingState.CANCELLED)
    response = client.delete(
        f"/api/v1/machines/{machine.pk}", HTTP_ACCEPT_LANGUAGE="en", **_token(alice)
    )
    assert response.status_code == 422
    assert "booking" in response.json()["detail"][0]["msg"]
    assert Machine.objects.filter(pk=machine.pk).exists()


def test_a_machine_without_bookings_is_removed(client, alice, workshop):
    machine = _machine(alice, workshop)
    client.force_login(alice)
    assert client.post(f"/machines/{machine.pk}/delete/").status_code == 302
    assert not Machine.objects.filter(pk=machine.pk).exists()


def test_retiring_keeps_the_machine_and_its_history(client, alice, workshop, make_user):
    machine = _machine(alice, workshop)
    _book(machine, make_user("bob"), -3, BookingState.COMPLETED)
    client.force_login(alice)
    assert client.post(f"/machines/{machine.pk}/retire/").status_code == 302
    machine.refresh_from_db()
    assert machine.status == MachineStatus.RETIRED
    assert machine.bookings.count() == 1
    assert machine.history.first().history_user == alice
    with pytest.raises(ValidationError) as exc_info, translation.override("en"):
        actions.retire_machine(alice, machine)
    assert "already retired" in exc_info.value.message_dict["status"][0]


@pytest.mark.parametrize("state", [BookingState.REQUESTED, BookingState.CONFIRMED])
def test_retiring_is_refused_while_bookings_are_to_come(alice, workshop, make_user, state):
    machine = _machine(alice, workshop)
    booking = _book(machine, make_user("bob"), 2, state)
    with pytest.raises(ValidationError) as exc_info, translation.override("en"):
        actions.retire_machine(alice, machine)
    assert exc_info.value.message_dict["status"] == [
        "This machine still has 1 booking to come: cancel or move it first."
    ]
    machine.refresh_from_db()
    booking.refresh_from_db()
    assert (machine.status, booking.state) == (MachineStatus.OPERATIONAL, state)


def test_the_api_refuses_to_retire_through_the_status_while_bookings_are_to_come(
    client, alice, workshop, make_user
):
    machine = _machine(alice, workshop)
    _book(machine, make_user("bob"), 2, BookingState.CONFIRMED)
    response = client.patch(
        f"/api/v1/machines/{machine.pk}",
        json.dumps({"status": "retired"}),
        content_type="application/json",
        **_token(alice),
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "status"]
    machine.refresh_from_db()
    assert machine.status == MachineStatus.OPERATIONAL


def test_only_members_retire_a_machine(alice, workshop, make_user):
    from django.core.exceptions import PermissionDenied

    machine = _machine(alice, workshop)
    with pytest.raises(PermissionDenied):
        actions.retire_machine(make_user("mallory"), machine)


# --- the admin -----------------------------------------------------------------------------


@pytest.mark.parametrize("what", ["site", "machine", "organisation"])
def test_the_admin_lists_what_protects_instead_of_failing(client, alice, workshop, make_user, what):
    machine = _machine(alice, workshop)
    _book(machine, make_user("bob"), -3, BookingState.COMPLETED)
    admin = make_user("root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    target = {"site": machine.site, "machine": machine, "organisation": workshop}[what]
    url = f"/admin/{target._meta.app_label}/{target._meta.model_name}/{target.pk}/delete/"
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert page.context["protected"]
    response = client.post(url, {"post": "yes"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert (Site.objects.count(), Machine.objects.count(), Organisation.objects.count()) == (
        1,
        1,
        1,
    )
