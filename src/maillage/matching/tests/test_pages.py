"""Matching pages through the test client: "I need…", my needs, unmet demand, batches."""

import datetime as dt
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from maillage.core.dates import day_end, day_start, local_today
from maillage.matching.forms import CSV_COLUMNS
from maillage.matching.models import AllocationRun, Need, NeedStatus, UnmetReason
from maillage.matching.tests import test_api
from maillage.matching.tests.test_api import LASER_CUTTING, PARIS, PLASMA, THERMAL_REMOVAL
from maillage.sharing.actions import bookings as booking_actions

# The territory's fixtures, shared with the API tests.
_fresh_index, taxonomy, territory = test_api._fresh_index, test_api.taxonomy, test_api.territory

pytestmark = pytest.mark.django_db

NEED = "/need/"


@pytest.fixture
def client():
    """The pages in English, so that the texts checked here stay put when French is filled in."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def params(**fields: Any) -> dict[str, Any]:
    today = local_today()
    return {
        "process": LASER_CUTTING,
        "hours": "2",
        "earliest": today.isoformat(),
        "deadline": (today + dt.timedelta(days=14)).isoformat(),
        "commune": "13001",
        "max_km": "80",
        "operator": "any",
        "allow_rotation": "on",
        "weight_distance": "1",
        "weight_price": "1",
        "weight_impact": "1",
        **fields,
    }


def _rows(response: Any) -> list[str]:
    return re.findall(r'<tr id="result-(\d+)"', response.content.decode())


def _field_errors(response: Any, name: str) -> str:
    html = response.content.decode()
    match = re.search(rf'<div class="field has-error" id="field-{name}">(.*?)</div>', html, re.S)
    assert match, f"no error beside {name}"
    return match.group(1)


def test_the_empty_form_has_sensible_defaults(client: Any, territory: Any) -> None:
    response = client.get(NEED)
    assert response.status_code == 200
    html = response.content.decode()
    today = local_today()
    assert f'name="earliest" value="{today.isoformat()}"' in html
    assert f'name="deadline" value="{(today + dt.timedelta(days=14)).isoformat()}"' in html
    assert 'name="max_km" value="50"' in html
    assert re.search(r'name="allow_rotation"[^>]* checked', html)
    assert f'<option value="{LASER_CUTTING}">' in html
    assert 'id="results"' not in html


def test_a_member_sees_ranked_results_with_their_explanations(client: Any, territory: Any) -> None:
    m = territory["machines"]
    client.force_login(territory["dave"])
    response = client.get(NEED, params(label="Shop signs"))
    assert response.status_code == 200
    assert _rows(response) == [str(m["a"].pk), str(m["b"].pk), str(m["c"].pk)]
    html = response.content.decode()
    row_b = html.split(f'id="result-{m["b"].pk}"')[1].split("</tr>")[0]
    assert re.search(r"\d+[.,]\d km", row_b)  # distance
    assert "machine 45,00 € + transport" in row_b  # 2 h × 20 € + 5 € fee
    assert re.search(r"\d+[.,]\d kg", row_b)  # CO2 of transport
    assert "<time datetime=" in row_b  # first free slot
    book = re.search(r'class="button book-slot" href="([^"]+)"', row_b)
    assert book, row_b
    url = urlsplit(book.group(1).replace("&amp;", "&"))
    assert url.path == reverse("sharing:book", args=[m["b"].pk])
    query = parse_qs(url.query)
    start, end = (dt.datetime.fromisoformat(query[k][0]) for k in ("start", "end"))
    assert end - start == dt.timedelta(hours=2) and start >= timezone.now()
    assert 'id="need-results"' in html and 'type="application/json"' in html
    # The figures come with their method: straight-line distance, the van's rates.
    assert "in a straight line" in html
    assert "at 0.60 € per km" in html and "at 0.25 kg per km" in html

    need = Need.objects.get()
    assert need.label == "Shop signs" and need.status == NeedStatus.MATCHED
    assert need.earliest == day_start(local_today())
    assert need.deadline == day_end(local_today() + dt.timedelta(days=14))
    # Reloading the same search does not record it twice.
    client.get(NEED, params(label="Shop signs"))
    assert Need.objects.count() == 1


def test_anonymous_visitors_search_but_sign_in_to_book(client: Any, territory: Any) -> None:
    response = client.get(NEED, params())
    assert len(_rows(response)) == 3
    html = response.content.decode()
    assert 'id="sign-in-to-book"' in html and "book-slot" not in html
    assert "Sign in to book" in html
    assert Need.objects.count() == 0


def test_a_sub_process_machine_answers(client: Any, territory: Any) -> None:
    assert len(_rows(client.get(NEED, params(process=THERMAL_REMOVAL)))) == 3


def test_nothing_fits_says_why_and_records_the_need(client: Any, territory: Any) -> None:
    client.force_login(territory["dave"])
    response = client.get(NEED, params(part_x_mm="2000", part_y_mm="1500", part_z_mm="10"))
    html = response.content.decode()
    assert _rows(response) == []
    assert 'id="no-match"' in html
    assert str(UnmetReason.TOO_SMALL.label) in html
    assert "The nearest machine set aside is" in html
    assert 'id="need-recorded"' in html
    need = Need.objects.get()
    assert need.status == NeedStatus.UNMET and need.unmet_reason == UnmetReason.TOO_SMALL


def test_nothing_fits_for_anonymous_visitors_either(client: Any, territory: Any) -> None:
    response = client.get(NEED, params(process=PLASMA))
    html = response.content.decode()
    assert str(UnmetReason.NO_SUCH_PROCESS.label) in html
    assert 'id="need-recorded"' not in html and Need.objects.count() == 0


BAD = [
    ({"process": "9.9.9"}, "process", "Unknown process code"),
    ({"deadline": "2020-01-01", "earliest": "2020-01-05"}, "deadline", "after the earliest"),
    ({"hours": "-2"}, "hours", "positive number"),
    ({"max_km": "0"}, "max_km", "above 0 km"),
    ({"commune": "Nowhere-sur-Rien"}, "commune", "No French commune"),
    ({"budget": "-3"}, "budget", "cannot be negative"),
    ({"weight_impact": "12"}, "weight_impact", "from 0 to 10"),
    ({"part_x_mm": "abc"}, "part_x_mm", "Give a number"),
]


@pytest.mark.parametrize(("change", "field", "message"), BAD)
def test_bad_input_is_shown_beside_the_field_and_nothing_is_recorded(
    client: Any, territory: Any, change: dict[str, str], field: str, message: str
) -> None:
    client.force_login(territory["dave"])
    response = client.get(NEED, params(**change))
    assert response.status_code == 200
    assert message in _field_errors(response, field)
    assert 'id="results"' not in response.content.decode()
    assert Need.objects.count() == 0


def test_my_needs_lists_mine_with_their_status(client: Any, territory: Any) -> None:
    client.force_login(territory["dave"])
    client.get(NEED, params(label="Signs"))
    client.get(NEED, params(label="Too big", part_x_mm="2000", part_y_mm="1500", part_z_mm="10"))
    response = client.get("/needs/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-status="matched"' in html and 'data-status="unmet"' in html
    assert str(UnmetReason.TOO_SMALL.label) in html
    again = re.search(r'href="/need/\?([^"]+)">Search again', html)
    assert again and "process=3.4.1.1" in again.group(1)
    client.logout()
    assert client.get("/needs/").status_code == 302


# --- unmet demand ----------------------------------------------------------------------


def _some_unmet(client: Any, territory: Any) -> None:
    client.force_login(territory["dave"])
    client.get(NEED, params(part_x_mm="2000", part_y_mm="1500", part_z_mm="10"))
    client.get(NEED, params(part_x_mm="2500", part_y_mm="1500", part_z_mm="10"))
    client.get(NEED, params(process=PLASMA, commune="Toulon"))
    client.get(NEED, params(label="met"))
    client.logout()


def test_coordinators_see_unmet_demand_by_process_and_department(
    client: Any, territory: Any, coordinator: Any
) -> None:
    _some_unmet(client, territory)
    client.force_login(coordinator)
    response = client.get("/unmet/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "3 unmet needs" in html
    row = re.search(
        rf'<tr data-process="{LASER_CUTTING}" data-department="13">(.*?)</tr>', html, re.S
    )
    assert row and '<td class="num">2</td>' in row.group(1)
    assert f'data-reason="{UnmetReason.TOO_SMALL}"' in row.group(1)
    assert f'data-process="{PLASMA}" data-department="83"' in html
    assert 'data-geojson-url="/unmet/map.geojson?' in html

    layer = client.get("/unmet/map.geojson")
    assert layer.status_code == 200 and layer["Content-Type"] == "application/geo+json"
    assert layer.json()["total"] == 3

    csv_response = client.get("/unmet/unmet-demand.csv")
    assert csv_response["Content-Type"].startswith("text/csv")
    lines = csv_response.content.decode("utf-8-sig").strip().splitlines()
    assert lines[0].startswith("process_code,process,department_code")
    assert any(line.startswith(f"{LASER_CUTTING},") and ",13," in line for line in lines[1:])

    # The period filter.
    tomorrow = (local_today() + dt.timedelta(days=1)).isoformat()
    assert "0 unmet needs" in client.get("/unmet/", {"since": tomorrow}).content.decode()


def test_unmet_demand_is_closed_to_others(client: Any, territory: Any) -> None:
    for url in ("/unmet/", "/unmet/map.geojson", "/unmet/unmet-demand.csv", "/batches/"):
        assert client.get(url).status_code == 302
    client.force_login(territory["dave"])
    for url in ("/unmet/", "/unmet/map.geojson", "/unmet/unmet-demand.csv", "/batches/"):
        assert client.get(url).status_code == 403
    assert client.get("/batches/new/").status_code == 403


# --- batches ---------------------------------------------------------------------------

HEADER = ",".join(CSV_COLUMNS)


def _csv(*lines: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        "needs.csv", ("\n".join([HEADER, *lines]) + "\n").encode(), content_type="text/csv"
    )


def test_a_csv_batch_runs_and_shows_each_need_with_its_machine_or_reason(
    client: Any, territory: Any, coordinator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    first = (local_today() + dt.timedelta(days=1)).isoformat()
    last = (local_today() + dt.timedelta(days=5)).isoformat()
    client.force_login(coordinator)
    upload = _csv(
        f"Signs,{LASER_CUTTING},2,{first},{last},13001,80,,,,,any",
        f'Panels;semicolon free,{THERMAL_REMOVAL},"1,5",{first},{last},Aix-en-Provence,40,,,,,',
        f"Giant,{LASER_CUTTING},2,{first},{last},13001,80,,5000,5000,5,",
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/batches/new/",
            {"title": "Week 48", "file": upload, "time_limit_s": 5, "co2_price_cents_per_kg": 10},
        )
    run = AllocationRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/batches/{run.pk}/"
    assert run.state == AllocationRun.State.DONE and run.co2_price_cents_per_kg == 10

    page = client.get(f"/batches/{run.pk}/")
    html = page.content.decode()
    assert 'id="batch-totals"' in html and "hx-trigger" not in html
    needs = {n.label: n for n in Need.objects.filter(batch=run)}
    assert needs["Signs"].allocated_machine_id and needs["Panels;semicolon free"].allocated_start
    assert needs["Giant"].unmet_reason == UnmetReason.TOO_SMALL
    assert str(UnmetReason.TOO_SMALL.label) in html
    assert needs["Panels;semicolon free"].hours == pytest.approx(1.5)
    assert f'id="run-{run.pk}" data-state="done"' in client.get("/batches/").content.decode()


def test_a_csv_with_a_bad_line_reports_it_and_saves_nothing(
    client: Any, territory: Any, coordinator: Any
) -> None:
    first = (local_today() + dt.timedelta(days=1)).isoformat()
    last = (local_today() + dt.timedelta(days=5)).isoformat()
    client.force_login(coordinator)
    upload = _csv(
        f"Good,{LASER_CUTTING},2,{first},{last},13001,80,,,,,",
        f"Backwards,{LASER_CUTTING},2,{last},{first},13001,80,,,,,",
        f"Typo,{LASER_CUTTING},2,{first},{last},13001,80,,,,,",
        f"Unknown,7.7.7,-1,{first},{last},13001,0,,,,,",
    )
    response = client.post(
        "/batches/new/",
        {"title": "Mixed", "file": upload, "time_limit_s": 5, "co2_price_cents_per_kg": 10},
    )
    assert response.status_code == 200
    errors = _field_errors(response, "file")
    assert "Line 3, deadline:" in errors
    assert "Line 5, process_code:" in errors and "Line 5, hours:" in errors
    assert "Line 5, max_km:" in errors and "Line 2" not in errors
    assert AllocationRun.objects.count() == 0 and Need.objects.count() == 0

    unreadable = _csv(f"Bad date,{LASER_CUTTING},2,01/12/2026,{last},13001,80,,,,,")
    response = client.post(
        "/batches/new/",
        {"title": "Dates", "file": unreadable, "time_limit_s": 5, "co2_price_cents_per_kg": 10},
    )
    assert "Line 2, earliest: give a date as YYYY-MM-DD." in _field_errors(response, "file")
    assert AllocationRun.objects.count() == 0 and Need.objects.count() == 0


def test_a_running_batch_polls_every_two_seconds(
    client: Any, territory: Any, coordinator: Any
) -> None:
    run = AllocationRun.objects.create(title="Pending", created_by=coordinator, progress=40)
    client.force_login(coordinator)
    html = client.get(f"/batches/{run.pk}/").content.decode()
    assert f'hx-get="/batches/{run.pk}/"' in html and 'hx-trigger="every 2s"' in html
    assert "<html" in html
    partial = client.get(f"/batches/{run.pk}/", HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert "<html" not in body and 'hx-trigger="every 2s"' in body
    assert 'value="40"' in body
    assert "HX-Request" in partial["Vary"]


def test_the_booking_link_is_prefilled_on_the_booking_page(client: Any, territory: Any) -> None:
    m = territory["machines"]
    client.force_login(territory["dave"])
    html = client.get(NEED, params()).content.decode()
    href = (
        re.search(
            rf'<tr id="result-{m["a"].pk}".*?class="button book-slot" href="([^"]+)"', html, re.S
        )
        .group(1)
        .replace("&amp;", "&")
    )
    start = dt.datetime.fromisoformat(parse_qs(urlsplit(href).query)["start"][0])
    booking_page = client.get(href)
    assert booking_page.status_code == 200
    page = booking_page.content.decode()
    assert f'value="{start.astimezone(PARIS):%Y-%m-%d}"' in page
    assert f'value="{start.astimezone(PARIS):%H:%M}"' in page
    # And it books.
    booking = booking_actions.request_booking(
        territory["dave"], m["a"], start, start + dt.timedelta(hours=2)
    )
    assert booking.pk
