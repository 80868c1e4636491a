"""Mark as no-shows the confirmed bookings never checked in after the host's grace period."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from maillage.sharing.actions.usage import release_no_shows


class Command(BaseCommand):
    help = "Release no-shows (run it every few minutes from cron; bookings also do it per machine)."

    def handle(self, *args: Any, **options: Any) -> None:
        released = release_no_shows(timezone.now())
        self.stdout.write(f"{released} booking(s) marked as no-show.")
