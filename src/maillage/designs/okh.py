"""Open Know-How manifests (okh.toml): read one into plain data, and write one back.

Pure: no Django. Copes with OKH-LOSH v1 (`okhv = "OKH-LOSHv1.0"`), OKH-LOSH 2.x and the older
OKH v1 names (`title`, `description`, a `license` table), and with what real manifests do:
`tsdc` a string or a list, masses as `[[part.mass]]` tables (`value`, `unit`) or plain fields,
outer dimensions as an OpenSCAD expression (`cube(size = [400,350,150])`, `cylinder(h=30, r=28)`,
even with its closing bracket missing) or as `width`/`depth`/`height` fields, and fields
missing or commented out. Anything unreadable is a `ManifestError` naming the line or field.

Dimensions are the part's bounding box in mm (a cylinder of radius r and height h is
2r × 2r × h); masses are in grams. After conversion a mass is at most 1,000 t and a size at most
100 m (anything larger, or infinite, is an error naming the part and field). Text fields hold no
control characters (a long description may hold tabs and line breaks).
"""

from __future__ import annotations

import json
import math
import re
import tomllib
from dataclasses import dataclass, field
from typing import Any

from maillage.designs.messages import CoreError, Message
from maillage.designs.messages import gettext_noop as N_

MAX_PARTS = 500
DEFAULT_OKH_VERSION = "OKH-LOSHv1.0"

MASS_UNITS = {"mg": 0.001, "g": 1.0, "gram": 1.0, "grams": 1.0, "kg": 1000.0, "t": 1_000_000.0}
MASS_UNITS.update({"lb": 453.59237, "lbs": 453.59237, "oz": 28.349523125})
LENGTH_UNITS = {"mm": 1.0, "cm": 10.0, "dm": 100.0, "m": 1000.0, "in": 25.4, "inch": 25.4}

MAX_MASS_G = 1_000_000_000.0  # 1,000 t
MAX_SIZE_MM = 100_000.0  # 100 m
# Characters of Unicode category Cc; long text may keep tabs and line breaks.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_IN_LONG_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

Dimensions = tuple[float, float, float]


class ManifestError(CoreError):
    """The manifest cannot be read; the message names the line and column or the field."""


@dataclass(frozen=True)
class Part:
    name: str
    tsdc: tuple[str, ...] = ()
    material: str = ""
    mass_g: float | None = None
    dimensions_mm: Dimensions | None = None
    source: str = ""
    quantity: int = 1


@dataclass(frozen=True)
class Manifest:
    name: str
    version: str = ""
    function: str = ""
    licence: str = ""
    licensor: str = ""
    repository: str = ""
    documentation_language: str = ""
    image: str = ""
    okh_version: str = ""
    parts: tuple[Part, ...] = field(default_factory=tuple)


# --- reading ---


def parse_manifest(text: str) -> Manifest:
    try:
        data = tomllib.loads(text)
    except RecursionError as error:
        raise ManifestError(
            N_("This file cannot be read: its tables or lists are nested too deep.")
        ) from error
    except tomllib.TOMLDecodeError as error:
        # tomllib's message ends with "(at line L, column C)", or "(at end of document)".
        message = str(error)
        place = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
        if place:
            raise ManifestError(
                N_("This file is not TOML: line %(line)s, column %(column)s (%(error)s)."),
                line=int(place.group(1)),
                column=int(place.group(2)),
                error=message[: place.start()],
            ) from error
        line = text.count("\n") + (0 if text.endswith("\n") else 1)
        raise ManifestError(
            N_("This file is not TOML: at the end, line %(line)s (%(error)s)."),
            line=line,
            error=re.sub(r"\s*\(at end of document\)$", "", message),
        ) from error
    except ValueError as error:  # e.g. an integer of thousands of digits
        raise ManifestError(
            N_("This file cannot be read: one of its numbers has too many digits.")
        ) from error
    try:
        return manifest_from_dict(data)
    except RecursionError as error:
        raise ManifestError(
            N_("This file cannot be read: its tables or lists are nested too deep.")
        ) from error


