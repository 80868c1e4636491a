"""Open Know-Where (OKW) v1.0 facilities as Maillage holds them: plain dataclasses.

Plain Python, no Django. The dataclasses hold a facility as Maillage sees it (our codes for
materials, conditions and tolerance classes, our units); `build.facility_to_okw` renders the OKW
snake_case JSON and `parse.okw_to_facility` reads it back, checking every value and naming the
JSON path of the first bad one (`equipment[3].x_travel`). Lossy but harmless readings (an unknown
material, a free-text condition) become warnings on the facility instead of errors.

The mapping, the extensions (`id`, equipment `name`, `maillage_*` keys) and the collection
wrapper are described in docs/okw.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, Literal
from urllib.parse import quote

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
