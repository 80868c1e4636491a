"""A fablabs.io machine row as a MachineInput, keeping what a person added since."""

from __future__ import annotations

from maillage.directory.models import Site
from maillage.equipment.actions import ENVELOPE_FIELDS, MachineInput
from maillage.equipment.fablabs.rows import MachineRow
from maillage.equipment.models import Machine, MachineStatus


def machine_input(machine: Machine | None, site: Site, row: MachineRow) -> MachineInput:
    """The row's machine; fields the file does not give keep the machine's value."""
    data = MachineInput.from_machine(machine) if machine is not None else MachineInput(name="")
    status = MachineStatus.OPERATIONAL if machine is None else machine.status
    if row.operational is not None:
        status = MachineStatus.OPERATIONAL if row.operational else MachineStatus.DOWN
    data.name, data.site_id, data.make, data.model = row.name, site.pk, row.make, row.model
    data.process_codes = sorted(set(data.process_codes) | {row.process_code})
    data.computer_controlled = row.computer_controlled
    data.status = status
    for name, value in zip(ENVELOPE_FIELDS, row.envelope, strict=True):
        if value is not None or machine is None:
            setattr(data, name, value)
    return data


def same(machine: Machine, data: MachineInput) -> bool:
    """The fields an import sets are already as the file says."""
    return (
        machine.site_id == data.site_id
        and machine.name == data.name.strip()
        and machine.make == data.make.strip()
        and machine.model == data.model.strip()
        and {p.code for p in machine.processes.all()} == set(data.process_codes)
        and machine.computer_controlled == data.computer_controlled
        and machine.status == data.status
        and all(getattr(machine, f) == getattr(data, f) for f in ENVELOPE_FIELDS)
    )
