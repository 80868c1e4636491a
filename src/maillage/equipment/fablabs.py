"""Read the fablabs.io exports (labs, machines, machines with envelopes) into plain rows.

Plain Python, no Django: every row becomes a dataclass ready to save, and every doubt or
refusal a RowProblem with its line number. The Django side (importers.py) saves the rows.

Known defects of the real export that this module copes with: names that lost their accents
(`S?o Paulo`), labs without coordinates, machine names that repeat the brand, brand spellings
("makerbot industries", "original prusa"), soft hyphens inside words, lengths in inches.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from maillage.core.geo import GeoError, check_coordinates, haversine_km
from maillage.core.text import fold, slugify_ascii


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


# --- reading and format detection ----------------------------------------------------------


def decode(data: bytes | str) -> str:
    """The file as text; the export is UTF-8 (a BOM is tolerated)."""
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FablabsFileError(
            _("The file is not UTF-8 text (undecodable byte on line %(line)s)."),
            {"line": str(line)},
        ) from None


def detect_format(header: Sequence[str]) -> Kind:
    """Which export the header belongs to; FablabsFileError names the missing columns."""
    columns = {normalise_column(c) for c in header}
    claimed = [k for k, sig in SIGNATURE_COLUMNS.items() if sig & columns]
    candidates: list[Kind] = claimed or list(REQUIRED_COLUMNS)
    for kind in candidates:
        if not missing_columns(kind, columns):
            return kind
    # The format the file resembles most is the one whose missing columns we name.
    best = max(candidates, key=lambda k: len(set(REQUIRED_COLUMNS[k]) & columns))
    missing = missing_columns(best, columns)
    raise FablabsFileError(
        _("Missing columns for a fablabs.io %(file)s file: %(columns)s."),
        {"file": FILE_NAMES[best], "columns": ", ".join(missing)},
        missing,
    )


def normalise_column(name: str) -> str:
    return name.strip().removeprefix("\ufeff").strip().lower()


def missing_columns(kind: Kind, columns: Iterable[str]) -> list[str]:
    have = set(columns)
    return [c for c in REQUIRED_COLUMNS[kind] if c not in have]


def read_records(text: str) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header and (first physical line, fields) of each record; csv errors are fatal."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise FablabsFileError(_("The file is empty.")) from None
    except csv.Error as exc:
        raise FablabsFileError(
            _("Unreadable CSV on line %(line)s: %(error)s."),
            {"line": str(reader.line_num), "error": str(exc)},
        ) from None

    def records() -> Iterator[tuple[int, list[str]]]:
        # A quoted field may span lines: a record starts on the line after the previous one.
        previous_end = reader.line_num
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise FablabsFileError(
                    _("Unreadable CSV on line %(line)s: %(error)s."),
                    {"line": str(reader.line_num), "error": str(exc)},
                ) from None
            yield previous_end + 1, fields
            previous_end = reader.line_num

    return header, records()


def parse_file(data: bytes | str, classes: Mapping[str, str]) -> ParsedFile:
    """Every row of one export file, or FablabsFileError when the file as a whole is unusable.

    `classes` maps fablabs.io class and capability keys to process codes ('' when none fits),
    as `taxonomy.read_fablabs_classes()` reads it.
    """
    header, records = read_records(decode(data))
    kind = detect_format(header)
    columns = [normalise_column(c) for c in header]
    parsed = ParsedFile(kind=kind)
    rows: list[tuple[int, dict[str, str]]] = []
    for line, fields in records:
        parsed.rows += 1
        row = _as_dict(line, columns, fields, parsed.problems)
        if row is not None:
            rows.append((line, row))
    if kind == "labs":
        _parse_labs(rows, classes, parsed)
    elif kind == "machines":
        _parse_machines(rows, classes, parsed)
    else:
        _parse_envelopes(rows, parsed)
    parsed.problems.sort(key=lambda p: p.line)
    return parsed


def _as_dict(
    line: int, columns: list[str], fields: list[str], problems: list[RowProblem]
) -> dict[str, str] | None:
    """The row by column name; a row that does not fit the header is skipped, not guessed."""
    if not any(f.strip() for f in fields):
        problems.append(RowProblem(line, "skipped", _("Empty row.")))
        return None
    extra = fields[len(columns) :]
    if len(fields) < len(columns) or any(f.strip() for f in extra):
        problems.append(
            RowProblem(
                line,
                "skipped",
                _("The row has %(count)s fields where the header has %(expected)s."),
                {"count": str(len(fields)), "expected": str(len(columns))},
            )
        )
        return None
    return dict(zip(columns, fields, strict=False))


# --- text --------------------------------------------------------------------------------

_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))
_SPACES = re.compile(r"\s+")
# Words whose accented letter the export replaced by "?": only unambiguous repairs.
LOST_ACCENT_REPAIRS: dict[str, str] = {
    "S?o": "São",
    "S?O": "SÃO",
    "Jo?o": "João",
    "Ribeir?o": "Ribeirão",
    "Sert?ozinho": "Sertãozinho",
    "Fund?o": "Fundão",
    "Bras?lia": "Brasília",
    "?zmir": "İzmir",
    "Gda?sk": "Gdańsk",
    "Pozna?": "Poznań",
    "Bucure?ti": "București",
    "Ia?i": "Iași",
    "Eski?ehir": "Eskişehir",
    "Pu?awy": "Puławy",
    "Wrze?nia": "Września",
}
_REPAIR = re.compile(
    r"(?<![\w?])(" + "|".join(re.escape(k) for k in LOST_ACCENT_REPAIRS) + r")(?![\w?])"
)
_CEDEX = re.compile(r"\bcedex\b(\s*\d+)?", re.IGNORECASE)
NOT_A_VALUE = frozenset({"", "none", "null", "nan", "n/a", "na", "-", "?"})


def clean_text(text: str) -> str:
    """NFC, no soft hyphens or zero-width characters, single spaces."""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    return _SPACES.sub(" ", text).strip()


def repair_lost_accents(text: str) -> str:
    """Put back the accents of the few words known to have lost them ("S?o Paulo")."""
    return _REPAIR.sub(lambda m: LOST_ACCENT_REPAIRS[m.group(1)], text)


def has_lost_characters(text: str) -> bool:
    return "?" in text


def only_lost_characters(text: str) -> bool:
    """Nothing but question marks and punctuation left: the text is gone (often Cyrillic)."""
    return bool(text) and not any(c.isalnum() for c in text)


def _value(text: str) -> str:
    cleaned = clean_text(text)
    return "" if cleaned.casefold() in NOT_A_VALUE else cleaned


# Whole sentences per column, so that translations need not assemble a phrase.
LOST_ALL: dict[str, str] = {
    "name": _("The name “%(text)s” lost its characters upstream: left empty."),
    "city": _("The city “%(text)s” lost its characters upstream: left empty."),
    "lab_name": _("The lab name “%(text)s” lost its characters upstream: left empty."),
    "facility": _("The facility “%(text)s” lost its characters upstream: left empty."),
}
LOST_SOME: dict[str, str] = {
    "name": _("The name “%(text)s” lost some characters upstream (“?”): kept as found."),
    "city": _("The city “%(text)s” lost some characters upstream (“?”): kept as found."),
    "lab_name": _("The lab name “%(text)s” lost some characters upstream (“?”): kept as found."),
    "facility": _("The facility “%(text)s” lost some characters upstream (“?”): kept as found."),
}


def _text_field(row: Mapping[str, str], column: str, line: int, problems: list[RowProblem]) -> str:
    """A name or city: repaired when we can, reported when characters stay lost."""
    value = repair_lost_accents(_value(row.get(column, "")))
    if only_lost_characters(value):
        problems.append(RowProblem(line, "doubtful", LOST_ALL[column], {"text": value}))
        return ""
    if has_lost_characters(value):
        problems.append(RowProblem(line, "doubtful", LOST_SOME[column], {"text": value}))
    return value


def geocoding_city(city: str) -> str:
    """The commune part of a postal city: "Saint-Pierre cedex 4" → "Saint-Pierre"."""
    return clean_text(_CEDEX.sub(" ", city))


def title_case(text: str) -> str:
    """Capitalise lower-case words only, so that "gw instek" → "Gw Instek" but "MDX" stays."""
    words = []
    for word in text.split(" "):
        if word.islower():
            word = word[:1].upper() + word[1:]
            word = re.sub(r"(?<=\d)d\b", "D", word)  # "3d" → "3D"
        words.append(word)
    return " ".join(words)


# --- brands and names ----------------------------------------------------------------------

# Display name → spellings seen (case-folded, legal suffixes removed by normalise_brand).
BRAND_ALIASES: dict[str, tuple[str, ...]] = {
    "Ultimaker": ("ultimaker", "ultimaker b.v.", "ultimaker bv"),
    "Prusa Research": ("prusa", "prusa research", "original prusa", "prusa3d", "josef prusa"),
    "Trotec": ("trotec", "trotec laser"),
    "Epilog": ("epilog", "epilog laser"),
    "Roland DG": ("roland", "roland dg", "roland dga"),
    "ShopBot": ("shopbot", "shopbot tools", "shop bot"),
    "Formlabs": ("formlabs", "form labs"),
    "MakerBot": ("makerbot", "makerbot industries", "maker bot"),
    "3D Systems": ("3d systems", "3dsystems", "3d system"),
    "Creality": ("creality", "creality 3d", "creality3d"),
    "Stratasys": ("stratasys",),
    "Silhouette": ("silhouette", "silhouette america"),
    "Full Spectrum Laser": ("full spectrum laser", "full spectrum", "fsl"),
    "Universal Laser Systems": ("universal laser systems", "universal laser", "uls"),
    "Graphtec": ("graphtec",),
    "BCN3D": ("bcn3d", "bcn3d technologies", "bcn 3d"),
    "Raise3D": ("raise3d", "raise 3d"),
    "Tevo": ("tevo", "tevo 3d technologies"),
    "Sindoh": ("sindoh", "sindoh 3d wox"),
    "Dremel": ("dremel", "dremel digilab"),
    "Other Machine Co.": ("other machine co", "other machine co.", "othermachine"),
    "Artec 3D": ("artec 3d", "artec"),
    "Shining 3D": ("shining3d", "shining 3d"),
    "XYZprinting": ("xyzprinting", "xyz"),
    "WASP": ("wasp",),
    "BQ": ("bq",),
    "GW Instek": ("gw instek",),
    "LPKF": ("lpkf",),
    "HP": ("hp",),
    "GCC": ("gcc",),
    "DJI": ("dji",),
    "HTC": ("htc",),
    "ABB": ("abb",),
    "KUKA": ("kuka",),
    "ZMorph": ("zmorph",),
    "RepRap": ("reprap",),
    "LulzBot": ("lulzbot",),
    "Anycubic": ("anycubic", "any cubic"),
    "Bambu Lab": ("bambu", "bambu lab"),
    "Tiertime": ("tiertime", "tier time"),
    "Qidi": ("qidi", "qidi tech"),
    "Pocket NC": ("pocket nc", "pocketnc"),
    "Perfect Laser": ("perfect laser",),
    "Shaper": ("shaper", "shaper tools"),
    "Zortrax": ("zortrax",),
    "Markforged": ("markforged",),
    "Inventables": ("inventables",),
    "Brother": ("brother",),
    "Microsoft": ("microsoft",),
}
_ALIAS_TO_BRAND: dict[str, str] = {
    alias: display for display, aliases in BRAND_ALIASES.items() for alias in aliases
}
# Words people type in the brand column when they do not know it.
NOT_A_BRAND = NOT_A_VALUE | {"unknown", "unknow", "generic", "other", "cnc", "diy", "homemade"}
_LEGAL_SUFFIX = re.compile(
    r"[,\s]+(inc|ltd|llc|gmbh|corp|corporation|co|b\.?v|s\.?a|s\.?l|s\.?r\.?l|ag)\.?$"
)


def normalise_brand(raw: str) -> str:
    """The brand's display name: known spellings merged, others title-cased, unknowns empty."""
    key = _brand_key(raw)
    if key in NOT_A_BRAND or key.startswith("homemade"):
        return ""
    return _ALIAS_TO_BRAND.get(key) or title_case(clean_text(_LEGAL_SUFFIX.sub("", raw.strip())))


