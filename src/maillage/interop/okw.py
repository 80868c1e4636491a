"""Open Know-Where (OKW) v1.0 manufacturing facilities, to and from JSON.

Plain Python, no Django. The dataclasses hold a facility as Maillage sees it (our codes for
materials, conditions and tolerance classes, our units); `facility_to_okw` renders the OKW
snake_case JSON and `okw_to_facility` reads it back, checking every value and naming the JSON
path of the first bad one (`equipment[3].x_travel`). Lossy but harmless readings (an unknown
material, a free-text condition) become warnings on the facility instead of errors.

The mapping, the extensions (`id`, equipment `name`, `maillage_*` keys) and the collection
wrapper are described in docs/okw.md.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal
from urllib.parse import quote, unquote

OKW_VERSION: Final = "1.0"
GENERATOR: Final = "Maillage"
PROCESS_URN_PREFIX: Final = "maillage:process:"
MATERIAL_URN_PREFIX: Final = "maillage:material:"
WIKIDATA_URL: Final = "https://www.wikidata.org/wiki/"
WIKIPEDIA_URL: Final = "https://en.wikipedia.org/wiki/"
MAX_QUANTITY: Final = 100

FACILITY_STATUSES: Final = ("Active", "Planned", "Temporary Closure", "Closed")
ACCESS_TYPES: Final = (
    "Restricted",
    "Restricted with public hours",
    "Shared space",
    "Public",
    "Membership",
)
MACHINE_STATUSES: Final = ("operational", "degraded", "down", "retired")

# How the equipment of each kind of organisation is usually reached (OKW "access_type").
# Maillage has no per-site field yet, so the export derives it from the organisation's kind.
ACCESS_TYPE_BY_KIND: Final[Mapping[str, str]] = {
    "fablab": "Public",
    "reuse_repair": "Public",
    "collective_workshop": "Membership",
    "training_body": "Restricted with public hours",
    "sme": "Restricted",
    "technical_centre": "Restricted",
    "research_lab": "Restricted",
    "cluster": "Restricted",
    "public_body": "Restricted",
    "cooperation_network": "Restricted",
}

# Maillage material → the Wikipedia article of OKW's defined material list (section 8.5).
MATERIAL_ARTICLES: Final[Mapping[str, str]] = {
    "steel": "Steel",
    "stainless": "Stainless_steel",
    "aluminium": "Aluminium",
    "copper_alloys": "Copper",
    "other_metals": "Metal",
    "wood": "Wood",
    "plastics": "Plastic",
    "composites": "Composite_material",
    "textiles": "Textile",
    "leather": "Leather",
    "glass": "Glass",
    "ceramics": "Ceramic",
    "paper": "Paper",
    "food": "Food",
    "electronics": "Electronic_component",
}

# Further articles read on import (OKW's defined list and common neighbours) → Maillage material.
_MATERIAL_ALIASES: Final[Mapping[str, str]] = {
    "iron": "steel",
    "carbon steel": "steel",
    "mild steel": "steel",
    "galvanized steel": "steel",
    "galvanised steel": "steel",
    "aluminum": "aluminium",
    "copper alloy": "copper_alloys",
    "copper alloys": "copper_alloys",
    "brass": "copper_alloys",
    "bronze": "copper_alloys",
    "zinc": "other_metals",
    "titanium": "other_metals",
    "tin": "other_metals",
    "lead": "other_metals",
    "softwood": "wood",
    "hardwood": "wood",
    "medium density fibreboard": "wood",
    "plywood": "wood",
    "particle board": "wood",
    "high density polyethylene": "plastics",
    "polylactic acid": "plastics",
    "acrylonitrile butadiene styrene": "plastics",
    "polyethylene terephthalate": "plastics",
    "cellulose acetate": "plastics",
    "polyvinyl chloride": "plastics",
    "nylon": "plastics",
    "polycarbonate": "plastics",
    "polypropylene": "plastics",
    "acrylic": "plastics",
    "poly methyl methacrylate": "plastics",
    "natural rubber": "plastics",
    "thermoplastic polyurethane": "plastics",
    "silicone": "plastics",
    "resin": "plastics",
    "carbon fiber reinforced polymer": "composites",
    "fibre reinforced plastic": "composites",
    "clay": "ceramics",
    "geopolymer": "ceramics",
    "concrete": "ceramics",
    "rock geology": "ceramics",
    "stone": "ceramics",
    "cardboard": "paper",
    "printed circuit board": "electronics",
    # OKW 1.0 links "PCBs" to this article by mistake; read it as it was meant.
    "polychlorinated biphenyl": "electronics",
}

CONDITION_TEXT: Final[Mapping[str, str]] = {
    "as_new": "As new",
    "good": "Good",
    "worn": "Worn",
    "needs_repair": "Needs repair",
    "out_of_order": "Out of order",
}
_CONDITION_ALIASES: Final[Mapping[str, str]] = {
    "new": "as_new",
    "excellent": "as_new",
    "fair": "worn",
    "used": "worn",
    "poor": "needs_repair",
    "broken": "out_of_order",
}

_TOLERANCE_WORDS: Final[Mapping[str, str]] = {
    "fine": "f",
    "medium": "m",
    "coarse": "c",
    "very coarse": "v",
}
_TOLERANCE = re.compile(r"(?:iso\s*2768(?:\s*-\s*1)?\s*[-:\s]\s*)?([fmcv])[hkl]?", re.IGNORECASE)
_WIKIDATA = re.compile(
    r"(?:https?://(?:www\.|m\.)?wikidata\.org/(?:wiki|entity)/|wd:)?(Q[1-9][0-9]*)",
    re.IGNORECASE,
)
_WIKIPEDIA = re.compile(r"https?://([a-z][a-z-]*)\.(?:m\.)?wikipedia\.org/wiki/([^?#]+)(?:#.*)?")
_PROCESS_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,29}")
_POSTCODE_CITY = re.compile(r"\b(\d{5})\s+([^,\d][^,]*)")
_COUNTRY_NAMES: Final[Mapping[str, str]] = {"france": "FR", "republique francaise": "FR"}


class OkwError(ValueError):
    """A value of an OKW document that cannot be read, with its JSON path."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path or '(document)'}: {message}")
        self.path = path
        self.message = message


