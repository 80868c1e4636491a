"""Trainings: creation, sessions and their places, attendance, qualifications and their validity."""

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from maillage.directory.models import OrganisationStatus
from maillage.equipment.actions import MachineInput, create_machine
from maillage.qualifications import actions as qualification_actions
from maillage.qualifications.equivalence import is_valid
from maillage.qualifications.models import Qualification, Registration, Training
from maillage.qualifications.tests.training_world import (
    LASER_CUTTING,
    LASER_ENGRAVING,
    THERMAL_REMOVAL,
    UTC,
    future_session,
    has_error_beside,
    paris,
    past_session,
)

pytestmark = pytest.mark.django_db


# --- creating trainings ---------------------------------------------------------------


def test_member_creates_a_training_for_one_of_its_machines(client, alice, workshop, laser):
    client.force_login(alice)
    response = client.post(
        reverse("trainings:create", args=[workshop.slug]),
        {
            "title": "Découpe laser — prise en main",
            "machine": str(laser.pk),
            "process": "",
            "validity_months": "12",
            "idle_lapse_months": "6",
            "description": "Trois heures, avec l'animateur.",
        },
    )
    training = Training.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("trainings:detail", args=[training.pk])
    assert (training.organisation, training.machine, training.trainer) == (workshop, laser, alice)
    assert (training.validity_months, training.idle_lapse_months) == (12, 6)


def test_member_creates_a_training_for_a_process(client, alice, workshop):
    client.force_login(alice)
    client.post(
        reverse("trainings:create", args=[workshop.slug]),
        {"title": "Découpe thermique", "process": THERMAL_REMOVAL, "validity_months": "24"},
    )
    training = Training.objects.get()
    assert training.process.code == THERMAL_REMOVAL and training.machine is None
    assert training.idle_lapse_months is None


def test_a_training_needs_a_machine_or_a_process_shown_beside_the_field(client, alice, workshop):
    client.force_login(alice)
    response = client.post(
        reverse("trainings:create", args=[workshop.slug]),
        {"title": "Rien", "validity_months": "24"},
    )
    assert response.status_code == 200
    assert has_error_beside(response, "machine")
    assert not Training.objects.exists()


def test_another_organisations_machine_is_not_a_choice(client, alice, bob, workshop, fablab):
    other = create_machine(bob, fablab, MachineInput(name="Epilog", process_codes=[LASER_CUTTING]))
    client.force_login(alice)
    response = client.post(
        reverse("trainings:create", args=[workshop.slug]),
        {"title": "Epilog", "machine": str(other.pk), "validity_months": "24"},
    )
    assert has_error_beside(response, "machine")
    assert not Training.objects.exists()


def test_outsiders_cannot_create_a_training(client, bob, workshop, make_organisation):
    url = reverse("trainings:create", args=[workshop.slug])
    assert client.get(url).status_code == 302  # to the sign-in page
    client.force_login(bob)
    assert client.get(url).status_code == 403
    assert client.post(url, {"title": "x", "process": LASER_CUTTING}).status_code == 403
    pending = make_organisation("Pas encore", status=OrganisationStatus.PENDING)
    assert client.get(reverse("trainings:create", args=[pending.slug])).status_code == 404


# --- sessions and places --------------------------------------------------------------


def test_member_schedules_a_session_in_paris_time(client, alice, laser_training):
    client.force_login(alice)
    response = client.post(
        reverse("trainings:detail", args=[laser_training.pk]),
        {
            "form": "session",
            "session-start": "2026-12-01T09:00",
            "session-end": "2026-12-01T12:00",
            "session-capacity": "2",
            "session-place": "Atelier, rez-de-chaussée",
        },
    )
    assert response.status_code == 302
    session = laser_training.sessions.get()
    assert session.start == dt.datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    assert session.capacity == 2


def test_a_session_ending_before_it_starts_is_refused_beside_the_field(
    client, alice, laser_training
):
    client.force_login(alice)
    response = client.post(
        reverse("trainings:detail", args=[laser_training.pk]),
        {
            "form": "session",
            "session-start": "2026-12-01T09:00",
            "session-end": "2026-12-01T08:00",
            "session-capacity": "2",
        },
    )
    assert response.status_code == 200
    assert has_error_beside(response, "session-end")
    assert not laser_training.sessions.exists()


def test_others_cannot_add_sessions(client, bob, carol, laser_training):
    url = reverse("trainings:detail", args=[laser_training.pk])
    data = {
        "form": "session",
        "session-start": "2026-12-01T09:00",
        "session-end": "2026-12-01T12:00",
        "session-capacity": "2",
    }
    for person in (bob, carol):
        client.force_login(person)
        assert client.post(url, data).status_code == 403
    assert not laser_training.sessions.exists()


