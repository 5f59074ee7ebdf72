"""The staff import on SQLite (and any database without the set-based engine), in chunks.

The working set lives in a private scratch SQLite database in the temporary directory
(``sqlite3.connect("")``: on disk, deleted when closed), not in Python: the staged rows,
the organisation's records as they are now (read once, in one query) and any problems. The
checks across rows are the same SQL as on PostgreSQL (``checks.cross_row_checks``).
Writing then reads the scratch tables ``BATCH`` rows at a time and writes each batch with
``bulk_create`` and ``bulk_update``, so memory stays flat and the number of queries to the
database grows with the number of batches, never with rows.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from decimal import Decimal
from itertools import islice
from typing import Any

from django.db.models import F
from django.utils import timezone

from audit.models import Action
from audit.services import audit_record_many
from organisations.models import Organisation, StaffRecord, StaffStatus
from organisations.staff_import.checks import BATCH
from organisations.staff_import.columns import COMPARED, NEW_RECORD_DEFAULTS, STAGED, Layout
from organisations.staff_import.plan import PREVIEW_LIMIT, ImportPlan, WriteAs
from organisations.staff_import.preview import (
    compare,
    jsonable,
    preview_added,
    preview_updated,
    supplied_values,
)

_SCHEMA = (
    "CREATE TABLE import_rows (line INTEGER PRIMARY KEY, number TEXT NOT NULL, "
    "ok INTEGER NOT NULL, first_name TEXT, last_name TEXT, work_email TEXT, unit_id INTEGER, "
    "manager TEXT, days TEXT, hours TEXT, working_days TEXT, start_date TEXT, "
    "bank_holidays TEXT, problems TEXT)",
    "CREATE TABLE import_existing (number TEXT PRIMARY KEY, id INTEGER, manager TEXT, "
    "manager_id INTEGER, status TEXT, version INTEGER, first_name TEXT, last_name TEXT, "
    "work_email TEXT, unit_id INTEGER, days TEXT, hours TEXT, working_days TEXT, "
    "start_date TEXT, bank_holidays TEXT)",
    "CREATE TABLE import_errors (line INTEGER, col TEXT, seq INTEGER, message TEXT)",
    "CREATE TABLE import_ids (number TEXT PRIMARY KEY, id INTEGER NOT NULL)",
    "CREATE TABLE import_ties (kind TEXT NOT NULL, a INTEGER NOT NULL, b INTEGER NOT NULL)",
    "CREATE TABLE import_assignments (line INTEGER PRIMARY KEY, number TEXT NOT NULL, "
    "assignment TEXT NOT NULL, ok INTEGER NOT NULL, is_primary INTEGER, supervisor TEXT, "
    "wte INTEGER, first_name TEXT, last_name TEXT, work_email TEXT, unit_id INTEGER, "
    "days TEXT, working_days TEXT, start_date TEXT, bank_holidays TEXT, problems TEXT)",
)
_EXISTING = (
    "staff_number",
    "pk",
    "line_manager__staff_number",
    "line_manager_id",
    "status",
    "version",
    *COMPARED[:-1],
)
#: The record's compared fields as the scratch tables hold them (all but status).
_RECORD = (
    "e.first_name, e.last_name, e.work_email, e.unit_id, e.days, e.hours, e.working_days, "
    "e.start_date, e.bank_holidays, e.status"
)


def _stored(value: Any) -> Any:
    """Decimals and dates as text: the scratch database is only a working space."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _staged(row: Sequence[Any]) -> tuple[Any, ...]:
    """A staged row read back from scratch, with its values typed again."""
    values = list(row[: len(STAGED)])
    for index, kind in ((8, Decimal), (9, Decimal)):
        if values[index] is not None:
            values[index] = kind(values[index])
    if values[11] is not None:
        values[11] = date.fromisoformat(values[11])
    return tuple(values)


def _current(values: Sequence[Any]) -> dict[str, Any]:
    """A record's compared fields from scratch (the order of ``_RECORD``), typed."""
    current = dict(zip(COMPARED, values, strict=True))
    for key in ("days_per_week", "hours_per_week"):
        current[key] = Decimal(current[key])
    if current["start_date"] is not None:
        current["start_date"] = date.fromisoformat(current["start_date"])
    return current


