"""The demo territory `make run` loads: every kind of organisation, and work for each role."""

import io

import pytest
from django.core.management import call_command

from maillage.directory.models import Membership, Organisation, OrganisationKind, Site, User


@pytest.mark.django_db
def test_the_demo_territory_loads_once_and_only_once(settings):
    from django.core import mail
    from django_tasks_db.models import DBTaskResult

    # As `make run` has it: the database queue, a worker started afterwards.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    call_command("load_demo", stdout=io.StringIO())
    # The demo's booking e-mails went into memory, not into the queue for the worker to print.
    assert not DBTaskResult.objects.exists()
    assert mail.outbox == []
    counts = (Organisation.objects.count(), Site.objects.count(), Membership.objects.count())
    call_command("load_demo", stdout=io.StringIO())
    assert (
        Organisation.objects.count(),
        Site.objects.count(),
        Membership.objects.count(),
    ) == counts
    # The directory's own organisations; the deposit-return loop's shops come on top.
    assert 75 <= Organisation.objects.exclude(slug__startswith="demo-consigne-").count() <= 90
    assert set(Organisation.objects.values_list("kind", flat=True)) == set(OrganisationKind.values)
    assert Organisation.objects.filter(status="pending").exists()
    assert User.objects.get(username="coordination").is_coordinator
    departments = set(Site.objects.values_list("department_id", flat=True))
    assert {"13", "83", "84", "06", "04", "05"} <= departments


@pytest.mark.django_db
def test_the_demo_host_has_requests_bookings_to_come_and_a_problem_and_lasers_near_marseille(
    client,
):
    import datetime as dt
    import re

    from maillage.sharing.models import Booking, BookingState

    call_command("load_demo", stdout=io.StringIO())
    client.force_login(User.objects.get(username="admin-atelier"))
    board = client.get("/bookings/host/").content.decode()
    bookings = Booking.objects.filter(host_organisation__slug="demo-001")
    requested = bookings.filter(state=BookingState.REQUESTED)
    confirmed = bookings.filter(state=BookingState.CONFIRMED)
    problem = bookings.filter(state=BookingState.COMPLETED).exclude(problem_report="")
    assert requested.count() >= 2 and confirmed.count() >= 2 and problem.exists()
    assert all(f'id="request-{b.pk}"' in board for b in requested)
    assert all(f'id="current-{b.pk}"' in board for b in confirmed)
    assert f'id="problem-{problem.get().pk}"' in board

    today = dt.date.today()
    page = client.get(
        "/need/",
        {
            "process": "3.4.1.1",
            "hours": 2,
            "commune": "Marseille",
            "earliest": today.isoformat(),
            "deadline": (today + dt.timedelta(days=14)).isoformat(),
        },
    ).content.decode()
    assert len(re.findall(r'<tr id="result-', page)) >= 3
