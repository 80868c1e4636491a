"""Read the capability taxonomy shipped in data/processes.csv (plain Python, no Django)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"
PROCESSES_FILE = DATA_DIR / "processes.csv"
FABLABS_CLASSES_FILE = DATA_DIR / "fablabs_classes.csv"


@dataclass(frozen=True, slots=True)
class ProcessRow:
    code: str
    parent_code: str
    label_fr: str
    label_en: str
    label_de: str
    wikidata: str
    fablabs_key: str
    source: str
    position: int


def read_processes(path: Path = PROCESSES_FILE) -> list[ProcessRow]:
    """The taxonomy rows, parents before children, each checked for a known parent."""
    rows: list[ProcessRow] = []
    seen: set[str] = set()
    with path.open(encoding="utf-8", newline="") as handle:
        for position, raw in enumerate(csv.DictReader(handle)):
            row = ProcessRow(
                code=raw["code"].strip(),
                parent_code=raw["parent_code"].strip(),
                label_fr=raw["label_fr"].strip(),
                label_en=raw["label_en"].strip(),
                label_de=raw["label_de"].strip(),
                wikidata=raw["wikidata"].strip(),
                fablabs_key=raw["fablabs_key"].strip(),
                source=raw["source"].strip(),
                position=position,
            )
            if row.code in seen:
                raise ValueError(f"{path.name} line {position + 2}: code {row.code} repeated")
            if row.parent_code and row.parent_code not in seen:
                raise ValueError(
                    f"{path.name} line {position + 2}: parent {row.parent_code} unknown or later"
                )
            seen.add(row.code)
            rows.append(row)
    return rows


def read_fablabs_classes(path: Path = FABLABS_CLASSES_FILE) -> dict[str, str]:
    """fablabs.io machine class or capability key → process code ('' when none fits)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return {
            r["fablabs_class"].strip(): r["process_code"].strip() for r in csv.DictReader(handle)
        }


def path_for(code: str, parent_path: str | None) -> str:
    """The materialised path of a node: its ancestors' codes and its own, between bars."""
    return f"{parent_path or '|'}{code}|"
