"""Running the network and voting, through the actions, on the real database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from maillage.cooperation.actions import decisions as decision_actions
from maillage.cooperation.actions import governance as actions
from maillage.cooperation.models import (
    BodySeat,
    Decision,
    DecisionRule,
    DecisionState,
    Document,
    NetworkMember,
    SeatRole,
    Vote,
)
from maillage.cooperation.tests.governance_world import english, gov
from maillage.core.dates import local_today
from maillage.directory.models import Membership, Role

__all__ = ["english", "gov"]

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _vote(gov: dict[str, Any], who: str, choice: str, decision: Decision | None = None) -> Vote:
    return decision_actions.cast_vote(
        gov[who], decision or gov["decision"], gov["members"][who], choice
    )


def test_an_admin_votes_for_the_organisation_once(gov: dict[str, Any]) -> None:
    vote = _vote(gov, "ada", "yes")
    assert vote.cast_by == gov["ada"] and vote.member == gov["members"]["ada"]
    with pytest.raises(ValidationError, match="already voted"):
        _vote(gov, "ada", "no")
    assert Vote.objects.get(decision=gov["decision"]).choice == "yes"


def test_the_database_refuses_a_second_vote_of_a_member(gov: dict[str, Any]) -> None:
    _vote(gov, "ada", "yes")
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(decision=gov["decision"], member=gov["members"]["ada"], choice="no")


def test_a_plain_member_outsider_or_coordinator_cannot_vote(gov: dict[str, Any]) -> None:
    org = gov["members"]["ada"].organisation
    Membership.objects.create(user=gov["visitor"], organisation=org, role=Role.MEMBER)
    for who in ("visitor", "olga", "coordinator", "bob"):
        with pytest.raises(PermissionDenied):
            decision_actions.cast_vote(gov[who], gov["decision"], gov["members"]["ada"], "yes")
    assert not Vote.objects.exists()


def test_a_bad_choice_is_refused_naming_the_field(gov: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as info:
        _vote(gov, "ada", "maybe")
    assert "choice" in info.value.message_dict


def test_an_ended_membership_cannot_vote(gov: dict[str, Any]) -> None:
    member = gov["members"]["ada"]
    actions.end_membership(gov["coordinator"], member, local_today() - dt.timedelta(days=1))
    member.refresh_from_db()
    with pytest.raises(ValidationError, match="not current"):
        decision_actions.cast_vote(gov["ada"], gov["decision"], member, "yes")


def test_closing_freezes_the_count_per_college(gov: dict[str, Any]) -> None:
    _vote(gov, "ada", "yes")
    _vote(gov, "bob", "no")
    _vote(gov, "fab", "yes")
    _vote(gov, "asso", "abstain")
    closed = decision_actions.close_decision(gov["coordinator"], gov["decision"])
    assert closed.state == DecisionState.CLOSED and closed.closed_at is not None
    # companies 20/20, third places 30/0, public bodies and associations nothing expressed
    assert closed.result["yes_percent"] == "71.43"
    assert closed.result["outcome"] == "adopted"
    by_college = {c["key"]: c for c in closed.result["colleges"]}
    assert by_college["companies"]["yes"] == 1 and by_college["companies"]["no"] == 1
    assert by_college["companies"]["eligible"] == 2
    assert by_college["associations"]["abstain"] == 1
    assert by_college["associations"]["result"] == "no_votes"
    # A membership ending later does not change what was frozen.
    actions.end_membership(gov["coordinator"], gov["members"]["bob"], local_today())
    closed.refresh_from_db()
    frozen = {c["key"]: c for c in closed.result["colleges"]}
    assert frozen["companies"]["eligible"] == 2


def test_a_closed_decision_takes_no_vote_and_cannot_close_again(gov: dict[str, Any]) -> None:
    decision_actions.close_decision(gov["coordinator"], gov["decision"])
    with pytest.raises(decision_actions.DecisionClosed):
        _vote(gov, "ada", "yes")
    with pytest.raises(ValidationError, match="already closed"):
        decision_actions.close_decision(gov["coordinator"], gov["decision"])


def test_only_who_runs_the_network_closes_or_opens(gov: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied):
        decision_actions.close_decision(gov["ada"], gov["decision"])
    data = decision_actions.DecisionInput(title="Statuts", meeting_date=local_today())
    with pytest.raises(PermissionDenied):
        decision_actions.open_decision(gov["ada"], gov["assembly"], data)


def test_one_member_one_vote_ignores_the_weights(gov: dict[str, Any]) -> None:
    data = decision_actions.DecisionInput(
        title="Règlement", meeting_date=local_today(), rule=DecisionRule.ONE_MEMBER
    )
    decision = decision_actions.open_decision(gov["coordinator"], gov["assembly"], data)
    for who, choice in (("ada", "yes"), ("bob", "yes"), ("fab", "no"), ("mairie", "no")):
        _vote(gov, who, choice, decision)
    _vote(gov, "asso", "no", decision)
    closed = decision_actions.close_decision(gov["coordinator"], decision)
    assert closed.result["weighted"] is False
    assert closed.result["yes_percent"] == "40.00" and closed.result["outcome"] == "rejected"


def test_weighted_rule_needs_weights_summing_to_100(gov: dict[str, Any]) -> None:
    gov["colleges"]["associations"].weight_percent = Decimal("10")
    gov["colleges"]["associations"].save()
    data = decision_actions.DecisionInput(title="Statuts", meeting_date=local_today())
    with pytest.raises(ValidationError) as info:
        decision_actions.open_decision(gov["coordinator"], gov["assembly"], data)
    assert "rule" in info.value.message_dict
    bad = decision_actions.DecisionInput(title="", meeting_date=dt.date(1990, 1, 1))
    with pytest.raises(ValidationError) as info:
        decision_actions.open_decision(gov["coordinator"], gov["assembly"], bad)
    assert {"title", "meeting_date"} <= set(info.value.message_dict)


def test_adding_a_member_checks_every_field_and_saves_nothing_on_error(
    gov: dict[str, Any],
) -> None:
    college = gov["colleges"]["companies"]
    with pytest.raises(ValidationError) as info:
        actions.add_member(
            gov["coordinator"],
            gov["network"],
            gov["outsider_org"],
            college,
            dt.date(1990, 1, 1),
            "-3",
        )
    assert {"start", "fee"} <= set(info.value.message_dict)
    assert not NetworkMember.objects.filter(organisation=gov["outsider_org"]).exists()
    member = actions.add_member(
        gov["coordinator"], gov["network"], gov["outsider_org"], college, local_today(), "80,50"
    )
    assert member.fee == Decimal("80.50")
    with pytest.raises(ValidationError, match="already a member"):
        actions.add_member(
            gov["coordinator"], gov["network"], gov["outsider_org"], college, local_today(), 0
        )
    with pytest.raises(PermissionDenied):
        actions.add_member(
            gov["ada"], gov["network"], gov["outsider_org"], college, local_today(), 0
        )


def test_fee_paid_and_end_of_membership(gov: dict[str, Any]) -> None:
    member = gov["members"]["fab"]
    paid = actions.record_fee_paid(gov["coordinator"], member, dt.date(2027, 12, 31))
    assert paid.fee_paid_until == dt.date(2027, 12, 31)
    with pytest.raises(ValidationError):
        actions.end_membership(gov["coordinator"], member, member.start - dt.timedelta(days=1))
    ended = actions.end_membership(gov["coordinator"], member, local_today())
    assert ended.end == local_today()
    with pytest.raises(ValidationError, match="already ended"):
        actions.end_membership(gov["coordinator"], member, local_today())


def test_seats_go_to_member_organisations_and_their_people(gov: dict[str, Any]) -> None:
    org = gov["members"]["ada"].organisation
    seat = actions.add_seat(
        gov["coordinator"],
        gov["board"],
        actions.SeatInput(org, SeatRole.PRESIDENT, local_today(), person=gov["ada"]),
    )
    assert seat.role == "president"
    with pytest.raises(ValidationError) as info:
        actions.add_seat(
            gov["coordinator"],
            gov["board"],
            actions.SeatInput(gov["outsider_org"], "king", local_today(), person=gov["ada"]),
        )
    assert {"organisation", "role", "person"} <= set(info.value.message_dict)
    assert BodySeat.objects.count() == 1
    actions.end_seat(gov["coordinator"], seat, local_today())
    with pytest.raises(ValidationError):
        actions.end_seat(gov["coordinator"], seat, local_today())


def test_body_names_are_unique_and_required(gov: dict[str, Any]) -> None:
    with pytest.raises(ValidationError, match="already has"):
        actions.create_body(gov["coordinator"], gov["network"], "board", "conseil")
    with pytest.raises(ValidationError) as info:
        actions.create_body(gov["coordinator"], gov["network"], "senate", " ")
    assert {"kind", "name"} <= set(info.value.message_dict)


def test_a_document_is_checked_by_its_first_bytes(
    gov: dict[str, Any], settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    data = actions.DocumentInput(
        kind="statutes", title="Statuts", date=local_today(), is_public=True
    )
    fake = SimpleUploadedFile(
        "statuts.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
    )
    with pytest.raises(ValidationError) as info:
        actions.upload_document(gov["coordinator"], gov["network"], data, fake)
    assert "file" in info.value.message_dict
    empty = SimpleUploadedFile("vide.pdf", b"", content_type="application/pdf")
    with pytest.raises(ValidationError, match="empty"):
        actions.upload_document(gov["coordinator"], gov["network"], data, empty)
    assert not Document.objects.exists()
    real = SimpleUploadedFile("statuts.pdf", b"%PDF-1.4 statuts", content_type="text/plain")
    doc = actions.upload_document(gov["coordinator"], gov["network"], data, real)
    assert doc.content_type == "application/pdf" and doc.size == 16
    with pytest.raises(PermissionDenied):
        actions.upload_document(gov["ada"], gov["network"], data, real)


def test_a_too_large_document_is_refused(gov: dict[str, Any], monkeypatch: Any) -> None:
    monkeypatch.setattr(actions, "MAX_DOCUMENT_BYTES", 10)
    data = actions.DocumentInput(kind="other", title="Gros", date=local_today(), is_public=False)
    big = SimpleUploadedFile("gros.pdf", b"%PDF-" + b"x" * 20)
    with pytest.raises(ValidationError, match="10 MB"):
        actions.upload_document(gov["coordinator"], gov["network"], data, big)
