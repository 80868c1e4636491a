"""A small training world shared by the trainings tests and the required-trainings tests.

Registered for the whole suite in the root conftest (`pytest_plugins`): its fixtures are found
by name; a test module that defines a fixture of the same name keeps its own.
"""

import datetime as dt
import re

import pytest
from django.utils import timezone

from maillage.equipment.actions import MachineInput, create_machine
from maillage.qualifications import actions as qualification_actions

LASER_CUTTING, THERMAL_REMOVAL, NON_MECHANICAL, LASER_ENGRAVING = (
    "3.4.1.1",
    "3.4.1",
    "3.4",
    "3.4.1.2",
)
PARIS = timezone.get_default_timezone()
UTC = dt.UTC


def paris(*args):
    return dt.datetime(*args, tzinfo=PARIS)


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


@pytest.fixture
def laser(alice, workshop):
    return create_machine(
        alice, workshop, MachineInput(name="Trotec Speedy 400", process_codes=[LASER_CUTTING])
    )


@pytest.fixture
def laser_training(alice, workshop, laser):
    return qualification_actions.create_training(
        alice,
        workshop,
        "Laser cutter: safe use",
        machine=laser,
        process_code=LASER_CUTTING,
        validity_months=24,
    )


def future_session(actor, training, capacity=2, days=10):
    start = timezone.now() + dt.timedelta(days=days)
    return qualification_actions.schedule_session(
        actor, training, start, start + dt.timedelta(hours=3), capacity
    )


def past_session(actor, training, capacity=4, hours_ago=1):
    end = timezone.now().replace(microsecond=0) - dt.timedelta(hours=hours_ago)
    return qualification_actions.schedule_session(
        actor, training, end - dt.timedelta(hours=3), end, capacity
    )


def has_error_beside(response, field):
    return re.search(rf'class="field has-error" id="field-{field}"', response.content.decode())