def _brand_key(raw: str) -> str:
    key = clean_text(raw).casefold()
    return _LEGAL_SUFFIX.sub("", key).strip(" ,.")


def brand_spellings(display: str, raw: str = "") -> list[str]:
    """Every way the brand may open a machine name, longest first."""
    spellings = {a for a, d in _ALIAS_TO_BRAND.items() if d == display}
    spellings |= {display.casefold(), _brand_key(raw)}
    return sorted((s for s in spellings if s), key=len, reverse=True)


def brand_in_name(name: str) -> str:
    """A known brand the name opens with ("ultimaker 2" → "Ultimaker"), or ''."""
    folded = name.casefold()
    for alias in sorted(_ALIAS_TO_BRAND, key=len, reverse=True):
        if _starts_with_word(folded, alias):
            return _ALIAS_TO_BRAND[alias]
    return ""


def _starts_with_word(text: str, prefix: str) -> bool:
    return text.startswith(prefix) and (len(text) == len(prefix) or not text[len(prefix)].isalnum())


def split_name(raw_name: str, raw_brand: str) -> tuple[str, str, str]:
    """(name, make, model) from a fablabs.io name that may repeat the brand.

    "makerbot z18" by "makerbot industries" → ("MakerBot z18", "MakerBot", "z18").
    """
    text = clean_text(raw_name)
    make = normalise_brand(raw_brand) or brand_in_name(text)
    model = text
    for spelling in brand_spellings(make, raw_brand) if make else []:
        if _starts_with_word(model.casefold(), spelling):
            model = model[len(spelling) :].strip(" -–:,/")
            break
    if not make:
        name = model
    elif not model:
        name = make
    elif _contains_word(model.casefold(), brand_spellings(make, raw_brand)):
        name = model  # "3D Printer (Creality CR 20)" already names its brand
    else:
        name = f"{make} {model}"
    return name[:NAME_MAX], make[:MODEL_MAX], model[:MODEL_MAX].strip()


