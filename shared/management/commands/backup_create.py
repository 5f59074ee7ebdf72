"""`manage.py backup_create --to DIR`: a backup of the database and every stored file.

The database is copied first as one snapshot, then the files; ``manifest.json`` proves both
(``shared.backups``; docs/deploy.md, "Backups"). Fails, after writing the backup, when the
database refers to a file the store no longer has.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shared.backups import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database and every stored file into a new directory."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--to", required=True, type=Path, help="A new (or empty) directory for the backup"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        directory: Path = options["to"]
        try:
            created = backup_create(to=directory, log=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        counts = created.manifest["counts"]
        for item in created.missing:
            if not item.still_referenced:
                self.stdout.write(
                    f"Warning: {item.name} was removed after the database was copied; "
                    "the backup's database still refers to it"
                )
        if created.lost:
            raise CommandError(
                f"Backup written to {directory}, but the database refers to "
                f"{len(created.lost)} stored files that are not in the store: "
                + ", ".join(created.lost)
            )
        self.stdout.write(
            f"Backup written to {directory}: the database and {counts['objects']} stored files "
            f"({counts['object_bytes']} bytes)."
        )
