"""What a machine and a site carry into OKW and back: one table each, read both ways.

The export (`exports.okw`) writes a machine as OKW equipment and a site as a facility's
location; the import (`imports.machines`, `imports.okw`) reads them back into the actions'
inputs. The fields below travel as they are, under our name on one side and OKW's on the
other; what needs more than a copy (a machine's name and processes, the site's commune and
region, the serial number the export never writes) stays with the caller.
"""

from __future__ import annotations

from typing import Any

from maillage.directory.models import Site
from maillage.equipment.actions import ENVELOPE_FIELDS
from maillage.equipment.models import Machine
from maillage.interop.okw.model import Equipment, Location

# A machine's field and the OKW equipment field that carries it.
EQUIPMENT_FIELDS: dict[str, str] = {
    "make": "make",
    "model": "model",
    "year": "year",
    # OKW's travels are our envelope, axis by axis.
    **dict(zip(ENVELOPE_FIELDS, ("x_travel_mm", "y_travel_mm", "z_travel_mm"), strict=True)),
    "max_part_mass_kg": "max_part_mass_kg",
    "power_kw": "power_kw",
    "computer_controlled": "computer_controlled",
    "tolerance_class": "tolerance_class",
    "condition": "condition",
    "status": "status",
    "notes": "notes",
}

# A site's field and the OKW location field that carries it.
LOCATION_FIELDS: dict[str, str] = {
    "address": "street",
    "postal_code": "postcode",
    "country": "country",
    "latitude": "latitude",
    "longitude": "longitude",
}


def equipment_values(machine: Machine) -> dict[str, Any]:
    """A machine's values under their OKW equipment names (for `Equipment`)."""
    return {okw: getattr(machine, ours) for ours, okw in EQUIPMENT_FIELDS.items()}


def machine_values(equipment: Equipment) -> dict[str, Any]:
    """An OKW equipment's values under our machine field names (for `MachineInput`)."""
    return {ours: getattr(equipment, okw) for ours, okw in EQUIPMENT_FIELDS.items()}


def location_values(site: Site) -> dict[str, Any]:
    """A site's values under their OKW location names (for `Location`)."""
    return {okw: getattr(site, ours) for ours, okw in LOCATION_FIELDS.items()}


def site_values(location: Location) -> dict[str, Any]:
    """An OKW location's values under our site field names (for `SiteInput`)."""
    return {ours: getattr(location, okw) for ours, okw in LOCATION_FIELDS.items()}