def _contains_word(text: str, words: Iterable[str]) -> bool:
    return any(re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text) for w in words)


# --- numbers and coordinates -----------------------------------------------------------------


def parse_float(text: str) -> float | None:
    """A number, None when empty; ValueError for anything else. "5,6" reads as 5.6."""
    value = clean_text(text)
    if value.casefold() in NOT_A_VALUE:
        return None
    if value.count(",") == 1 and "." not in value:
        value = value.replace(",", ".")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(value)
    return number


_LENGTH = re.compile(r"^(?P<n>\d+(?:[.,]\d+)?)\s*(?P<unit>mm|cm|m|in|inch|inches|\"|'')?$")
_TO_MM = {"": 1.0, "mm": 1.0, "cm": 10.0, "m": 1000.0, "in": 25.4, "inch": 25.4}


def parse_length_mm(text: str) -> tuple[float | None, str]:
    """A travel in millimetres and the unit it was given in; ValueError when unreadable."""
    value = clean_text(text).casefold()
    if value in NOT_A_VALUE:
        return None, ""
    match = _LENGTH.match(value)
    if match is None:
        raise ValueError(value)
    unit = match.group("unit") or ""
    unit = "in" if unit in ("inch", "inches", '"', "''") else unit
    number = float(match.group("n").replace(",", "."))
    return round(number * _TO_MM[unit], 2), unit


