"""The ESR profile: one row per assignment, folded into one staff record per person.

Each row is checked on its own in Python as it is read (``EsrRowChecker``, the same code
as the generic profile's for the columns they share) and streamed into a second staging
table, ``import_assignments``. SQL shared by both engines then checks the assignments
together (``assignment_checks``) and folds them into ``import_rows``, one row per person
(``fold``), from where the import goes on exactly as for a generic file: the same checks
across rows, the same preview and the same writing. Nothing here holds more than a row.

A person's **main assignment** is the one marked primary or, if they have only one, that
one. It gives their name, email, unit, working pattern, start date and line manager: the
person who holds the assignment number in its Supervisor Assignment Number cell. Their
contracted hours are the whole-time equivalents of all their assignments added up, times
the full-time hours (``STAFF_IMPORT_FULL_TIME_HOURS``, 37.5 for Agenda for Change).
"""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from organisations.staff_import.checks import Errors, StagingDb
from organisations.staff_import.columns import (
    Layout,
    RowChecker,
    escape_number,
    parse_date,
    remembered,
)
from organisations.staff_import.profiles import ESR_HEADINGS

#: Columns of ``import_assignments``, in this order everywhere. ``wte`` is in hundred-
#: thousandths (ESR gives whole-time equivalents to five decimal places), so sums are exact.
ASSIGNMENT_STAGED = (
    "line",
    "number",
    "assignment",
    "ok",
    "is_primary",
    "supervisor",
    "wte",
    "first_name",
    "last_name",
    "work_email",
    "unit_id",
    "days",
    "working_days",
    "start_date",
    "bank_holidays",
    "problems",
)
WTE_UNITS = 100_000  # the SQL below rounds by it: (wte * cents + 50000) / 100000
#: The largest whole-time equivalent one assignment may have.
WTE_MAX = Decimal(2)
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), 1
    )
}
_ESR_DATE = re.compile(r"(\d{1,2})-([A-Za-z]{3})-(\d{4})")
_YES = {"y", "yes", "true", "1", "primary", "p"}
_NO = {"n", "no", "false", "0", "secondary", "s", ""}


def parse_esr_date(raw: str) -> date:
    """``DD-MON-YYYY`` as ESR writes dates (``01-APR-2024``), or a generic format."""
    found = _ESR_DATE.fullmatch(raw)
    if found:
        day, month, year = found.groups()
        number = _MONTHS.get(month.upper())
        if number is not None:
            try:
                return date(int(year), number, int(day))
            except ValueError:
                pass
    else:
        try:
            return parse_date(raw)
        except ValueError:
            pass
    raise ValueError(
        _("must be a date written as DD-MON-YYYY (like 01-APR-2024), YYYY-MM-DD or DD/MM/YYYY")
    )


def parse_wte(raw: str) -> int:
    """A whole-time equivalent (``0.6``), in hundred-thousandths."""
    try:
        value = Decimal(raw)
    except InvalidOperation as exc:
        raise ValueError(_("must be a number, like 0.6 for three fifths of full time")) from exc
    if not value.is_finite() or value < 0 or value > WTE_MAX:
        raise ValueError(_("must be between 0 and %(high)s") % {"high": WTE_MAX})
    units = value * WTE_UNITS
    if units != units.to_integral_value():
        raise ValueError(
            ngettext(
                "can have at most %(places)s decimal place",
                "can have at most %(places)s decimal places",
                5,
            )
            % {"places": 5}
        )
    return int(units)


def parse_primary(raw: str) -> int:
    """1 for a primary assignment, 0 for another; a blank cell is not primary."""
    key = raw.lower()
    if key in _YES:
        return 1
    if key in _NO:
        return 0
    raise ValueError(
        _("“%(value)s” is not yes or no; write Y for the primary assignment and N for others")
        % {"value": raw}
    )


def full_time_cents() -> int:
    """The full-time hours a week, in hundredths of an hour."""
    return int(Decimal(str(settings.STAFF_IMPORT_FULL_TIME_HOURS)) * 100)


