"""manage.py import_fablabs FILE [FILE…] --as USERNAME [--dry-run]

Imports fablabs.io exports (labs.csv, machines.csv, machines_with_envelopes.csv), each file in
its own transaction. Prints the counts and every problem as `file:line: level: reason`; exits
with status 1 when a file was rejected as a whole (the others are still imported).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from maillage.directory import permissions
from maillage.directory.models import User
from maillage.equipment.fablabs.reader import detect_format
from maillage.equipment.fablabs.rows import FablabsFileError
from maillage.equipment.imports.fablabs import import_fablabs_file
from maillage.equipment.imports.report import Counts, ImportReport

# labs.csv first: the machines files attach their machines to the labs it creates.
KIND_ORDER = {"labs": 0, "machines": 1, "envelopes": 2}


class Command(BaseCommand):
    help = "Import fablabs.io exports: labs.csv, machines.csv, machines_with_envelopes.csv."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
        parser.add_argument(
            "--as",
            dest="username",
            required=True,
            metavar="USERNAME",
            help="The network coordinator recorded as the author of the import.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and report, then roll everything back."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = self.actor(options["username"])
        rejected = 0
        for path in sorted(options["files"], key=_kind_rank):
            try:
                report = import_fablabs_file(path, actor, dry_run=options["dry_run"])
            except (ValidationError, OSError) as exc:
                rejected += 1
                messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
                self.stderr.write(f"{path}: rejected: {' '.join(messages)}")
                continue
            self.print_report(path, report)
        if rejected:
            raise CommandError(f"{rejected} file(s) rejected; nothing of them was imported.")

    def actor(self, username: str) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        if not permissions.is_coordinator(user):
            raise CommandError(f"{username} is not a network coordinator.")
        return user

    def print_report(self, path: Path, report: ImportReport) -> None:
        suffix = " (dry run: rolled back)" if report.dry_run else ""
        self.stdout.write(f"{path}: {report.kind} file, {report.rows} rows{suffix}")
        for label, counts in (
            ("organisations", report.organisations),
            ("sites", report.sites),
            ("machines", report.machines),
        ):
            self.stdout.write(f"  {label}: {_counts(counts)}")
        self.stdout.write(f"  rows skipped: {report.skipped}, doubtful: {report.doubtful}")
        for problem in report.problems:
            self.stdout.write(f"{path}:{problem.line}: {problem.level}: {problem.reason}")


def _counts(counts: Counts) -> str:
    return f"{counts.created} created, {counts.updated} updated, {counts.unchanged} unchanged"


def _kind_rank(path: Path) -> int:
    """Sort by the format the header announces; unreadable files go last (and get rejected)."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            header = handle.readline().split(",")
        return KIND_ORDER[detect_format(header)]
    except (OSError, UnicodeDecodeError, FablabsFileError):
        return len(KIND_ORDER)
