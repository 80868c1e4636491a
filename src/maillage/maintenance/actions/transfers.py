"""Maintenance: handing a machine on (sale, donation, long loan) between organisations.

listed ──ask──► reserved ──accept──► transferred
  ▲                │
  └────refuse──────┘         listed or reserved ──withdraw──► withdrawn

Every transition locks the transfer row and checks again the state it starts from, so two
organisations asking at once, or an owner accepting while another admin withdraws, end as one
of the two serial orders: the second caller gets a clear refusal saying the state now.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage.core.outbox import enqueue_in_transaction
from maillage.directory import permissions
from maillage.directory.models import Organisation, OrganisationStatus, Site, User
from maillage.equipment.actions import hand_over_machine
from maillage.equipment.models import Machine, MachineStatus
from maillage.maintenance.models.passport import (
    OPEN_TRANSFER_STATES,
    Acquisition,
    OwnershipPeriod,
    PassportPrivacy,
    Transfer,
    TransferKind,
    TransferState,
)
from maillage.maintenance.queries.passport import bookings_to_come, can_manage
from maillage.maintenance.tasks.passport import notify_transfer_answer, notify_transfer_asked
from maillage.sharing.actions.offers import OfferInput, save_offer
from maillage.sharing.models import Offer

MAX_PRICE_CENTS = 1_000_000_000  # 10 million euros: beyond, a typing mistake

ACQUISITION_BY_KIND = {
    TransferKind.SALE: Acquisition.SECOND_HAND,
    TransferKind.DONATION: Acquisition.DONATION,
    TransferKind.LONG_LOAN: Acquisition.LONG_LOAN,
}


@dataclass
class TransferInput:
    kind: str
    asking_price_cents: int | None = None
    loan_until: dt.date | None = None
    description: str = ""


def _check_input(data: TransferInput, today: dt.date) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if data.kind not in TransferKind.values:
        errors["kind"] = [_("Choose a sale, a donation or a long loan.")]
    price = data.asking_price_cents
    if price is not None and price < 0:
        errors["asking_price_cents"] = [_("The asking price cannot be negative.")]
    elif price is not None and price > MAX_PRICE_CENTS:
        errors["asking_price_cents"] = [_("The asking price is over 10 million euros.")]
    elif data.kind == TransferKind.DONATION and price:
        errors["asking_price_cents"] = [_("A donation has no asking price.")]
    if data.kind == TransferKind.LONG_LOAN:
        if data.loan_until is None:
            errors["loan_until"] = [_("Give the date the loan ends.")]
        elif data.loan_until <= today:
            errors["loan_until"] = [_("The loan must end after today.")]
    elif data.loan_until is not None:
        errors["loan_until"] = [_("Only a long loan has an end date.")]
    return errors


def list_for_transfer(actor: User, machine: Machine, data: TransferInput) -> Transfer:
    """The owner offers the machine to the network."""
    if not can_manage(actor, machine):
        raise PermissionDenied(_("Only the organisation's admins can offer its machines."))
    errors = _check_input(data, timezone.localdate())
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Machine.objects.select_for_update().get(pk=machine.pk)
        if locked.status == MachineStatus.RETIRED:
            raise ValidationError({"machine": _("A retired machine cannot be offered.")})
        if Transfer.objects.filter(machine=locked, state__in=OPEN_TRANSFER_STATES).exists():
            raise ValidationError({"machine": _("This machine is already offered.")})
        return Transfer.objects.create(
            machine=locked,
            from_organisation_id=locked.organisation_id,
            kind=data.kind,
            asking_price_cents=data.asking_price_cents if data.kind == TransferKind.SALE else None,
            loan_until=data.loan_until,
            description=data.description.strip(),
            created_by=actor,
        )


def _locked(transfer: Transfer, starts_from: tuple[str, ...]) -> Transfer:
    """The transfer read again under lock; refused with its state now if it moved on."""
    locked = Transfer.objects.select_for_update().get(pk=transfer.pk)
    if locked.state not in starts_from:
        messages = {
            TransferState.LISTED: _("This offer is no longer asked for: it is listed again."),
            TransferState.RESERVED: _("Another organisation has already asked for this machine."),
            TransferState.TRANSFERRED: _("This machine has already been handed over."),
            TransferState.WITHDRAWN: _("The owner has withdrawn this offer."),
        }
        raise ValidationError({"state": messages[TransferState(locked.state)]})
    return locked


def _synced(caller: Transfer, locked: Transfer) -> Transfer:
    for name in ("state", "to_organisation_id", "to_site_id", "asked_by_id", "asked_at"):
        setattr(caller, name, getattr(locked, name))
    caller.closed_at = locked.closed_at
    return caller


def _receiving_site(organisation: Organisation, site_id: int | None) -> Site:
    sites = Site.objects.filter(organisation=organisation)
    site = sites.filter(pk=site_id).first() if site_id else sites.filter(is_main=True).first()
    site = site or (None if site_id else sites.first())
    if site is None:
        message = (
            _("This site does not belong to the organisation.")
            if site_id
            else _("Add a site to the organisation first.")
        )
        raise ValidationError({"site": message})
    return site


def ask_for_transfer(
    actor: User,
    transfer: Transfer,
    organisation: Organisation,
    site_id: int | None = None,
    message: str = "",
) -> Transfer:
    """A member of a validated organisation asks for the machine; it is then reserved."""
    if permissions.membership_of(actor, organisation) is None:
        raise PermissionDenied(_("Ask in the name of an organisation you are a member of."))
    if organisation.status != OrganisationStatus.VALIDATED:
        raise ValidationError(
            {
                "organisation": _(
                    "%(name)s is not validated yet: only organisations the network's "
                    "coordinators have validated can take a machine."
                )
                % {"name": organisation.name}
            }
        )
    if organisation.pk == transfer.from_organisation_id:
        raise ValidationError({"organisation": _("This machine already belongs to it.")})
    site = _receiving_site(organisation, site_id)
    with transaction.atomic():
        locked = _locked(transfer, (TransferState.LISTED,))
        locked.state = TransferState.RESERVED
        locked.to_organisation, locked.to_site = organisation, site
        locked.asked_by, locked.asked_at = actor, timezone.now()
        locked.message = message.strip()
        locked.save()
        enqueue_in_transaction(notify_transfer_asked, locked.pk)
    return _synced(transfer, locked)


def _tell_asker(locked: Transfer, answer: str) -> None:
    """The person who asked hears the owner's answer once the transaction commits."""
    if locked.asked_by_id is not None:
        enqueue_in_transaction(notify_transfer_answer, locked.pk, locked.asked_by_id, answer)