def _batches(rows: Iterable[Any], size: int = BATCH) -> Iterator[list[Any]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


class ScratchDb:
    """A private SQLite file for one import; see the module's docstring."""

    existing = "import_existing"
    collate = ""  # SQLite compares text byte by byte: code point order for UTF-8

    def __init__(self) -> None:
        self.connection = sqlite3.connect("", isolation_level=None)
        self.connection.execute("PRAGMA journal_mode = OFF")
        self.connection.execute("PRAGMA synchronous = OFF")
        self.connection.execute("BEGIN")  # one transaction, never committed: it is thrown away
        for statement in _SCHEMA:
            self.connection.execute(statement)

    def run(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.connection.execute(sql.replace("%s", "?"), params)

    def rows(self, sql: str, params: Sequence[Any] = ()) -> Iterator[tuple[Any, ...]]:
        cursor = self.connection.execute(sql.replace("%s", "?"), params)
        while page := cursor.fetchmany(BATCH):
            yield from page

    def one(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...]:
        row = self.connection.execute(sql.replace("%s", "?"), params).fetchone()
        assert row is not None
        return tuple(row)

    def create_errors(self) -> None:
        """The table is always there: making it while a query is being read is not allowed."""

    def add_errors(self, errors: Sequence[tuple[int, str, int, str]]) -> None:
        self.insert("import_errors", errors)

    def add_ties(self, ties: Iterable[tuple[str, int, int]]) -> None:
        self.insert("import_ties", ties)

    def cents_as_hours(self, cents: str) -> str:
        return f"printf('%d.%02d', {cents} / 100, {cents} % 100)"

    def insert(self, table: str, rows: Iterable[Sequence[Any]]) -> None:
        for batch in _batches(rows):
            marks = ", ".join("?" * len(batch[0]))
            self.connection.executemany(f"INSERT INTO {table} VALUES ({marks})", batch)  # noqa: S608 - fixed SQL fragments; values are parameters

    def close(self) -> None:
        self.connection.close()


class ChunkedRun:
    """One file through the chunked engine; see the module's docstring."""

    def __init__(
        self,
        *,
        organisation: Organisation,
        layout: Layout,
        unit_codes: dict[int, str],
        mark_missing_as_left: bool,
    ) -> None:
        self.organisation = organisation
        self.layout = layout
        self.unit_codes = unit_codes
        self.mark_missing_as_left = mark_missing_as_left
        self.db = ScratchDb()
        records = (
            StaffRecord.objects.filter(organisation=organisation)
            .values_list(*_EXISTING)
            .iterator(chunk_size=BATCH)
        )
        self.db.insert("import_existing", ([_stored(v) for v in row] for row in records))

    def stage(self, rows: Iterator[tuple[Any, ...]]) -> None:
        self.db.insert("import_rows", ([_stored(v) for v in row] for row in rows))
        self._index()

    def stage_assignments(self, rows: Iterator[tuple[Any, ...]]) -> None:
        """An ESR extract's rows (``esr.ASSIGNMENT_STAGED``), before they are folded."""
        self.db.insert("import_assignments", ([_stored(v) for v in row] for row in rows))
        self.db.run("CREATE INDEX import_assignments_assignment ON import_assignments (assignment)")
        self.db.run("CREATE INDEX import_assignments_number ON import_assignments (number)")

    def fold(self, sql: str, params: Sequence[Any]) -> None:
        """Fill ``import_rows`` from the assignments (``esr.fold``)."""
        self.db.run(sql, params)
        self._index()

    def _index(self) -> None:
        self.db.run("CREATE INDEX import_rows_number ON import_rows (number)")
        self.db.run("CREATE INDEX import_rows_manager ON import_rows (manager)")
        self.db.run("CREATE INDEX import_existing_manager ON import_existing (manager)")

    def close(self) -> None:
        self.db.close()

    def discard(self) -> None:
        self.db.close()

    def _rows_with_records(self) -> Iterator[tuple[tuple[Any, ...], tuple[Any, ...] | None]]:
        """Each staged row in file order, with the record on file it matches, if any."""
        staged = ", ".join(f"p.{name}" for name in STAGED)
        for row in self.db.rows(
            f"SELECT {staged}, e.id, e.version, e.manager, {_RECORD} FROM import_rows p "  # noqa: S608 - fixed SQL fragments; values are parameters
            "LEFT JOIN import_existing e ON e.number = p.number ORDER BY p.line"
        ):
            yield _staged(row), (row[len(STAGED) :] if row[len(STAGED)] is not None else None)

    def _compare(
        self, row: tuple[Any, ...], record: tuple[Any, ...]
    ) -> tuple[dict[str, Any], dict[str, tuple[Any, Any]]]:
        return compare(
            current=_current(record[3:]),
            current_manager=record[2] or "",
            supplied=supplied_values(self.layout, row),
            manager=row[7],
        )

    def _leavers(self) -> Iterator[tuple[Any, ...]]:
        return self.db.rows(
            "SELECT e.id, e.number FROM import_existing e WHERE e.status = %s "
            "AND NOT EXISTS (SELECT 1 FROM import_rows p WHERE p.number = e.number) "
            "ORDER BY e.number",
            [StaffStatus.ACTIVE.value],
        )

    def preview(self, plan: ImportPlan) -> None:
        for row, record in self._rows_with_records():
            if record is None:
                plan.added += 1
                if len(plan.preview_add) < PREVIEW_LIMIT:
                    plan.preview_add.append(preview_added(row, self.unit_codes))
                continue
            wanted, changes = self._compare(row, record)
            if not changes:
                plan.unchanged += 1
                continue
            plan.updated += 1
            if len(plan.preview_update) < PREVIEW_LIMIT:
                plan.preview_update.append(preview_updated(row, wanted, changes, self.unit_codes))
        if self.mark_missing_as_left:
            marked = 0
            for _pk, number in self._leavers():
                marked += 1
                if len(plan.preview_left) < PREVIEW_LIMIT:
                    plan.preview_left.append(number)
            plan.marked_left = marked

    def write(self, plan: ImportPlan, write_as: WriteAs) -> None:
        self._add(plan, write_as)
        if plan.added or plan.updated:
            self._update(plan, write_as)
        if self.mark_missing_as_left:
            self._mark_left(plan, write_as)

    def _audit(self, write_as: WriteAs, action: Action, entries: list[Any]) -> None:
        audit_record_many(
            actor=write_as.by,
            action=action,
            channel=write_as.channel,
            object_type="organisations.staffrecord",
            organisation_id=self.organisation.pk,
            entries=entries,
            batch_size=BATCH,
        )

    def _add(self, plan: ImportPlan, write_as: WriteAs) -> None:
        """New records, without line managers yet (a manager may be further down the file)."""
        new: list[StaffRecord] = []

        def flush() -> None:
            StaffRecord.objects.bulk_create(new, batch_size=BATCH)
            self.db.insert("import_ids", ((r.staff_number, r.pk) for r in new))
            self._audit(
                write_as,
                Action.CREATE,
                [(str(r.pk), f"Added {r.staff_number} by import", {}) for r in new],
            )
            new.clear()

        for row, record in self._rows_with_records():
            if record is not None:
                if self._compare(row, record)[1]:
                    plan.updated += 1
                else:
                    plan.unchanged += 1
                continue
            plan.added += 1
            values = {**NEW_RECORD_DEFAULTS, **supplied_values(self.layout, row)}
            new.append(
                StaffRecord(
                    organisation=self.organisation,
                    staff_number=row[1],
                    status=StaffStatus.ACTIVE,
                    **values,
                )
            )
            if len(new) >= BATCH:
                flush()
        if new:
            flush()

    def _update(self, plan: ImportPlan, write_as: WriteAs) -> None:
        """Line managers of new records, then changed records, a batch at a time."""
        staged = ", ".join(f"p.{name}" for name in STAGED)
        rows = self.db.rows(
            f"SELECT {staged}, e.id, e.version, e.manager, {_RECORD}, i.id, "  # noqa: S608 - fixed SQL fragments; values are parameters
            "COALESCE(mi.id, me.id), e.manager_id FROM import_rows p "
            "LEFT JOIN import_existing e ON e.number = p.number "
            "LEFT JOIN import_ids i ON i.number = p.number "
            "LEFT JOIN import_ids mi ON mi.number = p.manager "
            "LEFT JOIN import_existing me ON me.number = p.manager ORDER BY p.line"
        )
        has_manager = self.layout.has("line_manager")
        now = timezone.now()
        fields = [*COMPARED, "left_on", "line_manager", "version", "updated_at"]
        for batch in _batches(rows):
            managed: list[StaffRecord] = []
            changed: list[StaffRecord] = []
            entries: list[tuple[str, str, dict[str, Any]]] = []
            for raw in batch:
                row = _staged(raw)
                record = raw[len(STAGED) : len(STAGED) + 3 + len(COMPARED)]
                new_id, manager_id, current_manager_id = raw[len(STAGED) + 3 + len(COMPARED) :]
                wanted_manager = (manager_id if row[7] else None) if has_manager else None
                if record[0] is None:
                    if wanted_manager is not None:
                        managed.append(StaffRecord(pk=new_id, line_manager_id=wanted_manager))
                    continue
                wanted, changes = self._compare(row, record)
                if not changes:
                    continue
                changed.append(
                    StaffRecord(
                        pk=record[0],
                        **wanted,
                        left_on=None,
                        line_manager_id=wanted_manager if has_manager else current_manager_id,
                        version=record[1] + 1,
                        updated_at=now,
                    )
                )
                entries.append((str(record[0]), f"Updated {row[1]} by import", jsonable(changes)))
            if managed:
                StaffRecord.objects.bulk_update(managed, ["line_manager"], batch_size=BATCH)
            if changed:
                StaffRecord.objects.bulk_update(changed, fields, batch_size=BATCH)
                self._audit(write_as, Action.UPDATE, entries)

    def _mark_left(self, plan: ImportPlan, write_as: WriteAs) -> None:
        today, now = timezone.localdate(), timezone.now()
        plan.marked_left = 0
        for batch in _batches(self._leavers()):
            StaffRecord.objects.filter(pk__in=[pk for pk, _number in batch]).update(
                status=StaffStatus.LEFT, left_on=today, version=F("version") + 1, updated_at=now
            )
            plan.marked_left += len(batch)
            self._audit(
                write_as,
                Action.UPDATE,
                [
                    (str(pk), f"Marked {number} as left by import", {"status": ["active", "left"]})
                    for pk, number in batch
                ],
            )
