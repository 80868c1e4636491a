"""Maintenance: the end of a machine's life, with its destination and recycled materials."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage.core.validators import single_line_errors
from maillage.directory.models import User
from maillage.equipment.actions import retire_machine
from maillage.equipment.models import Machine, MachineStatus, Material
from maillage.maintenance import waste
from maillage.maintenance.models.passport import (
    OPEN_TRANSFER_STATES,
    DecommissionedMaterial,
    Decommissioning,
    Destination,
    OwnershipPeriod,
    Transfer,
)
from maillage.maintenance.queries.passport import bookings_to_come, can_manage

MAX_MASS_KG = Decimal("99999999")


@dataclass
class MaterialInput:
    material: str
    mass_kg: Decimal | float | str
    waste_code: str


@dataclass
class DecommissionInput:
    destination: str
    decommissioned_on: dt.date | None = None  # today
    recipient: str = ""
    notes: str = ""
    materials: list[MaterialInput] = field(default_factory=list)


def _mass(value: Decimal | float | str) -> Decimal | None:
    try:
        mass = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        return None
    return mass if mass.is_finite() and 0 < mass <= MAX_MASS_KG else None


def _check_materials(data: DecommissionInput) -> tuple[dict[str, list[str]], list[Decommissioned]]:
    errors: dict[str, list[str]] = {}
    rows: list[Decommissioned] = []
    if data.destination == Destination.RECYCLING and not data.materials:
        errors["materials"] = [_("List the materials sent to recycling, with their mass.")]
    elif data.destination != Destination.RECYCLING and data.materials:
        errors["materials"] = [_("Materials are listed for recycling only.")]
    for index, item in enumerate(data.materials):
        where = f"materials.{index}"
        if item.material not in Material.values:
            errors[f"{where}.material"] = [_("Unknown material: %(v)s.") % {"v": item.material}]
        mass = _mass(item.mass_kg)
        if mass is None:
            errors[f"{where}.mass_kg"] = [_("Give a positive mass in kilograms.")]
        code = waste.find(item.waste_code)
        if code is None:
            errors[f"{where}.waste_code"] = [
                _("%(code)s is not a code of the European List of Waste for machines.")
                % {"code": item.waste_code.strip() or "—"}
            ]
        if mass is not None and code is not None:
            rows.append(Decommissioned(item.material, mass, code.code))
    return errors, rows


@dataclass
class Decommissioned:
    material: str
    mass_kg: Decimal
    waste_code: str


def _check(data: DecommissionInput, today: dt.date) -> tuple[dict[str, list[str]], list]:
    errors = single_line_errors(recipient=data.recipient)
    if data.destination not in Destination.values:
        errors["destination"] = [_("Choose reuse elsewhere, remanufacture or recycling.")]
    if data.decommissioned_on is not None and data.decommissioned_on > today:
        errors["decommissioned_on"] = [_("This date is in the future.")]
    material_errors, rows = _check_materials(data)
    return {**errors, **material_errors}, rows


def _refuse(machine: Machine) -> None:
    if Decommissioning.objects.filter(machine=machine).exists():
        raise ValidationError({"machine": _("This machine is already decommissioned.")})
    if Transfer.objects.filter(machine=machine, state__in=OPEN_TRANSFER_STATES).exists():
        raise ValidationError(
            {"machine": _("This machine is offered for transfer: withdraw the offer first.")}
        )
    to_come = bookings_to_come(machine)
    if to_come:
        raise ValidationError(
            {
                "machine": ngettext(
                    "This machine still has %(n)d booking to come: cancel or move it first.",
                    "This machine still has %(n)d bookings to come: cancel or move them first.",
                    to_come,
                )
                % {"n": to_come}
            }
        )


def decommission_machine(actor: User, machine: Machine, data: DecommissionInput) -> Decommissioning:
    """Retire the machine for good and record where it went; nothing is saved on any refusal."""
    if not can_manage(actor, machine):
        raise PermissionDenied(_("Only the organisation's admins decommission its machines."))
    today = timezone.localdate()
    errors, rows = _check(data, today)
    if errors:
        raise ValidationError(errors)
    on = data.decommissioned_on or today
    with transaction.atomic():
        locked = Machine.objects.select_for_update().get(pk=machine.pk)
        _refuse(locked)
        if locked.status != MachineStatus.RETIRED:
            retire_machine(actor, locked)
        current = OwnershipPeriod.objects.filter(machine=locked, ended_on__isnull=True).first()
        if current is None:
            current = OwnershipPeriod(machine=locked, organisation_id=locked.organisation_id)
        if current.started_on and current.started_on > on:
            raise ValidationError(
                {"decommissioned_on": _("The machine was not yet this owner's on that date.")}
            )
        current.ended_on = on
        current.save()
        record = Decommissioning.objects.create(
            machine=locked,
            organisation_id=locked.organisation_id,
            decommissioned_on=on,
            destination=data.destination,
            recipient=data.recipient.strip(),
            notes=data.notes.strip(),
            recorded_by=actor,
        )
        DecommissionedMaterial.objects.bulk_create(
            [
                DecommissionedMaterial(
                    decommissioning=record,
                    material=row.material,
                    mass_kg=row.mass_kg,
                    waste_code=row.waste_code,
                )
                for row in rows
            ]
        )
    machine.status = MachineStatus.RETIRED
    return record
