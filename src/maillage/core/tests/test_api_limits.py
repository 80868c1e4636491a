"""Limits on what a request may ask for: page sizes, dates, body sizes; and the errors declared.

A caller asking too much gets a 4xx that names what to change, never a whole table or a 500.
"""

import datetime as dt
import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from maillage.directory.actions import people as people_actions
from maillage.equipment import actions as equipment_actions
from maillage.sharing.actions import bookings as booking_actions
from maillage.sharing.actions import offers as offer_actions

pytestmark = pytest.mark.django_db

API = "/api/v1"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def alice(make_user):
    return make_user("alice")


@pytest.fixture
def workshop(make_organisation, alice):
    return make_organisation("Atelier Alice", admin=alice)


@pytest.fixture
def laser(alice, workshop):
    machine = equipment_actions.create_machine(
        alice, workshop, equipment_actions.MachineInput(name="Trotec", process_codes=["3.4.1.1"])
    )
    offer_actions.save_offer(alice, machine, offer_actions.OfferInput(horizon_days=30))
    return machine


@pytest.fixture
def token(alice):
    key = people_actions.create_api_token(alice, "test")[1]
    return {"HTTP_AUTHORIZATION": f"Bearer {key}", **EN}


def _errors(response):
    return {tuple(e["loc"]): e["msg"] for e in response.json()["detail"]}


def _post(client, url, payload, **extra):
    return client.post(url, json.dumps(payload), content_type="application/json", **extra)


# --- pages of results ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("limit=100000", "limit"),
        ("limit=0", "limit"),
        ("offset=-1", "offset"),
        ("offset=100000000000000000000", "offset"),
    ],
)
@pytest.mark.parametrize("path", ["/organisations", "/machines", "/trainings"])
def test_an_absurd_page_is_refused_with_a_422_naming_the_parameter(client, path, query, name):
    response = client.get(f"{API}{path}?{query}", **EN)

    assert response.status_code == 422
    assert ("query", name) in _errors(response)


def test_the_largest_page_allowed_is_a_setting(client, make_organisation, settings):
    for name in ("Alpha", "Bravo", "Charlie"):
        make_organisation(name)

    assert client.get(f"{API}/organisations?limit=500").status_code == 200
    assert client.get(f"{API}/organisations?limit=501").status_code == 422
    page = client.get(f"{API}/organisations?limit=2&offset=1").json()
    assert page["count"] == 3
    assert [o["name"] for o in page["items"]] == ["Bravo", "Charlie"]


def test_authenticated_lists_are_bounded_too(client, token):
    response = client.get(f"{API}/bookings?limit=100000", **token)

    assert response.status_code == 422
    assert ("query", "limit") in _errors(response)


# --- dates -----------------------------------------------------------------------------


@pytest.mark.parametrize("start", ["9999-12-30T10:00+01:00", "0001-01-02T10:00+01:00"])
def test_availability_in_year_1_or_9999_is_a_422_naming_the_field(client, laser, start):
    response = client.get(
        f"{API}/machines/{laser.pk}/availability",
        {"start": start, "end": "9999-12-31T10:00+01:00"},
        **EN,
    )

    assert response.status_code == 422
    assert "Give a date between 2000-01-01 and" in _errors(response)[("query", "start")]


def test_a_booking_in_year_9999_is_a_422_naming_the_field(client, laser, token):
    response = _post(
        client,
        f"{API}/bookings",
        {"machine_id": laser.pk, "start": "9999-12-31T10:00Z", "end": "9999-12-31T12:00Z"},
        **token,
    )

    assert response.status_code == 422
    assert {("body", "payload", "start"), ("body", "payload", "end")} <= set(_errors(response))


@pytest.mark.parametrize("earliest", ["9999-12-31T00:00:00", "0001-01-01T00:00:00"])
def test_a_need_search_out_of_the_window_is_a_422_naming_the_field(client, earliest):
    response = _post(
        client, f"{API}/needs/search", {"process": "3.4", "hours": 2, "earliest": earliest}, **EN
    )

    assert response.status_code == 422
    assert ("body", "payload", "earliest") in _errors(response)


def test_a_booking_beyond_the_horizon_is_refused_before_the_calendar_is_read(laser, alice):
    start = timezone.now() + dt.timedelta(days=3000)

    with pytest.raises(ValidationError) as caught:
        booking_actions.request_booking(alice, laser, start, start + dt.timedelta(hours=2))

    assert "start" in caught.value.message_dict


@pytest.mark.parametrize("week", ["9999-W52", "0001-W01"])
def test_the_calendar_of_a_far_week_shows_this_week_and_says_why(client, laser, week):
    url = reverse("sharing:calendar", args=[laser.pk])

    response = client.get(url, {"week": week}, **EN)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Week: Give a date between 2000-01-01 and" in html


def test_the_need_form_refuses_a_date_in_year_1_under_its_field(client):
    response = client.get(
        reverse("matching:need"),
        {"process": "3.4", "hours": "2", "earliest": "0001-01-01", "deadline": "9999-12-31"},
        **EN,
    )

    assert response.status_code == 200
    assert response.content.decode().count("Give a date between 2000-01-01 and") == 2


