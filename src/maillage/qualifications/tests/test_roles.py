"""Roles in an organisation, for trainings: trainers schedule sessions and qualify people, and
nobody qualifies themselves. The actions check; the API follows."""

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from maillage.directory.actions import people as people_actions
from maillage.directory.models import Membership, Role
from maillage.equipment import actions as equipment_actions
from maillage.qualifications import actions as qualification_actions
from maillage.qualifications.models import Qualification

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
def theo(make_user, host):
    return _member(make_user, host, "theo", Role.TRAINER)


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


def _error_fields(response):
    assert response.status_code == 422, response.content
    return {entry["loc"][-1] for entry in response.json()["detail"]}


def test_a_trainer_schedules_a_session_and_records_attendance(theo, bob, training):
    start = timezone.now() - dt.timedelta(hours=3)
    session = qualification_actions.schedule_session(
        theo, training, start, start + dt.timedelta(hours=2), 4
    )
    registration = qualification_actions.register(bob, session)
    qualification_actions.record_attendance_sheet(theo, session, {registration.pk})
    assert Qualification.objects.get().user == bob


# --- what a qualification may say ----------------------------------------------------------


def test_nobody_qualifies_themselves_except_a_coordinator(
    client, alice, theo, coordinator, training
):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        qualification_actions.grant_qualification(theo, theo, training)
    assert "yourself" in str(caught.value)
    response = _post(client, f"{API}/trainings/{training.pk}/grant", {"username": "alice"}, alice)
    assert _error_fields(response) == {"username"}
    assert not Qualification.objects.exists()
    qualification_actions.grant_qualification(coordinator, coordinator, training)
    assert Qualification.objects.get().user == coordinator


def test_attending_ones_own_session_does_not_qualify(theo, training):
    start = timezone.now() - dt.timedelta(hours=3)
    session = qualification_actions.schedule_session(
        theo, training, start, start + dt.timedelta(hours=2), 4
    )
    registration = qualification_actions.register(theo, session)
    with pytest.raises(ValidationError):
        qualification_actions.record_attendance_sheet(theo, session, {registration.pk})
    assert not Qualification.objects.exists()


def test_a_qualification_dated_in_2099_is_refused(client, theo, bob, training):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        qualification_actions.grant_qualification(
            theo, bob, training, dt.datetime(2099, 1, 1, tzinfo=dt.UTC)
        )
    assert caught.value.message_dict == {
        "issued_at": ["A qualification cannot be dated in the future."]
    }
    response = _post(
        client,
        f"{API}/trainings/{training.pk}/grant",
        {"username": "bob", "issued_at": "2099-01-01T00:00:00+00:00"},
        theo,
    )
    assert _error_fields(response) == {"issued_at"}
    assert not Qualification.objects.exists()


def test_a_qualification_dated_too_far_back_is_refused_but_last_year_is_fine(theo, bob, training):
    with pytest.raises(ValidationError) as caught:
        qualification_actions.grant_qualification(
            theo, bob, training, timezone.now() - dt.timedelta(days=11 * 366)
        )
    assert list(caught.value.message_dict) == ["issued_at"]
    assert not Qualification.objects.exists()
    # A minute ahead is clock skew; a year back is a qualification recorded late.
    qualification_actions.grant_qualification(
        theo, bob, training, timezone.now() + dt.timedelta(minutes=1)
    )
    last_year = timezone.now() - dt.timedelta(days=365)
    qualification_actions.grant_qualification(theo, bob, training, last_year)
    assert Qualification.objects.get().user == bob
