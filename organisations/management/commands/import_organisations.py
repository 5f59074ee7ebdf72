"""`manage.py import_organisations FILE --partnership SLUG [--apply]`: set up a partnership's
organisations and units from a CSV file (docs/organisation-setup.md).

Without ``--apply`` it only checks the file and says what it would do. With it, the file is
checked again and applied in one transaction: all of it, or, if any row is wrong, nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.models import Channel
from organisations.selectors import partnership_by_slug
from organisations.services import organisation_setup_apply
from organisations.setup_import import CHANGE, CREATE, RENAME, SetupPlan, plan_setup
from shared.writes import RuleError


class Command(BaseCommand):
    help = (
        "Set up a partnership's organisations and units from a CSV file (see "
        "docs/organisation-setup.md). Checks only, unless --apply is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--partnership", required=True, help="The partnership's short name (slug)"
        )
        parser.add_argument(
            "--apply",
            action="store_true",
            help="Write what the file sets up; without it, nothing is written",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        partnership = partnership_by_slug(slug=options["partnership"])
        if partnership is None:
            raise CommandError(f"No partnership has the short name {options['partnership']!r}")
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path} is not a file")
        with path.open("rb") as handle:
            plan = plan_setup(partnership=partnership, upload=handle, file_name=path.name)
        if not plan.ok:
            for error in plan.errors:
                where = f"line {error.line}" if error.line else "file"
                column = f", {error.column}" if error.column else ""
                self.stderr.write(f"{where}{column}: {error.message}")
            if plan.hidden_errors:
                self.stderr.write(f"and {plan.hidden_errors} more")
            raise CommandError(f"{plan.error_count} problem(s) found; nothing was set up")
        if not options["apply"]:
            self._report(plan, "Would set up")
            self.stdout.write("Nothing was written. Run again with --apply to set this up.")
            return
        try:
            organisation_setup_apply(plan=plan, by=None, channel=Channel.COMMAND)
        except RuleError as error:
            raise CommandError(error.message) from error
        self._report(plan, "Set up")

    def _report(self, plan: SetupPlan, verb: str) -> None:
        counts = plan.counts()
        self.stdout.write(
            f"{verb}: {counts['organisations_created']} organisations created, "
            f"{counts['organisations_renamed']} renamed, "
            f"{counts['organisations_unchanged']} unchanged; "
            f"{counts['units_created']} units created, {counts['units_changed']} changed, "
            f"{counts['units_unchanged']} unchanged"
        )
        for step in plan.first_organisations(CREATE):
            self.stdout.write(f"  new organisation {step.slug}: {step.name}")
        for step in plan.first_organisations(RENAME):
            self.stdout.write(f"  rename {step.slug}: {step.old_name} -> {step.name}")
        for unit in plan.first_units(CREATE):
            self.stdout.write(f"  new unit {unit.organisation}/{unit.code}: {unit.name}")
        for unit in plan.first_units(CHANGE):
            self.stdout.write(f"  change unit {unit.organisation}/{unit.code}: {unit.name}")
        if plan.ignored_columns:
            self.stdout.write("Ignored columns: " + ", ".join(plan.ignored_columns))
