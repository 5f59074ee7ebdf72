"""Backups that are proven: the database and every stored file, taken together, restored whole.

``manage.py backup_create --to DIR`` writes a backup directory; ``manage.py backup_restore
--from DIR`` puts it back into an empty database and an empty store. docs/deploy.md
("Backups") is the operator's side of this module.

**Consistent.** The database is copied first, as one snapshot: PostgreSQL's ``pg_dump`` reads
a single transaction snapshot, exported from a transaction of our own that also reads the
table counts, the applied migrations and the stored-file names the rows refer to, so all four
describe the same moment. SQLite's online backup copies one consistent state of the file, and
the same facts are read from the copy. Only then are the stored files copied, through the
storage API, so a file the snapshot refers to was written before it (the product stores a
file under a new random name before the row that names it commits, and never overwrites one).
A file can still go between the snapshot and its copy, when someone removes evidence from a
draft, deletes a draft self-assessment, or a staff file is imported or discarded. The backup
lists every file the snapshot refers to that it could not copy; one the live database still
refers to means the store has lost it, and the command fails.

**Proven.** ``manifest.json`` lists the database file and every object with its size and
SHA-256, the migrations applied and each table's row count. A restore checks every checksum
before it touches anything, refuses a database or store that is not empty (unless forced),
refuses a backup whose migrations are not exactly the code's, runs no migration, and counts
the restored rows and sizes against the manifest. The manifest holds no secret: no address
with a password, no storage key.

A backup holds personal data; it is written readable by its owner only, and should be
encrypted before it leaves the machine (docs/deploy.md says how).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from django.apps import apps
from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.db import connection, models
from django.db.migrations.loader import MigrationLoader

from shared.hooks import Hook
from shared.storage import CHUNK_BYTES

FORMAT = 1
MANIFEST = "manifest.json"
OBJECTS = "objects"
DATABASE_FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}

Log = Callable[[str], None]


class BackupError(Exception):
    """A backup or restore that cannot go on; the message tells the operator why."""


class StoredNameFields(Protocol):
    def __call__(self) -> Iterable[models.Field[Any, Any]]: ...


#: Fields that hold the name of a stored file without being a ``FileField`` (benchmark
#: evidence keeps its random name in a ``CharField``). A feature app registers a function
#: returning them in its ``AppConfig.ready()``, so that a backup checks those files too.
#: Every ``FileField`` is found without registering.
stored_name_fields: Hook[StoredNameFields] = Hook("stored_name_fields")


def _noop(_message: str) -> None:
    return None


# --- Names and files -----------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def _private_file(path: Path) -> int:
    """A new file only its owner can read: a backup is personal data."""
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)


def object_path(directory: Path, name: str) -> Path:
    """Where the stored file ``name`` is kept in a backup; a name that would reach outside
    (an absolute path, ``..``) is refused, since a restore reads names from the manifest."""
    parts = name.split("/")
    if "\\" in name or any(part in {"", ".", ".."} for part in parts):
        raise BackupError(f"Refusing the stored file name {name!r}")
    return directory / OBJECTS / Path(*parts)


def stored_names(storage: Storage) -> Iterator[str]:
    """Every file in ``storage``, by the name the site uses for it (without any prefix).

    Object stores are listed flat, a page of names at a time; django-storages' ``listdir``
    on Azure lists the whole container with the prefix left in, so it is not used.
    """
    from storages.backends.azure_storage import AzureStorage
    from storages.backends.s3 import S3Storage

    if isinstance(storage, S3Storage | AzureStorage):
        location = storage.location.strip("/")
        prefix = f"{location}/" if location else ""
        if isinstance(storage, S3Storage):
            keys: Iterable[str] = (o.key for o in storage.bucket.objects.filter(Prefix=prefix))
        else:
            keys = storage.client.list_blob_names(name_starts_with=prefix or None)
        for key in keys:
            if not key.endswith("/"):
                yield key[len(prefix) :]
        return
    yield from _walk(storage, "")


def _walk(storage: Storage, path: str) -> Iterator[str]:
    try:
        folders, files = storage.listdir(path)
    except FileNotFoundError:  # local storage before the first upload
        return
    for name in files:
        yield f"{path}{name}"
    for folder in folders:
        yield from _walk(storage, f"{path}{folder}/")


def _store_is_empty(storage: Storage) -> bool:
    return next(stored_names(storage), None) is None


# --- The database snapshot -----------------------------------------------------------------


class _Cursor(Protocol):
    def execute(self, sql: str, /) -> Any: ...
    def fetchall(self) -> list[Any]: ...


def _file_columns() -> list[tuple[str, str]]:
    """(table, column) of every field that holds a stored file's name."""
    found: list[models.Field[Any, Any]] = [
        f
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
        for f in model._meta.concrete_fields
        if isinstance(f, models.FileField)
    ]
    for fields in stored_name_fields:
        found.extend(fields())
    return sorted({(f.model._meta.db_table, f.column) for f in found if f.column})


