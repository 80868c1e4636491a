"""Every write to the machine inventory: one function per intent, one transaction each."""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage.core.locks import lock, lock_existing
from maillage.core.text import fold
from maillage.core.validators import single_line_errors
from maillage.directory import permissions
from maillage.directory.models import Organisation, Site, User
from maillage.equipment.models import (
    Condition,
    DocumentKind,
    Machine,
    MachineDocument,
    MachineMaterial,
    MachineStatus,
    Material,
    Process,
    ToleranceClass,
)
from maillage.equipment.signals import machine_retiring
from maillage.equipment.taxonomy import path_for

# The machine's physical capacity, one definition for forms, API, imports and exports.
ENVELOPE_FIELDS = ("envelope_x_mm", "envelope_y_mm", "envelope_z_mm")
CAPACITY_FIELDS = (*ENVELOPE_FIELDS, "max_part_mass_kg", "power_kw")
# Fields copied as they are between a Machine and a MachineInput.
PLAIN_FIELDS = (
    "name",
    "site_id",
    "make",
    "model",
    "serial_number",
    "year",
    *CAPACITY_FIELDS,
    "computer_controlled",
    "tolerance_class",
    "condition",
    "status",
    "notes",
)


@dataclass
class MachineInput:
    name: str
    site_id: int | None = None
    make: str = ""
    model: str = ""
    serial_number: str = ""
    year: int | None = None
    process_codes: list[str] = field(default_factory=list)
    materials: list[str] = field(default_factory=list)
    envelope_x_mm: float | None = None
    envelope_y_mm: float | None = None
    envelope_z_mm: float | None = None
    max_part_mass_kg: float | None = None
    power_kw: float | None = None
    computer_controlled: bool = False
    tolerance_class: str = ""
    condition: str = Condition.GOOD
    status: str = MachineStatus.OPERATIONAL
    notes: str = ""

    @classmethod
    def from_machine(cls, machine: Machine) -> MachineInput:
        """The machine as it stands, as an input to change some of its fields."""
        return cls(
            **{name: getattr(machine, name) for name in PLAIN_FIELDS},
            process_codes=sorted(p.code for p in machine.processes.all()),
            materials=machine.material_codes(),
        )


def create_machine(actor: User, organisation: Organisation, data: MachineInput) -> Machine:
    if not permissions.can_edit_sites(actor, organisation):
        raise PermissionDenied(_("Only the organisation's members can list its machines."))
    with transaction.atomic():
        machine = Machine(organisation=organisation)
        machine._history_user = actor  # type: ignore[attr-defined]  # API calls have no request
        save_machine(machine, data)
    return machine


def update_machine(actor: User, machine: Machine, data: MachineInput) -> Machine:
    if not permissions.can_edit_sites(actor, machine.organisation):
        raise PermissionDenied(_("Only the organisation's members can edit its machines."))
    with transaction.atomic():
        if data.status == MachineStatus.RETIRED and machine.pk:
            locked = lock_existing(machine)
            if locked.status != MachineStatus.RETIRED:
                _refuse_if_bookings_to_come(locked)
        machine._history_user = actor  # type: ignore[attr-defined]
        save_machine(machine, data)
    return machine


def delete_machine(actor: User, machine: Machine) -> None:
    """Remove a machine entered by mistake; one with bookings is retired instead."""
    if not permissions.can_edit_sites(actor, machine.organisation):
        raise PermissionDenied(_("Only the organisation's members can remove its machines."))
    with transaction.atomic():
        lock(machine)
        # The bookings keep what was used and billed: they are never deleted with the machine.
        bookings = machine.bookings.count()
        if bookings:
            raise ValidationError(
                ngettext(
                    "This machine has %(n)d booking in its history, so it cannot be removed. "
                    "Retire it instead: it leaves the map and the booking pages and keeps "
                    "its history.",
                    "This machine has %(n)d bookings in its history, so it cannot be removed. "
                    "Retire it instead: it leaves the map and the booking pages and keeps "
                    "its history.",
                    bookings,
                )
                % {"n": bookings},
                code="protected",
            )
        machine._history_user = actor  # type: ignore[attr-defined]
        machine.delete()


