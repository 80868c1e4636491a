"""What a fablabs.io export reads into: the formats' columns, the rows and their problems.

Plain Python, no Django (the package's other modules build on these types).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from maillage.core.text import slugify_ascii


def _(message: str) -> str:
    """Mark a message for translation (makemessages finds `_`); importers.py translates it."""
    return message


SOURCE = "fablabs.io"
Kind = Literal["labs", "machines", "envelopes"]
Level = Literal["skipped", "doubtful"]

# Columns each format must have; the others of the export are read when present.
REQUIRED_COLUMNS: dict[Kind, tuple[str, ...]] = {
    "labs": (
        "source_id",
        "name",
        "city",
        "postal_code",
        "country_code",
        "latitude",
        "longitude",
        "capabilities",
    ),
    "machines": (
        "name",
        "brand",
        "class",
        "lab_slug",
        "lab_name",
        "country_code",
        "latitude",
        "longitude",
    ),
    "envelopes": (
        "model",
        "brand",
        "type",
        "sub_type",
        "x_travel_mm",
        "y_travel_mm",
        "z_travel_mm",
        "working",
        "quantity",
        "facility",
        "latitude",
        "longitude",
    ),
}
# A column only one format has: it tells which format a file claims to be.
SIGNATURE_COLUMNS: dict[Kind, frozenset[str]] = {
    "labs": frozenset({"source_id", "capabilities"}),
    "machines": frozenset({"lab_slug", "class"}),
    "envelopes": frozenset({"facility", "x_travel_mm"}),
}
FILE_NAMES: dict[Kind, str] = {
    "labs": "labs.csv",
    "machines": "machines.csv",
    "envelopes": "machines_with_envelopes.csv",
}

# French overseas departments: their communes are in the offline table too.
FRENCH_COUNTRIES: dict[str, str] = {
    "FR": "",
    "GP": "971",
    "MQ": "972",
    "GF": "973",
    "RE": "974",
    "YT": "976",
}
UNKNOWN_COUNTRY = "ZZ"  # CLDR's "Unknown Region": a valid two-letter code that is no country

MAX_QUANTITY = 50
POSTAL_CODE_MAX = 10
MODEL_MAX = 100
NAME_MAX = 200
SOURCE_REF_MAX = 200


class FablabsFileError(ValueError):
    """The whole file is unusable: nothing of it may be imported."""

    def __init__(
        self, message: str, params: Mapping[str, str] | None = None, missing: Sequence[str] = ()
    ) -> None:
        self.message = message
        self.params: dict[str, str] = dict(params or {})
        self.missing: tuple[str, ...] = tuple(missing)
        super().__init__(message % self.params if self.params else message)


@dataclass(frozen=True)
class RowProblem:
    """A skipped or doubtful row: `message % params` says why, in English until translated."""

    line: int
    level: Level
    message: str
    params: dict[str, str] = field(default_factory=dict)

    @property
    def reason(self) -> str:
        return self.message % self.params if self.params else self.message


@dataclass(frozen=True)
class Place:
    """Where a lab is, as the file gives it; coordinates may be missing."""

    country: str
    city: str
    postal_code: str = ""
    address: str = ""
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True)
class LabRow:
    line: int
    source_id: str
    name: str
    place: Place
    capability_codes: tuple[str, ...]
    website: str

    @property
    def slug(self) -> str:
        return lab_slug_for_source_id(self.source_id)


@dataclass(frozen=True)
class MachineRow:
    """One machine (or `quantity` identical ones) and the lab it belongs to."""

    line: int
    lab_key: str  # machines.csv lab_slug, or the facility's slug
    lab_name: str
    place: Place
    name: str
    make: str
    model: str
    process_code: str
    computer_controlled: bool
    source_refs: tuple[str, ...]
    envelope: tuple[float | None, float | None, float | None] = (None, None, None)
    operational: bool | None = None  # None: the file does not say


@dataclass
class ParsedFile:
    kind: Kind
    labs: list[LabRow] = field(default_factory=list)
    machines: list[MachineRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    rows: int = 0


def lab_slug_for_source_id(source_id: str) -> str:
    """labs.csv labs: `fablabs-<source_id>`, the stable identity a re-import finds again."""
    return f"fablabs-{slugify_ascii(source_id, max_length=60)}"


def lab_slug_for_key(key: str) -> str:
    """Labs known only from a machines file: `fablabs-<lab_slug>` (never all digits)."""
    slug = slugify_ascii(key, max_length=60)
    return f"fablabs-lab-{slug}" if slug.isdigit() else f"fablabs-{slug}"
