"""What an OKW import did: records created and updated, facilities skipped, warnings."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class ImportReport:
    organisations_created: list[str] = field(default_factory=list)
    organisations_updated: list[str] = field(default_factory=list)
    sites_created: list[int] = field(default_factory=list)
    sites_updated: list[int] = field(default_factory=list)
    machines_created: list[int] = field(default_factory=list)
    machines_updated: list[int] = field(default_factory=list)
    unchanged: int = 0
    facilities: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
