"""The European List of Waste entries a decommissioned machine's materials are declared under.

Plain Python: reads `data/list_of_waste.csv` (a subset of Decision 2000/532/EC, see
`data/README.md`) once. Only level-3 entries (six-digit codes such as "17 04 05") are codes a
material may carry; chapters and sections group them.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data" / "list_of_waste.csv"
_CODE = re.compile(r"^(\d{2})\s*(\d{2})\s*(\d{2})(\*?)$")


@dataclass(frozen=True)
class WasteCode:
    code: str  # "17 04 05"
    hazardous: bool
    label_fr: str
    label_en: str

    def label(self, language: str) -> str:
        return self.label_en if language.startswith("en") and self.label_en else self.label_fr


@cache
def waste_codes() -> dict[str, WasteCode]:
    """Every level-3 entry of the shipped list, by its spaced code."""
    with DATA.open(encoding="utf-8", newline="") as handle:
        return {
            row["code"]: WasteCode(
                row["code"], row["hazardous"] == "yes", row["description_fr"], row["description_en"]
            )
            for row in csv.DictReader(handle)
            if row["level"] == "3"
        }


def normalise(text: str) -> str:
    """ "170405", "17 04 05" or "17 04 05*" (the hazardous mark) as "17 04 05"; "" if malformed."""
    match = _CODE.match(text.strip())
    return " ".join(match.groups()[:3]) if match else ""


def find(text: str) -> WasteCode | None:
    return waste_codes().get(normalise(text))
