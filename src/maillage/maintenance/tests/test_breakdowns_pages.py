"""Breakdown pages: the report form and who may use it, QR labels (one, and the A4 sheet for
hosts), the host's list with its decisions, the booker's re-routed bookings, the photo."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from maillage.equipment import actions as equipment_actions
from maillage.maintenance.actions import breakdowns as actions
from maillage.maintenance.models import BreakdownReport, BreakdownState
from maillage.maintenance.tests import breakdown_world as world
from maillage.maintenance.tests.breakdown_world import NOW, at, book
from maillage.sharing.models import Downtime

_fresh_index, taxonomy, territory = world._fresh_index, world.taxonomy, world.territory
english = world.english

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_the_machine_page_and_my_bookings_link_to_the_report_form(
    client: Any, territory: Any
) -> None:
    a = territory["machines"]["a"]
    booking = book(territory["dave"], a, 2, 3)
    client.force_login(territory["dave"])
    form_url = f"/machines/{a.pk}/breakdown/"
    assert form_url in client.get(f"/machines/{a.pk}/").content.decode()
    assert f"{form_url}?booking={booking.pk}" in client.get("/bookings/").content.decode()
    page = client.get(f"{form_url}?booking={booking.pk}").content.decode()
    assert f'name="booking" value="{booking.pk}"' in page


def test_the_report_form_asks_to_sign_in_first(client: Any, territory: Any) -> None:
    url = f"/machines/{territory['machines']['a'].pk}/breakdown/"
    answer = client.get(url)
    assert answer.status_code == 302 and answer["Location"].startswith("/accounts/login/?next=")


def test_a_report_with_a_photo_and_the_photo_shown_to_the_host_only(
    client: Any, territory: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    a = territory["machines"]["a"]
    client.force_login(territory["alice"])
    answer = client.post(
        f"/machines/{a.pk}/breakdown/",
        {"description": "Door switch broken.", "photo": SimpleUploadedFile("d.png", PNG)},
    )
    assert answer.status_code == 302
    report = BreakdownReport.objects.get()
    photo = client.get(f"/breakdowns/{report.pk}/photo/")
    assert photo.status_code == 200 and photo["Content-Type"] == "image/png"
    client.force_login(territory["carol"])
    assert client.get(f"/breakdowns/{report.pk}/photo/").status_code == 404


def test_a_bad_photo_is_refused_with_the_field_named(client: Any, territory: Any) -> None:
    client.force_login(territory["alice"])
    answer = client.post(
        f"/machines/{territory['machines']['a'].pk}/breakdown/",
        {"description": "Broken.", "photo": SimpleUploadedFile("d.pdf", b"%PDF-1.7 not a photo")},
        follow=True,
    )
    assert "Photo (optional): The photo must be a JPEG, PNG or WebP image." in (
        answer.content.decode()
    )
    assert not BreakdownReport.objects.exists()


def test_strangers_and_retired_machines_get_a_clear_message(
    client: Any, territory: Any, make_user: Any
) -> None:
    a = territory["machines"]["a"]
    client.force_login(make_user("stranger"))
    page = client.get(f"/machines/{a.pk}/breakdown/").content.decode()
    assert 'id="not-allowed"' in page and "breakdown-form" not in page
    client.post(f"/machines/{a.pk}/breakdown/", {"description": "Broken."})
    assert not BreakdownReport.objects.exists()
    equipment_actions.retire_machine(territory["alice"], a)
    client.force_login(territory["alice"])
    page = client.get(f"/machines/{a.pk}/breakdown/").content.decode()
    assert "This machine is retired" in page and "breakdown-form" not in page


def test_the_qr_label_is_inline_svg_without_script(client: Any, territory: Any) -> None:
    a = territory["machines"]["a"]
    page = client.get(f"/machines/{a.pk}/label/").content.decode()
    label = page[page.index(f'id="label-{a.pk}"') :]
    assert "<svg" in label and "viewBox" in label
    assert f"/machines/{a.pk}/breakdown/" in label
    assert "<script" not in label[: label.index("</div>")]
    assert "@media print" in page


def test_the_a4_sheet_is_for_the_organisation_hosts(client: Any, territory: Any) -> None:
    org = territory["orgs"]["a"]
    second = equipment_actions.create_machine(
        territory["alice"],
        org,
        equipment_actions.MachineInput(name="Lathe", process_codes=[world.test_api.LASER_CUTTING]),
    )
    url = f"/o/{org.slug}/labels/"
    client.force_login(territory["alice"])
    page = client.get(url).content.decode()
    assert page.count("<svg") == 2
    assert f'id="label-{second.pk}"' in page
    client.force_login(territory["dave"])
    assert client.get(url).status_code == 403


def test_the_host_confirms_on_the_page_and_a_bad_end_saves_nothing(
    client: Any, territory: Any
) -> None:
    book(territory["dave"], territory["machines"]["a"], 2, 3)
    report = actions.report_breakdown(territory["dave"], territory["machines"]["a"], "Smoke.")
    client.force_login(territory["bob"])  # another organisation's host
    assert f"report-{report.pk}" not in client.get("/breakdowns/").content.decode()
    assert client.post(f"/breakdowns/{report.pk}/confirm/").status_code == 404
    client.force_login(territory["alice"])
    assert f"report-{report.pk}" in client.get("/breakdowns/").content.decode()
    past = client.post(
        f"/breakdowns/{report.pk}/confirm/",
        {"estimated_end": "2020-01-01T10:00"},
        follow=True,
    )
    assert "Down until about: The estimated end must come after" in past.content.decode()
    assert not Downtime.objects.exists()
    client.post(
        f"/breakdowns/{report.pk}/confirm/",
        {"estimated_end": at(10).astimezone(world.PARIS).strftime("%Y-%m-%dT%H:%M")},
    )
    report.refresh_from_db()
    assert report.state == BreakdownState.CONFIRMED
    client.force_login(territory["dave"])
    mine = client.get("/breakdowns/mine/").content.decode()
    assert "Laser B" in mine and "Rebook on Laser B" in mine


def test_the_booker_page_says_when_no_machine_fits(client: Any, territory: Any) -> None:
    dave, a = territory["dave"], territory["machines"]["a"]
    book(dave, a, 2, 3)
    book(territory["bob"], territory["machines"]["b"], 1, 4)
    book(territory["carol"], territory["machines"]["c"], 1, 4)
    report = actions.report_breakdown(dave, a, "Smoke.")
    actions.confirm_breakdown(territory["alice"], report, at(10), start=NOW, now=NOW)
    client.force_login(dave)
    page = client.get("/breakdowns/mine/").content.decode()
    assert "No capable machine is free for this slot nearby." in page
    assert "Rebook" not in page


def test_coordinators_read_reports_in_the_admin(
    client: Any, territory: Any, coordinator: Any
) -> None:
    book(territory["dave"], territory["machines"]["a"], 2, 3)
    report = actions.report_breakdown(territory["dave"], territory["machines"]["a"], "Smoke.")
    actions.confirm_breakdown(territory["alice"], report, at(10), start=NOW, now=NOW)
    client.force_login(coordinator)
    listing = client.get("/admin/maintenance/breakdownreport/")
    assert listing.status_code == 200 and "Laser A" in listing.content.decode()
    page = client.get(f"/admin/maintenance/breakdownreport/{report.pk}/change/")
    assert page.status_code == 200 and "Laser B" in page.content.decode()


def test_a_booking_parameter_that_is_not_ones_own_is_ignored(client: Any, territory: Any) -> None:
    a = territory["machines"]["a"]
    theirs = book(territory["bob"], a, 2, 3)
    client.force_login(territory["alice"])
    for value in ("abc", str(theirs.pk), "99999999999999999999"):
        answer = client.get(f"/machines/{a.pk}/breakdown/?booking={value}")
        assert answer.status_code == 200
        assert 'name="booking"' not in answer.content.decode()