def parse_coordinates(
    lat_text: str, lon_text: str, line: int, problems: list[RowProblem]
) -> tuple[float | None, float | None]:
    """Both coordinates or neither; each refusal is reported on the row's line."""
    try:
        lat, lon = parse_float(lat_text), parse_float(lon_text)
    except ValueError:
        problems.append(
            RowProblem(
                line,
                "doubtful",
                _("Coordinates “%(lat)s, %(lon)s” are not numbers: ignored."),
                {"lat": lat_text.strip(), "lon": lon_text.strip()},
            )
        )
        return None, None
    if lat is None and lon is None:
        return None, None
    if lat is None or lon is None:
        problems.append(
            RowProblem(line, "doubtful", _("Only one of latitude and longitude: both ignored."))
        )
        return None, None
    try:
        check_coordinates(lat, lon)
    except GeoError:
        bad_latitude = not -90.0 <= lat <= 90.0
        problems.append(
            RowProblem(
                line,
                "doubtful",
                _("Latitude %(value)s is off the globe (−90 to 90): coordinates ignored.")
                if bad_latitude
                else _("Longitude %(value)s is off the globe (−180 to 180): coordinates ignored."),
                {"value": lat_text.strip() if bad_latitude else lon_text.strip()},
            )
        )
        return None, None
    if lat == 0.0 and lon == 0.0:
        problems.append(
            RowProblem(line, "doubtful", _("Coordinates 0, 0 are a placeholder: ignored."))
        )
        return None, None
    return lat, lon


def _place(row: Mapping[str, str], line: int, problems: list[RowProblem]) -> Place:
    lat, lon = parse_coordinates(row["latitude"], row["longitude"], line, problems)
    country = _value(row.get("country_code", "")).upper()
    if country and not (len(country) == 2 and country.isalpha()):
        problems.append(
            RowProblem(
                line,
                "doubtful",
                _("Country code “%(code)s” is not two letters: ignored."),
                {"code": country},
            )
        )
        country = ""
    return Place(
        country=country,
        city=_text_field(row, "city", line, problems),
        postal_code=_postal_code(row.get("postal_code", ""), line, problems),
        address=_address(row),
        latitude=lat,
        longitude=lon,
    )


def _postal_code(text: str, line: int, problems: list[RowProblem]) -> str:
    value = _value(text)
    if len(value) > POSTAL_CODE_MAX:
        problems.append(
            RowProblem(
                line,
                "doubtful",
                _("Postal code “%(code)s” is longer than %(max)s characters: left out."),
                {"code": value, "max": str(POSTAL_CODE_MAX)},
            )
        )
        return ""
    return value


def _address(row: Mapping[str, str]) -> str:
    parts = [repair_lost_accents(_value(row.get(c, ""))) for c in ("address_1", "address_2")]
    return ", ".join(p for p in parts if p)[:300]


# --- processes -----------------------------------------------------------------------------