def manifest_from_dict(data: dict[str, Any]) -> Manifest:
    name = _text(data, "name") or _text(data, "title")
    if not name:
        raise ManifestError(N_("The manifest has no name (field 'name')."))
    raw_parts = data.get("part", data.get("parts", []))
    if isinstance(raw_parts, dict):
        raw_parts = [raw_parts]
    if not isinstance(raw_parts, list):
        raise ManifestError(N_("The field 'part' must be a list of tables ([[part]])."))
    if len(raw_parts) > MAX_PARTS:
        raise ManifestError(N_("The manifest has more than %(count)s parts."), count=MAX_PARTS)
    parts = tuple(_part(raw, index + 1) for index, raw in enumerate(raw_parts))
    manifest = Manifest(
        name=name,
        version=_text(data, "version"),
        function=_text(data, "function") or _text(data, "description"),
        licence=_licence(data),
        licensor=_person(data.get("licensor")),
        repository=_text(data, "repo") or _text(data, "repository") or _text(data, "project-link"),
        documentation_language=_language(data.get("documentation-language")),
        image=_image(data.get("image")),
        okh_version=_text(data, "okhv") or _text(data, "okh-manifest-version"),
        parts=parts,
    )
    _check_controls(manifest)
    return manifest


# The manifest's names of the fields, to name them in errors.
_FIELD_KEYS = (
    ("name", "name"),
    ("version", "version"),
    ("licence", "license"),
    ("licensor", "licensor"),
    ("repository", "repo"),
    ("documentation_language", "documentation-language"),
    ("image", "image"),
    ("okh_version", "okhv"),
)


def _check_controls(manifest: Manifest) -> None:
    """No control character in the text (NUL and others, written as escapes in the TOML)."""
    for attribute, key in _FIELD_KEYS:
        if _CONTROL.search(getattr(manifest, attribute)):
            raise ManifestError(N_("The field '%(key)s' holds a control character."), key=key)
    if _CONTROL_IN_LONG_TEXT.search(manifest.function):
        raise ManifestError(N_("The field '%(key)s' holds a control character."), key="function")
    for number, part in enumerate(manifest.parts, start=1):
        fields = (
            ("name", part.name),
            ("tsdc", " ".join(part.tsdc)),
            ("material", part.material),
            ("source", part.source),
        )
        for key, value in fields:
            if _CONTROL.search(value):
                where = Message(N_("part %(number)s"), {"number": number})
                raise ManifestError(
                    N_("%(where)s: the field '%(key)s' holds a control character."),
                    where=where,
                    key=key,
                )


def _part(raw: Any, number: int) -> Part:
    where = Message(N_("part %(number)s"), {"number": number})
    if not isinstance(raw, dict):
        raise ManifestError(N_("%(where)s: each [[part]] must be a table."), where=where)
    name = _text(raw, "name", where)
    if not name:
        raise ManifestError(N_("%(where)s: the part has no name (field 'name')."), where=where)
    where = Message(N_("part %(number)s (%(name)s)"), {"number": number, "name": name})
    quantity = raw.get("quantity", raw.get("qty", 1))
    if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= 100_000:
        raise ManifestError(
            N_("%(where)s: 'quantity' must be a whole number from 1 to 100000."), where=where
        )
    source = raw.get("source", "")
    if isinstance(source, list):
        source = source[0] if source else ""
    return Part(
        name=name,
        tsdc=_codes(raw.get("tsdc"), where),
        material=_material(raw.get("material"), where),
        mass_g=_mass(raw, where),
        dimensions_mm=_dimensions(raw, where),
        source=str(source).strip(),
        quantity=quantity,
    )


def _text(data: dict[str, Any], key: str, where: Message | None = None) -> str:
    value = data.get(key, "")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        if where is None:
            raise ManifestError(N_("The field '%(key)s' must be text."), key=key)
        raise ManifestError(
            N_("%(where)s: the field '%(key)s' must be text."), where=where, key=key
        )
    return value.strip()


def _licence(data: dict[str, Any]) -> str:
    value = data.get("license", data.get("licence", ""))
    if isinstance(value, dict):  # OKH v1: license = {hardware = "...", documentation = "..."}
        value = value.get("hardware") or value.get("spdx") or value.get("documentation") or ""
    if isinstance(value, list):
        value = " OR ".join(str(v) for v in value)
    if not isinstance(value, str):
        raise ManifestError(N_("The field 'license' must be an SPDX identifier (text)."))
    return value.strip()


def _person(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("name", "")
    if isinstance(value, list):
        return ", ".join(_person(v) for v in value if _person(v))
    return str(value or "").strip()


def _language(value: Any) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value or "").strip()


def _image(value: Any) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, dict):
        value = value.get("location") or value.get("url") or value.get("path") or ""
    return str(value or "").strip()


