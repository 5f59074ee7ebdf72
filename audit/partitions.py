"""The audit log's monthly partitions on PostgreSQL (docs/adr/0018-audit-partitions-and-retention.md).

``audit_auditevent`` is partitioned by the month of ``at`` (UTC), so that a month older than
the retention period can be archived and dropped whole (``manage.py audit_archive``) while no
single entry can ever be changed or deleted: the append-only trigger is on the partitioned
table and PostgreSQL gives it to every partition, the DEFAULT one and those made later.

An entry whose month has no partition lands in the DEFAULT partition. The nightly task
(``audit.tasks``) makes this month's partition and the next few ahead of time, so DEFAULT
stays empty; if entries are found there (the task did not run for months, a clock was
wrong), the months they belong to get partitions and the entries move into them without a
single row being deleted: the DEFAULT partition is detached, a new one made, its entries
inserted again through the parent (keeping their ids) and the old table dropped, all in one
transaction.

SQLite keeps one plain table: every function here does nothing there.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.utils import timezone

from audit.models import AuditEvent

TABLE = AuditEvent._meta.db_table
DEFAULT_PARTITION = f"{TABLE}_default"
#: How many months after this one always have a partition.
MONTHS_AHEAD = 3
#: Making a partition briefly locks the whole audit table (every passport read writes to
#: it): rather than queue behind a long query and hold every writer up, give up and let the
#: next night try again; there are months to spare.
LOCK_TIMEOUT = "10s"
_MONTH_NAME = re.compile(rf"^{TABLE}_(\d{{4}})_(\d{{2}})$")


@dataclass(frozen=True)
class Partition:
    name: str
    #: The first day of its month; None for the DEFAULT partition.
    month: date | None


def month_start(moment: datetime | date) -> date:
    """The first day of the month ``moment`` falls in, in UTC (the partitions' time)."""
    if isinstance(moment, datetime):
        moment = moment.astimezone(UTC).date()
    return moment.replace(day=1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def partition_name(month: date) -> str:
    return f"{TABLE}_{month:%Y_%m}"


def month_bounds(month: date) -> tuple[str, str]:
    """The partition's range as PostgreSQL literals, in UTC whatever the session's time zone."""
    return f"{month:%Y-%m-%d} 00:00:00+00", f"{add_months(month, 1):%Y-%m-%d} 00:00:00+00"


def audit_is_partitioned() -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [TABLE])
        row = cursor.fetchone()
    return row is not None and row[0] == "p"


def audit_partitions() -> list[Partition]:
    """The audit table's partitions, DEFAULT first, then the months in order.

    A partition not named as this module names them is left out, so nothing here ever
    archives or drops a table it did not make.
    """
    if not audit_is_partitioned():
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT child.relname FROM pg_inherits "
            "JOIN pg_class child ON child.oid = pg_inherits.inhrelid "
            "WHERE pg_inherits.inhparent = to_regclass(%s)",
            [TABLE],
        )
        names = [row[0] for row in cursor.fetchall()]
    found = []
    for name in names:
        if name == DEFAULT_PARTITION:
            found.append(Partition(name, None))
        elif match := _MONTH_NAME.match(name):
            found.append(Partition(name, date(int(match[1]), int(match[2]), 1)))
    return sorted(found, key=lambda p: (p.month is not None, p.month or date.min))


def _months_waiting_in_default() -> set[date]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT date_trunc('month', at AT TIME ZONE 'UTC')::date FROM \"{DEFAULT_PARTITION}\""  # noqa: S608
        )
        return {row[0] for row in cursor.fetchall()}


def _create(cursor: CursorWrapper, month: date) -> None:
    start, end = month_bounds(month)
    cursor.execute(
        f'CREATE TABLE "{partition_name(month)}" PARTITION OF "{TABLE}" '
        f"FOR VALUES FROM ('{start}') TO ('{end}')"
    )


def audit_partitions_ensure(
    *, months_ahead: int = MONTHS_AHEAD, today: date | None = None, extra: Iterable[date] = ()
) -> list[str]:
    """Make the DEFAULT partition, this month's and ``months_ahead`` more, and one for each
    month in ``extra`` or with entries waiting in DEFAULT (moving them in); return the names
    made. Safe to run again: what exists is left alone."""
    if not audit_is_partitioned():
        return []
    this_month = month_start(today or timezone.now())
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [LOCK_TIMEOUT])
        existing = audit_partitions()
        made: list[str] = []
        if not any(p.month is None for p in existing):
            cursor.execute(f'CREATE TABLE "{DEFAULT_PARTITION}" PARTITION OF "{TABLE}" DEFAULT')
            made.append(DEFAULT_PARTITION)
        have = {p.month for p in existing if p.month is not None}
        waiting = _months_waiting_in_default()
        wanted = {add_months(this_month, n) for n in range(months_ahead + 1)} | set(extra)
        missing = sorted((wanted | waiting) - have)
        if waiting & set(missing):
            # Entries are in DEFAULT for a month about to get a partition: PostgreSQL would
            # refuse to make it. Detach DEFAULT, make the months and a new DEFAULT, and insert
            # the entries again through the parent; no row is deleted, the old table is dropped.
            moving = f"{DEFAULT_PARTITION}_moving"
            cursor.execute(f'ALTER TABLE "{TABLE}" DETACH PARTITION "{DEFAULT_PARTITION}"')
            cursor.execute(f'ALTER TABLE "{DEFAULT_PARTITION}" RENAME TO "{moving}"')
            cursor.execute(f'CREATE TABLE "{DEFAULT_PARTITION}" PARTITION OF "{TABLE}" DEFAULT')
            for month in missing:
                _create(cursor, month)
            cursor.execute(f'INSERT INTO "{TABLE}" SELECT * FROM "{moving}"')  # noqa: S608
            cursor.execute(f'DROP TABLE "{moving}"')
        else:
            for month in missing:
                _create(cursor, month)
        made.extend(partition_name(month) for month in missing)
    return made