def test_registration_takes_a_place_until_the_session_is_full(
    client, make_user, alice, carol, laser_training
):
    session = future_session(alice, laser_training, capacity=2)
    url = reverse("trainings:register", args=[session.pk])
    dave, erin = make_user("dave"), make_user("erin")
    for person in (carol, dave):
        client.force_login(person)
        assert client.post(url).status_code == 302
    client.force_login(erin)
    response = client.post(url, follow=True)
    assert Registration.objects.filter(session=session).count() == 2
    assert not Registration.objects.filter(user=erin).exists()
    assert any("full" in str(m) or "complète" in str(m) for m in response.context["messages"])
    # The detail page shows no place left and no button.
    page = client.get(reverse("trainings:detail", args=[laser_training.pk]))
    (shown,) = page.context["sessions"]
    assert shown.places_left == 0
    assert reverse("trainings:register", args=[session.pk]) not in page.content.decode()


def test_the_register_action_refuses_a_full_session_and_a_second_registration(
    make_user, alice, carol, laser_training
):
    session = future_session(alice, laser_training, capacity=1)
    qualification_actions.register_for_session(carol, session)
    with pytest.raises(ValidationError):
        qualification_actions.register_for_session(carol, session)
    with pytest.raises(ValidationError):
        qualification_actions.register_for_session(make_user("dave"), session)


def test_a_started_session_takes_no_registration(alice, carol, laser_training):
    session = past_session(alice, laser_training)
    with pytest.raises(ValidationError):
        qualification_actions.register_for_session(carol, session)


def test_registering_requires_signing_in(client, alice, laser_training):
    session = future_session(alice, laser_training)
    response = client.post(reverse("trainings:register", args=[session.pk]))
    assert response.status_code == 302 and "login" in response["Location"]
    assert not Registration.objects.exists()


def test_trainings_of_a_pending_organisation_are_hidden(client, make_organisation, alice, carol):
    pending = make_organisation("En attente", admin=alice, status=OrganisationStatus.PENDING)
    training = qualification_actions.create_training(
        alice, pending, "Secret", process_code=LASER_CUTTING
    )
    session = future_session(alice, training)
    client.force_login(carol)
    assert client.get(reverse("trainings:detail", args=[training.pk])).status_code == 404
    assert training not in client.get(reverse("trainings:list")).context["trainings"]
    assert client.post(reverse("trainings:register", args=[session.pk])).status_code == 404


# --- attendance ------------------------------------------------------------------------


def test_attendance_grants_the_qualification_with_the_right_expiry(
    client, make_user, alice, carol, laser_training
):
    session = past_session(alice, laser_training)
    dave = make_user("dave")
    came = qualification_actions.register(carol, session)
    qualification_actions.register(dave, session)
    client.force_login(alice)
    url = reverse("trainings:attendance", args=[session.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"attended": [str(came.pk)]})
    assert response.status_code == 302
    qualification = Qualification.objects.get()
    assert qualification.user == carol and qualification.issued_by == alice
    assert qualification.issued_at == session.end
    assert qualification.expires_at == session.end + relativedelta(months=24)
    assert is_valid(qualification, timezone.now()) == ""
    assert not Qualification.objects.filter(user=dave).exists()


def test_expiry_counts_calendar_months(alice, carol, workshop):
    training = qualification_actions.create_training(
        alice, workshop, "Un mois", process_code=LASER_CUTTING, validity_months=1
    )
    session = qualification_actions.schedule_session(
        alice, training, paris(2026, 1, 31, 14), paris(2026, 1, 31, 17), 3
    )
    registration = qualification_actions.register(carol, session)
    qualification = qualification_actions.record_attendance(alice, registration)
    # 31 January + 1 month = 28 February (no 31 February), same hour, Paris time.
    assert qualification.expires_at == paris(2026, 2, 28, 17)


def test_unticking_takes_back_the_qualification_this_session_gave(
    client, alice, carol, laser_training
):
    session = past_session(alice, laser_training)
    registration = qualification_actions.register(carol, session)
    client.force_login(alice)
    url = reverse("trainings:attendance", args=[session.pk])
    client.post(url, {"attended": [str(registration.pk)]})
    assert Qualification.objects.filter(user=carol).exists()
    client.post(url, {})
    registration.refresh_from_db()
    assert not registration.attended
    assert not Qualification.objects.filter(user=carol).exists()


def test_attendance_waits_for_the_session(alice, carol, laser_training):
    session = future_session(alice, laser_training)
    registration = qualification_actions.register(carol, session)
    with pytest.raises(ValidationError):
        qualification_actions.record_attendance_sheet(alice, session, {registration.pk})
    assert not Qualification.objects.exists()