# Resin and powder printers among fablabs.io's "three_d_printer" class (README of the data).
PRINTER_REFINEMENTS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bformlabs\b|\bform ?[1-4]\b|\bsla\b|\bdlp\b|resin|photon|peopoly"), "AM.7"),
    (re.compile(r"\bsls\b|sintratec|\bfuse ?1\b"), "AM.5"),
    (re.compile(r"zcorp|z ?printer|\bcjp\b|projet ?[0-9]{3}"), "AM.1"),
    (re.compile(r"\bobjet|polyjet|\bj7[0-9]{2}\b"), "AM.4"),
)
# Machines of fablabs.io's "other" class whose name tells the process; first match wins.
NAME_PROCESSES: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"oscillo|function generator|power supply|picoscope|multimeter|\botii\b"),
        "MEAS.4",
    ),
    (re.compile(r"reflow"), "ELEC.2.2"),
    (re.compile(r"pick and place|pick ?& ?place"), "ELEC.2.1"),
    (re.compile(r"solder"), "ELEC.2.3"),
    (re.compile(r"heat ?press|prensa termica|hotronix|sublimation|holipress"), "TEX.5"),
    (re.compile(r"knit|kniterate|\bkh ?9[0-9]{2}\b"), "TEX.3"),
    (re.compile(r"embroider|bordad|\bpe ?-?[0-9]{3}\b|\bpr ?-?6[0-9]{2}\b"), "TEX.4"),
    (re.compile(r"sewing|singer|innov ?-?'?is|inovis|\bnv ?[0-9]{2,4}"), "TEX.2"),
    (re.compile(r"vacuum form|formbox|formech|thermoform"), "2.2.2"),
    (re.compile(r"water ?jet|wazer"), "3.3.6.1"),
    (re.compile(r"scanner|\bscan\b|ciclop|nextengine|carmine"), "MEAS.2"),
    (re.compile(r"plasma"), "3.4.1.3"),
    (re.compile(r"engrav.*laser|laser.*engrav"), "3.4.1.2"),
    (re.compile(r"laser cut|lasercut|\blaser\b|epilog|trotec"), "3.4.1.1"),
    (re.compile(r"vinyl|plotter"), "3.1.2.1"),
    (re.compile(r"\bcmm\b"), "MEAS.1.1"),
    (re.compile(r"microscope"), "MEAS.1"),
    (re.compile(r"3d print|printer 3d|fdm|fortus|stratasys"), "AM.3"),
    (re.compile(r"hot ?wire|styrocut|foam ?cut"), "3.4.1"),
    (re.compile(r"band ?saw|table saw|serra|circular saw|mitre saw|miter saw"), "WOOD.1"),
    (re.compile(r"\blathe\b|\bpd ?400\b|\btorno\b"), "3.2.1"),
    (re.compile(r"\bcnc router\b|\brouter\b"), "WOOD.3.1"),
    (re.compile(r"\bmill(ing)?\b|\bmiller\b|fresadora"), "3.2.3"),
    (re.compile(r"bending|press brake|plegadora"), "2.4"),
    (re.compile(r"blast cabinet|sandblast"), "3.6.1"),
    (re.compile(r"furnace|\bkiln\b"), "6.4"),
    (re.compile(r"texart|surecolor|large format print"), "5.1.6"),
)
# Machine classes that are computer-controlled machine tools (the scanner is a sensor).
COMPUTER_CONTROLLED_CLASSES = frozenset(
    {
        "three_d_printer",
        "cnc_milling",
        "laser",
        "precision_milling",
        "vinyl_cutting",
        "circuit_production",
    }
)
ENVELOPE_PROCESSES: dict[tuple[str, str], str] = {
    ("3d_printer", "fdm"): "AM.3",
    ("3d_printer", "ceramic_extrusion"): "AM.3",
    ("3d_printer", "sla"): "AM.7",
    ("3d_printer", "wax"): "AM.4",
    ("3d_printer", ""): "AM.3",
    ("laser", "cutter"): "3.4.1.1",
    ("laser", "engraver"): "3.4.1.2",
    ("laser", ""): "3.4.1.1",
    ("cnc", "router"): "WOOD.3.1",
    ("cnc", "milling"): "3.2.3",
    ("cnc", "lathe"): "3.2.1",
    ("cnc", "plasma"): "3.4.1.3",
    ("cnc", "metal_sheet_bending"): "2.4.1.1",
    ("vinyl", "cutter"): "3.1.2.1",
    ("vinyl", ""): "3.1.2.1",
}
# Types whose process does not depend on the sub-type.
ENVELOPE_TYPE_PROCESSES: dict[str, str] = {"3d_scanner": "MEAS.2"}
COMPUTER_CONTROLLED_TYPES = frozenset({"3d_printer", "laser", "cnc", "vinyl"})