class EsrRowChecker(RowChecker):
    """The checks of one assignment row: the generic ones, and those of the ESR columns.

    ``check`` returns the row for ``import_assignments`` (``ASSIGNMENT_STAGED``). A row
    with problems keeps its employee number, assignment number and primary flag as
    written where they can be read, so that the checks across rows still count it.
    """

    def __init__(self, layout: Layout, units: dict[str, int]) -> None:
        super().__init__(layout, units, headings=ESR_HEADINGS, parse_start=parse_esr_date)
        slot = {name: position for position, name in enumerate(self.names)}
        self.s_assignment = slot["assignment"]
        self.s_primary = slot.get("primary", -1)
        self.s_supervisor = slot.get("supervisor", -1)
        self.s_wte = slot.get("wte", -1)
        self.wte = remembered(parse_wte)
        self.primary = remembered(parse_primary)

    def check(self, line: int, raw: list[str]) -> tuple[Any, ...] | None:
        cells = self.cells(raw)
        if cells is None:
            return None
        seen = cells[self.s_number]
        problems: list[tuple[str, str]] = []
        values = self.values(cells, problems)
        headings = self.headings
        assignment = cells[self.s_assignment]
        if not assignment:
            problems.append((headings["assignment"], self.missing_message))
        elif len(assignment) > 40:
            problems.append((headings["assignment"], _("must be 40 characters or fewer")))
        is_primary: int | None = 0
        if self.s_primary >= 0:
            is_primary, problem = self.primary(cells[self.s_primary])
            if problem is not None:
                problems.append((headings["primary"], problem))
        supervisor = cells[self.s_supervisor] if self.s_supervisor >= 0 else None
        wte: int | None = None
        if self.s_wte >= 0 and cells[self.s_wte]:
            wte, problem = self.wte(cells[self.s_wte])
            if problem is not None:
                problems.append((headings["wte"], problem))
        if problems:
            self.bad_rows += 1
            return (
                line,
                escape_number(seen),
                escape_number(assignment),
                0,
                is_primary,
                None,
                None,
                *([None] * (len(ASSIGNMENT_STAGED) - 8)),
                json.dumps(problems, ensure_ascii=False),
            )
        number, first, last, email, unit_id, _manager, days, _hours, working, start, bank = values
        return (
            line,
            number,
            assignment,
            1,
            is_primary,
            supervisor,
            wte,
            first,
            last,
            email,
            unit_id,
            days,
            working,
            start,
            bank,
            None,
        )


#: The assignments, less the rows that repeat an earlier row's assignment number (reported
#: as such and otherwise left out); who holds each assignment; each person, with their
#: main assignment's line ("main", NULL when it cannot be told) and their hours in cents.
_PEOPLE = (
    "repeats AS (SELECT a.line, f.first FROM import_assignments a JOIN ("
    "  SELECT assignment, min(line) AS first FROM import_assignments WHERE assignment <> '' "
    "  GROUP BY assignment HAVING count(*) > 1) f ON f.assignment = a.assignment "
    "  WHERE a.line > f.first), "
    "assignments AS (SELECT a.* FROM import_assignments a "
    "  WHERE NOT EXISTS (SELECT 1 FROM repeats r WHERE r.line = a.line)), "
    "holders AS (SELECT assignment, min(number) AS number FROM assignments "
    "  WHERE assignment <> '' GROUP BY assignment), "
    "counted AS (SELECT number, count(*) AS n, min(line) AS first_line, "
    "  sum(CASE WHEN is_primary = 1 THEN 1 ELSE 0 END) AS primaries, "
    "  min(CASE WHEN is_primary = 1 THEN line END) AS primary_line, "
    "  sum(CASE WHEN is_primary IS NULL THEN 1 ELSE 0 END) AS unknown, "
    "  sum(CASE WHEN ok = 1 THEN 0 ELSE 1 END) AS bad, "
    "  sum(COALESCE(wte, 0)) AS wte "
    "  FROM assignments WHERE number <> '' GROUP BY number), "
    "people AS (SELECT c.*, CASE WHEN c.n = 1 THEN c.first_line "
    "  WHEN c.primaries >= 1 THEN c.primary_line END AS main, "
    "  (c.wte * CAST(%s AS bigint) + 50000) / 100000 AS cents "
    "  FROM counted c)"
)
#: A main assignment's supervisor can be followed: blank, or held by someone else.
_SUPERVISOR_OK = (
    "(COALESCE(a.supervisor, '') = '' OR (h.number IS NOT NULL AND h.number <> p.number))"
)
_HOURS_OK = "(p.wte = 0 OR p.cents BETWEEN 50 AND 10000)"