ProcessScheme = Literal["maillage", "wikidata", "wikipedia"]


@dataclass(frozen=True, slots=True)
class ProcessRef:
    """A manufacturing process as OKW references it: a Wikidata item, a Wikipedia article or,
    for the nodes of our taxonomy that have neither, `maillage:process:<code>`."""

    scheme: ProcessScheme
    value: str
    lang: str = ""

    @property
    def url(self) -> str:
        if self.scheme == "maillage":
            return PROCESS_URN_PREFIX + self.value
        if self.scheme == "wikidata":
            return WIKIDATA_URL + self.value
        title = quote(self.value.replace(" ", "_"), safe="()_,'-")
        return f"https://{self.lang or 'en'}.wikipedia.org/wiki/{title}"


@dataclass(frozen=True, slots=True)
class Location:
    latitude: float | None = None
    longitude: float | None = None
    street: str = ""
    city: str = ""
    postcode: str = ""
    region: str = ""
    country: str = "FR"


@dataclass(frozen=True, slots=True)
class Agent:
    """An OKW Agent: the organisation owning the facility, its contact or an affiliation."""

    name: str = ""
    id: str = ""
    bio: str = ""
    website: str = ""
    email: str = ""
    kind: str = ""
    fields: tuple[str, ...] = ()
    naf_code: str = ""


@dataclass(frozen=True, slots=True)
class Equipment:
    name: str
    id: str = ""
    equipment_type: str = ""
    process_refs: tuple[ProcessRef, ...] = ()
    process_codes: tuple[str, ...] = ()
    make: str = ""
    model: str = ""
    serial_number: str = ""
    condition: str = "good"
    status: str = "operational"
    notes: str = ""
    quantity: int = 1
    power_kw: float | None = None
    materials: tuple[str, ...] = ()
    x_travel_mm: float | None = None
    y_travel_mm: float | None = None
    z_travel_mm: float | None = None
    computer_controlled: bool = False
    tolerance_class: str = ""
    year: int | None = None
    max_part_mass_kg: float | None = None


@dataclass(frozen=True, slots=True)
class Facility:
    name: str
    location: Location
    id: str = ""
    owner: Agent | None = None
    contact: Agent | None = None
    affiliations: tuple[Agent, ...] = ()
    facility_status: str = "Active"
    access_type: str = ""
    description: str = ""
    equipment: tuple[Equipment, ...] = ()
    manufacturing_processes: tuple[ProcessRef, ...] = ()
    typical_materials: tuple[str, ...] = ()
    date_created: str = ""
    last_updated: str = ""
    warnings: tuple[str, ...] = field(default=(), compare=False)


