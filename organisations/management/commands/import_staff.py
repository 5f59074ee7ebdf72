"""`manage.py import_staff ORG_SLUG FILE`: the same all-or-nothing import as the HR page.

It runs the import at once, in this process, whatever the size of the file (no task
worker needed); the file is read as a stream, so memory stays flat (docs/staff-import.md).

Marking the missing as left must be confirmed with the number of people it marks, at a
prompt or with ``--confirm-left=N``, and more than ``STAFF_IMPORT_LEAVERS_LIMIT_PERCENT``
of the people in post needs ``--force`` as well, as HR must tick on the page.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.models import Channel
from organisations.models import Organisation
from organisations.staff_import import ImportPlan, apply_import, plan_import, shares_shown


class Command(BaseCommand):
    help = "Import staff records from a CSV file (see docs/staff-import.md). Nothing is written if any row is wrong."
    # Django's system checks load every URL and API schema: over a second of each run, which
    # an HR system importing every night pays for nothing. They run at deploy time instead
    # (`manage.py check --deploy`, `migrate`), as docs/deploy.md says.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("organisation", help="The organisation's short name (slug)")
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--mark-missing-as-left",
            action="store_true",
            help="Mark staff who are not in the file as having left",
        )
        parser.add_argument(
            "--confirm-left",
            type=int,
            metavar="N",
            help="With --mark-missing-as-left: the number of people the file marks as left, "
            "as a check instead of the prompt; nothing is written if it is not that number",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="With --mark-missing-as-left: go on even though more people would be marked "
            "as left than STAFF_IMPORT_LEAVERS_LIMIT_PERCENT allows",
        )
        parser.add_argument(
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Never ask a question; without --confirm-left, marking anyone as left fails",
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
        mark = options["mark_missing_as_left"]
        confirmed: int | None = options["confirm_left"]
        force: bool = options["force"]
        if (confirmed is not None or force) and not mark:
            raise CommandError("--confirm-left and --force only go with --mark-missing-as-left")
        if options["dry_run"]:
            with path.open("rb") as handle:
                plan = plan_import(
                    organisation=organisation, upload=handle, mark_missing_as_left=mark
                )
            self._report(plan, dry_run=True)
            return
        if mark and confirmed is None:
            confirmed = self._confirm_leavers(
                organisation, path, force=force, interactive=options["interactive"]
            )
        with path.open("rb") as handle:
            plan = apply_import(
                organisation=organisation,
                upload=handle,
                by=None,
                channel=Channel.COMMAND,
                mark_missing_as_left=mark,
                left_confirmed=confirmed,
                left_forced=force,
                file_name=path.name,
            )
        self._report(plan, dry_run=False, forced=force)

    def _confirm_leavers(
        self, organisation: Organisation, path: Path, *, force: bool, interactive: bool
    ) -> int:
        """Check the file, say how many it marks as left and what that ends, and ask.

        Nothing is written here, and nothing is locked while the question waits: the
        import checks the file again and writes nothing if the number has changed.
        """
        with path.open("rb") as handle:
            plan = plan_import(organisation=organisation, upload=handle, mark_missing_as_left=True)
        if not plan.ok:
            self._report(plan, dry_run=True)
        if not plan.marked_left:
            return 0
        self.stdout.write(self._leaving(plan))
        if plan.left_above_limit and not force:
            raise CommandError(
                f"{plan.marked_left} is more than the limit of {plan.left_limit} "
                f"({self._limit()}), so nothing was imported. Check that the file lists "
                "everyone currently employed; if it does, run the command again with --force."
            )
        if not (interactive and sys.stdin.isatty()):
            raise CommandError(
                f"Nothing was imported. To mark them as left, run the command again with "
                f"--confirm-left={plan.marked_left}."
            )
        answer = input(f"Type {plan.marked_left} to mark them as left, or anything else to stop: ")
        if answer.strip() != str(plan.marked_left):
            raise CommandError("Not confirmed, so nothing was imported.")
        return plan.marked_left

    @staticmethod
    def _leaving(plan: ImportPlan) -> str:
        """How many the file marks as left and what their leaving ends: counts, never who."""

        def many(count: int, one: str, more: str) -> str:
            return f"{count} {one if count == 1 else more}"

        return (
            f"This file marks {plan.marked_left} of the {plan.in_post} people in post as left. "
            f"That ends {shares_shown(plan.shares_ending)} passport shares and "
            f"{many(plan.deputyships_ending, 'deputyship', 'deputyships')}."
        )

    @staticmethod
    def _limit() -> str:
        return (
            f"{settings.STAFF_IMPORT_LEAVERS_LIMIT_PERCENT} % of those in post, and at least "
            f"{settings.STAFF_IMPORT_LEAVERS_LIMIT_MIN}; STAFF_IMPORT_LEAVERS_LIMIT_PERCENT "
            "and STAFF_IMPORT_LEAVERS_LIMIT_MIN"
        )

    def _report(self, plan: ImportPlan, *, dry_run: bool, forced: bool = False) -> None:
        if not plan.ok:
            for error in plan.errors:
                where = f"line {error.line}" if error.line else "file"
                column = f", {error.column}" if error.column else ""
                self.stderr.write(f"{where}{column}: {error.message}")
            if plan.hidden_errors:
                self.stderr.write(f"and {plan.hidden_errors} more")
            if plan.left_above_limit and not forced:
                self.stderr.write("If the file is right, run the command again with --force.")
            raise CommandError(f"{plan.error_count} problem(s) found; nothing was imported")
        counts = plan.counts()
        verb = "Would import" if dry_run else "Imported"
        self.stdout.write(
            f"{verb}: {counts['add']} added, {counts['update']} updated, "
            f"{counts['unchanged']} unchanged, {counts['mark_left']} marked as left"
        )
        if dry_run and plan.marked_left:
            self.stdout.write(self._leaving(plan))
            if plan.left_above_limit:
                self.stdout.write(
                    f"That is more than the limit of {plan.left_limit} ({self._limit()}): "
                    "the import would need --force."
                )
        if plan.people is not None:
            self.stdout.write(
                f"Read as an ESR extract: {plan.rows_read} assignment(s) of {plan.people} people"
            )
        if plan.ignored_columns:
            self.stdout.write("Ignored columns: " + ", ".join(plan.ignored_columns))
