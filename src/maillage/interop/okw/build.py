"""Maillage → OKW: a facility or a whole directory as OKW JSON; empty values left out."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from maillage.interop.okw.model import (
    GENERATOR,
    MATERIAL_URN_PREFIX,
    OKW_VERSION,
    WIKIPEDIA_URL,
    Agent,
    Equipment,
    Facility,
    Location,
    ProcessRef,
)
from maillage.interop.okw.vocabulary import CONDITION_TEXT, MATERIAL_ARTICLES


def facility_to_okw(facility: Facility, *, include_private: bool = False) -> dict[str, Any]:
    """The facility as an OKW JSON object; empty values are left out.

    Serial numbers are written only with `include_private` (never in the public exports).
    """
    equipment = [_equipment_to_okw(e, include_private) for e in facility.equipment]
    processes = facility.manufacturing_processes or _union_refs(facility.equipment)
    materials = facility.typical_materials or tuple(
        sorted({m for e in facility.equipment for m in e.materials})
    )
    out: dict[str, Any] = {
        "id": facility.id,
        "name": facility.name,
        "location": _location_to_okw(facility.location),
        "owner": _agent_to_okw(facility.owner) if facility.owner else None,
        "contact": _agent_to_okw(facility.contact) if facility.contact else None,
        "affiliations": [_agent_to_okw(a) for a in facility.affiliations],
        "facility_status": facility.facility_status,
        "access_type": facility.access_type,
        "description": facility.description,
        "equipment": equipment,
        "manufacturing_processes": [ref.url for ref in processes],
        "typical_materials": [_material_to_okw(m) for m in materials],
        "date_created": facility.date_created,
        "last_updated": facility.last_updated,
    }
    return _compact(out)


def collection_to_okw(
    facilities: Iterable[Facility], *, source: str = "", generated_at: str = ""
) -> dict[str, Any]:
    """The collection wrapper of a whole directory (docs/okw.md, "Collections")."""
    items = [facility_to_okw(f) for f in facilities]
    return _compact(
        {
            "okw_version": OKW_VERSION,
            "generator": GENERATOR,
            "source": source,
            "generated_at": generated_at,
            "facility_count": len(items),
            "facilities": items,
        },
        keep=("facilities", "facility_count"),
    )


def _equipment_to_okw(equipment: Equipment, include_private: bool) -> dict[str, Any]:
    power_w = None if equipment.power_kw is None else round(equipment.power_kw * 1000)
    out: dict[str, Any] = {
        "id": equipment.id,
        "name": equipment.name,
        "equipment_type": equipment.equipment_type,
        "manufacturing_process": [ref.url for ref in equipment.process_refs],
        "maillage_process_codes": list(equipment.process_codes),
        "make": equipment.make,
        "model": equipment.model,
        "serial_number": equipment.serial_number if include_private else "",
        "condition": CONDITION_TEXT.get(equipment.condition, equipment.condition),
        "notes": equipment.notes,
        "quantity": equipment.quantity,
        "power_rating": power_w,
        "materials_worked": [_material_to_okw(m) for m in equipment.materials],
        "x_travel": number_out(equipment.x_travel_mm),
        "y_travel": number_out(equipment.y_travel_mm),
        "z_travel": number_out(equipment.z_travel_mm),
        "computer_controlled": equipment.computer_controlled,
        "tolerance_class": (
            f"ISO 2768-{equipment.tolerance_class}" if equipment.tolerance_class else ""
        ),
        "maillage_year": equipment.year,
        "maillage_max_part_mass_kg": number_out(equipment.max_part_mass_kg),
        "maillage_status": equipment.status,
    }
    return _compact(out, keep=("computer_controlled",))


def _location_to_okw(location: Location) -> dict[str, Any]:
    gps = None
    if location.latitude is not None and location.longitude is not None:
        gps = f"{location.latitude:.6f}, {location.longitude:.6f}"
    address = {
        "street": location.street,
        "city": location.city,
        "region": location.region,
        "postcode": location.postcode,
        "country": location.country,
    }
    return _compact({"address": _compact(address), "gps_coordinates": gps})


def _agent_to_okw(agent: Agent) -> dict[str, Any]:
    return _compact(
        {
            "id": agent.id,
            "name": agent.name,
            "bio": agent.bio,
            "website": agent.website,
            "contact": _compact({"email": agent.email}),
            "maillage_kind": agent.kind,
            "maillage_fields": list(agent.fields),
            "maillage_naf_code": agent.naf_code,
        }
    )


def _material_to_okw(code: str) -> dict[str, str]:
    article = MATERIAL_ARTICLES.get(code)
    return {"material_type": WIKIPEDIA_URL + article if article else MATERIAL_URN_PREFIX + code}


def _union_refs(equipment: Iterable[Equipment]) -> tuple[ProcessRef, ...]:
    seen: dict[str, ProcessRef] = {}
    for item in equipment:
        for ref in item.process_refs:
            seen.setdefault(ref.url, ref)
    return tuple(seen[url] for url in sorted(seen))


def number_out(value: float | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def _compact(data: dict[str, Any], keep: tuple[str, ...] = ()) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k in keep or v not in (None, "", [], {})}
