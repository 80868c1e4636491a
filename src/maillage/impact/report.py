"""An impact report as plain data, and its open-data files (plain Python, no Django).

A report is a description: a title, a period, headline figures (each with its unit, the text a
reader sees, its coverage and its method), tables, simple bar charts, notes on the methods and
the factors used with their versions. The same description is rendered as HTML (a template),
as PDF (`impact/pdf.py`) and as open data here: JSON (the whole description, numbers as
numbers) and CSV (one line per figure, table cell, bar and factor: a "long" table that every
spreadsheet reads). Texts arrive translated; numbers stay machine-readable in the open data
(a fraction is a fraction: 0.574, not "57,4 %").
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

CSV_HEADER = ("section", "item", "measure", "value", "unit", "note")


@dataclass(frozen=True, slots=True)
class Headline:
    """A headline figure: `value` in `unit` for machines, `text` for readers."""

    key: str
    label: str
    value: float | None
    unit: str
    text: str
    coverage: str = ""
    method: str = ""
    private: bool = False


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label: str
    unit: str = ""
    numeric: bool = False


@dataclass(frozen=True, slots=True)
class Cell:
    value: str | float | None
    text: str


@dataclass(frozen=True, slots=True)
class Table:
    key: str
    title: str
    columns: Sequence[Column]
    rows: Sequence[Sequence[Cell]]
    note: str = ""

    def __post_init__(self) -> None:
        for row in self.rows:
            if len(row) != len(self.columns):
                raise ValueError(f"table {self.key!r}: a row has {len(row)} cells")


@dataclass(frozen=True, slots=True)
class Chart:
    """Vertical bars, one per label (values in `unit`)."""

    key: str
    title: str
    labels: Sequence[str]
    values: Sequence[float]
    unit: str = ""

    def __post_init__(self) -> None:
        if len(self.labels) != len(self.values):
            raise ValueError(f"chart {self.key!r}: labels and values differ in length")


@dataclass(frozen=True, slots=True)
class Factor:
    key: str
    value: float
    unit: str
    version: int
    source: str
    status: str


@dataclass(frozen=True, slots=True)
class Report:
    title: str
    subject: str
    period: str
    start: str  # ISO date, included
    end: str  # ISO date, excluded
    generated: str  # ISO date-time
    headlines: Sequence[Headline]
    tables: Sequence[Table] = ()
    charts: Sequence[Chart] = ()
    notes: Sequence[str] = ()
    factors: Sequence[Factor] = ()
    # The renderers' own headings, translated: figures, coverage, methods, factors, page…
    labels: Mapping[str, str] = field(default_factory=dict)
    decimal_separator: str = "."

    def label(self, key: str, default: str) -> str:
        return self.labels.get(key, default)


def to_json(report: Report) -> dict[str, Any]:
    """The whole description with numbers as numbers (`json.dumps` it)."""
    return {
        "title": report.title,
        "subject": report.subject,
        "period": {"start": report.start, "end": report.end, "label": report.period},
        "generated": report.generated,
        "figures": [
            {
                "key": item.key,
                "label": item.label,
                "value": item.value,
                "unit": item.unit,
                "text": item.text,
                "coverage": item.coverage,
                "method": item.method,
            }
            for item in report.headlines
        ],
        "tables": [
            {
                "key": table.key,
                "title": table.title,
                "columns": [
                    {"key": column.key, "label": column.label, "unit": column.unit}
                    for column in table.columns
                ],
                "rows": [[cell.value for cell in row] for row in table.rows],
                "note": table.note,
            }
            for table in report.tables
        ],
        "charts": [
            {
                "key": chart.key,
                "title": chart.title,
                "unit": chart.unit,
                "labels": list(chart.labels),
                "values": list(chart.values),
            }
            for chart in report.charts
        ],
        "notes": list(report.notes),
        "factors": [
            {
                "key": factor.key,
                "value": factor.value,
                "unit": factor.unit,
                "version": factor.version,
                "source": factor.source,
                "status": factor.status,
            }
            for factor in report.factors
        ],
    }


def _text(text: str) -> str:
    """Text a spreadsheet will not run as a formula (OWASP CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _number(value: str | float | None) -> str:
    """A number as any spreadsheet reads it (a point, no grouping); text made safe."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return _text(str(value))
    if isinstance(value, float) and value != int(value):
        return repr(round(value, 6))
    return str(int(value))


def _row(*cells: str) -> list[str]:
    return [_text(cell) for cell in cells[:3]] + [cells[3]] + [_text(cell) for cell in cells[4:]]


def to_csv(report: Report) -> str:
    """One line per figure, table cell, bar and factor: section, item, measure, value, unit,
    note (the coverage of a figure, the version and source of a factor)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for item in report.headlines:
        writer.writerow(
            _row("figures", item.key, item.label, _number(item.value), item.unit, item.coverage)
        )
    for table in report.tables:
        for row in table.rows:
            name = row[0].text if row else ""
            for column, cell in zip(table.columns[1:], row[1:], strict=True):
                writer.writerow(
                    _row(table.key, name, column.key, _number(cell.value), column.unit, "")
                )
    for chart in report.charts:
        for label, value in zip(chart.labels, chart.values, strict=True):
            writer.writerow(_row(chart.key, label, chart.key, _number(value), chart.unit, ""))
    for factor in report.factors:
        note = f"v{factor.version} ({factor.status}): {factor.source}"
        writer.writerow(
            _row("factors", factor.key, "value", _number(factor.value), factor.unit, note)
        )
    return out.getvalue()
