"""`manage.py backup_restore --from DIR`: put a backup back into an empty database and store.

Every checksum is checked before anything is written; a database or store that is not empty
is refused unless ``--force``; no migration runs (``shared.backups``; docs/deploy.md,
"Backups").
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shared.backups import BackupError, backup_restore


class Command(BaseCommand):
    help = "Restore a backup made by backup_create into an empty database and file store."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--from",
            dest="source",
            required=True,
            type=Path,
            help="The backup's directory, as backup_create wrote it",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help=(
                "Restore into a database or store that is not empty: the site's PostgreSQL "
                "schema is emptied (every table in it goes, not only the backup's) and the "
                "backup restored in the same transaction, SQLite's file is replaced whole, and "
                "stored files of the same names are replaced (others stay)"
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source: Path = options["source"]
        try:
            manifest = backup_restore(source=source, force=options["force"], log=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Restored the backup of {manifest['created_at']}: the database and "
            f"{manifest['counts']['objects']} stored files."
        )
