"""Running the network, as reviewed: huge fees, seats (one open seat per person and role, dates
in the window), OpenDocument uploads known by their mimetype member, calendar keys."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from maillage.cooperation.actions import governance as actions
from maillage.cooperation.models import BodySeat, Document, NetworkMember, SeatRole
from maillage.cooperation.queries.events import feed_user
from maillage.cooperation.tests.governance_world import english, gov
from maillage.core.dates import local_today

__all__ = ["english", "gov"]

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

ODT = "application/vnd.oasis.opendocument.text"
FAR_PAST = dt.date(1900, 1, 1)


@pytest.mark.parametrize("fee", ["1e999999", "1E+999999999", "-1e999999", "1e8"])
def test_a_huge_fee_is_a_field_error(gov: dict[str, Any], fee: str) -> None:
    org = gov["outsider_org"]
    college = gov["colleges"]["companies"]
    with pytest.raises(ValidationError) as caught:
        actions.add_member(gov["coordinator"], gov["network"], org, college, local_today(), fee)
    assert caught.value.message_dict == {"fee": ["Give an amount in euros, 0 or more."]}
    assert not NetworkMember.objects.filter(organisation=org).exists()


def _seat(gov: dict[str, Any], role: str = SeatRole.TREASURER, **extra: Any) -> BodySeat:
    org = gov["members"]["ada"].organisation
    data = actions.SeatInput(org, role, extra.pop("start", local_today()), **extra)
    return actions.add_seat(gov["coordinator"], gov["board"], data)


def test_a_second_open_seat_for_the_same_person_and_role_is_refused(
    gov: dict[str, Any],
) -> None:
    first = _seat(gov, person=gov["ada"], start=local_today() - dt.timedelta(days=10))
    with pytest.raises(ValidationError) as caught:
        _seat(gov, person=gov["ada"])
    assert caught.value.message_dict == {
        "person": ["This body already has an open seat with this role for them."]
    }
    # Another role is fine; so is the same role once the first seat ended.
    _seat(gov, role=SeatRole.MEMBER, person=gov["ada"])
    actions.end_seat(gov["coordinator"], first, local_today() - dt.timedelta(days=1))
    _seat(gov, person=gov["ada"])
    assert BodySeat.objects.filter(role=SeatRole.TREASURER).count() == 2


def test_a_second_open_seat_for_the_organisation_without_a_person_is_refused(
    gov: dict[str, Any],
) -> None:
    _seat(gov)
    with pytest.raises(ValidationError) as caught:
        _seat(gov)
    assert list(caught.value.message_dict) == ["organisation"]
    assert BodySeat.objects.count() == 1


def test_seat_dates_are_in_the_window(gov: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as caught:
        _seat(gov, start=FAR_PAST)
    assert list(caught.value.message_dict) == ["start"]
    assert not BodySeat.objects.exists()
    seat = _seat(gov)
    with pytest.raises(ValidationError) as caught:
        actions.end_seat(gov["coordinator"], seat, dt.date(2999, 1, 1))
    assert list(caught.value.message_dict) == ["end"]
    seat.refresh_from_db()
    assert seat.end is None


def _zip(members: list[tuple[str, bytes, int]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data, compression in members:
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = compression
            archive.writestr(info, data)
    return buffer.getvalue()


def _odt() -> bytes:
    return _zip(
        [
            ("mimetype", ODT.encode("ascii"), zipfile.ZIP_STORED),
            ("content.xml", b"<office:document-content/>" * 10, zipfile.ZIP_DEFLATED),
            ("META-INF/manifest.xml", b"<manifest/>", zipfile.ZIP_DEFLATED),
        ]
    )


def _upload(gov: dict[str, Any], name: str, content: bytes) -> Document:
    data = actions.DocumentInput(
        kind="statutes", title="Statuts", date=local_today(), is_public=True
    )
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    return actions.upload_document(gov["coordinator"], gov["network"], data, upload)


@pytest.fixture
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.mark.usefixtures("media")
def test_a_real_opendocument_text_is_accepted(gov: dict[str, Any]) -> None:
    document = _upload(gov, "statuts.odt", _odt())
    assert document.content_type == ODT


@pytest.mark.usefixtures("media")
@pytest.mark.parametrize(
    "members",
    [
        [("content.xml", b"<x/>", zipfile.ZIP_STORED)],  # a plain archive
        [  # a .docx
            ("[Content_Types].xml", b"<Types/>", zipfile.ZIP_DEFLATED),
            ("word/document.xml", b"<w:document/>", zipfile.ZIP_DEFLATED),
        ],
        [("mimetype", b"application/zip", zipfile.ZIP_STORED)],  # not an OpenDocument type
        [("content.xml", b"<x/>", zipfile.ZIP_STORED), ("mimetype", ODT.encode(), 0)],  # not first
    ],
)
def test_a_zip_without_the_opendocument_mimetype_first_is_refused(
    gov: dict[str, Any], members: list[tuple[str, bytes, int]]
) -> None:
    with pytest.raises(ValidationError) as caught:
        _upload(gov, "statuts.odt", _zip(members))
    assert list(caught.value.message_dict) == ["file"]
    assert not Document.objects.exists()


@pytest.mark.parametrize("key", ["²-abc", "²³-abc", "١٢-abc", "x-abc", "", "-", "1" * 40 + "-a"])
def test_a_key_with_other_digits_is_no_key(gov: dict[str, Any], key: str) -> None:
    assert feed_user(key) is None


def test_the_calendar_with_a_superscript_key_answers_404(gov: dict[str, Any], client: Any) -> None:
    url = reverse("cooperation:events_ics")
    assert client.get(url + "?key=%C2%B2-abc").status_code == 404
    assert client.get(url + "?key=%D9%A1-abc").status_code == 404
    assert client.get(url).status_code == 200