def _tables(cursor: _Cursor, vendor: str) -> list[str]:
    if vendor == "postgresql":
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    else:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    return sorted(row[0] for row in cursor.fetchall())


def _counts(cursor: _Cursor, vendor: str) -> dict[str, int]:
    counts = {}
    for table in _tables(cursor, vendor):
        cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        counts[table] = int(cursor.fetchall()[0][0])
    return counts


@dataclass
class Snapshot:
    """What the database held at one moment, read from the same snapshot as its copy."""

    vendor: str
    file: str
    tool: str
    taken_at: str
    tables: dict[str, int]
    applied: set[tuple[str, str]]
    referenced: set[str] = field(default_factory=set)


def _read_snapshot(cursor: _Cursor, snapshot: Snapshot) -> None:
    snapshot.tables = _counts(cursor, snapshot.vendor)
    if "django_migrations" in snapshot.tables:
        cursor.execute("SELECT app, name FROM django_migrations")
        snapshot.applied = {(app, name) for app, name in cursor.fetchall()}
    for table, column in _file_columns():
        if table not in snapshot.tables:
            continue
        quoted_table, quoted_column = map(connection.ops.quote_name, (table, column))
        cursor.execute(
            f"SELECT {quoted_column} FROM {quoted_table} "  # noqa: S608 - names from models
            f"WHERE {quoted_column} IS NOT NULL AND {quoted_column} <> ''"
        )
        snapshot.referenced.update(row[0] for row in cursor.fetchall())


def _program(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} was not found: install the PostgreSQL client tools, of the server's "
            "major version or newer"
        )
    return found


def _libpq_env() -> dict[str, str]:
    """The database's address for pg_dump and pg_restore, as libpq variables: the password
    goes in the environment, never on a command line anyone on the machine can read."""
    db = connection.settings_dict
    options = db.get("OPTIONS") or {}
    values = {
        "PGHOST": db.get("HOST"),
        "PGPORT": db.get("PORT"),
        "PGUSER": db.get("USER"),
        "PGPASSWORD": db.get("PASSWORD"),
        "PGDATABASE": db.get("NAME"),
        "PGSERVICE": options.get("service"),
        "PGPASSFILE": options.get("passfile"),
        "PGSSLMODE": options.get("sslmode"),
        "PGSSLROOTCERT": options.get("sslrootcert"),
        "PGSSLCERT": options.get("sslcert"),
        "PGSSLKEY": options.get("sslkey"),
    }
    return {**os.environ, **{key: str(value) for key, value in values.items() if value}}