def refuse_request(actor: User, transfer: Transfer) -> Transfer:
    """The owner declines the organisation that asked; the machine is offered again."""
    if not can_manage(actor, transfer.machine):
        raise PermissionDenied(_("Only the organisation's admins decide on its offers."))
    with transaction.atomic():
        locked = _locked(transfer, (TransferState.RESERVED,))
        _tell_asker(locked, "refused")
        locked.state = TransferState.LISTED
        locked.to_organisation = locked.to_site = locked.asked_by = locked.asked_at = None
        locked.message = ""
        locked.save()
    return _synced(transfer, locked)


def withdraw_transfer(actor: User, transfer: Transfer) -> Transfer:
    if not can_manage(actor, transfer.machine):
        raise PermissionDenied(_("Only the organisation's admins decide on its offers."))
    with transaction.atomic():
        locked = _locked(transfer, OPEN_TRANSFER_STATES)
        if locked.state == TransferState.RESERVED:
            _tell_asker(locked, "withdrawn")
        locked.state = TransferState.WITHDRAWN
        locked.closed_at = timezone.now()
        locked.save()
    return _synced(transfer, locked)


def _refuse_handover(machine: Machine, transfer: Transfer, recipient: Organisation) -> None:
    errors: dict[str, str] = {}
    if recipient.status != OrganisationStatus.VALIDATED:
        errors["organisation"] = _(
            "%(name)s is no longer validated: it cannot take the machine."
        ) % {"name": recipient.name}
    if machine.organisation_id != transfer.from_organisation_id:
        errors["machine"] = _("This machine no longer belongs to the organisation offering it.")
    elif machine.status == MachineStatus.RETIRED:
        errors["machine"] = _("This machine has been retired.")
    to_come = bookings_to_come(machine)
    if to_come:
        errors["bookings"] = ngettext(
            "This machine still has %(n)d booking to come: cancel or move it before the handover.",
            "This machine still has %(n)d bookings to come: cancel or move them before the "
            "handover.",
            to_come,
        ) % {"n": to_come}
    if errors:
        raise ValidationError(errors)


def _close_sharing(actor: User, machine: Machine) -> None:
    """The giver's prices and rules do not pass with the machine: the new owner reopens it."""
    offer = Offer.objects.filter(machine=machine, active=True).first()
    if offer is None:
        return
    fields = {
        name: getattr(offer, name)
        for name in OfferInput.__dataclass_fields__
        if name != "required_training_ids"
    }
    fields["required_training_ids"] = tuple(t.pk for t in offer.required_trainings.all())
    fields["active"] = False
    save_offer(actor, machine, OfferInput(**fields))


def accept_transfer(actor: User, transfer: Transfer) -> Transfer:
    """The owner hands the machine over: its organisation and site change, history goes on."""
    if not can_manage(actor, transfer.machine):
        raise PermissionDenied(_("Only the organisation's admins decide on its offers."))
    with transaction.atomic():
        locked = _locked(transfer, (TransferState.RESERVED,))
        machine = (
            Machine.objects.select_for_update()
            .select_related("organisation")
            .get(pk=locked.machine_id)
        )
        recipient, site = locked.to_organisation, locked.to_site
        assert recipient is not None and site is not None  # set together when it was asked for
        _refuse_handover(machine, locked, recipient)
        today = timezone.localdate()
        current = OwnershipPeriod.objects.filter(machine=machine, ended_on__isnull=True).first()
        if current is None:
            current = OwnershipPeriod(machine=machine, organisation_id=machine.organisation_id)
        current.ended_on = max(today, current.started_on or today)
        current.save()
        _close_sharing(actor, machine)
        hand_over_machine(actor, machine, recipient, site)
        OwnershipPeriod.objects.create(
            machine=machine,
            organisation=recipient,
            started_on=today,
            acquisition=ACQUISITION_BY_KIND[TransferKind(locked.kind)],
            price_cents=locked.asking_price_cents,
            transfer=locked,
        )
        # The giver's privacy choices were theirs: the new owner starts from the defaults.
        PassportPrivacy.objects.filter(machine=machine).delete()
        locked.state = TransferState.TRANSFERRED
        locked.closed_at = timezone.now()
        locked.save()
        _tell_asker(locked, "accepted")
    transfer.machine.organisation = recipient
    return _synced(transfer, locked)
