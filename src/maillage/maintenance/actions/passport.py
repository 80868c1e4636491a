"""Maintenance: the passport's privacy and its ownership history, written by the owner's admins."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core.validators import single_line_errors
from maillage.directory.models import Organisation, User
from maillage.equipment.models import Machine
from maillage.maintenance.models.passport import (
    Acquisition,
    OwnershipPeriod,
    PassportField,
    PassportPrivacy,
)
from maillage.maintenance.queries.passport import can_manage

MAX_PRICE_CENTS = 1_000_000_000  # 10 million euros: beyond, a typing mistake


def set_privacy(actor: User, machine: Machine, fields: list[str]) -> PassportPrivacy:
    """The passport fields only the owner's members (and coordinators) will read."""
    unknown = sorted(set(fields) - set(PassportField.values))
    if unknown:
        raise ValidationError(
            {"private_fields": _("Unknown passport field: %(v)s.") % {"v": ", ".join(unknown)}}
        )
    with transaction.atomic():
        # Checked on the locked row: a transfer accepted meanwhile hands the choice to the taker.
        locked = (
            Machine.objects.select_for_update().select_related("organisation").get(pk=machine.pk)
        )
        if not can_manage(actor, locked):
            raise PermissionDenied(_("Only the organisation's admins choose what stays private."))
        privacy, _created = PassportPrivacy.objects.update_or_create(
            machine=machine,
            defaults={"private_fields": sorted(set(fields)), "updated_by": actor},
        )
    return privacy


@dataclass
class OwnershipInput:
    """A period of the machine's history: an organisation of the network or a name outside it."""

    acquisition: str = Acquisition.NOT_RECORDED
    started_on: dt.date | None = None
    ended_on: dt.date | None = None  # None: the current owner's period
    organisation_slug: str = ""
    holder_name: str = ""
    price_cents: int | None = None


def _check_ownership(machine: Machine, data: OwnershipInput) -> dict[str, list[str]]:
    errors = single_line_errors(holder_name=data.holder_name)
    today = timezone.localdate()
    if data.acquisition not in Acquisition.values:
        errors["acquisition"] = [_("Unknown way of acquiring: %(v)s.") % {"v": data.acquisition}]
    if data.price_cents is not None and data.price_cents < 0:
        errors["price_cents"] = [_("The purchase price cannot be negative.")]
    elif data.price_cents is not None and data.price_cents > MAX_PRICE_CENTS:
        errors["price_cents"] = [_("The purchase price is over 10 million euros.")]
    for name in ("started_on", "ended_on"):
        value = getattr(data, name)
        if value is not None and value > today:
            errors[name] = [_("This date is in the future.")]
    if data.started_on and data.ended_on and data.ended_on < data.started_on:
        errors["ended_on"] = [_("The end must come after the start.")]
    if data.ended_on is None and data.organisation_slug not in ("", machine.organisation.slug):
        errors["organisation_slug"] = [_("The current period is the current owner's.")]
    if data.ended_on is not None and not (data.organisation_slug or data.holder_name.strip()):
        errors["holder_name"] = [_("Name the organisation that held the machine.")]
    return errors


def _overlaps(period: OwnershipPeriod, others: list[OwnershipPeriod]) -> bool:
    if not (period.started_on or period.ended_on):
        return False
    start = period.started_on or dt.date.min
    end = period.ended_on or dt.date.max
    return any(
        (o.started_on or dt.date.min) < end and start < (o.ended_on or dt.date.max)
        for o in others
        if o.pk != period.pk and (o.started_on or o.ended_on)
    )


def record_ownership(actor: User, machine: Machine, data: OwnershipInput) -> OwnershipPeriod:
    """Record how the current owner acquired the machine, or a past owner's period."""
    if not can_manage(actor, machine):
        raise PermissionDenied(_("Only the organisation's admins write the machine's history."))
    errors = _check_ownership(machine, data)
    organisation = None
    if data.organisation_slug:
        organisation = Organisation.objects.filter(slug=data.organisation_slug).first()
        if organisation is None:
            errors["organisation_slug"] = [_("Unknown organisation.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        Machine.objects.select_for_update().filter(pk=machine.pk).first()
        others = list(OwnershipPeriod.objects.filter(machine=machine))
        if data.ended_on is None:
            period = next((p for p in others if p.ended_on is None), None) or OwnershipPeriod(
                machine=machine, organisation=machine.organisation
            )
        else:
            period = OwnershipPeriod(machine=machine, organisation=organisation)
            period.holder_name = "" if organisation else data.holder_name.strip()
        period.started_on, period.ended_on = data.started_on, data.ended_on
        period.acquisition, period.price_cents = data.acquisition, data.price_cents
        if _overlaps(period, others):
            raise ValidationError({"started_on": _("This period overlaps another owner's period.")})
        period.save()
    return period