# --- Maillage → OKW ----------------------------------------------------------------------


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


# --- OKW → Maillage ----------------------------------------------------------------------


def okw_to_facilities(data: object) -> list[Facility]:
    """Every facility of a document: a collection, a single facility or a bare list of them."""
    return [facility for _path, facility in read_document(data)]


def read_document(data: object) -> list[tuple[str, Facility]]:
    """Each facility of a document with its JSON path (`facilities[2]`, or "" for a lone one)."""
    if isinstance(data, list):
        return [(f"[{i}]", okw_to_facility(item, f"[{i}]")) for i, item in enumerate(data)]
    document = _object(data, "")
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
    obj = _object(data, path)
    name = _text(obj, "name", path)
    if not name:
        raise OkwError(join(path, "name"), "The facility needs a name.")
    location = _location(obj.get("location"), join(path, "location"))
    status = _choice(obj, "facility_status", path, FACILITY_STATUSES) or "Active"
    access = _choice(obj, "access_type", path, ACCESS_TYPES)
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
        for text, p in _strings(obj, "manufacturing_processes", path, allow_single=True)
    )
    typical = _materials(obj, "typical_materials", path, warnings)
    return Facility(
        id=_text(obj, "id", path),
        name=name,
        location=location,
        owner=_agent(obj.get("owner"), join(path, "owner")),
        contact=_agent(obj.get("contact"), join(path, "contact")),
        affiliations=_agents(obj.get("affiliations"), join(path, "affiliations")),
        facility_status=status,
        access_type=access,
        description=_text(obj, "description", path),
        equipment=equipment,
        manufacturing_processes=processes,
        typical_materials=typical,
        date_created=_text(obj, "date_created", path),
        last_updated=_text(obj, "last_updated", path),
        warnings=tuple(warnings),
    )


def parse_process_ref(text: str, path: str) -> ProcessRef:
    """A process reference: Wikidata item (URL or Q-id), Wikipedia article URL or our code."""
    value = text.strip()
    if value.lower().startswith(PROCESS_URN_PREFIX):
        code = value[len(PROCESS_URN_PREFIX) :].strip()
        if _PROCESS_CODE.fullmatch(code):
            return ProcessRef("maillage", code)
    elif match := _WIKIDATA.fullmatch(value):
        return ProcessRef("wikidata", match.group(1).upper())
    elif match := _WIKIPEDIA.fullmatch(value):
        title = unquote(match.group(2)).replace("_", " ").strip()
        if title:
            return ProcessRef("wikipedia", title, match.group(1).lower())
    raise OkwError(
        path,
        f"Unknown process reference “{value}”: give a Wikidata item "
        f"({WIKIDATA_URL}Q…), a Wikipedia article URL or {PROCESS_URN_PREFIX}<code>.",
    )


def material_code(text: str) -> str | None:
    """Our material for an OKW material type (Wikipedia URL, article title or our code)."""
    value = text.strip()
    if value.lower().startswith(MATERIAL_URN_PREFIX):
        value = value[len(MATERIAL_URN_PREFIX) :]
    if value in MATERIAL_ARTICLES:
        return value
    match = _WIKIPEDIA.fullmatch(value)
    title = unquote(match.group(2)) if match else value
    key = _fold(title)
    for code, article in MATERIAL_ARTICLES.items():
        if _fold(article) == key:
            return code
    return _MATERIAL_ALIASES.get(key)


def condition_code(text: str) -> str | None:
    key = _fold(text)
    for code, label in CONDITION_TEXT.items():
        if key in (_fold(code), _fold(label)):
            return code
    return _CONDITION_ALIASES.get(key)


def tolerance_code(text: str) -> str | None:
    value = text.strip()
    if _fold(value) in _TOLERANCE_WORDS:
        return _TOLERANCE_WORDS[_fold(value)]
    match = _TOLERANCE.fullmatch(value)
    return match.group(1).lower() if match else None


def guess_kind(facility: Facility) -> str | None:
    """The kind of organisation the document implies, when it names no `maillage_kind`.

    OKW suggests affiliations carry the facility type (affiliated with fablabs.io → a fab lab).
    """
    if facility.owner and facility.owner.kind:
        return facility.owner.kind
    for agent in facility.affiliations:
        text = f"{agent.name} {agent.website}".lower()
        if any(k in text for k in ("fablabs.io", "fablabs.org", "fab foundation", "fab lab")):
            return "fablab"
        if any(k in text for k in ("hackerspaces.org", "makerspace", "hackerspace")):
            return "fablab"
        if any(k in text for k in ("repaircafe", "repair café", "repair cafe")):
            return "reuse_repair"
    return None


