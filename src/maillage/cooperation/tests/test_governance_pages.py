"""The network's page, its running page and a decision's page, as each kind of person sees them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from maillage.cooperation.actions import decisions as decision_actions
from maillage.cooperation.actions import governance as actions
from maillage.cooperation.models import (
    BodySeat,
    Decision,
    DecisionState,
    Document,
    NetworkMember,
    Vote,
)
from maillage.cooperation.tests.governance_world import english, gov
from maillage.core.dates import local_today

__all__ = ["english", "gov"]

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def documents(gov: dict[str, Any], settings: Any, tmp_path: Any) -> tuple[Document, Document]:
    settings.MEDIA_ROOT = tmp_path
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"

    def upload(title: str, public: bool) -> Document:
        data = actions.DocumentInput("minutes", title, local_today(), public, gov["assembly"])
        file = SimpleUploadedFile(f"{title}.pdf", b"%PDF-1.4 " + title.encode())
        return actions.upload_document(gov["coordinator"], gov["network"], data, file)

    return upload("Statuts publics", True), upload("PV confidentiel", False)


def _seat(gov: dict[str, Any]) -> BodySeat:
    return actions.add_seat(
        gov["coordinator"],
        gov["board"],
        actions.SeatInput(
            gov["members"]["ada"].organisation, "president", local_today(), gov["ada"]
        ),
    )


def test_a_visitor_sees_the_hub_but_not_its_private_side(
    gov: dict[str, Any], client: Any, documents: Any
) -> None:
    _seat(gov)
    decision_actions.cast_vote(gov["ada"], gov["decision"], gov["members"]["ada"], "yes")
    page = client.get(reverse("cooperation:network")).content.decode()
    assert "A hub of the test territory." in page
    assert "5 member organisations" in page
    assert "Org ada" in page and "President" in page
    assert "Ada Test" not in page  # person names only to members
    assert "Statuts publics" in page and "PV confidentiel" not in page
    assert "Budget 2027" not in page  # open vote
    public, private = documents
    assert client.get(reverse("cooperation:document", args=[private.pk])).status_code == 404
    answer = client.get(reverse("cooperation:document", args=[public.pk]))
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert b"".join(answer.streaming_content).startswith(b"%PDF")
    assert client.get(reverse("cooperation:decision", args=[gov["decision"].pk])).status_code == 404


def test_a_member_sees_people_private_documents_and_open_votes(
    gov: dict[str, Any], client: Any, documents: Any
) -> None:
    _seat(gov)
    client.force_login(gov["fab"])
    page = client.get(reverse("cooperation:network")).content.decode()
    assert "Ada Test" in page and "PV confidentiel" in page and "Budget 2027" in page
    assert client.get(reverse("cooperation:document", args=[documents[1].pk])).status_code == 200


def test_closed_decisions_show_their_result_per_college(gov: dict[str, Any], client: Any) -> None:
    decision_actions.cast_vote(gov["ada"], gov["decision"], gov["members"]["ada"], "yes")
    decision_actions.cast_vote(gov["fab"], gov["decision"], gov["members"]["fab"], "no")
    decision_actions.close_decision(gov["coordinator"], gov["decision"])
    page = client.get(reverse("cooperation:network")).content.decode()
    assert "Budget 2027" in page and "Adopted" in page
    assert "57.14 % yes, 42.86 % no of the votes expressed" in page


def test_an_admin_votes_on_the_decision_page(gov: dict[str, Any], client: Any) -> None:
    url = reverse("cooperation:decision", args=[gov["decision"].pk])
    client.force_login(gov["ada"])
    page = client.get(url).content.decode()
    assert "Org ada" in page and "Cast the vote" in page and "Close the vote" not in page
    bad = client.post(url, {"member": gov["members"]["ada"].pk, "choice": "maybe"})
    assert bad.status_code == 400 and not Vote.objects.exists()
    stolen = client.post(url, {"member": gov["members"]["bob"].pk, "choice": "yes"})
    assert stolen.status_code == 403 and not Vote.objects.exists()
    done = client.post(url, {"member": gov["members"]["ada"].pk, "choice": "no"}, follow=True)
    assert "The vote of Org ada is recorded." in done.content.decode()
    assert Vote.objects.get().choice == "no"


def test_the_coordinator_closes_the_vote(gov: dict[str, Any], client: Any) -> None:
    close = reverse("cooperation:decision_close", args=[gov["decision"].pk])
    client.force_login(gov["ada"])
    assert client.post(close).status_code == 403
    client.force_login(gov["coordinator"])
    page = client.post(close, follow=True).content.decode()
    assert "The vote is closed" in page
    assert Decision.objects.get().state == DecisionState.CLOSED


def test_the_running_page_is_for_coordinators(gov: dict[str, Any], client: Any) -> None:
    url = reverse("cooperation:network_manage")
    assert client.get(url).status_code == 302
    client.force_login(gov["ada"])
    assert client.get(url).status_code == 403
    client.force_login(gov["coordinator"])
    page = client.get(url).content.decode()
    assert "Org mairie" in page and "Add a member" in page


def test_adding_a_member_from_the_running_page(gov: dict[str, Any], client: Any) -> None:
    client.force_login(gov["coordinator"])
    url = reverse("cooperation:network_manage")
    org, college = gov["outsider_org"], gov["colleges"]["associations"]
    bad = client.post(
        url,
        {
            "form": "member",
            "member-organisation": org.pk,
            "member-college": college.pk,
            "member-start": "1990-01-01",
            "member-fee": "-1",
        },
    )
    assert bad.status_code == 400
    assert "Give a date between" in bad.content.decode()
    assert not NetworkMember.objects.filter(organisation=org).exists()
    ok = client.post(
        url,
        {
            "form": "member",
            "member-organisation": org.pk,
            "member-college": college.pk,
            "member-start": local_today().isoformat(),
            "member-fee": "50",
        },
    )
    assert ok.status_code == 302
    member = NetworkMember.objects.get(organisation=org)
    client.post(
        reverse("cooperation:member_fee", args=[member.pk]), {"fee_paid_until": "2027-12-31"}
    )
    client.post(reverse("cooperation:member_end", args=[member.pk]), {"end": "nope"})
    member.refresh_from_db()
    assert member.fee_paid_until == dt.date(2027, 12, 31) and member.end is None


def test_uploading_a_document_from_the_running_page(
    gov: dict[str, Any], client: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    client.force_login(gov["coordinator"])
    url = reverse("cooperation:network_manage")
    fields = {
        "form": "document",
        "document-kind": "statutes",
        "document-title": "Statuts",
        "document-date": local_today().isoformat(),
        "document-is_public": "on",
    }
    fake = SimpleUploadedFile("statuts.pdf", b"<html>not a pdf</html>")
    bad = client.post(url, {**fields, "document-file": fake})
    assert bad.status_code == 400 and "Send a PDF" in bad.content.decode()
    assert not Document.objects.exists()
    pdf = SimpleUploadedFile("statuts.pdf", b"%PDF-1.7 statuts")
    assert client.post(url, {**fields, "document-file": pdf}).status_code == 302
    assert Document.objects.get().is_public


def test_opening_a_decision_and_a_seat_from_the_running_page(
    gov: dict[str, Any], client: Any
) -> None:
    client.force_login(gov["coordinator"])
    url = reverse("cooperation:network_manage")
    answer = client.post(
        url,
        {
            "form": "decision",
            "decision-body": gov["assembly"].pk,
            "decision-title": "Statuts 2027",
            "decision-meeting_date": local_today().isoformat(),
            "decision-rule": "colleges",
        },
    )
    assert answer.status_code == 302
    assert Decision.objects.filter(title="Statuts 2027", state="open").exists()
    seat = client.post(
        url,
        {
            "form": "seat",
            "seat-body": gov["board"].pk,
            "seat-organisation": gov["outsider_org"].pk,
            "seat-role": "member",
            "seat-start": local_today().isoformat(),
        },
    )
    assert seat.status_code == 400 and not BodySeat.objects.exists()


def test_documents_are_stored_outside_the_public_media(settings, tmp_path):
    """The web server serves MEDIA_ROOT to anyone: a network document must never land there."""
    from django.core.files.base import ContentFile

    from maillage.cooperation.models import Document

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    field = Document._meta.get_field("file")
    name = field.storage.save("cooperation/documents/2026/minutes.pdf", ContentFile(b"%PDF-1.4"))
    assert (tmp_path / "private" / name).is_file()
    assert not (tmp_path / "media").exists()
    with pytest.raises(ValueError):
        field.storage.url(name)
