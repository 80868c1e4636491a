"""The API fuzzed against its own OpenAPI document: no 500, and only the statuses it declares.

Schemathesis generates valid and invalid requests for every operation and sends them through
the WSGI application, anonymously and with the token of a member of an organisation that has a
machine offered for booking. MAILLAGE_FUZZ_EXAMPLES sets the examples per operation (default
10, enough for CI; raise it locally to search further).
"""

import os

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

EXAMPLES = int(os.environ.get("MAILLAGE_FUZZ_EXAMPLES", "10"))
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())

fuzz_settings = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same requests on every run: a failure in CI replays locally
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    """The fuzz sends hundreds of requests a minute from one address and one token."""
    settings.API_RATE_LIMIT = settings.API_RATE_LIMIT_PER_ACCOUNT = 1_000_000


@pytest.fixture(autouse=True)
def _connection_kept_open():
    """As in Django's test client: the test's transaction outlives each request."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def world(make_user, make_organisation):
    """A member of an organisation with a machine offered for booking, and a training."""
    from maillage.directory.actions import people as people_actions
    from maillage.equipment import actions as equipment_actions
    from maillage.sharing.actions import offers as offer_actions

    alice = make_user("alice")
    workshop = make_organisation("Atelier Alice", admin=alice)
    laser = equipment_actions.create_machine(
        alice,
        workshop,
        equipment_actions.MachineInput(name="Trotec Speedy 400", process_codes=["3.4.1.1"]),
    )
    offer_actions.save_offer(alice, laser, offer_actions.OfferInput())
    token = people_actions.create_api_token(alice, "fuzz")[1]
    site = workshop.sites.get()
    return {
        "headers": {"Authorization": f"Bearer {token}"},
        "ids": {"machine_id": laser.pk, "site_id": site.pk, "slug": workshop.slug},
    }


def _aim(case, ids):
    """Half of the generated ids point at the world's objects, so that operations reach them."""
    for name, value in (case.path_parameters or {}).items():
        if name in ids and isinstance(value, int | str) and hash(value) % 2 == 0:
            case.path_parameters[name] = ids[name]


@pytest.mark.django_db
@schema.parametrize()
@fuzz_settings
def test_anonymous_requests_get_declared_answers(case, world):
    _aim(case, world["ids"])
    case.call_and_validate(checks=CHECKS)


@pytest.mark.django_db
@schema.parametrize()
@fuzz_settings
def test_authenticated_requests_get_declared_answers(case, world):
    _aim(case, world["ids"])
    case.call_and_validate(checks=CHECKS, headers=world["headers"])
