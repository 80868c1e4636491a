"""Load a `backup_data` file into a freshly migrated, empty database."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.executor import MigrationExecutor

from maillage.core.management.files import FileCommand


class Command(FileCommand):
    help = (
        "Restore a backup_data file into a new database: run `migrate` on it first; "
        "a database that already has accounts is refused."
    )

    file_argument = "input"
    file_help = "the file written by backup_data"

    def handle(self, *args: Any, **options: Any) -> None:
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError("Run `manage.py migrate` on this database first.")
        if get_user_model().objects.exists():
            raise CommandError(
                "This database already has accounts: restore into a new, empty database."
            )
        with transaction.atomic():
            # The reference tables the migrations filled (communes, processes…) are in the
            # backup as they were, ids included: emptied first, nothing can collide.
            call_command("flush", interactive=False, verbosity=0)
            call_command("loaddata", options["input"], verbosity=0)
        self.stdout.write(f"Data restored from {options['input']}.")
