"""A backup made by `backup_data` restores with `restore_data` into a new database, identical.

The restore runs in another process on a second database (a second SQLite file, or a second
PostgreSQL database created and dropped here), as it would on a new server.
"""

import datetime as dt
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group
from django.contrib.contenttypes.management import create_contenttypes
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from maillage.directory.actions import people as people_actions
from maillage.directory.actions import sites as site_actions
from maillage.directory.models import OrganisationStatus
from maillage.equipment import actions as equipment_actions
from maillage.equipment.api import machine_input
from maillage.qualifications import actions as qualification_actions
from maillage.sharing.actions import offers as offer_actions
from maillage.sharing.models import Booking, BookingState
from maillage.testing import table_counts

ROOT = Path(__file__).resolve().parents[4]

pytestmark = pytest.mark.django_db

COUNT_TABLES = "import json; from maillage.testing import table_counts; "
COUNT_TABLES += "print(json.dumps(table_counts()))"
# A restored database takes new rows: its id sequences (history ones too) were moved on.
WRITE_AFTER = (
    "from maillage.equipment.models import Machine; m = Machine.objects.order_by('pk').first(); "
    "m.name = 'Après restauration'; m.save(); m.processes.clear(); "
    "print(m.history.count())"
)


def _territory(coordinator, make_user, make_organisation):
    """Organisations, sites, machines with processes, offers, bookings and their history."""
    alice, bob = make_user("alice"), make_user("bob")
    workshop = make_organisation("Atelier des Calanques", admin=alice)
    make_organisation("Collectif Vieux-Port", kind="sme", admin=bob)
    make_organisation("En attente", status=OrganisationStatus.PENDING)
    site_actions.add_site(alice, workshop, site_actions.SiteInput(name="Annexe", commune="Aubagne"))
    machines = []
    for name, codes in [("Plieuse", ["2.1.5"]), ("Laser", ["3.4.1.1", "3.4.1.2"])]:
        machine = equipment_actions.create_machine(
            alice, workshop, equipment_actions.MachineInput(name=name, process_codes=codes)
        )
        data = machine_input(machine)
        data.process_codes = [*codes, "2.1.5"] if "2.1.5" not in codes else codes
        data.notes = "Révisée"
        equipment_actions.update_machine(alice, machine, data)
        machines.append(machine)
    training = qualification_actions.create_training(
        alice, workshop, "Sécurité laser", machine=machines[1]
    )
    offer_actions.save_offer(
        alice, machines[1], offer_actions.OfferInput(required_training_ids=(training.pk,))
    )
    offer_actions.save_offer(alice, machines[0], offer_actions.OfferInput(mode="self_service"))
    start = timezone.now().replace(microsecond=0) - dt.timedelta(days=3)
    for days, state in [(0, BookingState.COMPLETED), (5, BookingState.CONFIRMED)]:
        begin = start + dt.timedelta(days=days)
        Booking.objects.create(
            machine=machines[0],
            booker=bob,
            host_organisation=workshop,
            start=begin,
            end=begin + dt.timedelta(hours=2),
            blocked_until=begin + dt.timedelta(hours=2),
            state=state,
            tier="member",
            note="Pliage\nde tôles",
        )
    # A database that grew over many versions numbers its content types its own way.
    ContentType.objects.filter(app_label="directory", model="invitation").delete()
    create_contenttypes(apps.get_app_config("directory"), verbosity=0)
    create_permissions(apps.get_app_config("directory"), verbosity=0)
    people_actions.grant_coordinator(coordinator)


@pytest.fixture
def second_database(tmp_path):
    """The URL of a new, empty database beside the test one; dropped afterwards."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    name = f"{settings['NAME']}_restore_{os.getpid()}"
    server = dict(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
    )
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    auth = server["user"] + (f":{server['password']}" if server["password"] else "")
    try:
        yield f"postgres://{auth}@{server['host']}:{server['port']}/{name}"
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _run(url, *args):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**env, "DATABASE_URL": url},
        capture_output=True,
        text=True,
    )


def _manage(url, *args):
    result = _run(url, *args)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_a_backup_restores_into_a_new_database_identical(
    coordinator, make_user, make_organisation, second_database, tmp_path
):
    _territory(coordinator, make_user, make_organisation)
    backup = tmp_path / "backup.json"
    call_command("backup_data", str(backup), stdout=io.StringIO())
    before = table_counts()
    assert before["equipment_historicalmachine_processes"] >= 5  # the case that broke

    _manage(second_database, "migrate", "--verbosity", "0")
    _manage(second_database, "restore_data", str(backup))

    after = json.loads(_manage(second_database, "shell", "--no-imports", "-c", COUNT_TABLES))
    assert after == before  # every table, history included: nothing lost, nothing added
    again = tmp_path / "again.json"
    _manage(second_database, "backup_data", str(again))
    assert json.loads(again.read_text()) == json.loads(backup.read_text())
    coordinators = json.loads(backup.read_text())
    group = next(row for row in coordinators if row["model"] == "auth.group")
    assert ["add_invitation", "directory", "invitation"] in group["fields"]["permissions"]
    assert Group.objects.get().permissions.count() == len(group["fields"]["permissions"])

    history = before["equipment_historicalmachine"]
    assert _manage(second_database, "shell", "--no-imports", "-c", WRITE_AFTER).strip()
    counts = json.loads(_manage(second_database, "shell", "--no-imports", "-c", COUNT_TABLES))
    assert counts["equipment_historicalmachine"] == history + 2

    # A second restore over it is refused: it would mix two territories.
    result = _run(second_database, "restore_data", str(backup))
    assert result.returncode != 0
    assert "already has accounts" in result.stderr


def test_the_restore_refuses_a_database_not_migrated(make_user, second_database, tmp_path):
    make_user("alice")
    backup = tmp_path / "backup.json"
    call_command("backup_data", str(backup), stdout=io.StringIO())
    result = _run(second_database, "restore_data", str(backup))
    assert result.returncode != 0
    assert "migrate" in result.stderr
