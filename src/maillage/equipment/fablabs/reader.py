"""Read the fablabs.io exports (labs, machines, machines with envelopes) into plain rows.

Plain Python, no Django: every row becomes a dataclass ready to save, and every doubt or
refusal a RowProblem with its line number. The Django side (equipment/imports/) saves the rows.

Known defects of the real export that this module copes with: names that lost their accents
(`S?o Paulo`), labs without coordinates, machine names that repeat the brand, brand spellings
("makerbot industries", "original prusa"), soft hyphens inside words, lengths in inches.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence

from maillage.equipment.fablabs.labs import parse_labs
from maillage.equipment.fablabs.machines import parse_envelopes, parse_machines
from maillage.equipment.fablabs.rows import (
    FILE_NAMES,
    REQUIRED_COLUMNS,
    SIGNATURE_COLUMNS,
    FablabsFileError,
    Kind,
    ParsedFile,
    RowProblem,
    _,
)

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
        parse_labs(rows, classes, parsed)
    elif kind == "machines":
        parse_machines(rows, classes, parsed)
    else:
        parse_envelopes(rows, parsed)
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