def assignment_checks(db: StagingDb, errors: Errors, *, bad_rows: int) -> None:
    """The ESR problems across assignments, and each assignment row's own problems.

    One query: repeated assignment numbers, people with no primary assignment or more
    than one, supervisors' assignments that no row holds or that are the person's own, and
    hours out of range once a person's assignments are added up.
    """
    headings = ESR_HEADINGS
    rows = db.rows(
        f"WITH {_PEOPLE} "  # noqa: S608 - fixed SQL fragments; values are parameters
        "SELECT 'repeat', a.line, a.assignment, r.first FROM import_assignments a "
        "JOIN repeats r ON r.line = a.line "
        "UNION ALL SELECT 'second_primary', a.line, a.number, p.primary_line "
        "FROM assignments a JOIN people p ON p.number = a.number "
        "WHERE a.is_primary = 1 AND a.line > p.primary_line "
        "UNION ALL SELECT 'no_primary', p.first_line, p.number, p.n FROM people p "
        "WHERE p.main IS NULL AND p.unknown = 0 "
        "UNION ALL SELECT 'supervisor', a.line, a.supervisor, "
        "CASE WHEN h.number IS NULL THEN 0 ELSE 1 END FROM people p "
        "JOIN assignments a ON a.line = p.main "
        "LEFT JOIN holders h ON h.assignment = a.supervisor "
        f"WHERE a.ok = 1 AND NOT {_SUPERVISOR_OK} "
        "UNION ALL SELECT 'hours', p.main, p.number, p.cents FROM people p "
        f"WHERE p.main IS NOT NULL AND p.bad = 0 AND NOT {_HOURS_OK}",
        [full_time_cents()],
    )
    for kind, line, value, extra in rows:
        if kind == "repeat":
            message = _("Assignment “%(value)s” already appears on line %(first)s")
            errors.add(line, headings["assignment"], 0, message % {"value": value, "first": extra})
        elif kind == "second_primary":
            message = _(
                "“%(value)s” already has a primary assignment on line %(first)s; a person can "
                "have only one"
            )
            errors.add(line, headings["primary"], 0, message % {"value": value, "first": extra})
        elif kind == "no_primary":
            message = _(
                "“%(value)s” has %(count)s assignments and none is marked as primary, so their "
                "unit and line manager cannot be chosen"
            )
            errors.add(line, headings["primary"], 0, message % {"value": value, "count": extra})
        elif kind == "supervisor":
            if extra:
                message = _(
                    "Assignment “%(value)s” is this person's own, and nobody can be their own "
                    "line manager"
                )
            else:
                message = _(
                    "No row of this file holds assignment “%(value)s”, so the line manager "
                    "cannot be found"
                )
            errors.add(line, headings["supervisor"], 0, message % {"value": value})
        else:
            message = _(
                "The assignments of “%(value)s” add up to %(hours)s hours a week; the total "
                "must be between 0.5 and 100"
            )
            hours = Decimal(int(extra)) / 100
            errors.add(line, headings["wte"], 0, message % {"value": value, "hours": hours})
    if bad_rows:
        for line, problems in db.rows(
            "SELECT a.line, a.problems FROM import_assignments a WHERE a.problems IS NOT NULL "
            "AND a.line NOT IN (SELECT f.line FROM import_assignments f JOIN ("
            "  SELECT assignment, min(line) AS first FROM import_assignments "
            "  WHERE assignment <> '' GROUP BY assignment HAVING count(*) > 1"
            ") d ON d.assignment = f.assignment WHERE f.line > d.first)"
        ):
            for seq, (column, message) in enumerate(json.loads(problems)):
                errors.add(line, column, seq + 1, message)


def fold(db: StagingDb, layout: Layout) -> str:
    """SQL filling ``import_rows`` with one row per person from their assignments.

    A person whose assignments have a problem is staged as not ``ok``, so that the checks
    across rows leave them out but still count their employee number as in the file.
    Without a Supervisor Assignment Number column everyone keeps their line manager
    (``manager`` is NULL); a blank cell clears it. Without a WTE column, or with no hours
    in any assignment, hours are kept (NULL). Run with ``full_time_cents()``.
    """
    manager = (
        "CASE WHEN COALESCE(a.supervisor, '') = '' OR NOT "
        f"{_SUPERVISOR_OK} THEN '' ELSE h.number END"
        if layout.has("supervisor")
        else "NULL"
    )
    hours = f"CASE WHEN p.wte > 0 AND {_HOURS_OK} THEN {db.cents_as_hours('p.cents')} END"
    return (
        f"INSERT INTO import_rows (line, number, ok, first_name, last_name, work_email, "  # noqa: S608 - fixed SQL fragments; values are parameters
        "unit_id, manager, days, hours, working_days, start_date, bank_holidays, problems) "
        f"WITH {_PEOPLE} "
        "SELECT COALESCE(p.main, p.first_line), p.number, "
        "CASE WHEN p.main IS NOT NULL AND p.bad = 0 AND p.primaries <= 1 "
        f"AND {_SUPERVISOR_OK} AND {_HOURS_OK} THEN 1 ELSE 0 END, "
        f"a.first_name, a.last_name, a.work_email, a.unit_id, {manager}, a.days, {hours}, "
        "a.working_days, a.start_date, a.bank_holidays, NULL FROM people p "
        "LEFT JOIN assignments a ON a.line = p.main "
        "LEFT JOIN holders h ON h.assignment = a.supervisor"
    )