def _codes(value: Any, where: Message) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        value = re.split(r"[\s,;]+", value)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ManifestError(N_("%(where)s: 'tsdc' must be a code or a list of codes."), where=where)
    codes: list[str] = []
    for code in value:
        code = code.strip().upper()
        if code and code not in codes:
            codes.append(code)
    return tuple(codes)


def _material(value: Any, where: Message) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        value = value.get("name") or value.get("material") or ""
    if not isinstance(value, str):
        raise ManifestError(N_("%(where)s: 'material' must be text."), where=where)
    return value.strip()


def _number(value: Any, where: Message, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ManifestError(N_("%(where)s: '%(key)s' must be a number."), where=where, key=key)
    if value < 0 or value != value or value in (float("inf"), float("-inf")):
        raise ManifestError(
            N_("%(where)s: '%(key)s' must be a positive number."), where=where, key=key
        )
    try:
        return float(value)
    except OverflowError as error:  # an integer of hundreds of digits
        raise ManifestError(
            N_("%(where)s: '%(key)s' is far too large."), where=where, key=key
        ) from error


def _bounded(value: float, limit: float, unit: str, where: Message, key: str) -> float:
    """A converted size or mass, finite and at most `limit` (a bigger one is a typo)."""
    if not math.isfinite(value) or value > limit:
        raise ManifestError(
            N_("%(where)s: '%(key)s' is too large (at most %(limit)s)."),
            where=where,
            key=key,
            limit=unit,
        )
    return value


def _scaled(value: Any, unit: Any, units: dict[str, float], where: Message, key: str) -> float:
    """A number with its unit; text such as "30 g" holds both."""
    if isinstance(value, str):
        match = re.fullmatch(r"\s*([0-9]+(?:[.,][0-9]+)?)\s*([A-Za-z]*)\s*", value)
        if not match:
            raise ManifestError(
                N_("%(where)s: '%(key)s' must be a number with its unit, e.g. 30 g."),
                where=where,
                key=key,
            )
        value = float(match.group(1).replace(",", "."))
        unit = match.group(2) or unit
    number = _number(value, where, key)
    factor = units.get(str(unit or "").strip().lower())
    if factor is None:
        raise ManifestError(
            N_("%(where)s: unknown unit '%(unit)s' for '%(key)s'."), where=where, unit=unit, key=key
        )
    return round(number * factor, 6)


def _mass_g(value: Any, unit: Any, where: Message, key: str) -> float:
    return _bounded(_scaled(value, unit, MASS_UNITS, where, key), MAX_MASS_G, "1000 t", where, key)


def _mass(raw: dict[str, Any], where: Message) -> float | None:
    for key, default_unit in (("mass-g", "g"), ("mass-kg", "kg"), ("weight-g", "g")):
        if key in raw:
            return _mass_g(raw[key], default_unit, where, key)
    value = raw.get("mass", raw.get("weight"))
    if value is None:
        return None
    if isinstance(value, list):  # [[part.mass]]: the first table
        if not value:
            return None
        value = value[0]
    if isinstance(value, dict):
        if "value" not in value:
            raise ManifestError(
                N_("%(where)s: a 'mass' table needs a 'value' and a 'unit'."), where=where
            )
        return _mass_g(value["value"], value.get("unit", "g"), where, "mass")
    return _mass_g(value, raw.get("mass-unit", "g"), where, "mass")


def _dimensions(raw: dict[str, Any], where: Message) -> Dimensions | None:
    value = raw.get("outer-dimensions")
    unit: Any = "mm"
    if value is None and "outer-dimension" in raw:  # "outer-dimension" + "outer-dimension-dim"
        value = {"openSCAD": raw["outer-dimension"], "unit": raw.get("outer-dimension-dim", "mm")}
    if value is None:
        return None
    if isinstance(value, list):
        if not value:
            return None
        value = value[0]
    if isinstance(value, str):
        value = {"openSCAD": value}
    if not isinstance(value, dict):
        raise ManifestError(N_("%(where)s: 'outer-dimensions' must be a table."), where=where)
    unit = value.get("unit", unit)
    if "openSCAD" in value or "openscad" in value:
        sizes = openscad_size(str(value.get("openSCAD", value.get("openscad"))), where)
    else:
        keys = [k for k in ("width", "depth", "height") if k in value]
        if not keys:
            keys = [k for k in ("x", "y", "z") if k in value]
        if len(keys) != 3:
            raise ManifestError(
                N_(
                    "%(where)s: 'outer-dimensions' needs an openSCAD expression or width, "
                    "depth and height."
                ),
                where=where,
            )
        sizes = tuple(_number(value[k], where, f"outer-dimensions.{k}") for k in keys)  # type: ignore[assignment]
    factor = LENGTH_UNITS.get(str(unit).strip().lower())
    if factor is None:
        raise ManifestError(
            N_("%(where)s: unknown unit '%(unit)s' for '%(key)s'."),
            where=where,
            unit=unit,
            key="outer-dimensions",
        )
    x, y, z = (
        _bounded(round(s * factor, 6), MAX_SIZE_MM, "100 m", where, "outer-dimensions")
        for s in sizes
    )
    return (x, y, z)


_NUMBER = r"[0-9]+(?:\.[0-9]+)?"


def openscad_size(expression: str, where: object = "outer-dimensions") -> Dimensions:
    """The bounding box of `cube(...)`, `cylinder(...)` or `sphere(...)`, brackets optional."""
    text = expression.strip()
    kind = re.match(r"\s*(cube|cylinder|sphere)\s*\(", text)
    if not kind:
        raise ManifestError(
            N_(
                "%(where)s: cannot read the OpenSCAD size '%(expression)s' (expected cube, "
                "cylinder or sphere)."
            ),
            where=where,
            expression=expression,
        )
    body = text[kind.end() :]
    if kind.group(1) == "cube":
        numbers = re.findall(_NUMBER, body)
        if len(numbers) == 1:
            numbers *= 3
        if len(numbers) != 3:
            raise ManifestError(
                N_("%(where)s: a cube needs three sizes: '%(expression)s'."),
                where=where,
                expression=expression,
            )
        return (float(numbers[0]), float(numbers[1]), float(numbers[2]))
    named = dict(re.findall(rf"\b(h|r|r1|r2|d|d1|d2)\s*=\s*({_NUMBER})", body))
    values = {k: float(v) for k, v in named.items()}
    diameters = [values[k] for k in ("d", "d1", "d2") if k in values]
    diameters += [2 * values[k] for k in ("r", "r1", "r2") if k in values]
    if kind.group(1) == "sphere":
        if not diameters:
            loose = re.findall(_NUMBER, body)
            diameters = [2 * float(loose[0])] if loose else []
        if not diameters:
            raise ManifestError(
                N_("%(where)s: a sphere needs a radius: '%(expression)s'."),
                where=where,
                expression=expression,
            )
        return (max(diameters), max(diameters), max(diameters))
    if "h" not in values or not diameters:
        raise ManifestError(
            N_("%(where)s: a cylinder needs h and r (or d): '%(expression)s'."),
            where=where,
            expression=expression,
        )
    return (max(diameters), max(diameters), values["h"])


# --- writing ---


def _string(value: str) -> str:
    # A JSON string is a valid TOML basic string (same escapes, \uXXXX for control characters).
    return json.dumps(value, ensure_ascii=False)


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def to_toml(manifest: Manifest) -> str:
    """An OKH-LOSH v1 manifest; parsing it gives back the same `Manifest`.

    The OKH version is written as the manifest holds it (`DEFAULT_OKH_VERSION` for a design
    entered by hand)."""
    lines = []
    for key, value in (
        ("okhv", manifest.okh_version),
        ("name", manifest.name),
        ("version", manifest.version),
        ("repo", manifest.repository),
        ("license", manifest.licence),
        ("licensor", manifest.licensor),
        ("image", manifest.image),
        ("documentation-language", manifest.documentation_language),
        ("function", manifest.function),
    ):
        if value:
            lines.append(f"{key} = {_string(value)}")
    for part in manifest.parts:
        lines += ["", "[[part]]", f"name = {_string(part.name)}"]
        if part.quantity != 1:
            lines.append(f"quantity = {part.quantity}")
        if len(part.tsdc) == 1:
            lines.append(f"tsdc = {_string(part.tsdc[0])}")
        elif part.tsdc:
            lines.append(f"tsdc = [{', '.join(_string(c) for c in part.tsdc)}]")
        if part.material:
            lines.append(f"material = {_string(part.material)}")
        if part.source:
            lines.append(f"source = {_string(part.source)}")
        if part.dimensions_mm is not None:
            size = ",".join(_num(v) for v in part.dimensions_mm)
            lines += [
                "",
                "[[part.outer-dimensions]]",
                f"openSCAD = {_string(f'cube(size = [{size}])')}",
                'unit = "mm"',
            ]
        if part.mass_g is not None:
            lines += ["", "[[part.mass]]", f"value = {_num(part.mass_g)}", 'unit = "g"']
    return "\n".join(lines) + "\n"
