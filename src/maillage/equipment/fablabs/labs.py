"""labs.csv rows, and finding the labs.csv lab a machines file's lab is."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from maillage.core.geo import haversine_km
from maillage.core.text import fold
from maillage.equipment.fablabs.places import read_place
from maillage.equipment.fablabs.rows import NAME_MAX, LabRow, ParsedFile, RowProblem, _
from maillage.equipment.fablabs.text import clean_text, field_value, has_lost_characters, text_field


def parse_labs(
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
    source_id = field_value(row["source_id"])
    name = text_field(row, "name", line, problems)
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
        place=read_place(row, line, problems),
        capability_codes=_capabilities(row["capabilities"], classes, line, problems),
        website=field_value(row.get("website", "")),
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
