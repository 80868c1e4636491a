"""The host opens (or changes) the sharing of a machine: audience, mode, prices, rules."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from maillage.core.validators import MAX_ROW_ID
from maillage.directory import permissions
from maillage.directory.models import User
from maillage.equipment.models import Machine
from maillage.qualifications.models import Training
from maillage.sharing.models import Audience, Billing, Mode, Offer


@dataclass
class OfferInput:
    active: bool = True
    audience: str = Audience.NETWORK
    mode: str = Mode.ON_REQUEST
    billing: str = Billing.BOOKED
    price_own_cents: int = 0
    price_member_cents: int = 0
    price_outsider_cents: int = 0
    fixed_fee_cents: int = 0
    min_minutes: int = 30
    max_minutes: int = 480
    buffer_minutes: int = 0
    min_notice_minutes: int = 0
    horizon_days: int = 90
    no_show_grace_minutes: int = 30
    required_training_ids: tuple[int, ...] = ()
    accept_network_qualifications: bool = True
    safety_notes: str = ""


def save_offer(actor: User, machine: Machine, data: OfferInput) -> Offer:
    """Open (or change) the sharing of a machine."""
    if not permissions.can_host(actor, machine.organisation):
        raise PermissionDenied(_("Only the organisation's hosts can share its machines."))
    errors: dict[str, list[str]] = {}
    for name in (
        "price_own_cents",
        "price_member_cents",
        "price_outsider_cents",
        "fixed_fee_cents",
        "buffer_minutes",
        "min_notice_minutes",
        "no_show_grace_minutes",
    ):
        if getattr(data, name) < 0:
            errors[name] = [_("This value cannot be negative.")]
    if data.min_minutes < 5:
        errors["min_minutes"] = [_("At least 5 minutes.")]
    if data.max_minutes < data.min_minutes:
        errors["max_minutes"] = [_("The maximum cannot be below the minimum.")]
    if data.horizon_days < 1:
        errors["horizon_days"] = [_("At least one day.")]
    if data.audience not in Audience.values:
        errors["audience"] = [_("Unknown audience.")]
    if data.mode not in Mode.values:
        errors["mode"] = [_("Unknown mode.")]
    if data.billing not in Billing.values:
        errors["billing"] = [_("Unknown billing.")]
    # An id no database column can hold names no training (SQLite would overflow on it).
    ids = {pk for pk in data.required_training_ids if 0 < pk <= MAX_ROW_ID}
    trainings = list(Training.objects.filter(pk__in=ids))
    if len(trainings) != len(set(data.required_training_ids)):
        errors["required_trainings"] = [_("Unknown training.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        offer, _created = Offer.objects.get_or_create(machine=machine)
        for name, value in vars(data).items():
            if name != "required_training_ids":
                setattr(offer, name, value)
        offer.full_clean()
        offer.save()
        offer.required_trainings.set(trainings)
    return offer
