"""Transfer e-mails through the outbox: the owner's admins hear of requests, askers of answers."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from maillage.maintenance.actions import transfers
from maillage.maintenance.models.passport import Transfer
from maillage.maintenance.tests.passport_world import World, add_booking
from maillage.sharing.models import BookingState


def _asked(second_life: World) -> Transfer:
    transfer = transfers.list_for_transfer(
        second_life.owner_admin, second_life.machine, transfers.TransferInput(kind="donation")
    )
    transfers.ask_for_transfer(
        second_life.taker_member, transfer, second_life.taker, message="Nous venons la chercher."
    )
    return transfer


def test_a_request_is_mailed_to_the_owners_admins_in_french(
    second_life: World, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _asked(second_life)
        assert mail.outbox == []  # the worker sends it once the request is in
    assert [m.to for m in mail.outbox] == [[second_life.owner_admin.email]]
    message = mail.outbox[0]
    assert message.subject == "Lycée Preneur demande Découpe laser Trotec"
    assert "Nous venons la chercher." in message.body
    assert f"/machines/{second_life.machine.pk}/passport/" in message.body


@pytest.mark.parametrize(
    ("decide", "subject"),
    [
        (transfers.accept_transfer, "Découpe laser Trotec est à vous"),
        (transfers.refuse_request, "Votre demande de Découpe laser Trotec a été refusée"),
        (transfers.withdraw_transfer, "Découpe laser Trotec : offre retirée"),
    ],
)
def test_the_asker_hears_the_answer(
    second_life: World, decide, subject: str, django_capture_on_commit_callbacks
) -> None:
    transfer = _asked(second_life)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decide(second_life.owner_admin, transfer)
    assert [(m.to, m.subject) for m in mail.outbox] == [([second_life.taker_member.email], subject)]


def test_a_refused_handover_sends_nothing(
    second_life: World, django_capture_on_commit_callbacks
) -> None:
    transfer = _asked(second_life)
    add_booking(second_life, 3, BookingState.CONFIRMED)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(ValidationError),
    ):
        transfers.accept_transfer(second_life.owner_admin, transfer)
    assert callbacks == [] and mail.outbox == []
