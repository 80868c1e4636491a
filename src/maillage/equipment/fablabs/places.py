"""Numbers, lengths, coordinates and places of fablabs.io rows; each doubt is reported."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from maillage.core.geo import GeoError, check_coordinates
from maillage.equipment.fablabs.rows import POSTAL_CODE_MAX, Place, RowProblem, _
from maillage.equipment.fablabs.text import (
    NOT_A_VALUE,
    clean_text,
    field_value,
    repair_lost_accents,
    text_field,
)


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


def read_place(row: Mapping[str, str], line: int, problems: list[RowProblem]) -> Place:
    lat, lon = parse_coordinates(row["latitude"], row["longitude"], line, problems)
    country = field_value(row.get("country_code", "")).upper()
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
        city=text_field(row, "city", line, problems),
        postal_code=_postal_code(row.get("postal_code", ""), line, problems),
        address=_address(row),
        latitude=lat,
        longitude=lon,
    )


def _postal_code(text: str, line: int, problems: list[RowProblem]) -> str:
    value = field_value(text)
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
    parts = [repair_lost_accents(field_value(row.get(c, ""))) for c in ("address_1", "address_2")]
    return ", ".join(p for p in parts if p)[:300]