def join(path: str, key: str) -> str:
    """`join("facilities[0]", "name")` → `facilities[0].name`; indices attach without a dot."""
    if not path:
        return key
    if not key:
        return path
    return f"{path}{key}" if key.startswith("[") else f"{path}.{key}"


def _equipment(data: object, path: str, index: int, warnings: list[str]) -> Equipment:
    obj = _object(data, path)
    equipment_type = _text(obj, "equipment_type", path)
    make, model = _text(obj, "make", path), _text(obj, "model", path)
    name = _text(obj, "name", path) or _title_of(equipment_type)
    name = name or " ".join(filter(None, [make, model])) or f"Equipment {index + 1}"
    refs = tuple(
        parse_process_ref(text, p)
        for text, p in _strings(obj, "manufacturing_process", path, allow_single=True)
    )
    codes: list[str] = []
    for text, p in _strings(obj, "maillage_process_codes", path):
        if not _PROCESS_CODE.fullmatch(text.strip()):
            raise OkwError(p, f"Not a process code: “{text}”.")
        codes.append(text.strip())
    notes = _text(obj, "notes", path)
    condition_text = _text(obj, "condition", path)
    condition = condition_code(condition_text) if condition_text else "good"
    if condition is None:
        warnings.append(
            f"{join(path, 'condition')}: “{condition_text}” read as “Good”; "
            "the original text is kept in the notes."
        )
        condition = "good"
        notes = "\n".join(filter(None, [notes, f"Condition: {condition_text}"]))
    tolerance = ""
    tolerance_text = _text(obj, "tolerance_class", path)
    if tolerance_text:
        tolerance = tolerance_code(tolerance_text) or ""
        if not tolerance:
            warnings.append(
                f"{join(path, 'tolerance_class')}: “{tolerance_text}” is not an ISO 2768 "
                "class (f, m, c, v); left out."
            )
    status = _choice(obj, "maillage_status", path, MACHINE_STATUSES) or "operational"
    quantity = _integer(obj, "quantity", path, minimum=1, maximum=MAX_QUANTITY)
    power_w = _number(obj, "power_rating", path, unit="watts", minimum=0.0)
    year = _integer(obj, "maillage_year", path, minimum=1, maximum=9999)
    return Equipment(
        id=_text(obj, "id", path),
        name=name,
        equipment_type=equipment_type,
        process_refs=refs,
        process_codes=tuple(codes),
        make=make,
        model=model,
        serial_number=_text(obj, "serial_number", path),
        condition=condition,
        status=status.lower(),
        notes=notes,
        quantity=quantity or 1,
        power_kw=None if power_w is None else power_w / 1000,
        materials=_materials(obj, "materials_worked", path, warnings),
        x_travel_mm=_number(obj, "x_travel", path, unit="millimetres", positive=True),
        y_travel_mm=_number(obj, "y_travel", path, unit="millimetres", positive=True),
        z_travel_mm=_number(obj, "z_travel", path, unit="millimetres", positive=True),
        computer_controlled=_boolean(obj, "computer_controlled", path) or False,
        tolerance_class=tolerance,
        year=year,
        max_part_mass_kg=_number(
            obj, "maillage_max_part_mass_kg", path, unit="kilograms", minimum=0.0
        ),
    )