def guess_process(text: str) -> str:
    """The process a machine's name names ("heat press" → TEX.5), or ''."""
    folded = clean_text(text).casefold()
    return next((code for pattern, code in NAME_PROCESSES if pattern.search(folded)), "")


def refine_printer(code: str, text: str) -> str:
    """Resin, powder and jetting printers get their own additive category."""
    folded = clean_text(text).casefold()
    return next((c for pattern, c in PRINTER_REFINEMENTS if pattern.search(folded)), code)


def all_process_codes() -> set[str]:
    """Every code this module may hand out, for the test that they all exist."""
    codes = {code for _pattern, code in (*NAME_PROCESSES, *PRINTER_REFINEMENTS)}
    return codes | set(ENVELOPE_PROCESSES.values()) | set(ENVELOPE_TYPE_PROCESSES.values())


# --- labs.csv ------------------------------------------------------------------------------


def lab_slug_for_source_id(source_id: str) -> str:
    """labs.csv labs: `fablabs-<source_id>`, the stable identity a re-import finds again."""
    return f"fablabs-{slugify_ascii(source_id, max_length=60)}"


def lab_slug_for_key(key: str) -> str:
    """Labs known only from a machines file: `fablabs-<lab_slug>` (never all digits)."""
    slug = slugify_ascii(key, max_length=60)
    return f"fablabs-lab-{slug}" if slug.isdigit() else f"fablabs-{slug}"


def _parse_labs(
    rows: list[tuple[int, dict[str, str]]], classes: Mapping[str, str], parsed: ParsedFile
) -> None:
    first_line: dict[str, int] = {}
    namesakes: dict[tuple[str, str, str], int] = {}
    for line, row in rows:
        lab = _lab(line, row, classes, parsed.problems)
        if lab is None:
            continue
        # Two source ids for one lab happen upstream: both are kept, the second is flagged.
        key = (fold(lab.name), lab.place.country, fold(lab.place.city))
        if key in namesakes:
            parsed.problems.append(
                RowProblem(
                    line,
                    "doubtful",
                    _("Same name and city as the lab on line %(first)s: possibly a duplicate."),
                    {"first": str(namesakes[key])},
                )
            )
        namesakes.setdefault(key, line)
        if lab.source_id in first_line:
            parsed.problems.append(
                RowProblem(
                    line,
                    "skipped",
                    _("source_id %(id)s already appears on line %(first)s."),
                    {"id": lab.source_id, "first": str(first_line[lab.source_id])},
                )
            )
            continue
        first_line[lab.source_id] = line
        parsed.labs.append(lab)


def _lab(
    line: int, row: Mapping[str, str], classes: Mapping[str, str], problems: list[RowProblem]
) -> LabRow | None:
    source_id = _value(row["source_id"])
    name = _text_field(row, "name", line, problems)
    if not source_id or not name:
        missing = "source_id" if not source_id else "name"
        problems.append(
            RowProblem(
                line,
                "skipped",
                _("No %(column)s: the lab cannot be identified."),
                {"column": missing},
            )
        )
        return None
    return LabRow(
        line=line,
        source_id=source_id,
        name=name[:NAME_MAX],
        place=_place(row, line, problems),
        capability_codes=_capabilities(row["capabilities"], classes, line, problems),
        website=_value(row.get("website", "")),
    )


def _capabilities(
    text: str, classes: Mapping[str, str], line: int, problems: list[RowProblem]
) -> tuple[str, ...]:
    """Process codes of the capabilities the lab declares (self-declared, not verified)."""
    codes: list[str] = []
    for key in filter(None, (clean_text(k).casefold() for k in text.split(";"))):
        code = classes.get(key)
        if code is None:
            problems.append(
                RowProblem(
                    line,
                    "doubtful",
                    _("Unknown fablabs.io capability “%(key)s”: ignored."),
                    {"key": key},
                )
            )
        elif code and code not in codes:
            codes.append(code)
    return tuple(codes)


# --- machines.csv --------------------------------------------------------------------------


def _parse_machines(
    rows: list[tuple[int, dict[str, str]]], classes: Mapping[str, str], parsed: ParsedFile
) -> None:
    occurrences: Counter[str] = Counter()
    for line, row in rows:
        machine = _machine(line, row, classes, parsed.problems, occurrences)
        if machine is not None:
            parsed.machines.append(machine)


