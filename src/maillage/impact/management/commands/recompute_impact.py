"""Recompute every machine's impact figures from the records (run it nightly)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from maillage.impact.actions.machines import recompute_all


class Command(BaseCommand):
    help = "Recompute the stored impact figures of every machine (MCI, use, durability…)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = recompute_all()
        self.stdout.write(f"{count} machines recomputed.")