def _location(data: object, path: str) -> Location:
    if data is None:
        raise OkwError(path, "The facility needs a location: gps_coordinates or an address.")
    obj = _object(data, path)
    latitude = longitude = None
    if obj.get("gps_coordinates") not in (None, ""):
        latitude, longitude = _coordinates(obj["gps_coordinates"], join(path, "gps_coordinates"))
    raw_address = obj.get("address")
    address_path = join(path, "address")
    street = city = postcode = region = country = ""
    if isinstance(raw_address, str):
        street = raw_address.strip()
        if match := _POSTCODE_CITY.search(street):
            postcode, city = match.group(1), match.group(2).strip()
    elif raw_address is not None:
        address = _object(raw_address, address_path)
        number = _text(address, "number", address_path)
        street = " ".join(filter(None, [number, _text(address, "street", address_path)]))
        city = _text(address, "city", address_path)
        postcode = _text(address, "postcode", address_path)
        region = _text(address, "region", address_path)
        country = _text(address, "country", address_path)
    if latitude is None and not (city or postcode):
        raise OkwError(path, "Give gps_coordinates or an address with a city or a postcode.")
    return Location(
        latitude=latitude,
        longitude=longitude,
        street=street,
        city=city,
        postcode=postcode,
        region=region,
        country=_country(country, join(address_path, "country")),
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
        number = _as_float(item)
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
    code = _COUNTRY_NAMES.get(_fold(text))
    if code is None:
        raise OkwError(path, f"Use a two-letter ISO 3166-1 country code, not “{text}”.")
    return code


def _agent(data: object, path: str) -> Agent | None:
    if data is None or data == "":
        return None
    if isinstance(data, str):
        return Agent(name=data.strip())
    obj = _object(data, path)
    email = ""
    contact = obj.get("contact")
    if isinstance(contact, dict):
        email = _text(contact, "email", join(path, "contact"))
    elif contact is not None:
        raise OkwError(join(path, "contact"), 'Expected an object such as {"email": …}.')
    email = email or _text(obj, "email", path)
    fields = tuple(t.strip() for t, _p in _strings(obj, "maillage_fields", path))
    return Agent(
        id=_text(obj, "id", path),
        name=_text(obj, "name", path),
        bio=_text(obj, "bio", path),
        website=_text(obj, "website", path),
        email=email,
        kind=_text(obj, "maillage_kind", path),
        fields=fields,
        naf_code=_text(obj, "maillage_naf_code", path),
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
            text = _text(item, "material_type", item_path)
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


# --- reading helpers -----------------------------------------------------------------------


def _object(data: object, path: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise OkwError(path, "Expected a JSON object.")
    return data


def _text(obj: Mapping[str, Any], key: str, path: str) -> str:
    value = obj.get(key)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise OkwError(join(path, key), "Expected text.")
    return str(value).strip()


def _strings(
    obj: Mapping[str, Any], key: str, path: str, allow_single: bool = False
) -> list[tuple[str, str]]:
    """(value, path) of each string of a list; a lone string counts when `allow_single`."""
    value = obj.get(key)
    if value is None or value == "":
        return []
    if allow_single and isinstance(value, str):
        return [(value, join(path, key))]
    if not isinstance(value, list):
        raise OkwError(join(path, key), "Expected a list of texts.")
    out = []
    for i, item in enumerate(value):
        if not isinstance(item, str):
            raise OkwError(join(path, f"{key}[{i}]"), "Expected text.")
        out.append((item, join(path, f"{key}[{i}]")))
    return out


def _choice(obj: Mapping[str, Any], key: str, path: str, choices: tuple[str, ...]) -> str:
    text = _text(obj, key, path)
    if not text:
        return ""
    for choice in choices:
        if _fold(choice) == _fold(text):
            return choice
    raise OkwError(join(path, key), "Use one of: " + ", ".join(choices) + ".")


def _as_float(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip().replace(",", "."))
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def _number(
    obj: Mapping[str, Any],
    key: str,
    path: str,
    *,
    unit: str,
    positive: bool = False,
    minimum: float | None = None,
) -> float | None:
    value = obj.get(key)
    if value is None or value == "":
        return None
    number = _as_float(value)
    if number is None:
        raise OkwError(join(path, key), f"Expected a number of {unit}.")
    if positive and not number > 0:
        raise OkwError(join(path, key), f"Expected a positive number of {unit}.")
    if minimum is not None and number < minimum:
        raise OkwError(join(path, key), f"Expected at least {minimum:g} {unit}.")
    return number


def _integer(
    obj: Mapping[str, Any], key: str, path: str, *, minimum: int, maximum: int
) -> int | None:
    value = obj.get(key)
    if value is None or value == "":
        return None
    number = _as_float(value)
    if number is None or not number.is_integer():
        raise OkwError(join(path, key), "Expected a whole number.")
    if not minimum <= number <= maximum:
        raise OkwError(join(path, key), f"Expected a whole number from {minimum} to {maximum}.")
    return int(number)


def _boolean(obj: Mapping[str, Any], key: str, path: str) -> bool | None:
    value = obj.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "yes", "1"):
        return True
    if isinstance(value, str) and value.strip().lower() in ("false", "no", "0"):
        return False
    raise OkwError(join(path, key), "Expected true or false.")


def _title_of(url: str) -> str:
    match = _WIKIPEDIA.fullmatch(url.strip())
    return unquote(match.group(2)).replace("_", " ").strip() if match else ""


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain).split())
