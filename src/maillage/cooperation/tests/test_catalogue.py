"""The trainings catalogue: sessions of every organisation, booking across organisations, the
waiting list in order, promotion on cancellation with its e-mail, attendance → qualification."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from maillage.cooperation.actions import catalogue as actions
from maillage.cooperation.models import WaitingListEntry
from maillage.cooperation.queries.catalogue import CatalogueFilters, catalogue_sessions
from maillage.cooperation.tests.skills_world import client_of, english, world
from maillage.directory.models import Organisation, OrganisationStatus
from maillage.qualifications import actions as qualification_actions
from maillage.qualifications.models import Qualification, Registration, TrainingSession

__all__ = ["english", "world"]

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def schedule(actor: Any, training: Any, capacity: int = 1, days: int = 10) -> TrainingSession:
    start = timezone.now() + dt.timedelta(days=days)
    return qualification_actions.schedule_session(
        actor, training, start, start + dt.timedelta(hours=3), capacity, "Atelier"
    )


@pytest.fixture
def welding(world: Any) -> Any:
    return qualification_actions.create_training(
        world.alice, world.workshop, "TIG welding: first steps", process_code="4.6.2.1.3"
    )


@pytest.fixture
def pasteurising(world: Any) -> Any:
    return qualification_actions.create_training(
        world.bob, world.fablab, "Small-batch pasteurisation", process_code="FOOD.4"
    )


def test_the_catalogue_lists_upcoming_sessions_of_every_organisation(
    world: Any, welding: Any, pasteurising: Any
) -> None:
    first = schedule(world.alice, welding, capacity=3, days=5)
    second = schedule(world.bob, pasteurising, capacity=2, days=40)
    past_start = timezone.now() - dt.timedelta(days=2)
    qualification_actions.schedule_session(
        world.alice, welding, past_start, past_start + dt.timedelta(hours=2), 4
    )
    actions.book(world.dave, first)
    sessions = list(catalogue_sessions(world.erin, CatalogueFilters()))
    assert [s.pk for s in sessions] == [first.pk, second.pk]
    assert sessions[0].taken == 1
    page = client_of(None).get(reverse("cooperation:trainings_catalogue"))
    text = page.content.decode()
    assert "TIG welding: first steps" in text and "Small-batch pasteurisation" in text
    assert "2 places left" in text and "Sign in to book" in text
    rows = client_of(None).get("/api/v1/trainings/catalogue").json()["items"]
    assert [(r["id"], r["places_left"], r["organisation"]) for r in rows] == [
        (first.pk, 2, world.workshop.slug),
        (second.pk, 2, world.fablab.slug),
    ]


def test_the_filters_process_organisation_department_and_month(
    world: Any, welding: Any, pasteurising: Any
) -> None:
    near = schedule(world.alice, welding, days=3)
    far = schedule(world.bob, pasteurising, days=70)

    def ids(**filters: Any) -> list[int]:
        return [s.pk for s in catalogue_sessions(world.erin, CatalogueFilters(**filters))]

    assert ids(process="4.6") == [near.pk]
    assert ids(process="FOOD") == [far.pk]
    assert ids(organisation=world.fablab.slug) == [far.pk]
    assert ids(department="13") == [near.pk, far.pk]
    assert ids(department="83") == []
    month = timezone.localtime(far.start).strftime("%Y-%m")
    assert ids(month=month) == [far.pk]
    page = client_of(None).get(reverse("cooperation:trainings_catalogue"), {"process": "FOOD"})
    text = page.content.decode()
    assert "Small-batch" in text and "TIG welding: first steps" not in text


def test_bad_filters_name_their_field(world: Any, welding: Any) -> None:
    for query, field in (
        ("?process=9.9", "process"),
        ("?organisation=nobody", "organisation"),
        ("?department=XX", "department"),
        ("?month=2026-13", "month"),
        ("?month=soon", "month"),
    ):
        response = client_of(None).get(f"/api/v1/trainings/catalogue{query}")
        assert response.status_code == 422, query
        assert field in str(response.json()["detail"]), query
    page = client_of(None).get(reverse("cooperation:trainings_catalogue"), {"month": "soon"})
    assert page.status_code == 200 and "YYYY-MM" in page.content.decode()


def test_people_of_other_organisations_book_and_the_full_session_has_a_waiting_list(
    world: Any, welding: Any
) -> None:
    session = schedule(world.alice, welding, capacity=2)
    assert actions.book(world.bob, session).state == actions.REGISTERED  # another organisation
    assert actions.book(world.erin, session).state == actions.REGISTERED  # no organisation
    third = actions.book(world.dave, session)
    fourth = actions.book(world.nina, session)
    assert (third.state, third.position) == (actions.WAITING, 1)
    assert (fourth.state, fourth.position) == (actions.WAITING, 2)
    assert Registration.objects.filter(session=session).count() == 2
    with pytest.raises(ValidationError, match="already registered"):
        actions.book(world.bob, session)
    with pytest.raises(ValidationError, match="already on the waiting list"):
        actions.book(world.dave, session)
    assert WaitingListEntry.objects.filter(session=session).count() == 2


def test_a_cancellation_gives_the_seat_to_the_first_in_line_and_tells_them(
    world: Any, welding: Any, django_capture_on_commit_callbacks: Any
) -> None:
    session = schedule(world.alice, welding, capacity=1)
    actions.book(world.bob, session)
    actions.book(world.dave, session)
    actions.book(world.nina, session)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.cancel(world.bob, session).state == actions.CANCELLED
    assert list(Registration.objects.filter(session=session).values_list("user", flat=True)) == [
        world.dave.pk
    ]
    assert list(WaitingListEntry.objects.values_list("user", flat=True)) == [world.nina.pk]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [world.dave.email]
    assert "TIG welding" in mail.outbox[0].subject
    assert "/trainings/catalogue/" in mail.outbox[0].body
    # Leaving the list gives nothing to anyone.
    assert actions.cancel(world.nina, session).state == actions.LEFT_LIST
    assert not WaitingListEntry.objects.exists() and len(mail.outbox) == 1
    with pytest.raises(ValidationError, match="neither registered nor waiting"):
        actions.cancel(world.nina, session)


def test_the_pages_book_wait_and_cancel(world: Any, welding: Any) -> None:
    session = schedule(world.alice, welding, capacity=1)
    book = reverse("cooperation:trainings_book", args=[session.pk])
    cancel = reverse("cooperation:trainings_cancel", args=[session.pk])
    assert client_of(world.bob).post(book).status_code == 302
    response = client_of(world.dave).post(book, follow=True)
    assert "number 1 on the waiting list" in response.content.decode()
    page = client_of(world.dave).get(reverse("cooperation:trainings_catalogue")).content.decode()
    assert "On the waiting list" in page and "1 person waiting" in page
    assert "<li>dave</li>" not in page  # names are for the organisation's trainers
    client_of(world.nina).post(book)
    trainer = client_of(world.alice).get(reverse("cooperation:trainings_catalogue"))
    assert '<ol class="waiting-list"><li>dave</li><li>nina</li></ol>' in trainer.content.decode()
    client_of(world.bob).post(cancel)
    assert Registration.objects.get(session=session).user == world.dave
    assert client_of(None).post(book).status_code == 302  # to the sign-in page
    assert client_of(world.erin).get(book).status_code == 405


def test_the_api_books_waits_and_cancels(world: Any, welding: Any) -> None:
    session = schedule(world.alice, welding, capacity=1)
    url = f"/api/v1/trainings/catalogue/{session.pk}"
    first = client_of(world.bob).post(f"{url}/book")
    assert first.status_code == 201 and first.json()["state"] == "registered"
    second = client_of(world.dave).post(f"{url}/book")
    assert second.status_code == 200 and second.json() == {"state": "waiting", "position": 1}
    again = client_of(world.dave).post(f"{url}/book")
    assert again.status_code == 422
    rows = client_of(world.dave).get("/api/v1/trainings/catalogue").json()["items"]
    assert rows[0]["mine"] == "waiting" and rows[0]["waiting"] == 1
    assert client_of(world.bob).post(f"{url}/cancel").json()["state"] == "cancelled"
    assert Registration.objects.get(session=session).user == world.dave
    assert client_of(None).post(f"{url}/book").status_code == 401
    assert client_of(world.bob).post("/api/v1/trainings/catalogue/999999/book").status_code == 404


def test_sessions_of_hidden_organisations_and_started_ones_are_not_bookable(
    world: Any, welding: Any
) -> None:
    session = schedule(world.alice, welding, capacity=3)
    Organisation.objects.filter(pk=world.workshop.pk).update(status=OrganisationStatus.PENDING)
    assert not catalogue_sessions(world.erin, CatalogueFilters()).exists()
    with pytest.raises(PermissionDenied):
        actions.book(world.erin, session)
    url = f"/api/v1/trainings/catalogue/{session.pk}/book"
    assert client_of(world.erin).post(url).status_code == 404
    Organisation.objects.filter(pk=world.workshop.pk).update(status=OrganisationStatus.VALIDATED)
    with pytest.raises(ValidationError, match="already started"):
        actions.book(world.erin, session, now=session.start + dt.timedelta(minutes=1))


def test_a_larger_capacity_goes_to_those_waiting_first(world: Any, welding: Any) -> None:
    session = schedule(world.alice, welding, capacity=1)
    actions.book(world.bob, session)
    actions.book(world.dave, session)
    TrainingSession.objects.filter(pk=session.pk).update(capacity=2)
    outcome = actions.book(world.nina, session)
    assert outcome.state == actions.WAITING and outcome.position == 1
    assert Registration.objects.filter(session=session, user=world.dave).exists()


def test_attendance_grants_the_qualification_to_someone_of_another_organisation(
    world: Any, welding: Any
) -> None:
    session = schedule(world.alice, welding, capacity=2)
    actions.book(world.bob, session)
    actions.book(world.dave, session)
    registrations = {r.user_id: r.pk for r in session.registrations.all()}
    granted = qualification_actions.record_attendance_sheet(
        world.alice,
        session,
        [registrations[world.dave.pk]],
        now=session.end + dt.timedelta(hours=1),
    )
    assert [q.user for q in granted] == [world.dave]
    qualification = Qualification.objects.get(user=world.dave, training=welding)
    assert qualification.issued_at == session.end and qualification.issued_by == world.alice
    assert not Qualification.objects.filter(user=world.bob).exists()
    with pytest.raises(ValidationError, match="cannot be cancelled"):
        actions.cancel(world.bob, session, now=session.start + dt.timedelta(minutes=5))
