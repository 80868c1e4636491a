"""Recompute every machine's impact figures: the nightly run (cron), or after a bulk import."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from maillage.equipment.models import Machine
from maillage.impact.actions.machines import recompute_all


class Command(BaseCommand):
    help = (
        "Recompute the impact figures of every machine (or of the ids given) with the factor "
        "table in force. Run it nightly from cron: usage and bookings of the last 12 months move "
        "every day."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("machine_ids", nargs="*", type=int, help="only these machines")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        ids = options["machine_ids"]
        machines = Machine.objects.filter(pk__in=ids).order_by("pk") if ids else None
        count = recompute_all(machines)
        seconds = time.monotonic() - started
        self.stdout.write(f"{count} machine(s) recomputed in {seconds:.1f} s.")
