"""machines.csv and machines_with_envelopes.csv rows: one MachineRow per machine line."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping

from maillage.core.text import fold, slugify_ascii
from maillage.equipment.fablabs.brands import split_name
from maillage.equipment.fablabs.places import parse_length_mm, read_place
from maillage.equipment.fablabs.processes import (
    COMPUTER_CONTROLLED_CLASSES,
    COMPUTER_CONTROLLED_TYPES,
    ENVELOPE_PROCESSES,
    ENVELOPE_TYPE_PROCESSES,
    guess_process,
    refine_printer,
)
from maillage.equipment.fablabs.rows import (
    MAX_QUANTITY,
    NAME_MAX,
    SOURCE_REF_MAX,
    MachineRow,
    ParsedFile,
    RowProblem,
    _,
)
from maillage.equipment.fablabs.text import clean_text, field_value, text_field


def parse_machines(
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
    if not _identified(line, problems, lab_slug=lab_key, name=raw_name):
        return None
    # Identical rows of one lab are separate machines: number them by occurrence.
    base = f"machines.csv:{lab_key}:{fold(raw_brand)}|{fold(raw_name)}"
    occurrences[base] += 1
    code = _class_process(clean_text(row["class"]).casefold(), raw_name, raw_brand, classes)
    if isinstance(code, RowProblem):
        problems.append(RowProblem(line, code.level, code.message, code.params))
        return None
    name, make, model = split_name(raw_name, raw_brand)
    lab_name = text_field(row, "lab_name", line, problems) or lab_key
    return MachineRow(
        line=line,
        lab_key=lab_key,
        lab_name=lab_name[:NAME_MAX],
        place=read_place(row, line, problems),
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


def parse_envelopes(rows: list[tuple[int, dict[str, str]]], parsed: ParsedFile) -> None:
    occurrences: Counter[str] = Counter()
    for line, row in rows:
        machine = _envelope_machine(line, row, parsed.problems, occurrences)
        if machine is not None:
            parsed.machines.append(machine)


def _envelope_machine(
    line: int, row: Mapping[str, str], problems: list[RowProblem], occurrences: Counter[str]
) -> MachineRow | None:
    facility = text_field(row, "facility", line, problems)
    raw_name, raw_brand = clean_text(row["model"]), clean_text(row["brand"])
    if not _identified(line, problems, facility=facility, model=raw_name):
        return None
    kind, sub = field_value(row["type"]).casefold(), field_value(row["sub_type"]).casefold()
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
        place=read_place(row, line, problems),
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
    value = field_value(text)
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
    value = field_value(text).casefold()
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


def _identified(line: int, problems: list[RowProblem], **columns: str) -> bool:
    """Whether every identifying column has a value; the first empty one is reported."""
    missing = next((column for column, value in columns.items() if not value), None)
    if missing is None:
        return True
    problems.append(
        RowProblem(
            line,
            "skipped",
            _("No %(column)s: the machine cannot be identified."),
            {"column": missing},
        )
    )
    return False