# --- request size ----------------------------------------------------------------------


@pytest.mark.parametrize("debug", [False, True])
def test_an_api_body_over_the_limit_is_a_413_in_json(client, settings, token, debug):
    settings.DEBUG = debug
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024

    response = _post(client, f"{API}/organisations", {"name": "x" * 2000, "kind": "sme"}, **token)

    assert response.status_code == 413
    assert response.json() == {"detail": "The request is too large (at most 1 kB)."}


@pytest.mark.parametrize("debug", [False, True])
def test_a_form_over_the_limit_is_a_413_page(client, settings, debug):
    settings.DEBUG = debug
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024

    response = client.post(reverse("login"), {"username": "x" * 2000, "password": "pw"}, **EN)

    assert response.status_code == 413
    assert "The request is too large (at most 1 kB)." in response.content.decode()
    assert "Traceback" not in response.content.decode()


def test_too_many_fields_is_a_413(client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10

    page = client.get(reverse("map:organisation_list"), {f"f{i}": i for i in range(20)})
    api = client.get(f"{API}/machines", {f"f{i}": i for i in range(20)}, **EN)

    assert page.status_code == 413
    assert api.status_code == 413
    assert api.json() == {"detail": "The request has too many fields (at most 10)."}


# --- the OpenAPI document --------------------------------------------------------------


@pytest.fixture
def openapi(client):
    return client.get(f"{API}/openapi.json").json()


def _operations(openapi):
    for path, operations in openapi["paths"].items():
        for method, operation in operations.items():
            yield f"{method.upper()} {path}", operation


def test_every_operation_declares_the_errors_it_can_answer(openapi):
    for name, operation in _operations(openapi):
        codes = set(operation["responses"])
        assert "429" in codes, name
        if operation.get("security"):
            assert {"401", "403"} <= codes, name
        if "{" in name:
            assert {"404", "422"} <= codes, name
        if "requestBody" in operation:
            assert {"400", "413", "422"} <= codes, name


def test_errors_have_their_schemas(openapi):
    responses = openapi["paths"][f"{API}/bookings/{{booking_id}}/cancel"]["post"]["responses"]

    assert {"200", "401", "403", "404", "409", "422", "429"} <= set(responses)
    ref = responses["422"]["content"]["application/json"]["schema"]["$ref"]
    assert ref == "#/components/schemas/ValidationErrorOut"
    assert responses["404"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOut")
    assert {"ErrorOut", "ValidationErrorOut"} <= set(openapi["components"]["schemas"])


def test_public_reads_without_parameters_declare_no_auth_errors(openapi):
    responses = openapi["paths"][f"{API}/processes"]["get"]["responses"]

    assert set(responses) == {"200", "429"}


def test_the_docs_page_loads_swagger_ui_from_our_static_files(client):
    html = client.get(f"{API}/docs").content.decode()

    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in html
    assert "/static/vendor/swagger-ui/swagger-ui.css" in html
    # No asset from another host (a random CSRF token may well contain the letters "cdn").
    assert not re.search(r'(src|href)=["\']?(https?:)?//', html)
    assert "https://" not in html


# --- characters the database refuses ---------------------------------------------------


def test_a_nul_character_is_refused_before_it_reaches_the_database(client):
    query = client.get(f"{API}/machines", {"q": "laser\x00"}, **EN)
    body = _post(client, f"{API}/needs/search", {"process": "3.4\x00", "hours": 2}, **EN)
    path = client.get(f"{API}/organisations/atelier%00", **EN)
    page = client.get(reverse("map:organisation_list"), {"q": "\x00"}, **EN)

    assert query.status_code == 422
    assert ("query", "q") in _errors(query)
    assert body.status_code == 400
    assert path.status_code == 404
    assert page.status_code == 400


def test_a_form_encoded_body_sent_to_the_api_is_a_400_not_a_500(client, token, laser):
    # An operation with an optional JSON body, and one with a required one.
    cancel = client.post(f"{API}/bookings/1/cancel", {"reason": "x"}, **token)
    create = client.post(f"{API}/organisations", {"name": "x"}, **token)

    assert cancel.status_code == 400
    assert create.status_code == 400
    assert cancel.json()["detail"].startswith("Cannot parse request body")


def test_every_api_schema_has_its_own_name() -> None:
    """The OpenAPI document names schemas by class name: two `PartOut` in two routers would
    silently describe one with the other's fields."""
    import importlib
    import inspect
    import pkgutil

    from ninja import Schema

    import maillage

    seen: dict[str, str] = {}
    clashes = []
    for info in pkgutil.walk_packages(maillage.__path__, "maillage."):
        if ".api" not in info.name or ".tests" in info.name:
            continue
        module = importlib.import_module(info.name)
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Schema) and cls.__module__ == module.__name__:
                if name in seen and seen[name] != module.__name__:
                    clashes.append(f"{name}: {seen[name]} and {module.__name__}")
                seen.setdefault(name, module.__name__)
    assert not clashes, clashes
