#!/usr/bin/env python3
"""Fail when a Python module under src/maillage, outside migrations and tests, is over 600 lines.

An app that outgrows one file per role turns it into a package by topic (ADR 0009).
Usage, from the repository root: scripts/check_module_size.py [ROOT] (default: src/maillage).
"""

from __future__ import annotations

import sys
from pathlib import Path

MAX_LINES = 600
EXEMPT_DIRS = {"migrations", "tests"}


def oversized(root: Path, max_lines: int = MAX_LINES) -> list[tuple[Path, int]]:
    """Return (path, line count) of every module over `max_lines`, longest first."""
    found = []
    for path in sorted(root.rglob("*.py")):
        if EXEMPT_DIRS.intersection(path.relative_to(root).parts[:-1]):
            continue
        with path.open(encoding="utf-8") as lines:
            count = sum(1 for _ in lines)
        if count > max_lines:
            found.append((path, count))
    return sorted(found, key=lambda item: -item[1])


def main(argv: list[str]) -> int:
    root = Path(argv[1]) if len(argv) > 1 else Path("src/maillage")
    found = oversized(root)
    for path, count in found:
        print(f"{path}: {count} lines (limit {MAX_LINES}): split it into a package by topic")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
