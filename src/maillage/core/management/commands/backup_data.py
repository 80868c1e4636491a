"""Write every row of the platform to one JSON file that `restore_data` loads back."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.db import connection, transaction

from maillage.core.management.files import FileCommand

# Rebuilt by `migrate` with their own ids, which differ between databases: the backup names
# them by their natural key instead (--natural-foreign). Sessions are not worth restoring.
EXCLUDED = ["contenttypes", "auth.permission", "sessions"]


class Command(FileCommand):
    help = "Back up the database's data to a JSON file (restore it with restore_data)."

    file_argument = "output"
    file_help = "the file to write, e.g. maillage-2026-03-01.json"

    def handle(self, *args: Any, **options: Any) -> None:
        outermost = not connection.in_atomic_block
        with transaction.atomic():
            if outermost and connection.vendor == "postgresql":
                # One snapshot for every table, while the site keeps writing.
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            call_command(
                "dumpdata",
                natural_foreign=True,
                exclude=EXCLUDED,
                output=options["output"],
                verbosity=0,
            )
        self.stdout.write(f"Data written to {options['output']}.")
