"""The platform as a whole: demo data, languages, production settings."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from maillage.directory.models import Membership, Organisation, OrganisationKind, Site, User

ROOT = Path(__file__).resolve().parents[4]


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
    assert 75 <= counts[0] <= 90
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


@pytest.mark.django_db
def test_the_interface_is_french_first_and_switches_to_english(client):
    page = client.get("/")
    assert page.content.decode().startswith("<!doctype html>")
    assert '<html lang="fr">' in page.content.decode()
    assert "Carte" in page.content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/")
    assert '<html lang="en">' in page.content.decode()
    assert ">Map<" in page.content.decode()


def test_production_settings_pass_the_deployment_checks(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "MAILLAGE_PRODUCTION": "1",
        "DEBUG": "0",
        "SECRET_KEY": "k" * 20 + "production-secret-for-the-check-only-" + "z" * 20,
        "ALLOWED_HOSTS": "maillage.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret(tmp_path):
    env = {**os.environ, "MAILLAGE_PRODUCTION": "1", "DEBUG": "0", "SECRET_KEY": ""}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_a_bad_setting_stops_the_start_naming_the_variable():
    env = {**os.environ, "MAP_MAX_POINTS": "many"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "MAP_MAX_POINTS" in result.stderr
