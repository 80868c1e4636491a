"""Import an Open Know-Where JSON document as a given user."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import CommandError, CommandParser

from maillage.core.management.files import FileCommand, read_json
from maillage.directory.models import User
from maillage.interop.imports import okw as imports


class Command(FileCommand):
    help = (
        "Create or update organisations, sites and machines from an Open Know-Where (OKW) "
        "document: one facility or a collection. All or nothing."
    )

    file_help = "OKW JSON file; '-' reads stdin."

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--as",
            dest="username",
            required=True,
            help="The user the import acts as (its permissions apply; coordinators' "
            "organisations are validated at once, others' wait for moderation).",
        )
        parser.add_argument(
            "--kind",
            default=imports.DEFAULT_KIND,
            help="Kind of the new organisations the document does not type "
            f"(default: {imports.DEFAULT_KIND}).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and report, then save nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = User.objects.filter(username=options["username"], is_active=True).first()
        if actor is None:
            raise CommandError(f"No active user named {options['username']}.")
        data = read_json(options["path"])
        try:
            report = imports.import_okw(
                data, actor, default_kind=options["kind"], dry_run=options["dry_run"]
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                lines = [
                    f"{path}: {message}"
                    for path, messages in exc.message_dict.items()
                    for message in messages
                ]
            else:
                lines = list(exc.messages)
            raise CommandError("Nothing imported.\n" + "\n".join(lines)) from None
        except PermissionDenied as exc:
            raise CommandError(f"Nothing imported. {exc}") from None
        self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        if options["dry_run"]:
            self.stderr.write("Dry run: nothing saved.")
