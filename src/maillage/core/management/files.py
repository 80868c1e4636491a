"""What the commands that read or write one file share: the file argument, '-' for stdin/stdout."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

STANDARD_STREAM = "-"


class FileCommand(BaseCommand):
    """A command whose positional argument `file_argument` names the file it reads or writes."""

    file_argument = "path"
    file_help = ""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(self.file_argument, help=self.file_help)


def read_json(name: str) -> Any:
    """The JSON document in the file `name` ('-': stdin); a CommandError when it cannot be read."""
    try:
        if name == STANDARD_STREAM:
            return json.load(sys.stdin)
        return json.loads(Path(name).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CommandError(f"Cannot read {name}: {exc}") from None


def write_text(name: str, text: str) -> None:
    """Write `text` to the file `name` ('-': stdout)."""
    if name == STANDARD_STREAM:
        sys.stdout.write(text)
    else:
        Path(name).write_text(text, encoding="utf-8")
