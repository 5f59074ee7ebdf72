"""The checks across rows, in SQL on either engine's staging tables.

The second and third rounds of docs/staff-import.md, and where every problem is kept:
in ``import_errors``, so that they can be counted and the first ``ERRORS_KEPT`` listed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol

from django.utils.translation import gettext as _

from organisations.staff_import.columns import HEADINGS
from organisations.staff_import.plan import ERRORS_KEPT, ImportPlan, RowError

#: Rows written per statement by the chunked engine, and rows per read of staging.
BATCH = 2000
#: Where a problem on a line comes in the list when there are several in one cell: a
#: row's own problems keep their order (0, 1, ...), then those found across rows.
SEQ_UNKNOWN, SEQ_LEFT, SEQ_LOOP = 101, 102, 103


class StagingDb(Protocol):
    """An engine's staging database, as the checks across rows see it.

    ``import_rows`` holds the staged rows (``STAGED``); ``import_errors`` (line, col, seq,
    message) is made only when there is a problem to keep. ``existing`` is SQL for the
    organisation's records as they are now: number, id, manager (the manager's staff
    number), manager_id, status, version and the compared fields. Parameters are ``%s``.
    """

    existing: str
    collate: str

    def run(self, sql: str, params: Sequence[Any] = ()) -> object: ...

    def rows(self, sql: str, params: Sequence[Any] = ()) -> Iterator[tuple[Any, ...]]: ...

    def one(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...]: ...

    def create_errors(self) -> None: ...

    def add_errors(self, errors: Sequence[tuple[int, str, int, str]]) -> None: ...

    def add_ties(self, ties: Iterable[tuple[str, int, int]]) -> None:
        """Fill ``import_ties`` (kind, staff id, staff id): see ``leaving.open_ties``."""

    def cents_as_hours(self, cents: str) -> str:
        """SQL for the whole number of hundredths of an hour ``cents`` as a staged hours value."""


class Errors:
    """Problems on their way to ``import_errors``, in batches; the table is made on first use."""

    def __init__(self, db: StagingDb) -> None:
        self.db = db
        self.count = 0
        self.waiting: list[tuple[int, str, int, str]] = []

    def add(self, line: int, column: str, seq: int, message: str) -> None:
        if not self.count:
            self.db.create_errors()
        self.count += 1
        self.waiting.append((line, column, seq, message))
        if len(self.waiting) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self.waiting:
            self.db.add_errors(self.waiting)
            self.waiting = []


def _find_cycles(managers: dict[str, str], starts: list[str]) -> dict[str, list[str]]:
    """Return, for each staff number in a management loop, the loop it belongs to."""
    in_cycle: dict[str, list[str]] = {}
    done: set[str] = set()
    for start in starts:
        path: list[str] = []
        position: dict[str, int] = {}
        node: str | None = start
        while node and node not in done:
            if node in position:
                loop = path[position[node] :]
                for member in loop:
                    in_cycle[member] = loop
                break
            position[node] = len(path)
            path.append(node)
            node = managers.get(node) or None
        done.update(path)
    return in_cycle


_DUPLICATES = (
    "dup_numbers AS (SELECT number, min(line) AS first FROM import_rows WHERE number <> '' "
    "GROUP BY number HAVING count(*) > 1), "
    "dups AS (SELECT r.line, r.number, f.first FROM import_rows r "
    "JOIN dup_numbers f ON f.number = r.number WHERE r.line > f.first)"
)


def _across_rows_sql(existing: str) -> str:
    """One query for the second round: each problem as (kind, line, value, first line).

    A row with problems of its own, or whose staff number repeats an earlier one, is left
    out ("parsed" holds the rest), but its staff number still counts as being in the file.
    For loops it returns everyone whose chain of managers does not end, found in SQL from
    the top down (kind "loop", with their manager as the last column); only those few are
    walked in Python, to name each loop as the checks always have.
    """
    return (
        f"WITH RECURSIVE {_DUPLICATES}, "  # noqa: S608 - fixed SQL fragments; values are parameters
        "parsed AS (SELECT p.line, p.number, p.manager FROM import_rows p WHERE p.ok = 1 "
        "  AND NOT EXISTS (SELECT 1 FROM dups d WHERE d.line = p.line)), "
        "graph AS ("
        f"  SELECT e.number, e.manager FROM {existing} e WHERE NOT EXISTS ("
        "    SELECT 1 FROM parsed p WHERE p.manager IS NOT NULL AND p.number = e.number)"
        "  UNION ALL SELECT p.number, p.manager FROM parsed p WHERE p.manager IS NOT NULL), "
        "rooted(number) AS ("
        "  SELECT g.number FROM graph g WHERE COALESCE(g.manager, '') = '' "
        "  OR NOT EXISTS (SELECT 1 FROM graph h WHERE h.number = g.manager) "
        "  UNION ALL SELECT g.number FROM graph g JOIN rooted r ON g.manager = r.number) "
        "SELECT 'duplicate', line, number, CAST(first AS TEXT) FROM dups "
        "UNION ALL SELECT 'unknown', p.line, p.manager, NULL FROM parsed p "
        "WHERE p.manager <> '' "
        "AND NOT EXISTS (SELECT 1 FROM import_rows s WHERE s.number = p.manager) "
        f"AND NOT EXISTS (SELECT 1 FROM {existing} e WHERE e.number = p.manager) "
        "UNION ALL SELECT 'left', p.line, p.manager, NULL FROM parsed p "
        f"JOIN {existing} e ON e.number = p.manager "
        "WHERE p.manager <> '' AND e.status <> 'active' "
        "AND NOT EXISTS (SELECT 1 FROM parsed q WHERE q.number = p.manager) "
        "UNION ALL SELECT 'loop', (SELECT min(p.line) FROM parsed p WHERE p.number = g.number), "
        "g.number, g.manager FROM graph g "
        # Everyone is reached at most once from the top, so equal counts mean no loops.
        "WHERE (SELECT count(*) FROM rooted) < (SELECT count(*) FROM graph) "
        "AND NOT EXISTS (SELECT 1 FROM rooted r WHERE r.number = g.number)"
    )


def cross_row_checks(
    db: StagingDb,
    errors: Errors,
    *,
    bad_rows: int,
    mark_missing_as_left: bool,
    headings: dict[str, str] | None = None,
) -> None:
    """The second and third rounds of docs/staff-import.md, and the first round's problems.

    Problems go to ``errors``, under the profile's ``headings``; a clean file costs one
    query here (two with the third round).
    """
    headings = HEADINGS if headings is None else headings
    manager_column = headings["line_manager"]
    managers: dict[str, str] = {}
    lines: dict[str, int] = {}
    for kind, line, value, extra in db.rows(_across_rows_sql(db.existing)):
        if kind == "duplicate":
            message = _("“%(value)s” already appears on line %(first)s")
            errors.add(
                line, headings["staff_number"], 0, message % {"value": value, "first": extra}
            )
        elif kind == "unknown":
            message = _("“%(value)s” is not in this file or already on record")
            errors.add(line, manager_column, SEQ_UNKNOWN, message % {"value": value})
        elif kind == "left":
            message = _("“%(value)s” has left, so cannot be a line manager")
            errors.add(line, manager_column, SEQ_LEFT, message % {"value": value})
        else:
            managers[value] = extra or ""
            if line is not None:
                lines[value] = line
    if lines:
        starts = sorted(lines, key=lines.__getitem__)
        for number, loop in _find_cycles(managers, starts).items():
            if number in lines:
                message = _("Line management goes round in a circle: %(chain)s")
                chain = " → ".join([*loop, loop[0]])
                errors.add(lines[number], manager_column, SEQ_LOOP, message % {"chain": chain})
    if bad_rows:
        # A row's own problems, except on a line that repeats an earlier staff number.
        for line, problems in db.rows(
            f"WITH {_DUPLICATES} SELECT p.line, p.problems FROM import_rows p "  # noqa: S608 - fixed SQL fragments; values are parameters
            "WHERE p.problems IS NOT NULL AND NOT EXISTS (SELECT 1 FROM dups d WHERE d.line = p.line)"
        ):
            for seq, (column, message) in enumerate(json.loads(problems)):
                errors.add(line, column, seq, message)
    if mark_missing_as_left and not errors.count:
        # Third round: someone in the file whose line manager would be marked as left.
        # Without the manager column, a person on record keeps the manager they have.
        manager = "COALESCE(p.manager, e.manager)"
        message = _(
            "“%(value)s” is not in the file, so would be marked as left, but still manages "
            "this person"
        )
        for line, value in db.rows(
            f"SELECT p.line, {manager} FROM import_rows p "  # noqa: S608 - fixed SQL fragments; values are parameters
            f"LEFT JOIN {db.existing} e ON e.number = p.number WHERE {manager} <> '' "
            f"AND EXISTS (SELECT 1 FROM {db.existing} l WHERE l.number = {manager} "
            "AND l.status = 'active') "
            f"AND NOT EXISTS (SELECT 1 FROM import_rows q WHERE q.number = {manager})"
        ):
            errors.add(line, manager_column, 0, message % {"value": value})
    errors.flush()


def collect_errors(db: StagingDb, errors: Errors, plan: ImportPlan) -> None:
    """The first ``ERRORS_KEPT`` problems in line order, and how many there are in all."""
    plan.error_count = errors.count
    if errors.count:
        plan.errors = [
            RowError(line, column, message)
            for line, column, message in db.rows(
                f"SELECT line, col, message FROM import_errors ORDER BY line, col {db.collate}, seq "  # noqa: S608 - fixed SQL fragments; values are parameters
                "LIMIT %s",
                [ERRORS_KEPT],
            )
        ]
