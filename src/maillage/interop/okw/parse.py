"""OKW → Maillage: every facility of a document, each value checked (OkwError names its path)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from maillage.interop.okw.model import (
    ACCESS_TYPES,
    FACILITY_STATUSES,
    MACHINE_STATUSES,
    MAX_QUANTITY,
    Agent,
    Equipment,
    Facility,
    Location,
    OkwError,
)
from maillage.interop.okw.values import (
    as_float,
    join,
    read_boolean,
    read_choice,
    read_integer,
    read_number,
    read_object,
    read_strings,
    read_text,
)
from maillage.interop.okw.vocabulary import (
    COUNTRY_NAMES,
    POSTCODE_CITY,
    PROCESS_CODE,
    condition_code,
    fold_key,
    material_code,
    parse_process_ref,
    title_of,
    tolerance_code,
)


def okw_to_facilities(data: object) -> list[Facility]:
    """Every facility of a document: a collection, a single facility or a bare list of them."""
    return [facility for _path, facility in read_document(data)]


def read_document(data: object) -> list[tuple[str, Facility]]:
    """Each facility of a document with its JSON path (`facilities[2]`, or "" for a lone one)."""
    if isinstance(data, list):
        return [(f"[{i}]", okw_to_facility(item, f"[{i}]")) for i, item in enumerate(data)]
    document = read_object(data, "")
    version = document.get("okw_version")
    if version is not None and not str(version).strip().startswith("1"):
        raise OkwError("okw_version", f"Unsupported OKW version “{version}”: expected 1.x.")
    if "facilities" not in document:
        return [("", okw_to_facility(document, ""))]
    items = document["facilities"]
    if not isinstance(items, list):
        raise OkwError("facilities", "Expected a list of facilities.")
    paths = [f"facilities[{i}]" for i in range(len(items))]
    return [(p, okw_to_facility(item, p)) for p, item in zip(paths, items, strict=True)]


def okw_to_facility(data: object, path: str = "") -> Facility:
    """Read one OKW facility object; raise OkwError naming the JSON path of a bad value."""
    warnings: list[str] = []
    obj = read_object(data, path)
    name = read_text(obj, "name", path)
    if not name:
        raise OkwError(join(path, "name"), "The facility needs a name.")
    location = _location(obj.get("location"), join(path, "location"))
    status = read_choice(obj, "facility_status", path, FACILITY_STATUSES) or "Active"
    access = read_choice(obj, "access_type", path, ACCESS_TYPES)
    raw_equipment = obj.get("equipment")
    if raw_equipment is None:
        raw_equipment = []
    if not isinstance(raw_equipment, list):
        raise OkwError(join(path, "equipment"), "Expected a list of equipment.")
    equipment = tuple(
        _equipment(item, join(path, f"equipment[{i}]"), i, warnings)
        for i, item in enumerate(raw_equipment)
    )
    processes = tuple(
        parse_process_ref(text, p)
        for text, p in read_strings(obj, "manufacturing_processes", path, allow_single=True)
    )
    typical = _materials(obj, "typical_materials", path, warnings)
    return Facility(
        id=read_text(obj, "id", path),
        name=name,
        location=location,
        owner=_agent(obj.get("owner"), join(path, "owner")),
        contact=_agent(obj.get("contact"), join(path, "contact")),
        affiliations=_agents(obj.get("affiliations"), join(path, "affiliations")),
        facility_status=status,
        access_type=access,
        description=read_text(obj, "description", path),
        equipment=equipment,
        manufacturing_processes=processes,
        typical_materials=typical,
        date_created=read_text(obj, "date_created", path),
        last_updated=read_text(obj, "last_updated", path),
        warnings=tuple(warnings),
    )


def _equipment(data: object, path: str, index: int, warnings: list[str]) -> Equipment:
    obj = read_object(data, path)
    equipment_type = read_text(obj, "equipment_type", path)
    make, model = read_text(obj, "make", path), read_text(obj, "model", path)
    name = read_text(obj, "name", path) or title_of(equipment_type)
    name = name or " ".join(filter(None, [make, model])) or f"Equipment {index + 1}"
    refs = tuple(
        parse_process_ref(text, p)
        for text, p in read_strings(obj, "manufacturing_process", path, allow_single=True)
    )
    codes: list[str] = []
    for text, p in read_strings(obj, "maillage_process_codes", path):
        if not PROCESS_CODE.fullmatch(text.strip()):
            raise OkwError(p, f"Not a process code: “{text}”.")
        codes.append(text.strip())
    notes = read_text(obj, "notes", path)
    condition_text = read_text(obj, "condition", path)
    condition = condition_code(condition_text) if condition_text else "good"
    if condition is None:
        warnings.append(
            f"{join(path, 'condition')}: “{condition_text}” read as “Good”; "
            "the original text is kept in the notes."
        )
        condition = "good"
        notes = "\n".join(filter(None, [notes, f"Condition: {condition_text}"]))
    tolerance = ""
    tolerance_text = read_text(obj, "tolerance_class", path)
    if tolerance_text:
        tolerance = tolerance_code(tolerance_text) or ""
        if not tolerance:
            warnings.append(
                f"{join(path, 'tolerance_class')}: “{tolerance_text}” is not an ISO 2768 "
                "class (f, m, c, v); left out."
            )
    status = read_choice(obj, "maillage_status", path, MACHINE_STATUSES) or "operational"
    quantity = read_integer(obj, "quantity", path, minimum=1, maximum=MAX_QUANTITY)
    power_w = read_number(obj, "power_rating", path, unit="watts", minimum=0.0)
    year = read_integer(obj, "maillage_year", path, minimum=1, maximum=9999)
    return Equipment(
        id=read_text(obj, "id", path),
        name=name,
        equipment_type=equipment_type,
        process_refs=refs,
        process_codes=tuple(codes),
        make=make,
        model=model,
        serial_number=read_text(obj, "serial_number", path),
        condition=condition,
        status=status.lower(),
        notes=notes,
        quantity=quantity or 1,
        power_kw=None if power_w is None else power_w / 1000,
        materials=_materials(obj, "materials_worked", path, warnings),
        x_travel_mm=read_number(obj, "x_travel", path, unit="millimetres", positive=True),
        y_travel_mm=read_number(obj, "y_travel", path, unit="millimetres", positive=True),
        z_travel_mm=read_number(obj, "z_travel", path, unit="millimetres", positive=True),
        computer_controlled=read_boolean(obj, "computer_controlled", path) or False,
        tolerance_class=tolerance,
        year=year,
        max_part_mass_kg=read_number(
            obj, "maillage_max_part_mass_kg", path, unit="kilograms", minimum=0.0
        ),
    )


def _location(data: object, path: str) -> Location:
    if data is None:
        raise OkwError(path, "The facility needs a location: gps_coordinates or an address.")
    obj = read_object(data, path)
    latitude = longitude = None
    if obj.get("gps_coordinates") not in (None, ""):
        latitude, longitude = _coordinates(obj["gps_coordinates"], join(path, "gps_coordinates"))
    address_path = join(path, "address")
    address = _address(obj.get("address"), address_path)
    if latitude is None and not (address.city or address.postcode):
        raise OkwError(path, "Give gps_coordinates or an address with a city or a postcode.")
    return replace(
        address,
        latitude=latitude,
        longitude=longitude,
        country=_country(address.country, join(address_path, "country")),
    )


def _address(data: object, path: str) -> Location:
    """The address of a location, its country as written: one line of text (the postcode and
    city found in it), or its parts."""
    if data is None:
        return Location(country="")
    if isinstance(data, str):
        street = data.strip()
        if match := POSTCODE_CITY.search(street):
            return Location(
                street=street, postcode=match.group(1), city=match.group(2).strip(), country=""
            )
        return Location(street=street, country="")
    address = read_object(data, path)
    number = read_text(address, "number", path)
    return Location(
        street=" ".join(filter(None, [number, read_text(address, "street", path)])),
        city=read_text(address, "city", path),
        postcode=read_text(address, "postcode", path),
        region=read_text(address, "region", path),
        country=read_text(address, "country", path),
    )


def _coordinates(value: object, path: str) -> tuple[float, float]:
    """ "43.2965, 5.3698" (decimal degrees, latitude first), [lat, lon] or {latitude, longitude}."""
    pair: list[object]
    if isinstance(value, str):
        pair = [p for p in re.split(r"[,;\s]+", value.strip()) if p]
    elif isinstance(value, list):
        pair = list(value)
    elif isinstance(value, dict):
        lat = value.get("latitude", value.get("lat"))
        lon = value.get("longitude", value.get("lon", value.get("lng")))
        pair = [lat, lon]
    else:
        pair = []
    numbers: list[float] = []
    for item in pair:
        number = as_float(item)
        if number is None:
            break
        numbers.append(number)
    if len(pair) != 2 or len(numbers) != 2:
        raise OkwError(path, "Give decimal degrees, latitude first: “43.2965, 5.3698”.")
    latitude, longitude = numbers
    if not -90 <= latitude <= 90:
        raise OkwError(path, "Latitude must be between -90 and 90.")
    if not -180 <= longitude <= 180:
        raise OkwError(path, "Longitude must be between -180 and 180.")
    return latitude, longitude


def _country(text: str, path: str) -> str:
    if not text:
        return "FR"
    if len(text) == 2 and text.isalpha():
        return text.upper()
    code = COUNTRY_NAMES.get(fold_key(text))
    if code is None:
        raise OkwError(path, f"Use a two-letter ISO 3166-1 country code, not “{text}”.")
    return code


def _agent(data: object, path: str) -> Agent | None:
    if data is None or data == "":
        return None
    if isinstance(data, str):
        return Agent(name=data.strip())
    obj = read_object(data, path)
    email = ""
    contact = obj.get("contact")
    if isinstance(contact, dict):
        email = read_text(contact, "email", join(path, "contact"))
    elif contact is not None:
        raise OkwError(join(path, "contact"), 'Expected an object such as {"email": …}.')
    email = email or read_text(obj, "email", path)
    fields = tuple(t.strip() for t, _p in read_strings(obj, "maillage_fields", path))
    return Agent(
        id=read_text(obj, "id", path),
        name=read_text(obj, "name", path),
        bio=read_text(obj, "bio", path),
        website=read_text(obj, "website", path),
        email=email,
        kind=read_text(obj, "maillage_kind", path),
        fields=fields,
        naf_code=read_text(obj, "maillage_naf_code", path),
    )


def _agents(data: object, path: str) -> tuple[Agent, ...]:
    if data is None:
        return ()
    if not isinstance(data, list):
        data = [data]
    agents = [_agent(item, f"{path}[{i}]") for i, item in enumerate(data)]
    return tuple(a for a in agents if a is not None)


def _materials(obj: Mapping[str, Any], key: str, path: str, warnings: list[str]) -> tuple[str, ...]:
    raw = obj.get(key)
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raw = [raw]
    codes: list[str] = []
    for i, item in enumerate(raw):
        item_path = join(path, f"{key}[{i}]")
        if isinstance(item, dict):
            text = read_text(item, "material_type", item_path)
        elif isinstance(item, str):
            text = item
        else:
            raise OkwError(item_path, 'Expected a material: {"material_type": <Wikipedia URL>}.')
        code = material_code(text)
        if code is None:
            warnings.append(f"{item_path}: unknown material “{text}”, left out.")
        elif code not in codes:
            codes.append(code)
    return tuple(sorted(codes))