def _machine(
    line: int,
    row: Mapping[str, str],
    classes: Mapping[str, str],
    problems: list[RowProblem],
    occurrences: Counter[str],
) -> MachineRow | None:
    lab_key = clean_text(row["lab_slug"])
    raw_name, raw_brand = clean_text(row["name"]), clean_text(row["brand"])
    if not lab_key or not raw_name:
        column = "lab_slug" if not lab_key else "name"
        problems.append(
            RowProblem(
                line,
                "skipped",
                _("No %(column)s: the machine cannot be identified."),
                {"column": column},
            )
        )
        return None
    # Identical rows of one lab are separate machines: number them by occurrence.
    base = f"machines.csv:{lab_key}:{fold(raw_brand)}|{fold(raw_name)}"
    occurrences[base] += 1
    code = _class_process(clean_text(row["class"]).casefold(), raw_name, raw_brand, classes)
    if isinstance(code, RowProblem):
        problems.append(RowProblem(line, code.level, code.message, code.params))
        return None
    name, make, model = split_name(raw_name, raw_brand)
    lab_name = _text_field(row, "lab_name", line, problems) or lab_key
    return MachineRow(
        line=line,
        lab_key=lab_key,
        lab_name=lab_name[:NAME_MAX],
        place=_place(row, line, problems),
        name=name,
        make=make,
        model=model,
        process_code=code,
        computer_controlled=clean_text(row["class"]).casefold() in COMPUTER_CONTROLLED_CLASSES,
        source_refs=(source_ref(base, occurrences[base]),),
    )


def _class_process(
    machine_class: str, raw_name: str, raw_brand: str, classes: Mapping[str, str]
) -> str | RowProblem:
    """The process of a fablabs.io class; for "other", the one the name tells, if any."""
    code = classes.get(machine_class)
    text = f"{raw_brand} {raw_name}"
    if code and machine_class in ("three_d_printer", "three_d_printing"):
        return refine_printer(code, text)
    if code:
        return code
    guessed = guess_process(text)
    if guessed:
        return guessed
    if code is None:
        return RowProblem(
            0,
            "skipped",
            _("Unknown machine class “%(cls)s” and no process in the name."),
            {"cls": machine_class},
        )
    return RowProblem(
        0,
        "skipped",
        _("Class “%(cls)s”: no process can be told from the name “%(name)s”."),
        {"cls": machine_class, "name": raw_name},
    )


def source_ref(base: str, occurrence: int) -> str:
    """A stable reference no longer than the column; long ones keep a digest of the rest."""
    ref = f"{base}:{occurrence}"
    if len(ref) <= SOURCE_REF_MAX:
        return ref
    digest = hashlib.sha1(ref.encode(), usedforsecurity=False).hexdigest()[:16]
    return f"{ref[: SOURCE_REF_MAX - 17]}~{digest}"


# --- machines_with_envelopes.csv -------------------------------------------------------------


def facility_key(facility: str) -> str:
    return slugify_ascii(facility, max_length=60)


def _parse_envelopes(rows: list[tuple[int, dict[str, str]]], parsed: ParsedFile) -> None:
    occurrences: Counter[str] = Counter()
    for line, row in rows:
        machine = _envelope_machine(line, row, parsed.problems, occurrences)
        if machine is not None:
            parsed.machines.append(machine)


def _envelope_machine(
    line: int, row: Mapping[str, str], problems: list[RowProblem], occurrences: Counter[str]
) -> MachineRow | None:
    facility = _text_field(row, "facility", line, problems)
    raw_name, raw_brand = clean_text(row["model"]), clean_text(row["brand"])
    if not facility or not raw_name:
        column = "facility" if not facility else "model"
        problems.append(
            RowProblem(
                line,
                "skipped",
                _("No %(column)s: the machine cannot be identified."),
                {"column": column},
            )
        )
        return None
    kind, sub = _value(row["type"]).casefold(), _value(row["sub_type"]).casefold()
    # The type decides when it is specific enough; the model's words refine "cnc"/"cutter".
    code = (
        ENVELOPE_PROCESSES.get((kind, sub))
        or ENVELOPE_TYPE_PROCESSES.get(kind)
        or guess_process(f"{raw_name} {sub}")
        or ENVELOPE_PROCESSES.get((kind, ""), "")
    )
    if not code:
        problems.append(
            RowProblem(
                line,
                "skipped",
                _("Type “%(type)s/%(sub)s”: no process can be told from the model “%(name)s”."),
                {"type": kind, "sub": sub, "name": raw_name},
            )
        )
        return None
    quantity = _quantity(row["quantity"], line, problems)
    if quantity is None:
        return None
    key = facility_key(facility)
    base = f"machines_with_envelopes.csv:{key}:{fold(raw_brand)}|{fold(raw_name)}"
    refs = []
    for _n in range(quantity):
        occurrences[base] += 1
        refs.append(source_ref(base, occurrences[base]))
    name, make, model = split_name(raw_name, raw_brand)
    return MachineRow(
        line=line,
        lab_key=key,
        lab_name=facility[:NAME_MAX],
        place=_place(row, line, problems),
        name=name,
        make=make,
        model=model,
        process_code=code,
        computer_controlled=kind in COMPUTER_CONTROLLED_TYPES,
        source_refs=tuple(refs),
        envelope=_envelope(row, line, problems),
        operational=_working(row["working"], line, problems),
    )


