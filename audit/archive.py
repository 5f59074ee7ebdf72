"""Archiving whole months of the audit log, then dropping them (``manage.py audit_archive``).

Only a month older than ``AUDIT_RETENTION_MONTHS`` may go, and only whole. Its partition is
written out as JSON Lines (one entry a line, in id order) with a SHA-256 checksum file and a
manifest; the written copy is read back from the store and checked; and the partition is
dropped only if the copy matches, byte for byte, what the partition holds at that moment: it
is locked against writes from the first read to the drop, in one transaction. If anything
fails, nothing is dropped, and running the command again carries on where it stopped.

Nothing else removes audit entries: no row is ever deleted (the model and the trigger refuse
it), and dropping a table needs its owner. Each archive and each drop is itself an audit
event (channel "command") with the month, the number of entries and the checksum, written in
this month's partition, which is never one of those dropped.

The files go through a Django storage: a prefix in the default storage (the bucket or
container every server shares) or a local directory.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import Storage
from django.db import connection, models, transaction
from django.utils import timezone

from audit.models import Action, AuditEvent, Channel
from audit.partitions import (
    DEFAULT_PARTITION,
    LOCK_TIMEOUT,
    TABLE,
    Partition,
    add_months,
    audit_is_partitioned,
    audit_partitions,
    month_bounds,
    month_start,
)
from audit.services import audit_record_operation
from shared.storage import CHUNK_BYTES

FORMAT = "carershub-audit-archive/1"
#: The audit events about archiving name the month as their object.
OBJECT_TYPE = "audit.partition"
#: Entries read from the database at a time.
PAGE_ROWS = 2000


class ArchiveError(Exception):
    """The archive cannot be made, or does not match: nothing has been dropped."""


@dataclass(frozen=True)
class Digest:
    """What a month holds: checked in the written copy, the manifest and the partition."""

    rows: int
    first_id: int | None
    last_id: int | None
    sha256: str


@dataclass(frozen=True)
class ArchiveNames:
    data: str
    checksum: str
    manifest: str

    @classmethod
    def of(cls, prefix: str, partition: str) -> ArchiveNames:
        base = f"{prefix.strip('/')}/{partition}" if prefix.strip("/") else partition
        return cls(f"{base}.jsonl", f"{base}.jsonl.sha256", f"{base}.manifest.json")


@dataclass(frozen=True)
class MonthResult:
    month: date
    partition: str
    digest: Digest
    names: ArchiveNames
    #: "archived" (written now), "already archived" (by an earlier run) or, in a dry run,
    #: "would archive".
    archive: str
    #: "dropped", "kept" (no --drop), or "would drop" in a dry run.
    partition_state: str


def retention_limit(today: date | datetime | None = None) -> date:
    """The oldest month still inside the retention period: only months before it may go."""
    return add_months(month_start(today or timezone.now()), -settings.AUDIT_RETENTION_MONTHS)


def rows_left_in_default(before: date) -> int:
    """Entries older than ``before`` that wait in the DEFAULT partition, where no month can
    be archived; the nightly ``audit_partitions_ensure`` moves them into their months."""
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT count(*) FROM "{DEFAULT_PARTITION}" WHERE at < %s',  # noqa: S608
            [datetime(before.year, before.month, 1, tzinfo=UTC)],
        )
        (count,) = cursor.fetchone()
    return int(count)


def audit_archive(
    *,
    before: date,
    storage: Storage,
    prefix: str = "",
    drop: bool = False,
    dry_run: bool = False,
    today: date | datetime | None = None,
) -> Iterator[MonthResult]:
    """Archive, and with ``drop`` drop, every month partition before ``before``, oldest first,
    one transaction a month; yields each month as it is done."""
    if not audit_is_partitioned():
        raise ArchiveError(
            "Archiving the audit log needs PostgreSQL: on SQLite it is one table that is "
            "never partitioned, and its entries cannot be removed."
        )
    limit = retention_limit(today)
    if before > limit:
        raise ArchiveError(
            f"{before:%Y-%m} is inside the retention period of {settings.AUDIT_RETENTION_MONTHS} "
            f"months (AUDIT_RETENTION_MONTHS): today only months before {limit:%Y-%m} may be "
            f"archived, so --before can be at most {limit:%Y-%m}."
        )
    for partition in audit_partitions():
        if partition.month is not None and partition.month < before:
            yield _archive_month(partition, storage, prefix, drop=drop, dry_run=dry_run)


def _archive_month(
    partition: Partition, storage: Storage, prefix: str, *, drop: bool, dry_run: bool
) -> MonthResult:
    assert partition.month is not None
    names = ArchiveNames.of(prefix, partition.name)
    month = f"{partition.month:%Y-%m}"
    done = storage.exists(names.manifest)
    if dry_run:
        digest = _manifest_digest(storage, names) if done else _count(partition.name)
        if done:
            _check_stored(storage, names, digest)
        return MonthResult(
            partition.month,
            partition.name,
            digest,
            names,
            "already archived" if done else "would archive",
            "would drop" if drop else "kept",
        )
    with transaction.atomic(), connection.cursor() as cursor:
        # Readers carry on; no entry can be added to the month until it is dropped or kept.
        cursor.execute(f'LOCK TABLE "{partition.name}" IN SHARE MODE')
        if done:
            digest = _manifest_digest(storage, names)
            _check_stored(storage, names, digest)
            found = _digest(_lines(partition.name))
            if found != digest:
                raise ArchiveError(
                    f"{month}: the archive {names.data} does not match the partition "
                    f"{partition.name} (archive {digest}, partition {found}); nothing was dropped."
                )
        else:
            digest = _export(partition, storage, names)
        if not AuditEvent.objects.filter(
            action=Action.EXPORT,
            object_type=OBJECT_TYPE,
            object_id=month,
            changes__sha256=digest.sha256,
        ).exists():
            # Also when a run stopped after writing the manifest, before its commit.
            audit_record_operation(
                action=Action.EXPORT,
                channel=Channel.COMMAND,
                object_type=OBJECT_TYPE,
                object_id=month,
                summary=f"Archived the audit log of {partition.month:%B %Y} ({digest.rows} entries)",
                changes=_event_changes(month, partition.name, digest, names),
            )
        if drop:
            cursor.execute("SELECT set_config('lock_timeout', %s, true)", [LOCK_TIMEOUT])
            cursor.execute(f'ALTER TABLE "{TABLE}" DETACH PARTITION "{partition.name}"')
            cursor.execute(f'DROP TABLE "{partition.name}"')
            audit_record_operation(
                action=Action.DELETE,
                channel=Channel.COMMAND,
                object_type=OBJECT_TYPE,
                object_id=month,
                summary=(
                    f"Dropped the audit log of {partition.month:%B %Y} ({digest.rows} entries) "
                    "after checking its archive"
                ),
                changes=_event_changes(month, partition.name, digest, names),
            )
    return MonthResult(
        partition.month,
        partition.name,
        digest,
        names,
        "already archived" if done else "archived",
        "dropped" if drop else "kept",
    )


def _event_changes(
    month: str, partition: str, digest: Digest, names: ArchiveNames
) -> dict[str, Any]:
    return {"month": month, "partition": partition, **asdict(digest), "archive": names.data}


def _export(partition: Partition, storage: Storage, names: ArchiveNames) -> Digest:
    """Write the month's entries, their checksum and, once the written copy is read back and
    matches, the manifest (written last: a month is archived when its manifest is there)."""
    assert partition.month is not None
    for leftover in (names.data, names.checksum):
        # An earlier run stopped before its manifest: what it wrote was never checked.
        if storage.exists(leftover):
            storage.delete(leftover)
    with tempfile.TemporaryFile() as spool:
        digest = _digest(_lines(partition.name), sink=spool.write)
        spool.seek(0)
        _save(storage, names.data, File(spool, name=names.data))
    _save(storage, names.checksum, ContentFile(_checksum_line(digest, names).encode()))
    _check_stored(storage, names, digest)
    start, end = month_bounds(partition.month)
    manifest = {
        "format": FORMAT,
        "table": TABLE,
        "partition": partition.name,
        "month": f"{partition.month:%Y-%m}",
        "from": start,
        "to": end,
        **asdict(digest),
        "data": names.data,
        "checksum": names.checksum,
        "columns": [field.column for field in AuditEvent._meta.concrete_fields],
        "retention_months": settings.AUDIT_RETENTION_MONTHS,
        "archived_at": timezone.now().isoformat(),
    }
    _save(storage, names.manifest, ContentFile(json.dumps(manifest, indent=2).encode() + b"\n"))
    return digest


def _save(storage: Storage, name: str, content: File[Any]) -> None:
    saved = storage.save(name, content)
    if saved != name:
        raise ArchiveError(f"The store saved {name} as {saved}; nothing was dropped.")


def _checksum_line(digest: Digest, names: ArchiveNames) -> str:
    """As ``sha256sum`` writes it, so ``sha256sum -c`` checks the file beside it."""
    return f"{digest.sha256}  {names.data.rsplit('/', 1)[-1]}\n"


def _manifest_digest(storage: Storage, names: ArchiveNames) -> Digest:
    with storage.open(names.manifest, "rb") as handle:
        manifest = json.loads(handle.read())
    try:
        return Digest(
            manifest["rows"], manifest["first_id"], manifest["last_id"], manifest["sha256"]
        )
    except (KeyError, TypeError) as error:
        raise ArchiveError(
            f"The manifest {names.manifest} is not one this command wrote."
        ) from error


def _check_stored(storage: Storage, names: ArchiveNames, expected: Digest) -> None:
    """Read the stored copy back, a chunk at a time, and compare it with ``expected``."""
    with storage.open(names.checksum, "rb") as handle:
        checksum = handle.read().decode()
    if checksum != _checksum_line(expected, names):
        raise ArchiveError(
            f"The checksum file {names.checksum} does not match; nothing was dropped."
        )
    hasher = hashlib.sha256()
    rows, first, last, carry = 0, b"", b"", b""
    with storage.open(names.data, "rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            hasher.update(chunk)
            lines = (carry + chunk).split(b"\n")
            carry = lines.pop()
            for line in lines:
                rows += 1
                first = first or line
                last = line
    stored = Digest(
        rows,
        json.loads(first)["id"] if rows else None,
        json.loads(last)["id"] if rows else None,
        hasher.hexdigest(),
    )
    if carry or stored != expected:
        raise ArchiveError(
            f"The stored archive {names.data} does not match what was written "
            f"(expected {expected}, read back {stored}); nothing was dropped."
        )


def _count(partition: str) -> Digest:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT count(*), min(id), max(id) FROM "{partition}"')  # noqa: S608
        rows, first, last = cursor.fetchone()
    return Digest(int(rows), first, last, "")


def _lines(partition: str) -> Iterator[tuple[int, bytes]]:
    """The partition's entries in id order, one JSON line each, read a page at a time."""
    fields = list(AuditEvent._meta.concrete_fields)
    columns = ", ".join(
        f'"{f.column}"::text' if isinstance(f, models.JSONField) else f'"{f.column}"'
        for f in fields
    )
    at_id = [f.column for f in fields].index("id")
    after: int | None = None
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                f'SELECT {columns} FROM "{partition}" '  # noqa: S608
                + ("WHERE id > %s " if after is not None else "")
                + "ORDER BY id LIMIT %s",
                [*([after] if after is not None else []), PAGE_ROWS],
            )
            page = cursor.fetchall()
        for row in page:
            entry = {}
            for field, value in zip(fields, row, strict=True):
                if isinstance(field, models.JSONField):
                    value = json.loads(value)
                elif isinstance(value, datetime):
                    value = value.astimezone(UTC).isoformat()
                entry[field.column] = value
            line = json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n"
            yield entry["id"], line.encode()
        if len(page) < PAGE_ROWS:
            return
        after = page[-1][at_id]


def _digest(
    lines: Iterator[tuple[int, bytes]], sink: Callable[[bytes], object] | None = None
) -> Digest:
    hasher = hashlib.sha256()
    rows, first, last = 0, None, None
    for entry_id, line in lines:
        hasher.update(line)
        if sink is not None:
            sink(line)
        rows += 1
        first = entry_id if first is None else first
        last = entry_id
    return Digest(rows, first, last, hasher.hexdigest())
