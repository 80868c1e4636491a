"""Brute-force throttles: login lockouts (django-axes) and the API rate limit, in the database."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from maillage.core import throttle
from maillage.testing import PASSWORD

pytestmark = pytest.mark.django_db


def _login(
    client: Client, username: str, password: str, address: str, url: str = "/accounts/login/"
) -> Any:
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.fixture
def limit(settings: Any) -> int:
    settings.AXES_FAILURE_LIMIT = 3
    return 3


def test_failed_logins_lock_the_account_from_any_address(
    client: Client, make_user: Any, limit: int
) -> None:
    make_user("alice")
    for n in range(limit - 1):
        assert _login(client, "alice", "wrong", f"10.0.0.{n + 1}").status_code == 200
    # The failure that reaches the limit is answered with the lockout page already.
    assert _login(client, "alice", "wrong", "10.0.0.99").status_code == 429

    response = _login(client, "alice", PASSWORD, "10.0.9.9")

    assert response.status_code == 429
    assert "Trop de tentatives de connexion" in response.content.decode()
    assert int(response["Retry-After"]) > 0
    assert "_auth_user_id" not in client.session


def test_failed_logins_from_one_address_lock_it_for_every_account(
    client: Client, make_user: Any, limit: int
) -> None:
    make_user("bob")
    for n in range(limit):
        _login(client, f"nobody{n}", "wrong", "10.0.0.7")

    assert _login(client, "bob", PASSWORD, "10.0.0.7").status_code == 429
    assert _login(client, "bob", PASSWORD, "10.0.0.8").status_code == 302


def test_the_right_password_is_refused_until_the_cool_off_has_passed(
    client: Client, make_user: Any, limit: int, settings: Any
) -> None:
    from axes.models import AccessAttempt

    make_user("carol")
    for _ in range(limit):
        _login(client, "carol", "wrong", "10.0.0.3")
    assert _login(client, "carol", PASSWORD, "10.0.0.3").status_code == 429

    # The last failure is now older than the cool-off.
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )

    assert _login(client, "carol", PASSWORD, "10.0.0.3").status_code == 302


def test_the_admin_login_counts_and_is_locked_too(
    client: Client, make_user: Any, limit: int
) -> None:
    make_user("root", is_staff=True, is_superuser=True)
    for n in range(limit - 1):
        assert _login(client, "root", "wrong", f"10.0.1.{n}", "/admin/login/").status_code == 200
    assert _login(client, "root", "wrong", "10.0.1.99", "/admin/login/").status_code == 429

    assert _login(client, "root", PASSWORD, "10.0.2.1", "/admin/login/").status_code == 429
    assert _login(client, "root", PASSWORD, "10.0.2.2").status_code == 429


def test_a_few_failures_do_not_lock_anyone(client: Client, make_user: Any, limit: int) -> None:
    make_user("dave")
    for _ in range(limit - 1):
        _login(client, "dave", "wrong", "10.0.0.4")

    assert _login(client, "dave", PASSWORD, "10.0.0.4").status_code == 302


def test_api_requests_beyond_the_limit_per_address_get_429(client: Client, settings: Any) -> None:
    settings.API_RATE_LIMIT = 3
    for _ in range(3):
        assert client.get("/api/v1/organisations", REMOTE_ADDR="10.1.0.1").status_code == 200

    response = client.get("/api/v1/organisations", REMOTE_ADDR="10.1.0.1")

    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= settings.API_RATE_WINDOW_SECONDS
    assert "detail" in response.json()
    assert client.get("/api/v1/organisations", REMOTE_ADDR="10.1.0.2").status_code == 200


def test_api_requests_beyond_the_limit_per_token_get_429_from_any_address(
    client: Client, make_user: Any, settings: Any
) -> None:
    from maillage.directory.actions.people import create_api_token

    settings.API_RATE_LIMIT_PER_ACCOUNT = 2
    user = make_user("erin")
    _token, key = create_api_token(user, "script")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    for n in range(2):
        assert (
            client.get("/api/v1/organisations", REMOTE_ADDR=f"10.2.0.{n}", **auth).status_code
            == 200
        )

    assert client.get("/api/v1/organisations", REMOTE_ADDR="10.2.0.9", **auth).status_code == 429
    assert client.get("/api/v1/organisations", REMOTE_ADDR="10.2.0.9").status_code == 200


def test_pages_outside_the_api_are_not_counted(client: Client, settings: Any) -> None:
    settings.API_RATE_LIMIT = 1
    for _ in range(3):
        assert client.get("/organisations/", REMOTE_ADDR="10.3.0.1").status_code == 200


def test_a_counter_starts_again_in_the_next_window() -> None:
    now = timezone.now().replace(second=10, microsecond=0)
    assert throttle.hit("k", 1, 60, now) is None
    assert throttle.hit("k", 1, 60, now) == 50
    assert throttle.hit("k", 1, 60, now + timedelta(seconds=60)) is None


def _in_another_connection(work: Any) -> Any:
    """Runs `work` in a thread, which Django gives its own database connection (like a worker)."""
    result: list[Any] = []

    def run() -> None:
        try:
            result.append(work())
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return result[0]


@pytest.mark.django_db(transaction=True)
def test_a_count_made_by_one_worker_is_seen_by_another() -> None:
    assert throttle.hit("api:ip:10.4.0.1", 2, 60) is None
    assert throttle.hit("api:ip:10.4.0.1", 2, 60) is None

    assert _in_another_connection(lambda: throttle.hit("api:ip:10.4.0.1", 2, 60)) is not None


@pytest.mark.django_db(transaction=True)
def test_a_lockout_made_through_one_worker_holds_in_another(make_user: Any, settings: Any) -> None:
    settings.AXES_FAILURE_LIMIT = 2
    make_user("frank")
    for _ in range(2):
        _login(Client(), "frank", "wrong", "10.5.0.1")

    status = _in_another_connection(
        lambda: _login(Client(), "frank", PASSWORD, "10.5.0.2").status_code
    )

    assert status == 429


def test_the_address_is_the_one_our_proxy_appended(rf: Any, settings: Any) -> None:
    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5")
    assert throttle.client_ip(request) == "127.0.0.1"
    settings.TRUSTED_PROXY_COUNT = 1
    assert throttle.client_ip(request) == "203.0.113.5"


def test_an_api_request_costs_the_throttle_a_few_queries_per_key(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    client.get("/api/v1/processes", REMOTE_ADDR="10.6.0.1")
    with django_assert_max_num_queries(4):
        throttle.hit("api:ip:10.6.0.1", 10, 60)


@pytest.mark.django_db
def test_the_api_description_is_not_counted(client, settings):
    settings.API_RATE_LIMIT = 1
    assert client.get("/api/v1/openapi.json").status_code == 200
    assert client.get("/api/v1/openapi.json").status_code == 200
    assert client.get("/api/v1/communes?q=13001").status_code == 200
    assert client.get("/api/v1/communes?q=13001").status_code == 429
