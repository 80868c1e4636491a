"""The European List of Waste as plain data, and how close two codes or categories are.

A demand is matched to an offer of the same entry, of the same section, of the same chapter,
of the same material category, or through a substitution rule kept as data in
`data/substitutions.csv` ("glass cullet can replace sand").
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "CODE_LIST",
    "SUBSTITUTIONS",
    "Closeness",
    "Substitution",
    "WasteEntry",
    "closeness",
    "read_list_of_waste",
    "read_substitutions",
]

DATA = Path(__file__).resolve().parent / "data"
CODE_LIST = DATA / "list_of_waste.csv"
SUBSTITUTIONS = DATA / "substitutions.csv"


@dataclass(frozen=True, slots=True)
class WasteEntry:
    code: str
    level: int
    parent: str
    hazardous: bool
    entry_type: str
    description_fr: str
    description_en: str


def read_list_of_waste(path: Path = CODE_LIST) -> Iterator[WasteEntry]:
    """Rows of the List of Waste, chapters before their sections before their entries."""
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            yield WasteEntry(
                code=row["code"],
                level=int(row["level"]),
                parent=row["parent"],
                hazardous=row["hazardous"] == "yes",
                entry_type=row["entry_type"],
                description_fr=row["description_fr"],
                description_en=row["description_en"],
            )


@dataclass(frozen=True, slots=True)
class Substitution:
    """What an offer of `offer` (code prefix or category) can stand in for: `demand`."""

    offer: str
    demand: str
    note_fr: str
    note_en: str
    source: str


def read_substitutions(path: Path = SUBSTITUTIONS) -> list[Substitution]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            Substitution(r["offer"], r["demand"], r["note_fr"], r["note_en"], r["source"])
            for r in csv.DictReader(handle)
        ]


@dataclass(frozen=True, slots=True)
class Closeness:
    """How well an offer fits a demand: a score in (0, 1] and the reason's key."""

    score: float
    reason: str  # same_entry, same_section, same_chapter, same_category, substitution


# Scores of each kind of fit, best first; a rule the coordinators can read on the method page.
SCORES = {
    "same_entry": 1.0,
    "same_section": 0.8,
    "substitution": 0.7,
    "same_chapter": 0.5,
    "same_category": 0.4,
}


def _key_matches(key: str, code: str, category: str) -> bool:
    """A rule's key is a material category name or a code prefix ("19 12 05", "10 11")."""
    if key[:1].isdigit():
        return bool(code) and code.startswith(key)
    return key == category


def closeness(
    offer_code: str,
    offer_category: str,
    demand_code: str,
    demand_category: str,
    substitutions: Sequence[Substitution] = (),
) -> Closeness | None:
    """How close an offer is to a demand, or None when it does not fit at all.

    Codes are List of Waste entries ("02 01 04") or empty; categories are material categories.
    """
    if offer_code and demand_code:
        if offer_code == demand_code:
            return Closeness(SCORES["same_entry"], "same_entry")
        if offer_code[:5] == demand_code[:5]:
            return Closeness(SCORES["same_section"], "same_section")
    for rule in substitutions:
        if _key_matches(rule.offer, offer_code, offer_category) and _key_matches(
            rule.demand, demand_code, demand_category
        ):
            return Closeness(SCORES["substitution"], "substitution")
    if offer_code and demand_code and offer_code[:2] == demand_code[:2]:
        return Closeness(SCORES["same_chapter"], "same_chapter")
    if offer_category and offer_category == demand_category:
        return Closeness(SCORES["same_category"], "same_category")
    return None