def retire_machine(actor: User, machine: Machine) -> Machine:
    """Take a machine out of service for good; refused while bookings are still to come."""
    if not permissions.can_edit_sites(actor, machine.organisation):
        raise PermissionDenied(_("Only the organisation's members can retire its machines."))
    with transaction.atomic():
        locked = lock_existing(machine)
        if locked.status == MachineStatus.RETIRED:
            raise ValidationError({"status": _("This machine is already retired.")})
        _refuse_if_bookings_to_come(locked)
        locked._history_user = actor  # type: ignore[attr-defined]
        locked.status = MachineStatus.RETIRED
        locked.save(update_fields=["status"])
    machine.status = locked.status
    return machine


def hand_over_machine(
    actor: User, machine: Machine, organisation: Organisation, site: Site
) -> Machine:
    """Give the machine to another organisation, at one of its sites (a sale, donation or loan).

    The caller (the maintenance app's transfer) holds the transaction and has checked the
    transfer itself; here only the giving organisation's admins may let the machine go.
    """
    if not permissions.can_edit_organisation(actor, machine.organisation):
        raise PermissionDenied(_("Only the organisation's admins can hand its machines over."))
    if site.organisation_id != organisation.pk:
        raise ValidationError({"site": _("This site does not belong to the organisation.")})
    with transaction.atomic():
        locked = Machine.objects.select_for_update().get(pk=machine.pk)
        locked._history_user = actor  # type: ignore[attr-defined]
        locked.organisation = organisation
        locked.site = site
        locked.save(update_fields=["organisation", "site", "updated_at"])
    machine.organisation, machine.site = organisation, site
    return machine


def _refuse_if_bookings_to_come(machine: Machine) -> None:
    """Nothing is cancelled behind the bookers' backs: the apps that book machines refuse."""
    machine_retiring.send(sender=Machine, machine=machine)


def save_machine(machine: Machine, data: MachineInput) -> Machine:
    """Validate every field, then save the machine with its processes and materials.

    Callers hold the transaction; importers call this directly after their own checks.
    """
    errors: dict[str, list[str]] = single_line_errors(
        name=data.name, make=data.make, model=data.model, serial_number=data.serial_number
    )
    name = data.name.strip()
    if not name:
        errors["name"] = [_("The name cannot be empty.")]
    site = None
    if data.site_id is None:
        site = machine.organisation.sites.filter(is_main=True).first()
        if site is None:
            errors["site"] = [_("Add a site to the organisation first.")]
    else:
        site = Site.objects.filter(pk=data.site_id, organisation=machine.organisation).first()
        if site is None:
            errors["site"] = [_("This site does not belong to the organisation.")]
    this_year = datetime.date.today().year
    if data.year is not None and not 1850 <= data.year <= this_year:
        errors["year"] = [_("The year must be between 1850 and %(year)s.") % {"year": this_year}]
    for name_ in ENVELOPE_FIELDS:
        value = getattr(data, name_)
        if value is not None and not (math.isfinite(value) and value > 0):
            errors[name_] = [_("A dimension must be a positive number of millimetres.")]
    for name_, value in (("max_part_mass_kg", data.max_part_mass_kg), ("power_kw", data.power_kw)):
        if value is not None and not (math.isfinite(value) and value >= 0):
            errors[name_] = [_("This value cannot be negative.")]
    codes = sorted({c.strip() for c in data.process_codes if c.strip()})
    processes = list(Process.objects.filter(code__in=codes))
    unknown = sorted(set(codes) - {p.code for p in processes})
    if unknown:
        errors["processes"] = [
            _("Unknown process code: %(codes)s.") % {"codes": ", ".join(unknown)}
        ]
    elif not codes:
        errors["processes"] = [_("Choose at least one process this machine can do.")]
    bad_materials = sorted(set(data.materials) - set(Material.values))
    if bad_materials:
        errors["materials"] = [_("Unknown material: %(m)s.") % {"m": ", ".join(bad_materials)}]
    if data.tolerance_class and data.tolerance_class not in ToleranceClass.values:
        errors["tolerance_class"] = [_("Use an ISO 2768 class: f, m, c or v.")]
    if data.condition not in Condition.values:
        errors["condition"] = [_("Unknown condition: %(v)s.") % {"v": data.condition}]
    if data.status not in MachineStatus.values:
        errors["status"] = [_("Unknown status: %(v)s.") % {"v": data.status}]
    if errors:
        raise ValidationError(errors)
    assert site is not None
    machine.site = site
    machine.name = name
    machine.make = data.make.strip()
    machine.model = data.model.strip()
    machine.serial_number = data.serial_number.strip()
    machine.year = data.year
    for name_ in CAPACITY_FIELDS:
        setattr(machine, name_, getattr(data, name_))
    machine.computer_controlled = data.computer_controlled
    machine.tolerance_class = data.tolerance_class
    machine.condition = data.condition
    machine.status = data.status
    machine.notes = data.notes.strip()
    labels = [f"{p.label_fr} {p.label_en}" for p in processes]
    machine.search_text = fold(" ".join([name, machine.make, machine.model, *labels]))
    machine.full_clean(exclude=["organisation", "site", "processes", "search_text"])
    machine.save()
    machine.processes.set(processes)
    wanted = set(data.materials)
    machine.materials.exclude(material__in=wanted).delete()
    have = set(machine.materials.values_list("material", flat=True))
    MachineMaterial.objects.bulk_create(
        [MachineMaterial(machine=machine, material=m) for m in sorted(wanted - have)]
    )
    return machine


