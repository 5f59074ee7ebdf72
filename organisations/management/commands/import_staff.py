"""`manage.py import_staff ORG_SLUG FILE`: the same all-or-nothing import as the HR page.

It runs the import at once, in this process, whatever the size of the file (no task
worker needed); the file is read as a stream, so memory stays flat (docs/staff-import.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.models import Channel
from organisations.models import Organisation
from organisations.staff_import import ImportPlan, apply_import, plan_import


class Command(BaseCommand):
    help = "Import staff records from a CSV file (see docs/staff-import.md). Nothing is written if any row is wrong."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("organisation", help="The organisation's short name (slug)")
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--mark-missing-as-left",
            action="store_true",
            help="Mark staff who are not in the file as having left",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and report, without writing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(slug=options["organisation"]).first()
        if organisation is None:
            raise CommandError(f"No organisation has the short name {options['organisation']!r}")
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path} is not a file")
        with path.open("rb") as handle:
            if options["dry_run"]:
                plan = plan_import(
                    organisation=organisation,
                    upload=handle,
                    mark_missing_as_left=options["mark_missing_as_left"],
                )
            else:
                plan = apply_import(
                    organisation=organisation,
                    upload=handle,
                    by=None,
                    channel=Channel.COMMAND,
                    mark_missing_as_left=options["mark_missing_as_left"],
                    file_name=path.name,
                )
        self._report(plan, dry_run=options["dry_run"])

    def _report(self, plan: ImportPlan, *, dry_run: bool) -> None:
        if not plan.ok:
            for error in plan.errors:
                where = f"line {error.line}" if error.line else "file"
                column = f", {error.column}" if error.column else ""
                self.stderr.write(f"{where}{column}: {error.message}")
            if plan.hidden_errors:
                self.stderr.write(f"and {plan.hidden_errors} more")
            raise CommandError(f"{plan.error_count} problem(s) found; nothing was imported")
        counts = plan.counts()
        verb = "Would import" if dry_run else "Imported"
        self.stdout.write(
            f"{verb}: {counts['add']} added, {counts['update']} updated, "
            f"{counts['unchanged']} unchanged, {counts['mark_left']} marked as left"
        )
        if plan.ignored_columns:
            self.stdout.write("Ignored columns: " + ", ".join(plan.ignored_columns))
