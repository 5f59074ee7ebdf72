"""The staff import on PostgreSQL: COPY into a temporary table, then set-based SQL.

The rows, already checked one by one in Python (``columns.RowChecker``), are
streamed into ``import_rows`` with ``COPY`` as they are read. The checks across rows are
the shared SQL in ``checks``. A clean file is then written by one statement: new
records and changed ones in a single ``INSERT ... ON CONFLICT DO UPDATE`` with their line
managers already resolved (new records get their ids from the sequence first, so a row can
name a manager further down the file), and an audit event for each in the same statement.
Marking the missing as left is a second statement, with its own audit events. Nothing
here reads more than a page of rows into Python, whatever the size of the file.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Any

from django.db import connection
from django.utils import timezone

from organisations.models import Organisation, StaffStatus
from organisations.staff_import.checks import BATCH
from organisations.staff_import.columns import COMPARED, DEFAULT_DAYS, DEFAULT_HOURS, STAGED, Layout
from organisations.staff_import.esr import ASSIGNMENT_STAGED
from organisations.staff_import.plan import PREVIEW_LIMIT, ImportPlan, WriteAs
from organisations.staff_import.preview import (
    compare,
    preview_added,
    preview_updated,
    supplied_values,
)
from organisations.working_pattern import BANK_HOLIDAYS_DEFAULT, MONDAY_TO_FRIDAY

#: For this transaction only: plan server-side cursors for reading every row, not the first
#: few (the default picks nested loops, 60 times slower at 100,000 rows), and let sorts and
#: hashes over the staging table stay in memory.
_SETTINGS = "SET LOCAL cursor_tuple_fraction = 1; SET LOCAL work_mem = '64MB'; "
_ROWS_TABLE = (
    "CREATE TEMPORARY TABLE import_rows (line integer NOT NULL, number text NOT NULL, "
    "ok smallint NOT NULL, first_name text, last_name text, work_email text, unit_id bigint, "
    "manager text, days numeric(3, 1), hours numeric(5, 2), working_days text, "
    "start_date date, bank_holidays text, problems text) ON COMMIT DROP"
)
_ASSIGNMENTS_TABLE = (
    "CREATE TEMPORARY TABLE import_assignments (line integer NOT NULL, number text NOT NULL, "
    "assignment text NOT NULL, ok smallint NOT NULL, is_primary smallint, supervisor text, "
    "wte integer, first_name text, last_name text, work_email text, unit_id bigint, "
    "days numeric(3, 1), working_days text, start_date date, bank_holidays text, "
    "problems text) ON COMMIT DROP"
)
_RECORD_COLUMNS = (
    "first_name, last_name, work_email, unit_id, days, hours, working_days, start_date, "
    "bank_holidays, status"
)


class PostgresDb:
    """The temporary tables of one import, for the shared checks across rows."""

    collate = 'COLLATE "C"'  # code point order, as Python sorts

    def __init__(self, organisation_id: int) -> None:
        # The organisation's records, as the checks and the write compare them, copied once
        # into a temporary table with its own statistics (``snapshot_existing``). Read through
        # the staff table instead, the planner judges the organisation's size by the table's
        # statistics, which do not know an organisation whose first import was too small a
        # share of a national table to trigger autovacuum's ANALYZE: it then guessed one
        # record, chose nested loops over CTEs, and the second import of a 100,000-row file
        # ran for many minutes at full CPU instead of seconds.
        self.existing_query = (
            "SELECT e.staff_number AS number, e.id, m.staff_number AS manager, "  # noqa: S608 - fixed SQL fragments; values are parameters
            "e.line_manager_id AS manager_id, e.status, e.version, e.first_name, e.last_name, "
            "e.work_email, e.unit_id, e.days_per_week AS days, e.hours_per_week AS hours, "
            "e.working_days, e.start_date, e.works_bank_holidays AS bank_holidays "
            "FROM organisations_staffrecord e "
            "LEFT JOIN organisations_staffrecord m ON m.id = e.line_manager_id "
            f"WHERE e.organisation_id = {int(organisation_id)}"
        )
        self.existing = f"({self.existing_query})"
        self.has_errors_table = False
        self.has_ties_table = False
        self.has_existing_table = False

    def snapshot_existing(self, before: str = "") -> None:
        """Copy the organisation's records into ``import_existing``, indexed and analysed,
        and read them from there (``before``: statements to send in the same round trip).
        The caller holds the organisation's lock when it writes, so the copy is what every
        statement of the import would have read."""
        self.run(
            f"{before}CREATE TEMPORARY TABLE import_existing ON COMMIT DROP AS "
            f"{self.existing_query}; "
            "CREATE INDEX ON import_existing (number); "
            "CREATE INDEX ON import_existing (manager); "
            "ANALYZE import_existing"
        )
        self.has_existing_table = True
        self.existing = "import_existing"

    def run(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> int:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return int(cursor.rowcount)

    def rows(self, sql: str, params: Sequence[Any] = ()) -> Iterator[tuple[Any, ...]]:
        # A server-side cursor: the rows come a page at a time, however many there are.
        with connection.chunked_cursor() as cursor:
            cursor.execute(sql, params)
            while page := cursor.fetchmany(BATCH):
                yield from page

    def one(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> tuple[Any, ...]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
            assert row is not None
            return tuple(row)

    def create_errors(self) -> None:
        self.run(
            "CREATE TEMPORARY TABLE import_errors (line integer, col text, seq integer, "
            "message text) ON COMMIT DROP"
        )
        self.has_errors_table = True

    def add_errors(self, errors: Sequence[tuple[int, str, int, str]]) -> None:
        self.copy("COPY import_errors (line, col, seq, message) FROM STDIN", errors)

    def add_ties(self, ties: Iterable[tuple[str, int, int]]) -> None:
        self.run(
            "CREATE TEMPORARY TABLE import_ties (kind text NOT NULL, a bigint NOT NULL, "
            "b bigint NOT NULL) ON COMMIT DROP"
        )
        self.has_ties_table = True
        # The ties are read from this same connection, which cannot run a query while a
        # COPY is open: one COPY a batch, each read before it is written.
        iterator = iter(ties)
        while batch := list(islice(iterator, BATCH)):
            self.copy("COPY import_ties (kind, a, b) FROM STDIN", batch)

    def cents_as_hours(self, cents: str) -> str:
        return f"CAST({cents} AS numeric) / 100"

    def copy(self, sql: str, rows: Any) -> None:
        connection.ensure_connection()
        with connection.connection.cursor() as cursor, cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)


def _changed(layout: Layout) -> str:
    """SQL: the staged row ``p`` would change the record on file ``e`` (see ``compare``)."""
    parts = ["p.first_name <> e.first_name", "p.last_name <> e.last_name"]
    if layout.has("work_email"):
        parts.append("p.work_email <> e.work_email")
    if layout.has("unit_code"):
        parts.append("p.unit_id IS DISTINCT FROM e.unit_id")
    parts += [
        "(p.days IS NOT NULL AND p.days <> e.days)",
        "(p.hours IS NOT NULL AND p.hours <> e.hours)",
        "(p.working_days IS NOT NULL AND p.working_days <> e.working_days)",
        "(p.bank_holidays IS NOT NULL AND p.bank_holidays <> e.bank_holidays)",
    ]
    if layout.has("start_date"):
        parts.append("p.start_date IS DISTINCT FROM e.start_date")
    parts.append(f"e.status <> '{StaffStatus.ACTIVE.value}'")
    if layout.has("line_manager"):
        parts.append("p.manager <> COALESCE(e.manager, '')")
    return "(" + " OR ".join(parts) + ")"


def _changes_json(layout: Layout) -> str:
    """SQL: the audit's changes for ``p`` over ``e``, as ``preview.jsonable`` makes them."""
    entries: list[str] = []

    def entry(key: str, differs: str, old: str, new: str) -> None:
        entries.append(f"'{key}', CASE WHEN {differs} THEN jsonb_build_array({old}, {new}) END")

    entry("first_name", "p.first_name <> e.first_name", "e.first_name", "p.first_name")
    entry("last_name", "p.last_name <> e.last_name", "e.last_name", "p.last_name")
    if layout.has("work_email"):
        entry("work_email", "p.work_email <> e.work_email", "e.work_email", "p.work_email")
    if layout.has("unit_code"):
        entry(
            "unit_id",
            "p.unit_id IS DISTINCT FROM e.unit_id",
            "COALESCE(e.unit_id::text, '')",
            "COALESCE(p.unit_id::text, '')",
        )
    entry(
        "days_per_week", "p.days IS NOT NULL AND p.days <> e.days", "e.days::text", "p.days::text"
    )
    entry(
        "hours_per_week",
        "p.hours IS NOT NULL AND p.hours <> e.hours",
        "e.hours::text",
        "p.hours::text",
    )
    entry(
        "working_days",
        "p.working_days IS NOT NULL AND p.working_days <> e.working_days",
        "e.working_days",
        "p.working_days",
    )
    if layout.has("start_date"):
        entry(
            "start_date",
            "p.start_date IS DISTINCT FROM e.start_date",
            "COALESCE(to_char(e.start_date, 'YYYY-MM-DD'), '')",
            "COALESCE(to_char(p.start_date, 'YYYY-MM-DD'), '')",
        )
    entry(
        "works_bank_holidays",
        "p.bank_holidays IS NOT NULL AND p.bank_holidays <> e.bank_holidays",
        "e.bank_holidays",
        "p.bank_holidays",
    )
    active = StaffStatus.ACTIVE.value
    entry("status", f"e.status <> '{active}'", "e.status", f"'{active}'")
    if layout.has("line_manager"):
        entry(
            "line_manager",
            "p.manager <> COALESCE(e.manager, '')",
            "COALESCE(e.manager, '')",
            "p.manager",
        )
    return "jsonb_strip_nulls(jsonb_build_object(" + ", ".join(entries) + "))"