def _run(command: list[str], *, what: str) -> str:
    done = subprocess.run(  # noqa: S603 - our own arguments, no shell
        command, env=_libpq_env(), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BackupError(f"{what} failed:\n{done.stderr.strip()}")
    return done.stdout


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def database_snapshot(directory: Path) -> Snapshot:
    """Copy the database into ``directory`` as one consistent snapshot, and read from that
    same snapshot the facts the manifest records."""
    connection.ensure_connection()
    vendor = connection.vendor
    if vendor not in DATABASE_FILES:
        raise BackupError(f"Backups cover PostgreSQL and SQLite, not {vendor}")
    target = directory / DATABASE_FILES[vendor]
    if vendor == "sqlite":
        snapshot = Snapshot(
            vendor, target.name, f"SQLite {sqlite3.sqlite_version}", _now(), {}, set()
        )
        os.close(_private_file(target))
        copy = sqlite3.connect(target)
        try:
            # All pages in one step: one read transaction, so one consistent state, while
            # the site goes on writing (the file is in WAL mode).
            connection.connection.backup(copy)
            _read_snapshot(copy.cursor(), snapshot)
        finally:
            copy.close()
        return snapshot

    pg_dump = _program("pg_dump")
    tool = _run([pg_dump, "--version"], what="pg_dump --version").strip()
    # A connection of our own, so the snapshot is not the site's connection's business.
    raw = connection.get_new_connection(connection.get_connection_params())
    try:
        raw.autocommit = True
        with raw.cursor() as cursor:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot(), now()")
            snapshot_id, started = cursor.fetchone()
            taken_at = started.astimezone(UTC).isoformat(timespec="seconds")
            snapshot = Snapshot(vendor, target.name, tool, taken_at, {}, set())
            os.close(_private_file(target))  # pg_dump keeps the file's private mode
            _run(
                [
                    pg_dump,
                    "--format=custom",
                    f"--snapshot={snapshot_id}",
                    f"--file={target}",
                    "--no-password",
                ],
                what="pg_dump",
            )
            _read_snapshot(cursor, snapshot)
            cursor.execute("COMMIT")
    finally:
        raw.close()
    return snapshot


# --- Migrations ----------------------------------------------------------------------------


def _graph() -> Any:
    return MigrationLoader(None, ignore_no_migrations=True).graph


def applied_heads(applied: set[tuple[str, str]]) -> dict[str, list[str]]:
    """The last applied migrations of each app the code knows: applied migrations none of
    whose successors in the same app is applied. A migration the code does not know is
    listed too, so that a restore by this code refuses it."""
    graph = _graph()
    known_apps = {app for app, _name in graph.nodes}
    heads: dict[str, list[str]] = defaultdict(list)
    for key in sorted(applied):
        app = key[0]
        if app not in known_apps:
            continue  # an app removed from the code long ago; Django ignores its rows too
        node = graph.node_map.get(key)
        if node is None or not any(
            child.key in applied for child in node.children if child.key[0] == app
        ):
            heads[app].append(key[1])
    return dict(heads)


def code_heads() -> dict[str, list[str]]:
    heads: dict[str, list[str]] = defaultdict(list)
    for app, name in sorted(_graph().leaf_nodes()):
        heads[app].append(name)
    return dict(heads)


# --- Creating a backup ---------------------------------------------------------------------


@dataclass(frozen=True)
class Missing:
    """A file the snapshot refers to that was not in the store when it was copied."""

    name: str
    #: The live database still refers to it: the store has lost a file, not a race.
    still_referenced: bool


def objects_copy(directory: Path, *, storage: Storage, log: Log = _noop) -> list[dict[str, Any]]:
    """Copy every stored file into ``directory``, streamed a chunk at a time."""
    copied = []
    for name in sorted(stored_names(storage)):
        target = object_path(directory, name)
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        digest, size = hashlib.sha256(), 0
        try:
            source = storage.open(name, "rb")
        except FileNotFoundError:
            log(f"Stored file {name} went while the backup ran")
            continue
        with source, open(_private_file(target), "wb") as out:
            while chunk := source.read(CHUNK_BYTES):
                out.write(chunk)
                digest.update(chunk)
                size += len(chunk)
        copied.append({"name": name, "size": size, "sha256": digest.hexdigest()})
    return copied


def missing_files(snapshot: Snapshot, copied: Iterable[dict[str, Any]]) -> list[Missing]:
    """Files the snapshot refers to and the backup does not hold, each asked of the live
    database: a file it no longer refers to was removed after the snapshot was taken."""
    absent = sorted(snapshot.referenced - {item["name"] for item in copied})
    if not absent:
        return []
    live: set[str] = set()
    with connection.cursor() as cursor:
        for table, column in _file_columns():
            quoted_table, quoted_column = map(connection.ops.quote_name, (table, column))
            marks = ", ".join(["%s"] * len(absent))
            cursor.execute(
                f"SELECT {quoted_column} FROM {quoted_table} "  # noqa: S608 - names from models
                f"WHERE {quoted_column} IN ({marks})",
                absent,
            )
            live.update(row[0] for row in cursor.fetchall())
    return [Missing(name, name in live) for name in absent]


def _release() -> str:
    """The deployed commit: ``SENTRY_RELEASE`` if set, else git's, else nothing."""
    if settings.SENTRY_RELEASE:
        return str(settings.SENTRY_RELEASE)
    git = shutil.which("git")
    if git is None:
        return ""
    try:
        done = subprocess.run(  # noqa: S603 - fixed arguments
            [git, "-C", str(settings.BASE_DIR), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def _prepare(directory: Path) -> None:
    if directory.exists():
        if not directory.is_dir() or any(directory.iterdir()):
            raise BackupError(f"{directory} is not an empty directory: give a new one")
        directory.chmod(0o700)
    else:
        directory.mkdir(mode=0o700, parents=True)


@dataclass
class Created:
    manifest: dict[str, Any]
    missing: list[Missing]

    @property
    def lost(self) -> list[str]:
        return [item.name for item in self.missing if item.still_referenced]


def backup_create(*, to: Path, storage: Storage = default_storage, log: Log = _noop) -> Created:
    """Write a backup of the database and every stored file into the new directory ``to``.

    The manifest is written last: a directory without one is an unfinished backup, which a
    restore refuses. It is written even when files are missing, since the database copy is
    still worth keeping; the caller fails loudly on ``Created.lost``.
    """
    _prepare(to)
    log(f"Copying the {connection.vendor} database")
    snapshot = database_snapshot(to)
    log(f"Copying stored files ({settings.STORAGE_BACKEND} storage)")
    copied = objects_copy(to, storage=storage, log=log)
    missing = missing_files(snapshot, copied)
    database_file = to / snapshot.file
    manifest = {
        "format": FORMAT,
        "created_at": snapshot.taken_at,
        "finished_at": _now(),
        "release": _release(),
        "database": {
            "vendor": snapshot.vendor,
            "file": snapshot.file,
            "tool": snapshot.tool,
            "size": database_file.stat().st_size,
            "sha256": _sha256(database_file),
        },
        "migrations": applied_heads(snapshot.applied),
        "tables": snapshot.tables,
        "storage": {"backend": settings.STORAGE_BACKEND},
        "counts": {
            "objects": len(copied),
            "object_bytes": sum(item["size"] for item in copied),
            "files_referenced": len(snapshot.referenced),
            "objects_not_referenced": len({i["name"] for i in copied} - snapshot.referenced),
        },
        "missing": [{"name": m.name, "still_referenced": m.still_referenced} for m in missing],
        "objects": copied,
    }
    partial = to / f"{MANIFEST}.partial"
    with open(_private_file(partial), "w", encoding="utf-8") as out:
        json.dump(manifest, out, indent=1, sort_keys=True)
    partial.replace(to / MANIFEST)
    return Created(manifest, missing)


# --- Restoring -----------------------------------------------------------------------------


_MANIFEST_KEYS = ("created_at", "database", "migrations", "tables", "counts", "missing", "objects")


def read_manifest(directory: Path) -> dict[str, Any]:
    path = directory / MANIFEST
    if not path.is_file():
        raise BackupError(f"{directory} has no {MANIFEST}: it is not a finished backup")
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise BackupError(f"{path} is not a manifest: {exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not a manifest of format {FORMAT}, which this code reads")
    if absent := [key for key in _MANIFEST_KEYS if key not in manifest]:
        raise BackupError(f"{path} is damaged: it has no {', '.join(absent)}")
    return manifest


def verify(directory: Path, manifest: dict[str, Any], *, log: Log = _noop) -> None:
    """Every file the manifest lists is there with its size and SHA-256, or nothing is
    restored. Checksums find damage; against deliberate change, encrypt the backup."""
    database = manifest["database"]
    expected = [(directory / database["file"], database["size"], database["sha256"])]
    expected += [
        (object_path(directory, item["name"]), item["size"], item["sha256"])
        for item in manifest["objects"]
    ]
    log(f"Checking {len(expected)} files against the manifest")
    for path, size, sha256 in expected:
        shown = path.relative_to(directory)
        if not path.is_file():
            raise BackupError(f"The backup is damaged: {shown} is missing")
        if path.stat().st_size != size or _sha256(path) != sha256:
            raise BackupError(f"The backup is damaged: {shown} is not the file it was")


def _check_migrations(manifest: dict[str, Any]) -> None:
    ours, theirs = code_heads(), manifest["migrations"]
    differ = sorted(app for app in set(ours) | set(theirs) if ours.get(app) != theirs.get(app))
    if differ:
        lines = "\n".join(
            f"  {app}: backup {', '.join(theirs.get(app, [])) or 'none'}; "
            f"code {', '.join(ours.get(app, [])) or 'none'}"
            for app in differ
        )
        raise BackupError(
            "The backup's migrations are not this code's. Restore with the release the backup "
            f"was taken with ({manifest.get('release') or 'unknown'}), then upgrade as usual "
            f"(docs/deploy.md, Upgrading).\n{lines}"
        )


def _database_tables() -> list[str]:
    with connection.cursor() as cursor:
        return _tables(cursor, connection.vendor)


def _restore_database(directory: Path, manifest: dict[str, Any], *, force: bool) -> None:
    source = directory / manifest["database"]["file"]
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            # Replaces the whole file's contents, as one write.
            backup.backup(connection.connection)
        finally:
            backup.close()
        return
    command = [
        _program("pg_restore"),
        f"--dbname={connection.settings_dict['NAME']}",
        # Objects belong to the user that restores, who is the site's: the source's roles
        # and grants may not exist here.
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        "--no-password",
    ]
    if force:
        _restore_over(source)
    else:
        _run([*command, str(source)], what="pg_restore")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # a dump carries no planner statistics


def _restore_over(source: Path) -> None:
    """A forced restore on PostgreSQL: empty the site's schema and restore into it, as one
    transaction, so a restore that fails part-way leaves the database as it was.

    ``pg_restore --clean`` cannot be used: it drops each partition's share of the audit
    table's primary key on its own, which PostgreSQL refuses for a partitioned table. So
    pg_restore first writes the whole restore as SQL into a private temporary file (it holds
    personal data, and is deleted at once), and only if that succeeded does psql run the
    schema's drop and the file inside one ``--single-transaction``: psql commits only after
    the last statement of complete input, and rolls back at the first error. Tables outside
    the backup go too: afterwards the database holds what the backup holds and nothing else.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        (schema,) = cursor.fetchone()
    connection.close()  # its own session would block the schema's drop
    quoted = connection.ops.quote_name(schema)
    with tempfile.TemporaryDirectory(prefix="carershub-restore-") as private:  # mode 0700
        script = Path(private) / "restore.sql"
        _run(
            [
                _program("pg_restore"),
                "--no-owner",
                "--no-privileges",
                f"--file={script}",
                str(source),
            ],
            what="pg_restore",
        )
        try:
            _run(
                [
                    _program("psql"),
                    "--no-psqlrc",
                    "--quiet",
                    "--single-transaction",
                    "--set=ON_ERROR_STOP=1",
                    "--no-password",
                    "--output=/dev/null",
                    f"--command=DROP SCHEMA {quoted} CASCADE; CREATE SCHEMA {quoted};",
                    f"--file={script}",
                ],
                what="psql",
            )
        except BackupError as exc:
            raise BackupError(f"The restore failed, and nothing was changed: {exc}") from exc


def _restore_objects(
    directory: Path, manifest: dict[str, Any], *, storage: Storage, force: bool, log: Log
) -> None:
    for item in manifest["objects"]:
        name = item["name"]
        if force:
            storage.delete(name)
        with object_path(directory, name).open("rb") as handle:
            saved = storage.save(name, File(handle, name=name))
        if saved != name:
            raise BackupError(f"The store kept {name} as {saved}: is the store empty?")
        if storage.size(name) != item["size"]:
            raise BackupError(f"The store holds {name} with a size other than the backup's")
    log(f"Restored {len(manifest['objects'])} stored files")


def _check_counts(manifest: dict[str, Any]) -> None:
    restored = _database_tables()
    with connection.cursor() as cursor:
        counts = _counts(cursor, connection.vendor)
    wrong = [
        f"{table}: backup {rows}, restored {counts.get(table, 'no table')}"
        for table, rows in sorted(manifest["tables"].items())
        if table not in restored or counts[table] != rows
    ]
    if wrong:
        raise BackupError("The restored database differs from the backup:\n" + "\n".join(wrong))


def backup_restore(
    *, source: Path, storage: Storage = default_storage, force: bool = False, log: Log = _noop
) -> dict[str, Any]:
    """Put a backup back into this site's database and store; returns its manifest.

    Refused, with nothing changed, if the backup is damaged or unfinished, is of another
    database vendor, or has migrations other than this code's; and, unless ``force``, if the
    database has any table or the store any file. Forced, the site's PostgreSQL schema is
    emptied and the backup restored in one transaction (``_restore_over``), SQLite's file is
    replaced whole, and stored files of the same names are replaced (others stay).
    """
    manifest = read_manifest(source)
    verify(source, manifest, log=log)
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(
            f"The backup is of a {vendor} database; this site uses {connection.vendor}"
        )
    _check_migrations(manifest)
    if not force:
        if tables := _database_tables():
            raise BackupError(
                f"The database is not empty ({len(tables)} tables): restore into a new, empty "
                "database, or use --force to replace what the backup holds"
            )
        if not _store_is_empty(storage):
            raise BackupError(
                "The file store is not empty: restore into a new, empty bucket, container or "
                "directory, or use --force to replace the files of the same names"
            )
    log(f"Restoring the {vendor} database")
    _restore_database(source, manifest, force=force)
    log("Restoring stored files")
    _restore_objects(source, manifest, storage=storage, force=force, log=log)
    _check_counts(manifest)
    for item in manifest["missing"]:
        log(f"Warning: the database refers to {item['name']}, which the backup does not hold")
    return manifest
