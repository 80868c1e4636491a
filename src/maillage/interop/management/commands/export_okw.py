"""Write the public directory (or one site) as Open Know-Where JSON."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from maillage.core.management.files import STANDARD_STREAM, write_text
from maillage.interop.exports import okw as exports


class Command(BaseCommand):
    help = "Export the public directory, or one public site, as Open Know-Where (OKW) JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--site", type=int, help="Export only this site (by id).")
        parser.add_argument(
            "--output", "-o", default="-", help="File to write; '-' (default) for stdout."
        )
        parser.add_argument("--indent", type=int, default=2, help="JSON indentation.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["site"] is not None:
            site = exports.public_sites().filter(pk=options["site"]).first()
            if site is None:
                raise CommandError(f"No public site with id {options['site']}.")
            data = exports.site_okw(site)
        else:
            data = exports.directory_okw()
        text = json.dumps(data, ensure_ascii=False, indent=options["indent"] or None) + "\n"
        write_text(options["output"], text)
        if options["output"] == STANDARD_STREAM:
            return
        count = data.get("facility_count", 1)
        self.stderr.write(f"{count} facilities written to {options['output']}.")