class PostgresRun:
    """One file through the set-based engine; see the module's docstring."""

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
        self.db = PostgresDb(organisation.pk)
        self.has_assignments = False
        # One round trip, without parameters, so PostgreSQL takes the statements together.
        self.db.snapshot_existing(before=_SETTINGS + _ROWS_TABLE + "; ")

    def stage(self, rows: Iterator[tuple[Any, ...]]) -> None:
        self.db.copy(f"COPY import_rows ({', '.join(STAGED)}) FROM STDIN", rows)
        # A temporary table is never analysed by autovacuum: without this the planner
        # guesses its size and spread, as it did the organisation's (``PostgresDb``).
        self.db.run("ANALYZE import_rows")

    def stage_assignments(self, rows: Iterator[tuple[Any, ...]]) -> None:
        """An ESR extract's rows (``esr.ASSIGNMENT_STAGED``), before they are folded."""
        self.db.run(_ASSIGNMENTS_TABLE)
        self.has_assignments = True
        self.db.copy(f"COPY import_assignments ({', '.join(ASSIGNMENT_STAGED)}) FROM STDIN", rows)
        self.db.run(
            "CREATE INDEX ON import_assignments (assignment); "
            "CREATE INDEX ON import_assignments (number); ANALYZE import_assignments"
        )

    def fold(self, sql: str, params: Sequence[Any]) -> None:
        """Fill ``import_rows`` from the assignments (``esr.fold``)."""
        self.db.run(sql, params)
        self.db.run("ANALYZE import_rows")

    def close(self) -> None:
        # ON COMMIT DROP is not enough inside a savepoint: the next import in the same
        # transaction would find the tables still there.
        tables = ["import_rows"]
        if self.db.has_existing_table:
            tables.append("import_existing")
        if self.has_assignments:
            tables.append("import_assignments")
        if self.db.has_errors_table:
            tables.append("import_errors")
        if self.db.has_ties_table:
            tables.append("import_ties")
        self.db.run(f"DROP TABLE {', '.join(tables)}")

    def discard(self) -> None:
        """Nothing to do: the transaction is rolled back, and the tables with it."""

    def _leavers_sql(self) -> str:
        return (
            f"FROM {self.db.existing} e WHERE e.status = '{StaffStatus.ACTIVE.value}' "  # noqa: S608 - fixed SQL fragments; values are parameters
            "AND NOT EXISTS (SELECT 1 FROM import_rows p WHERE p.number = e.number)"
        )

    def preview(self, plan: ImportPlan) -> None:
        changed = _changed(self.layout)
        leavers = f"(SELECT count(*) {self._leavers_sql()})" if self.mark_missing_as_left else "0"
        plan.added, plan.updated, plan.unchanged, plan.marked_left = self.db.one(
            "SELECT count(*) FILTER (WHERE e.id IS NULL), "  # noqa: S608 - fixed SQL fragments; values are parameters
            f"count(*) FILTER (WHERE e.id IS NOT NULL AND {changed}), "
            f"count(*) FILTER (WHERE e.id IS NOT NULL AND NOT {changed}), {leavers} "
            f"FROM import_rows p LEFT JOIN {self.db.existing} e ON e.number = p.number"
        )
        staged = ", ".join(f"p.{name}" for name in STAGED)
        if plan.added:
            plan.preview_add = [
                preview_added(row, self.unit_codes)
                for row in self.db.rows(
                    f"SELECT {staged} FROM import_rows p WHERE NOT EXISTS "  # noqa: S608 - fixed SQL fragments; values are parameters
                    f"(SELECT 1 FROM {self.db.existing} e WHERE e.number = p.number) "
                    "ORDER BY p.line LIMIT %s",
                    [PREVIEW_LIMIT],
                )
            ]
        if plan.updated:
            for row in self.db.rows(
                f"SELECT {staged}, e.manager, "  # noqa: S608 - fixed SQL fragments; values are parameters
                + ", ".join(f"e.{name}" for name in _RECORD_COLUMNS.split(", "))
                + f" FROM import_rows p JOIN {self.db.existing} e ON e.number = p.number "
                f"WHERE {changed} ORDER BY p.line LIMIT %s",
                [PREVIEW_LIMIT],
            ):
                staged_row, current_manager = row[: len(STAGED)], row[len(STAGED)]
                current = dict(zip(COMPARED, row[len(STAGED) + 1 :], strict=True))
                wanted, changes = compare(
                    current=current,
                    current_manager=current_manager or "",
                    supplied=supplied_values(self.layout, staged_row),
                    manager=staged_row[7],
                )
                plan.preview_update.append(
                    preview_updated(staged_row, wanted, changes, self.unit_codes)
                )
        if plan.marked_left:
            plan.preview_left = [
                number
                for (number,) in self.db.rows(
                    f"SELECT e.number {self._leavers_sql()} "
                    f"ORDER BY e.number {self.db.collate} LIMIT %s",
                    [PREVIEW_LIMIT],
                )
            ]

    def write(self, plan: ImportPlan, write_as: WriteAs) -> None:
        layout = self.layout
        now = timezone.now()
        params: dict[str, Any] = {
            "organisation": self.organisation.pk,
            "now": now,
            "actor": write_as.by.pk if write_as.by else None,
            # The label audit.services gives: the actor's email, or "system".
            "label": write_as.by.email if write_as.by else "system",
            "channel": write_as.channel.value,
            "days": DEFAULT_DAYS,
            "hours": DEFAULT_HOURS,
            "working_days": MONDAY_TO_FRIDAY,
            "bank_holidays": BANK_HOLIDAYS_DEFAULT,
        }
        email = "p.work_email" if layout.has("work_email") else "COALESCE(e.work_email, '')"
        unit = "p.unit_id" if layout.has("unit_code") else "e.unit_id"
        start = "p.start_date" if layout.has("start_date") else "e.start_date"
        manager = (
            "CASE WHEN p.manager = '' THEN NULL ELSE COALESCE(mi.id, me.id) END"
            if layout.has("line_manager")
            else "e.manager_id"
        )
        existing = self.db.existing
        added, updated = self.db.one(
            # New records take their ids from the sequence first, so that everyone's line
            # manager is known before anything is written: one write per record.
            "WITH ids AS MATERIALIZED ("  # noqa: S608 - fixed SQL fragments; values are parameters
            "  SELECT p.line, p.number, e.id AS record_id, COALESCE(e.id, nextval("
            "    (SELECT pg_get_serial_sequence('organisations_staffrecord', 'id'))::regclass"
            f"  )) AS id FROM import_rows p LEFT JOIN {existing} e ON e.number = p.number"
            "), x AS MATERIALIZED ("
            "  SELECT p.line, p.number, i.id, i.record_id, p.first_name, p.last_name, "
            f"  {email} AS work_email, {unit} AS unit_id, {manager} AS line_manager_id, "
            "  COALESCE(p.days, e.days, %(days)s) AS days, "
            "  COALESCE(p.hours, e.hours, %(hours)s) AS hours, "
            "  COALESCE(p.working_days, e.working_days, %(working_days)s) AS working_days, "
            f"  {start} AS start_date, "
            "  COALESCE(p.bank_holidays, e.bank_holidays, %(bank_holidays)s) AS bank_holidays, "
            f"  CASE WHEN e.id IS NULL THEN '{{}}'::jsonb ELSE {_changes_json(layout)} END AS changes "
            "  FROM import_rows p JOIN ids i ON i.line = p.line "
            f"  LEFT JOIN {existing} e ON e.number = p.number "
            "  LEFT JOIN ids mi ON mi.number = p.manager "
            f"  LEFT JOIN {existing} me ON me.number = p.manager "
            f"  WHERE e.id IS NULL OR {_changed(layout)}"
            "), written AS ("
            "  INSERT INTO organisations_staffrecord AS r (id, organisation_id, staff_number, "
            "  first_name, last_name, work_email, unit_id, line_manager_id, days_per_week, "
            "  hours_per_week, working_days, start_date, works_bank_holidays, status, left_on, "
            "  user_id, version, updated_at) "
            "  SELECT id, %(organisation)s, number, first_name, last_name, work_email, unit_id, "
            "  line_manager_id, days, hours, working_days, start_date, bank_holidays, "
            f"  '{StaffStatus.ACTIVE.value}', NULL, NULL, 1, %(now)s FROM x "
            "  ON CONFLICT (organisation_id, staff_number) DO UPDATE SET "
            "  first_name = EXCLUDED.first_name, last_name = EXCLUDED.last_name, "
            "  work_email = EXCLUDED.work_email, unit_id = EXCLUDED.unit_id, "
            "  line_manager_id = EXCLUDED.line_manager_id, "
            "  days_per_week = EXCLUDED.days_per_week, hours_per_week = EXCLUDED.hours_per_week, "
            "  working_days = EXCLUDED.working_days, start_date = EXCLUDED.start_date, "
            "  works_bank_holidays = EXCLUDED.works_bank_holidays, "
            "  status = EXCLUDED.status, left_on = NULL, version = r.version + 1, "
            "  updated_at = EXCLUDED.updated_at"
            "), logged AS ("
            "  INSERT INTO audit_auditevent (at, actor_id, actor_label, organisation_id, action, "
            "  channel, object_type, object_id, summary, changes) "
            "  SELECT %(now)s, %(actor)s, %(label)s, %(organisation)s, "
            "  CASE WHEN record_id IS NULL THEN 'create' ELSE 'update' END, %(channel)s, "
            "  'organisations.staffrecord', id::text, CASE WHEN record_id IS NULL "
            "  THEN 'Added ' || number || ' by import' ELSE 'Updated ' || number || ' by import' END, "
            "  changes FROM x ORDER BY record_id IS NOT NULL, line"
            ") SELECT count(*) FILTER (WHERE record_id IS NULL), "
            "count(*) FILTER (WHERE record_id IS NOT NULL) FROM x",
            params,
        )
        plan.added, plan.updated = added, updated
        plan.unchanged = (plan.rows_read if plan.people is None else plan.people) - added - updated
        if self.mark_missing_as_left:
            plan.marked_left = self.db.run(
                "WITH gone AS ("
                "  UPDATE organisations_staffrecord r SET status = %(left)s, left_on = %(today)s, "
                "  version = r.version + 1, updated_at = %(now)s "
                "  WHERE r.organisation_id = %(organisation)s AND r.status = %(active)s "
                "  AND NOT EXISTS (SELECT 1 FROM import_rows p WHERE p.number = r.staff_number) "
                "  RETURNING r.id, r.staff_number"
                ") INSERT INTO audit_auditevent (at, actor_id, actor_label, organisation_id, "
                "action, channel, object_type, object_id, summary, changes) "
                "SELECT %(now)s, %(actor)s, %(label)s, %(organisation)s, 'update', %(channel)s, "
                "'organisations.staffrecord', id::text, "
                "'Marked ' || staff_number || ' as left by import', %(left_changes)s::jsonb "
                'FROM gone ORDER BY staff_number COLLATE "C"',
                {
                    **params,
                    "left": StaffStatus.LEFT.value,
                    "active": StaffStatus.ACTIVE.value,
                    "today": timezone.localdate(),
                    "left_changes": '{"status": ["active", "left"]}',
                },
            )
