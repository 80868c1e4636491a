"""Close the pledge campaigns whose deadline passed (nightly cron; running it twice is harmless)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from maillage.cooperation.actions import funding as actions


class Command(BaseCommand):
    help = "Close the pledge campaigns whose deadline has passed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=dt.date.fromisoformat, help="YYYY-MM-DD (tests)")

    def handle(self, *args: Any, **options: Any) -> None:
        counts = actions.close_due_campaigns(today=options.get("today"))
        total = sum(counts.values())
        detail = ", ".join(f"{state}: {n}" for state, n in sorted(counts.items()))
        self.stdout.write(f"{total} campaign(s) closed" + (f" ({detail})" if detail else ""))
