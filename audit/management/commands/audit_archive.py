"""Archive the months of the audit log older than the retention period, and drop them.

    manage.py audit_archive --before 2019-11 --to audit-archive --dry-run   # what it would do
    manage.py audit_archive --before 2019-11 --to audit-archive             # archive, keep
    manage.py audit_archive --before 2019-11 --to audit-archive --drop      # archive, drop
    manage.py audit_archive --before 2019-11 --to /srv/archive/audit        # a local directory

``--to`` is a prefix in the default storage (the bucket or container every server shares),
or, when it starts with ``/``, a directory on this machine. PostgreSQL only. See
docs/deploy.md, "Audit log retention", and ``audit.archive``.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.core.files.storage import FileSystemStorage, Storage, default_storage
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from audit.archive import ArchiveError, audit_archive, retention_limit, rows_left_in_default

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


class Command(BaseCommand):
    help = (
        "Archive every month of the audit log before --before (JSON Lines, a SHA-256 checksum "
        "and a manifest), check the written copy, and with --drop drop those months. Months "
        "inside AUDIT_RETENTION_MONTHS are refused. If it stops with an error, nothing that "
        "was not archived and checked has been dropped: run it again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--before", required=True, metavar="YYYY-MM", help="Archive the months before this one."
        )
        parser.add_argument(
            "--to",
            required=True,
            metavar="PREFIX_OR_DIRECTORY",
            help="A prefix in the default storage, or a directory on this machine if it starts with /.",
        )
        parser.add_argument(
            "--drop", action="store_true", help="Drop each month once its archive is checked."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be done; change nothing."
        )

    def handle(
        self, *args: Any, before: str, to: str, drop: bool, dry_run: bool, **options: Any
    ) -> None:
        if connection.vendor != "postgresql":
            raise CommandError(
                "audit_archive needs PostgreSQL. On SQLite the audit log is one table that is "
                "never partitioned, and no entry of it can be removed."
            )
        match = _MONTH.match(before)
        if match is None:
            raise CommandError(f"--before must be a month written YYYY-MM, not {before!r}.")
        month = date(int(match[1]), int(match[2]), 1)
        storage: Storage
        if to.startswith("/"):
            # The archive is personal data: readable by its owner only, as a backup is.
            private = FileSystemStorage(
                location=to, file_permissions_mode=0o600, directory_permissions_mode=0o700
            )
            storage, prefix, where = private, "", f"directory {to}"
        else:
            storage, prefix, where = default_storage, to.strip("/"), f"storage prefix {to!r}"
        verb = "Would archive" if dry_run else "Archiving"
        self.stdout.write(
            f"{verb} months before {month:%Y-%m} to the {where} "
            f"(the retention period allows months before {retention_limit():%Y-%m})."
        )
        count = 0
        try:
            for result in audit_archive(
                before=month, storage=storage, prefix=prefix, drop=drop, dry_run=dry_run
            ):
                count += 1
                digest = result.digest
                checksum = f", sha256 {digest.sha256}" if digest.sha256 else ""
                self.stdout.write(
                    f"{result.month:%Y-%m}: {digest.rows} entries (ids {digest.first_id} to "
                    f"{digest.last_id}{checksum}): {result.archive} as {result.names.data}, "
                    f"partition {result.partition} {result.partition_state}."
                )
        except ArchiveError as error:
            raise CommandError(str(error)) from error
        if not count:
            self.stdout.write(f"No month before {month:%Y-%m} has a partition: nothing to do.")
        if waiting := rows_left_in_default(month):
            self.stderr.write(
                f"{waiting} entries before {month:%Y-%m} are in the default partition and were "
                "not archived. The nightly audit_partitions_ahead task moves them into their "
                "months; run the command again after it."
            )