def _quantity(text: str, line: int, problems: list[RowProblem]) -> int | None:
    """How many identical machines the row stands for; each becomes its own machine."""
    value = _value(text)
    if not value:
        problems.append(RowProblem(line, "doubtful", _("No quantity: one machine assumed.")))
        return 1
    if not value.isdigit() or not 1 <= int(value) <= MAX_QUANTITY:
        problems.append(
            RowProblem(
                line,
                "skipped",
                _("Quantity “%(value)s” is not a whole number from 1 to %(max)s."),
                {"value": value, "max": str(MAX_QUANTITY)},
            )
        )
        return None
    return int(value)


def _envelope(
    row: Mapping[str, str], line: int, problems: list[RowProblem]
) -> tuple[float | None, float | None, float | None]:
    """X/Y/Z travel in mm; inches converted; a unit-less figure among inches is mm (reported)."""
    values: list[float | None] = []
    units: set[str] = set()
    for axis in ("x", "y", "z"):
        text = row[f"{axis}_travel_mm"]
        try:
            mm, unit = parse_length_mm(text)
        except ValueError:
            problems.append(
                RowProblem(
                    line,
                    "doubtful",
                    _("%(axis)s travel “%(value)s” is not a length: left empty."),
                    {"axis": axis.upper(), "value": text.strip()},
                )
            )
            mm, unit = None, ""
        if mm is not None and mm <= 0:
            problems.append(
                RowProblem(
                    line,
                    "doubtful",
                    _("%(axis)s travel “%(value)s” is not positive: left empty."),
                    {"axis": axis.upper(), "value": text.strip()},
                )
            )
            mm = None
        if mm is not None:
            units.add(unit or "mm")
        values.append(mm)
    if len(units) > 1:
        problems.append(
            RowProblem(
                line,
                "doubtful",
                _("Travels mix units (%(units)s); figures without a unit were read as mm."),
                {"units": ", ".join(sorted(units))},
            )
        )
    return values[0], values[1], values[2]


def _working(text: str, line: int, problems: list[RowProblem]) -> bool | None:
    value = _value(text).casefold()
    if value in ("true", "yes", "y", "1", "oui"):
        return True
    if value in ("false", "no", "n", "0", "non"):
        return False
    if value:
        problems.append(
            RowProblem(
                line,
                "doubtful",
                _("“working” is “%(value)s”, neither TRUE nor FALSE: status left as is."),
                {"value": value},
            )
        )
    return None


# --- matching machines' labs to labs.csv labs ----------------------------------------------


@dataclass(frozen=True)
class KnownLab:
    key: int  # the organisation's primary key
    name: str
    country: str
    latitude: float
    longitude: float


class LabIndex:
    """The labs already imported from labs.csv, found by name (with "?" as any letter) or place."""

    def __init__(self, labs: Iterable[KnownLab]) -> None:
        self._labs = list(labs)
        self._by_name: dict[str, list[KnownLab]] = {}
        self._wildcards: list[tuple[re.Pattern[str], KnownLab]] = []
        for lab in self._labs:
            self._by_name.setdefault(fold(lab.name), []).append(lab)
            if has_lost_characters(lab.name):
                self._wildcards.append((_wildcard(lab.name), lab))

    def by_name(self, name: str, country: str = "") -> list[KnownLab]:
        """Labs of that name (and country, when given)."""
        found = list(self._by_name.get(fold(name), []))
        target = unicodedata.normalize("NFC", name).casefold()
        found += [lab for p, lab in self._wildcards if p.fullmatch(target) and lab not in found]
        return [lab for lab in found if not country or lab.country == country]

    def near(self, latitude: float, longitude: float, km: float) -> list[tuple[float, KnownLab]]:
        """Labs within `km`, nearest first."""
        pairs = [
            (haversine_km(latitude, longitude, x.latitude, x.longitude), x) for x in self._labs
        ]
        return sorted((p for p in pairs if p[0] <= km), key=lambda p: p[0])


def _wildcard(name: str) -> re.Pattern[str]:
    parts = unicodedata.normalize("NFC", name).casefold().split("?")
    return re.compile(".".join(re.escape(p) for p in parts))


def nearest(labs: Sequence[KnownLab], latitude: float | None, longitude: float | None) -> KnownLab:
    """Among labs of one name, the one closest to the given place (the first without one)."""
    if latitude is None or longitude is None or len(labs) == 1:
        return labs[0]
    return min(labs, key=lambda x: haversine_km(latitude, longitude, x.latitude, x.longitude))