def test_only_the_trainers_organisation_sees_and_fills_the_sheet(
    client, alice, bob, carol, laser_training
):
    session = past_session(alice, laser_training)
    registration = qualification_actions.register(carol, session)
    url = reverse("trainings:attendance", args=[session.pk])
    for person in (bob, carol):
        client.force_login(person)
        assert client.get(url).status_code == 403
        assert client.post(url, {"attended": [str(registration.pk)]}).status_code == 403
    assert not Qualification.objects.exists()
    with pytest.raises(PermissionDenied):
        qualification_actions.record_attendance_sheet(bob, session, {registration.pk})


def test_grant_directly_by_email_or_username(client, alice, carol, make_user, laser_training):
    client.force_login(alice)
    url = reverse("trainings:detail", args=[laser_training.pk])
    response = client.post(url, {"form": "grant", "grant-who": "CAROL@example.org"})
    assert response.status_code == 302
    assert Qualification.objects.get().user == carol
    client.post(url, {"form": "grant", "grant-who": make_user("dave").username})
    assert Qualification.objects.count() == 2
    response = client.post(url, {"form": "grant", "grant-who": "nobody@example.org"})
    assert response.status_code == 200 and has_error_beside(response, "grant-who")


def test_outsiders_cannot_grant(client, bob, carol, laser_training):
    client.force_login(bob)
    url = reverse("trainings:detail", args=[laser_training.pk])
    assert client.post(url, {"form": "grant", "grant-who": "carol"}).status_code == 403
    with pytest.raises(PermissionDenied):
        qualification_actions.grant_to(bob, laser_training, "carol")
    assert not Qualification.objects.exists()


# --- validity: expiry and lapse --------------------------------------------------------


def test_an_expired_qualification_is_not_valid(alice, carol, laser_training):
    issued = paris(2025, 3, 1, 12)
    qualification = qualification_actions.grant_qualification(alice, carol, laser_training, issued)
    assert is_valid(qualification, paris(2027, 2, 28, 12)) == ""
    assert is_valid(qualification, paris(2027, 3, 1, 12)) == "expired"


def test_my_qualifications_show_each_status(client, alice, carol, workshop, laser_training):
    now = timezone.now()
    idle = qualification_actions.create_training(
        alice, workshop, "Idle", process_code=LASER_ENGRAVING, idle_lapse_months=1
    )
    old = qualification_actions.create_training(
        alice, workshop, "Old", process_code=LASER_CUTTING, validity_months=1
    )
    qualification_actions.grant_qualification(
        alice, carol, laser_training, now - dt.timedelta(days=1)
    )
    qualification_actions.grant_qualification(alice, carol, idle, now - dt.timedelta(days=60))
    qualification_actions.grant_qualification(alice, carol, old, now - dt.timedelta(days=62))
    client.force_login(carol)
    response = client.get(reverse("trainings:mine"))
    statuses = {q.training.title: q.status for q in response.context["qualifications"]}
    assert statuses == {laser_training.title: "", "Idle": "lapsed", "Old": "expired"}
    assert client.get(reverse("trainings:mine")).status_code == 200
    client.logout()
    assert client.get(reverse("trainings:mine")).status_code == 302


# --- which qualifications count: missing_trainings -------------------------------------


def test_the_list_filters_by_process_and_by_machine(
    client, alice, bob, workshop, fablab, laser, laser_training
):
    broad = qualification_actions.create_training(
        bob, fablab, "Découpe thermique", process_code=THERMAL_REMOVAL
    )
    engraving = qualification_actions.create_training(
        bob, fablab, "Gravure", process_code=LASER_ENGRAVING
    )
    future_session(alice, laser_training, capacity=3)
    url = reverse("trainings:list")

    everything = client.get(url).context["trainings"]
    assert {t.pk for t in everything} == {laser_training.pk, broad.pk, engraving.pk}
    (listed,) = [t for t in everything if t.pk == laser_training.pk]
    assert [s.places_left for s in listed.upcoming] == [3]

    by_process = client.get(url, {"process": LASER_CUTTING}).context["trainings"]
    assert {t.pk for t in by_process} == {laser_training.pk, broad.pk}
    by_parent = client.get(url, {"process": THERMAL_REMOVAL}).context["trainings"]
    assert {t.pk for t in by_parent} == {laser_training.pk, broad.pk, engraving.pk}
    by_machine = client.get(url, {"machine": laser.pk}).context["trainings"]
    assert {t.pk for t in by_machine} == {laser_training.pk, broad.pk}
    assert client.get(url, {"machine": 999999}).status_code == 404
