"""What an import did: counts per kind of record and the rows set aside or doubtful."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Literal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from maillage.equipment.fablabs.rows import RowProblem

State = Literal["created", "updated", "unchanged"]
Source = str | Path | bytes | IO[bytes] | IO[str]


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, state: State) -> None:
        setattr(self, state, getattr(self, state) + 1)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass(frozen=True)
class Problem:
    line: int
    level: str  # "skipped" or "doubtful"
    reason: str


@dataclass
class ImportReport:
    file_name: str
    kind: str = ""
    rows: int = 0
    dry_run: bool = False
    organisations: Counts = field(default_factory=Counts)
    sites: Counts = field(default_factory=Counts)
    machines: Counts = field(default_factory=Counts)
    problems: list[Problem] = field(default_factory=list)

    @property
    def skipped(self) -> int:
        """Rows set aside (a row stands for several machines when its quantity says so)."""
        return len({p.line for p in self.problems if p.level == "skipped"})

    @property
    def doubtful(self) -> int:
        """Rows imported with a doubt worth a look."""
        skipped = {p.line for p in self.problems if p.level == "skipped"}
        return len({p.line for p in self.problems if p.level == "doubtful"} - skipped)


def read_source(source: Source, file_name: str) -> tuple[str, bytes | str]:
    """The file's name and content, from a path, bytes or an open (or uploaded) file."""
    if isinstance(source, str | Path):
        path = Path(source)
        return file_name or path.name, path.read_bytes()
    if isinstance(source, bytes):
        return file_name or "upload.csv", source
    content = source.read()
    return file_name or Path(str(getattr(source, "name", "") or "upload.csv")).name, content


def translate(message: str, params: Mapping[str, str]) -> str:
    return _(message) % dict(params) if params else _(message)


def problem_at(line: int, problem: RowProblem) -> Problem:
    return Problem(
        line=line, level=problem.level, reason=translate(problem.message, problem.params)
    )


def errors_text(exc: ValidationError) -> str:
    """A refusal's messages on one line, field by field."""
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
    return " ".join(exc.messages)