def add_document(
    actor: User,
    machine: Machine,
    kind: str,
    title: str,
    url: str = "",
    file: object | None = None,
) -> MachineDocument:
    if not permissions.can_edit_sites(actor, machine.organisation):
        raise PermissionDenied(_("Only the organisation's members can add documents."))
    errors: dict[str, list[str]] = single_line_errors(title=title, url=url)
    if kind not in DocumentKind.values:
        errors["kind"] = [_("Unknown kind of document.")]
    if not title.strip():
        errors["title"] = [_("Give the document a title.")]
    if not url.strip() and file is None:
        errors["file"] = [_("Upload a file or give a link.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        document = MachineDocument(machine=machine, kind=kind, title=title.strip(), url=url.strip())
        if file is not None:
            document.file = file
        document.full_clean()
        document.save()
    return document


def save_process(actor: User, process: Process) -> Process:
    """Coordinators edit the taxonomy; moving a node moves its whole subtree's paths."""
    if not permissions.is_coordinator(actor):
        raise PermissionDenied(_("Only network coordinators edit the process taxonomy."))
    with transaction.atomic():
        parent = process.parent
        ancestor = parent
        while ancestor is not None:
            if process.pk and ancestor.pk == process.pk:
                raise ValidationError({"parent": _("A process cannot be its own ancestor.")})
            ancestor = ancestor.parent
        old_path = process.path
        process.path = path_for(process.code, parent.path if parent else None)
        process.depth = parent.depth + 1 if parent else 0
        process.full_clean()
        process.save()
        if old_path and old_path != process.path:
            for child in Process.objects.filter(path__startswith=old_path).exclude(pk=process.pk):
                child.path = process.path + child.path[len(old_path) :]
                child.depth = child.path.count("|") - 2
                child.save(update_fields=["path", "depth"])
    return process


def save_imported_machine(
    actor: User,
    organisation: Organisation,
    machine: Machine | None,
    data: MachineInput,
    *,
    source: str,
    source_ref: str,
) -> Machine:
    """Create or update a machine an import brings: the source's reference finds it again."""
    if not permissions.is_coordinator(actor):
        raise PermissionDenied(_("Only network coordinators import the fablabs.io directory."))
    with transaction.atomic():
        if machine is None:
            machine = Machine(organisation=organisation, source=source, source_ref=source_ref)
        machine.organisation = organisation
        machine._history_user = actor  # type: ignore[attr-defined]
        save_machine(machine, data)
    return machine
