"""The machines an OKW facility lists: found again by id or twin, saved through the action."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from maillage.core.text import fold
from maillage.directory import permissions
from maillage.directory.models import Site, User
from maillage.equipment.actions import MachineInput, save_machine
from maillage.equipment.models import Machine
from maillage.interop.exports.identifiers import own_machine_id
from maillage.interop.imports.paths import MACHINE_PATHS, at_path
from maillage.interop.imports.report import ImportReport
from maillage.interop.okw.model import Equipment, Facility
from maillage.interop.okw.values import join
from maillage.interop.okw_fields import machine_values

SOURCE = "okw"
_SOURCE_REF_MAX = 200


class EquipmentImporter:
    """Saves the equipment of the facilities of one document; a machine is claimed once."""

    def __init__(self, actor: User, report: ImportReport) -> None:
        self.actor = actor
        self.report = report
        self.claimed: set[int] = set()

    def save(
        self,
        path: str,
        facility: Facility,
        equipment: Equipment,
        process_codes: list[str],
        site: Site,
    ) -> None:
        organisation = site.organisation
        if not permissions.can_edit_sites(self.actor, organisation):
            raise PermissionDenied(
                f"{path}: " + _("Only the organisation's members can list its machines.")
            )
        for unit in range(equipment.quantity):
            name = equipment.name
            if equipment.quantity > 1:
                name = f"{equipment.name} ({unit + 1}/{equipment.quantity})"
            source_ref = self._source_ref(path, facility, equipment, unit)
            machine = self._find_machine(path, equipment, name, source_ref, site, unit)
            wanted = MachineInput(
                name=name,
                site_id=site.pk,
                serial_number=equipment.serial_number or (machine.serial_number if machine else ""),
                process_codes=process_codes,
                materials=list(equipment.materials),
                **machine_values(equipment),
            )
            if machine is None:
                machine = Machine(
                    organisation=organisation,
                    source=SOURCE if source_ref else "",
                    source_ref=source_ref,
                )
                with at_path(path, MACHINE_PATHS):
                    save_machine(machine, wanted)
                self.report.machines_created.append(machine.pk)
            elif MachineInput.from_machine(machine) == wanted:
                self.report.unchanged += 1
            else:
                with at_path(path, MACHINE_PATHS):
                    save_machine(machine, wanted)
                self.report.machines_updated.append(machine.pk)
            self.claimed.add(machine.pk)

    def _source_ref(self, path: str, facility: Facility, equipment: Equipment, unit: int) -> str:
        """Where an imported machine came from: `<facility id>#<equipment id>[~unit]`."""
        if not (facility.id and equipment.id):
            return ""
        ref = f"{facility.id}#{equipment.id}" + (f"~{unit + 1}" if unit else "")
        if len(ref) > _SOURCE_REF_MAX:
            self.report.warnings.append(
                f"{join(path, 'id')}: identifiers too long to remember; "
                "a new import may duplicate this equipment."
            )
            return ""
        return ref

    def _find_machine(
        self,
        path: str,
        equipment: Equipment,
        name: str,
        source_ref: str,
        site: Site,
        unit: int,
    ) -> Machine | None:
        """This equipment's machine: ours by `id`, a former import's, or a twin at the site."""
        candidates = Machine.objects.prefetch_related("processes", "materials")
        machine_id = own_machine_id(equipment.id) if equipment.id and not unit else None
        if machine_id is not None:
            machine = candidates.filter(pk=machine_id, organisation=site.organisation).first()
            if machine is not None and machine.pk not in self.claimed:
                return machine
        if source_ref:
            machine = candidates.filter(source=SOURCE, source_ref=source_ref).first()
            if machine is not None:
                if machine.organisation_id != site.organisation_id:
                    raise ValidationError(
                        {
                            join(path, "id"): _(
                                "This equipment was imported for another organisation."
                            )
                        }
                    )
                return machine
        for machine in candidates.filter(site=site, source="").exclude(pk__in=self.claimed):
            if (
                fold(machine.name) == fold(name)
                and fold(machine.make) == fold(equipment.make)
                and fold(machine.model) == fold(equipment.model)
            ):
                return machine
        return None
