"""Staff import from a CSV extract: check, preview and apply.

The layout and every rule are in ``docs/staff-import.md``. The whole file is checked
before anything is written; if any row is wrong nothing is written, and every problem is
reported with its line, column and reason. A clean file is applied in one transaction.

The file is read once, as a stream, so memory stays flat whatever its size:

1. **Rows, one at a time** (`_RowChecker`): the csv module reads each row, and the checks
   that need only that row run in Python, the same code for every database. Each row goes
   to a staging table: a good one with its values parsed, a bad one with its problems.
2. **Across rows, in SQL** (`_cross_row_checks`): repeated staff numbers, line managers
   who are nowhere or have left, loops in line management and, when asked, managers who
   would be marked as left. The same SQL runs on both engines' staging tables.
   Problems are collected in an error table made only when there is one, so that they
   can be counted and the first ``ERRORS_KEPT`` listed in order.
3. **Applying**, by one of two engines with the same results:
   ``postgres`` stages with ``COPY`` into temporary tables and writes with
   two set-based statements; ``chunked`` (SQLite, and anything else) stages
   into a scratch SQLite file and writes in batches of ``BATCH`` through the ORM.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import IO, Any, Literal, Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from accounts.models import User
from audit.models import Action, Channel
from audit.services import audit_record
from organisations import working_pattern
from organisations.leaving import end_stale_ties, open_ties, restore_after_import
from organisations.models import BankHolidayWork, Organisation, StaffStatus, Unit
from shared.suppression import THRESHOLD as SUPPRESS_BELOW
from shared.suppression import Count
from shared.text import TextRuleError, clean_text, scrub_text

#: Rows written per statement by the chunked engine, and rows per read of staging.
BATCH = 2000
#: Problems kept in full (sorted by line); the rest are only counted.
ERRORS_KEPT = 1000
#: Rows of each kind listed on the preview page.
PREVIEW_LIMIT = 100
#: The longest row read, in characters, counting every line of a row whose quoted cell runs
#: over several: memory holds at most one such row, whatever the file (docs/staff-import.md).
#: A row of an HR extract is 80 to 400 characters; a spreadsheet cell holds 32,767 at most.
MAX_ROW_CHARACTERS = 64 * 1024
#: A plain address that Django's validate_email certainly accepts (a strict subset of it),
#: so only unusual addresses pay for the full check.
_PLAIN_EMAIL = re.compile(
    r"[-!#$%&'*+/=?^_`{}|~0-9a-z]+(?:\.[-!#$%&'*+/=?^_`{}|~0-9a-z]+)*"
    r"@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*"
    r"\.[a-z]{2,63}"
)

#: Column → accepted header spellings (compared without case, spaces, underscores or dashes).
COLUMNS: dict[str, tuple[str, ...]] = {
    "staff_number": ("staffnumber", "employeenumber", "assignmentnumber", "staffid"),
    "first_name": ("firstname", "forename", "forenames"),
    "last_name": ("lastname", "surname", "familyname"),
    "work_email": ("workemail", "email", "emailaddress", "workemailaddress"),
    "unit_code": ("unitcode", "departmentcode", "organisationcode", "costcentre"),
    "line_manager": ("linemanagerstaffnumber", "managerstaffnumber", "linemanager"),
    "days_per_week": ("contracteddays", "daysperweek", "contracteddaysperweek"),
    "hours_per_week": ("contractedhours", "hoursperweek", "contractedhoursperweek"),
    "working_days": ("workingdays", "workdays", "daysworked"),
    "start_date": ("startdate", "datestarted", "hiredate"),
    "works_bank_holidays": (
        "worksbankholidays",
        "bankholidays",
        "bankholidayworking",
        "bankholidaysworked",
        "rosteredbankholidays",
    ),
}
REQUIRED = ("staff_number", "first_name", "last_name")
HEADINGS = {
    "staff_number": "Staff Number",
    "first_name": "First Name",
    "last_name": "Last Name",
    "work_email": "Work Email",
    "unit_code": "Unit Code",
    "line_manager": "Line Manager Staff Number",
    "days_per_week": "Contracted Days",
    "hours_per_week": "Contracted Hours",
    "working_days": "Working Days",
    "start_date": "Start Date",
    "works_bank_holidays": "Works Bank Holidays",
}
FIELD_LABELS = {
    "first_name": _lazy("First name"),
    "last_name": _lazy("Last name"),
    "work_email": _lazy("Work email"),
    "unit_id": _lazy("Unit"),
    "line_manager": _lazy("Line manager"),
    "days_per_week": _lazy("Contracted days"),
    "hours_per_week": _lazy("Contracted hours"),
    "working_days": _lazy("Working days"),
    "start_date": _lazy("Start date"),
    "works_bank_holidays": _lazy("Works bank holidays"),
    "status": _lazy("Status"),
}
DEFAULT_DAYS = Decimal("5.0")
DEFAULT_HOURS = Decimal("37.50")
#: Fields compared to decide whether a record changes, in the order changes are listed.
_COMPARED = (
    "first_name",
    "last_name",
    "work_email",
    "unit_id",
    "days_per_week",
    "hours_per_week",
    "working_days",
    "start_date",
    "works_bank_holidays",
    "status",
)
NEW_RECORD_DEFAULTS: dict[str, Any] = {
    "work_email": "",
    "unit_id": None,
    "days_per_week": DEFAULT_DAYS,
    "hours_per_week": DEFAULT_HOURS,
    "working_days": working_pattern.MONDAY_TO_FRIDAY,
    "start_date": None,
    "works_bank_holidays": working_pattern.BANK_HOLIDAYS_DEFAULT,
}
#: Columns of the staging table, in this order everywhere (see `_RowChecker.check`).
STAGED = (
    "line",
    "number",
    "ok",
    "first_name",
    "last_name",
    "work_email",
    "unit_id",
    "manager",
    "days",
    "hours",
    "working_days",
    "start_date",
    "bank_holidays",
    "problems",
)
#: Where a problem on a line comes in the list when there are several in one cell: a
#: row's own problems keep their order (0, 1, ...), then those found across rows.
SEQ_UNKNOWN, SEQ_LEFT, SEQ_LOOP = 101, 102, 103

Engine = Literal["auto", "postgres", "chunked"]


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str


@dataclass
class ImportPlan:
    """What a file would do (or did); any error means nothing is written.

    Only counts, the first ``ERRORS_KEPT`` problems and the first ``PREVIEW_LIMIT`` rows
    of each kind are kept, so a plan is small whatever the size of the file.
    """

    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    rows_read: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    marked_left: int = 0
    #: Only when marking the missing as left: how many are in post now, the most that may be
    #: marked as left without forcing it (``leavers_limit``), and what their leaving would
    #: end, as counts (never who: trust rule 3).
    marking_left: bool = False
    in_post: int = 0
    left_limit: int = 0
    ties_counted: bool = False
    shares_ending: int = 0
    deputyships_ending: int = 0
    preview_add: list[dict[str, Any]] = field(default_factory=list)
    preview_update: list[dict[str, Any]] = field(default_factory=list)
    preview_left: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.error_count

    @property
    def hidden_errors(self) -> int:
        return max(0, self.error_count - len(self.errors))

    @property
    def left_above_limit(self) -> bool:
        """More would be marked as left than may be without forcing it."""
        return self.marking_left and self.marked_left > self.left_limit

    def preview(self, limit: int = PREVIEW_LIMIT) -> dict[str, Any]:
        """What HR sees before confirming: the first ``limit`` rows of each kind."""
        return {
            "add": self.preview_add[:limit],
            "update": self.preview_update[:limit],
            "mark_left": self.preview_left[:limit],
            "ignored_columns": self.ignored_columns,
            "limit": limit,
        }

    def counts(self) -> dict[str, int]:
        counts = {
            "rows": self.rows_read,
            "add": self.added,
            "update": self.updated,
            "unchanged": self.unchanged,
            "mark_left": self.marked_left,
            "errors": self.error_count,
        }
        if self.marking_left:
            counts.update(in_post=self.in_post, left_limit=self.left_limit)
        if self.ties_counted:
            counts.update(
                shares_ending=self.shares_ending, deputyships_ending=self.deputyships_ending
            )
        return counts


@dataclass(frozen=True)
class Layout:
    """Which columns the file has, and where: a missing optional column changes nothing."""

    positions: dict[str, int]

    def has(self, name: str) -> bool:
        return name in self.positions


@dataclass(frozen=True)
class WriteAs:
    """Who an import is written as, for the audit, and what they confirmed.

    ``left_confirmed`` is how many people the person importing agreed to mark as left, and
    ``left_forced`` that they agreed to more than ``leavers_limit`` allows: the file is
    checked again as it is written, and a different number writes nothing.
    """

    by: User | None
    channel: Channel
    file_name: str
    left_confirmed: int | None = None
    left_forced: bool = False


# --- Reading and checking one row ---------------------------------------------------------


def _normalise_header(text: str) -> str:
    return re.sub(r"[\s_\-]+", "", text.strip().lower())


def _parse_decimal(raw: str, low: Decimal, high: Decimal, places: int) -> Decimal:
    try:
        value = Decimal(raw)
    except InvalidOperation as exc:
        raise ValueError(_("must be a number, like %(example)s") % {"example": high / 2}) from exc
    if not value.is_finite() or value < low or value > high:
        raise ValueError(_("must be between %(low)s and %(high)s") % {"low": low, "high": high})
    quantum = Decimal(1).scaleb(-places)
    if value != value.quantize(quantum):
        raise ValueError(
            ngettext(
                "can have at most %(places)s decimal place",
                "can have at most %(places)s decimal places",
                places,
            )
            % {"places": places}
        )
    return value.quantize(quantum)


def _parse_days(raw: str) -> Decimal:
    return _parse_decimal(raw, Decimal("0.5"), Decimal("7"), 1)


def _parse_hours(raw: str) -> Decimal:
    return _parse_decimal(raw, Decimal("0.5"), Decimal("100"), 2)


def _parse_date(raw: str) -> date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(raw, fmt).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
    raise ValueError(_("must be a date written as YYYY-MM-DD or DD/MM/YYYY"))


def _valid_email(email: str) -> bool:
    if len(email) <= 320 and _PLAIN_EMAIL.fullmatch(email):
        return True
    try:
        validate_email(email)
    except ValidationError:
        return False
    return True


def _remembered(parse: Callable[[str], Any]) -> Callable[[str], tuple[Any, str | None]]:
    """``parse`` with its answers kept: a file repeats the same few days, hours and dates.

    The cache is emptied when it grows large, so an unusual file cannot grow memory.
    """
    cache: dict[str, tuple[Any, str | None]] = {}

    def parsed(raw: str) -> tuple[Any, str | None]:
        found = cache.get(raw)
        if found is None:
            if len(cache) >= 4096:
                cache.clear()
            try:
                found = (parse(raw), None)
            except ValueError as exc:
                found = (None, str(exc))
            cache[raw] = found
        return found

    return parsed


def _escape_number(number: str) -> str:
    """A staff number that can be stored as text, distinct for distinct numbers.

    PostgreSQL text cannot hold NUL, which only ever appears in a row that is wrong anyway;
    the escape keeps repeated numbers in such rows comparable (``\\x01`` is escaped too).
    """
    if "\x00" in number or "\x01" in number:
        return number.replace("\x01", "\x01\x01").replace("\x00", "\x01\x02")
    return number


class _RowChecker:
    """The checks that need only one row (docs/staff-import.md, the first round).

    ``check`` returns the row for the staging table (see ``STAGED``): for a good row its
    parsed values, where ``None`` means "keep the current value" for a column the file
    does not have and for a blank working-pattern cell; for a row with problems only its
    line, its staff number as written and its problems, as JSON [[column, message], ...].
    """

    def __init__(self, layout: Layout, units: dict[str, int]) -> None:
        self.names = list(layout.positions)
        self.indexes = list(layout.positions.values())
        self.width = max(self.indexes) + 1
        slot = {name: position for position, name in enumerate(self.names)}
        self.s_number = slot["staff_number"]
        self.s_first = slot["first_name"]
        self.s_last = slot["last_name"]
        self.s_email = slot.get("work_email", -1)
        self.s_unit = slot.get("unit_code", -1)
        self.s_manager = slot.get("line_manager", -1)
        self.s_days = slot.get("days_per_week", -1)
        self.s_hours = slot.get("hours_per_week", -1)
        self.s_working = slot.get("working_days", -1)
        self.s_start = slot.get("start_date", -1)
        self.s_bank_holidays = slot.get("works_bank_holidays", -1)
        self.units = units
        self.days = _remembered(_parse_days)
        self.hours = _remembered(_parse_hours)
        self.working = _remembered(working_pattern.parse)
        self.dates = _remembered(_parse_date)
        self.bank_holidays = _remembered(working_pattern.parse_bank_holidays)
        self.plain_text_hint = _("save the file again as plain text")
        self.remove_hint = _("remove it from the file")
        self.missing_message = _("is missing")
        self.bad_rows = 0

    def check(self, line: int, raw: list[str]) -> tuple[Any, ...] | None:
        """The staging row for ``raw``, or ``None`` for a blank line."""
        if len(raw) >= self.width:
            cells = [raw[index].strip() for index in self.indexes]
        else:
            cells = [raw[index].strip() if index < len(raw) else "" for index in self.indexes]
        if not any(cells) and not any(cell.strip() for cell in raw):
            return None
        seen = cells[self.s_number]
        problems: list[tuple[str, str]] = []
        joined = "".join(cells)
        if not (
            joined.isprintable() and (joined.isascii() or unicodedata.is_normalized("NFC", joined))
        ):
            # The text rule, as for a single line (shared/text.py), but strict: a character
            # that is not text is a problem with the row, since removing it could turn one
            # staff number into another's. The row is still checked without it.
            for position, name in enumerate(self.names):
                try:
                    cells[position] = clean_text(cells[position], multiline=False, strict=True)
                except TextRuleError as error:
                    hint = (
                        self.plain_text_hint
                        if error.code == "control_character"
                        else self.remove_hint
                    )
                    problems.append((HEADINGS[name], f"{error.reason}; {hint}"))
                    cells[position] = scrub_text(cells[position], multiline=False)
        number, first, last = cells[self.s_number], cells[self.s_first], cells[self.s_last]
        if not number:
            problems.append((HEADINGS["staff_number"], self.missing_message))
        if not first:
            problems.append((HEADINGS["first_name"], self.missing_message))
        if not last:
            problems.append((HEADINGS["last_name"], self.missing_message))
        if len(number) > 40:
            problems.append((HEADINGS["staff_number"], _("must be 40 characters or fewer")))
        if len(first) > 100:
            problems.append((HEADINGS["first_name"], _("must be 100 characters or fewer")))
        if len(last) > 100:
            problems.append((HEADINGS["last_name"], _("must be 100 characters or fewer")))
        email: str | None = None
        if self.s_email >= 0:
            email = cells[self.s_email].lower()
            if email and not _valid_email(email):
                message = _("“%(value)s” is not a valid email address") % {"value": email}
                problems.append((HEADINGS["work_email"], message))
        unit_id: int | None = None
        if self.s_unit >= 0 and cells[self.s_unit]:
            unit_id = self.units.get(cells[self.s_unit])
            if unit_id is None:
                message = _(
                    "“%(value)s” is not a unit of this organisation; add the unit first"
                ) % {"value": cells[self.s_unit]}
                problems.append((HEADINGS["unit_code"], message))
        days = hours = working = start = bank_holidays = None
        if self.s_days >= 0 and cells[self.s_days]:
            days, problem = self.days(cells[self.s_days])
            if problem is not None:
                problems.append((HEADINGS["days_per_week"], problem))
        if self.s_hours >= 0 and cells[self.s_hours]:
            hours, problem = self.hours(cells[self.s_hours])
            if problem is not None:
                problems.append((HEADINGS["hours_per_week"], problem))
        if self.s_working >= 0 and cells[self.s_working]:
            working, problem = self.working(cells[self.s_working])
            if problem is not None:
                problems.append((HEADINGS["working_days"], problem))
        if self.s_start >= 0 and cells[self.s_start]:
            start, problem = self.dates(cells[self.s_start])
            if problem is not None:
                problems.append((HEADINGS["start_date"], problem))
        if self.s_bank_holidays >= 0 and cells[self.s_bank_holidays]:
            bank_holidays, problem = self.bank_holidays(cells[self.s_bank_holidays])
            if problem is not None:
                problems.append((HEADINGS["works_bank_holidays"], problem))
        manager = cells[self.s_manager] if self.s_manager >= 0 else None
        if manager and manager == number:
            problems.append(
                (HEADINGS["line_manager"], _("A person cannot be their own line manager"))
            )
        if problems:
            self.bad_rows += 1
            blank = [None] * (len(STAGED) - 4)
            return (line, _escape_number(seen), 0, *blank, json.dumps(problems, ensure_ascii=False))
        return (
            line,
            number,
            1,
            first,
            last,
            email,
            unit_id,
            manager,
            days,
            hours,
            working,
            start,
            bank_holidays,
            None,
        )


def _text_stream(upload: IO[bytes]) -> io.TextIOWrapper:
    return io.TextIOWrapper(upload, encoding="utf-8-sig", newline="")


class RowTooLong(csv.Error):
    """A row longer than ``MAX_ROW_CHARACTERS``: the file is read no further."""

    def __init__(self, line: int, limit: int) -> None:
        super().__init__(f"line {line} is longer than {limit} characters")
        self.line = line
        self.limit = limit


def _line_break(line: str) -> int:
    """How many characters at the end of ``line`` are its line break."""
    if line.endswith("\r\n"):
        return 2
    return 1 if line.endswith(("\n", "\r")) else 0


class BoundedReader:
    """The csv module's reader over a text stream, holding at most one row of bounded size.

    Iterating a text stream reads each line whole, however long it is: a 200 MB file with
    no line breaks would be in memory, as bytes and as text, before the csv module saw a
    cell of it. Lines are read with a limit instead, and a row longer than
    ``MAX_ROW_CHARACTERS`` (counting every line of it when a quoted cell runs over several,
    but not its final line break) stops the reading with ``RowTooLong``. Memory is then
    bounded by the longest allowed row, whatever the file.
    """

    def __init__(self, stream: IO[str], limit: int | None = None) -> None:
        self.stream = stream
        self.limit = MAX_ROW_CHARACTERS if limit is None else limit
        self.used = 0
        self.start = 1
        self.reader = csv.reader(self._lines())

    def _lines(self) -> Iterator[str]:
        readline, limit = self.stream.readline, self.limit
        size = limit + 2  # a row of exactly the limit still fits with its "\r\n"
        while line := readline(size):
            self.used += len(line)
            if self.used > limit and self.used - _line_break(line) > limit:
                raise RowTooLong(self.start, limit)
            yield line

    def __iter__(self) -> Iterator[list[str]]:
        reader = self.reader
        for row in reader:
            yield row
            self.used, self.start = 0, reader.line_num + 1

    def next_row(self) -> list[str]:
        """The first row (the headings), read before the rest are iterated."""
        row = next(self.reader)
        self.used, self.start = 0, self.reader.line_num + 1
        return row


def _read_layout(reader: BoundedReader, plan: ImportPlan, early: list[RowError]) -> Layout | None:
    """Match the header row to columns; ``None`` when the rows cannot be read."""
    try:
        header = reader.next_row()
    except StopIteration:
        early.append(RowError(1, "", _("The file is empty.")))
        return None
    positions: dict[str, int] = {}
    for index, heading in enumerate(header):
        key = _normalise_header(heading)
        column = next((name for name, spellings in COLUMNS.items() if key in spellings), None)
        if column is None:
            if heading.strip():
                plan.ignored_columns.append(heading.strip())
        elif column in positions:
            early.append(RowError(1, heading, _("This column appears more than once.")))
        else:
            positions[column] = index
    missing = [HEADINGS[name] for name in REQUIRED if name not in positions]
    if missing:
        early.append(
            RowError(
                1, ", ".join(missing), _("The file has no column for this. Check the header row.")
            )
        )
        return None
    return Layout(positions)


def _file_problem(exc: Exception) -> RowError:
    if isinstance(exc, RowTooLong):
        message = _(
            "This row is longer than %(limit)s characters, so the file was read no further. "
            "Check that it is a CSV file with one row a line, and that every quote that opens "
            "a cell also closes it."
        ) % {"limit": f"{exc.limit:,}"}
        return RowError(exc.line, "", message)
    if isinstance(exc, UnicodeDecodeError):
        return RowError(0, "", _("The file is not UTF-8 text. Save it as “CSV UTF-8”."))
    return RowError(0, "", _("The file could not be read as CSV: %(e)s") % {"e": exc})


def _staged_rows(
    reader: BoundedReader, checker: _RowChecker, plan: ImportPlan, unreadable: list[RowError]
) -> Iterator[tuple[Any, ...]]:
    """Each non-blank row of the file, checked, as it is read.

    A file that cannot be read to the end just stops here, with the reason in
    ``unreadable``, so that staging (a COPY, say) ends cleanly rather than half-way.
    """
    try:
        lines = reader.reader
        for raw in reader:
            staged = checker.check(lines.line_num, raw)
            if staged is not None:
                plan.rows_read += 1
                yield staged
    except (UnicodeDecodeError, csv.Error) as exc:
        unreadable.append(_file_problem(exc))


# --- Checks across rows, in SQL on either engine's staging tables -------------------------


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


class _Errors:
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


def _cross_row_checks(
    db: StagingDb, errors: _Errors, *, bad_rows: int, mark_missing_as_left: bool
) -> None:
    """The second and third rounds of docs/staff-import.md, and the first round's problems.

    Problems go to ``errors``; a clean file costs one query here (two with the third round).
    """
    manager_column = HEADINGS["line_manager"]
    managers: dict[str, str] = {}
    lines: dict[str, int] = {}
    for kind, line, value, extra in db.rows(_across_rows_sql(db.existing)):
        if kind == "duplicate":
            message = _("“%(value)s” already appears on line %(first)s")
            errors.add(
                line, HEADINGS["staff_number"], 0, message % {"value": value, "first": extra}
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


def _collect_errors(db: StagingDb, errors: _Errors, plan: ImportPlan) -> None:
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


# --- Marking the missing as left: how many, what it ends, and the limit -------------------


def leavers_limit(in_post: int) -> int:
    """The most people one import may mark as left without being forced.

    A share of the people in post (``STAFF_IMPORT_LEAVERS_LIMIT_PERCENT``) and never fewer
    than ``STAFF_IMPORT_LEAVERS_LIMIT_MIN``, so that a small organisation's ordinary leavers
    pass, while a partial file given as a complete one (one row marking everyone else as
    left) is stopped. See docs/staff-import.md, "Marking staff as left".
    """
    share = in_post * settings.STAFF_IMPORT_LEAVERS_LIMIT_PERCENT // 100
    return max(settings.STAFF_IMPORT_LEAVERS_LIMIT_MIN, share)


_GONE = (
    "gone AS (SELECT e.id FROM {existing} e WHERE e.status = %s "
    "AND NOT EXISTS (SELECT 1 FROM import_rows p WHERE p.number = e.number))"
)


def _count_leaving(db: StagingDb, plan: ImportPlan) -> None:
    """How many are in post, and how many of them the file leaves out: one query."""
    in_post, leaving = db.one(
        "SELECT count(*), count(*) - count(p.line) "  # noqa: S608 - fixed SQL fragments; values are parameters
        f"FROM {db.existing} e LEFT JOIN import_rows p ON p.number = e.number "
        "WHERE e.status = %s",
        [StaffStatus.ACTIVE.value],
    )
    plan.marking_left = True
    plan.in_post, plan.marked_left = int(in_post), int(leaving)
    plan.left_limit = leavers_limit(plan.in_post)


def _count_ties(db: StagingDb, plan: ImportPlan, organisation: Organisation) -> None:
    """How many passport shares and deputyships the leaving would end: counts, never who."""
    db.add_ties(open_ties(organisation_id=organisation.pk, on=timezone.localdate()))
    ending = dict(
        db.rows(
            f"WITH {_GONE.format(existing=db.existing)} "  # noqa: S608 - fixed SQL fragments; values are parameters
            "SELECT t.kind, count(*) FROM import_ties t "
            "WHERE t.a IN (SELECT id FROM gone) OR t.b IN (SELECT id FROM gone) GROUP BY t.kind",
            [StaffStatus.ACTIVE.value],
        )
    )
    plan.ties_counted = True
    plan.shares_ending = int(ending.get("share", 0))
    plan.deputyships_ending = int(ending.get("deputyship", 0))


def shares_shown(count: int) -> str:
    """The number of passport shares leaving ends, as HR may see it.

    A share says that someone is a carer, and HR sees the staff numbers of those marked
    as left, so a small count would point at people (trust rule 3). Under five, zero
    included, it reads "fewer than 5" (trust rule 4), so that even "none" gives nothing away.
    """
    return str(Count(count if count >= SUPPRESS_BELOW else None))


def _leaving_refused(plan: ImportPlan, write_as: WriteAs) -> RowError | None:
    """Why the people to mark as left cannot be marked, if they cannot; ``None`` if they can."""
    count = plan.marked_left
    if plan.left_above_limit and not write_as.left_forced:
        message = ngettext(
            "This file would mark %(count)s of the %(in_post)s people in post as left, more "
            "than the limit of %(limit)s person without forcing it. Check that the file lists "
            "everyone currently employed. Nothing was imported.",
            "This file would mark %(count)s of the %(in_post)s people in post as left, more "
            "than the limit of %(limit)s people without forcing it. Check that the file lists "
            "everyone currently employed. Nothing was imported.",
            plan.left_limit,
        ) % {"count": count, "in_post": plan.in_post, "limit": plan.left_limit}
        return RowError(0, "", message)
    confirmed = write_as.left_confirmed
    if confirmed is None and count:
        message = ngettext(
            "This file would mark %(count)s person as left, and that was not confirmed. "
            "Nothing was imported.",
            "This file would mark %(count)s people as left, and that number was not "
            "confirmed. Nothing was imported.",
            count,
        ) % {"count": count}
        return RowError(0, "", message)
    if confirmed is not None and confirmed != count:
        message = ngettext(
            "This file would now mark %(count)s person as left, not the %(confirmed)s that "
            "were confirmed. Nothing was imported.",
            "This file would now mark %(count)s people as left, not the %(confirmed)s that "
            "were confirmed. Nothing was imported.",
            count,
        ) % {"count": count, "confirmed": confirmed}
        return RowError(0, "", message)
    return None


# --- Comparing a row with the record on file (both engines' previews, the chunked writes) --


def supplied_values(layout: Layout, row: Sequence[Any]) -> dict[str, Any]:
    """The values a staged row gives, by field: what is absent leaves the record alone."""
    supplied: dict[str, Any] = {"first_name": row[3], "last_name": row[4]}
    if layout.has("work_email"):
        supplied["work_email"] = row[5]
    if layout.has("unit_code"):
        supplied["unit_id"] = row[6]
    for key, value in (
        ("days_per_week", row[8]),
        ("hours_per_week", row[9]),
        ("working_days", row[10]),
        ("works_bank_holidays", row[12]),
    ):
        if value is not None:
            supplied[key] = value
    if layout.has("start_date"):
        supplied["start_date"] = row[11]
    return supplied


def compare(
    *, current: dict[str, Any], current_manager: str, supplied: dict[str, Any], manager: str | None
) -> tuple[dict[str, Any], dict[str, tuple[Any, Any]]]:
    """The record's values after the import, and what changes as (old, new)."""
    wanted = {**current, **supplied, "status": StaffStatus.ACTIVE.value}
    changes = {key: (current[key], value) for key, value in wanted.items() if current[key] != value}
    if manager is not None and current_manager != manager:
        changes["line_manager"] = (current_manager, manager)
    return wanted, changes


def jsonable(changes: dict[str, tuple[Any, Any]]) -> dict[str, list[str]]:
    """Changes as the audit keeps them: text, with an empty value as ``""``."""
    return {
        key: [str(old) if old is not None else "", str(new) if new is not None else ""]
        for key, (old, new) in changes.items()
    }


def shown(name: str, value: Any, unit_codes: dict[int, str]) -> str:
    """A value as the preview page shows it."""
    if name == "working_days":
        return working_pattern.describe(value)
    if name == "works_bank_holidays":
        return str(BankHolidayWork(value).label)
    if value is None or value == "":
        return "—"
    if name == "unit_id":
        return unit_codes.get(value, str(value))
    return str(value)


def preview_added(row: Sequence[Any], unit_codes: dict[int, str]) -> dict[str, Any]:
    return {
        "line": row[0],
        "staff_number": row[1],
        "name": f"{row[3]} {row[4]}",
        "unit": shown("unit_id", row[6], unit_codes),
        "line_manager": row[7] or "—",
    }


def preview_updated(
    row: Sequence[Any],
    wanted: dict[str, Any],
    changes: dict[str, tuple[Any, Any]],
    unit_codes: dict[int, str],
) -> dict[str, Any]:
    return {
        "line": row[0],
        "staff_number": row[1],
        "name": f"{wanted['first_name']} {wanted['last_name']}",
        "changes": [
            {
                "field": str(FIELD_LABELS[key]),
                "old": shown(key, old, unit_codes),
                "new": shown(key, new, unit_codes),
            }
            for key, (old, new) in changes.items()
        ],
    }


def summary_for(plan: ImportPlan, file_name: str) -> str:
    counts = plan.counts()
    return (
        f"Staff import {file_name}: {counts['add']} added, {counts['update']} updated, "
        f"{counts['unchanged']} unchanged, {counts['mark_left']} marked as left"
    )


# --- The two entry points -----------------------------------------------------------------


class EngineRun(Protocol):
    """One engine's handling of one file (see ``postgres``, ``chunked``)."""

    @property
    def db(self) -> StagingDb: ...

    def stage(self, rows: Iterator[tuple[Any, ...]]) -> None: ...

    def preview(self, plan: ImportPlan) -> None: ...

    def write(self, plan: ImportPlan, write_as: WriteAs) -> None: ...

    def close(self) -> None: ...

    def discard(self) -> None: ...


def _engine_run(
    engine: Engine,
    *,
    organisation: Organisation,
    layout: Layout,
    units: dict[str, int],
    mark_missing_as_left: bool,
) -> EngineRun:
    """PostgreSQL's set-based engine on PostgreSQL; the chunked one anywhere else."""
    if engine == "auto":
        engine = "postgres" if connection.vendor == "postgresql" else "chunked"
    options: dict[str, Any] = {
        "organisation": organisation,
        "layout": layout,
        "unit_codes": {pk: code for code, pk in units.items()},
        "mark_missing_as_left": mark_missing_as_left,
    }
    if engine == "postgres":
        from organisations.staff_import.postgres import PostgresRun

        return PostgresRun(**options)
    from organisations.staff_import.chunked import ChunkedRun

    return ChunkedRun(**options)


def _run(
    *,
    organisation: Organisation,
    upload: IO[bytes],
    mark_missing_as_left: bool,
    engine: Engine,
    write_as: WriteAs | None,
) -> ImportPlan:
    plan = ImportPlan()
    early: list[RowError] = []
    stream = _text_stream(upload)
    try:
        reader = BoundedReader(stream)
        try:
            layout = _read_layout(reader, plan, early)
        except (UnicodeDecodeError, csv.Error) as exc:
            return _unreadable(plan, early, _file_problem(exc))
        if layout is None:
            plan.errors = sorted(early, key=lambda e: (e.line, e.column))
            plan.error_count = len(plan.errors)
            return plan
        units = dict(Unit.objects.filter(organisation=organisation).values_list("code", "pk"))
        run = _engine_run(
            engine,
            organisation=organisation,
            layout=layout,
            units=units,
            mark_missing_as_left=mark_missing_as_left,
        )
        try:
            _check_and_apply(
                run,
                reader=reader,
                layout=layout,
                units=units,
                plan=plan,
                early=early,
                organisation=organisation,
                mark_missing_as_left=mark_missing_as_left,
                write_as=write_as,
            )
        except BaseException:
            run.discard()
            raise
        run.close()
    finally:
        # Leave the caller's file open: it may be read again (preview, then store).
        stream.detach()
    return plan


def _check_and_apply(
    run: EngineRun,
    *,
    reader: BoundedReader,
    layout: Layout,
    units: dict[str, int],
    plan: ImportPlan,
    early: list[RowError],
    organisation: Organisation,
    mark_missing_as_left: bool,
    write_as: WriteAs | None,
) -> None:
    checker = _RowChecker(layout, units)
    unreadable: list[RowError] = []
    run.stage(_staged_rows(reader, checker, plan, unreadable))
    if unreadable:
        _unreadable(plan, early, unreadable[0])
        return
    errors = _Errors(run.db)
    for seq, error in enumerate(early):
        errors.add(error.line, error.column, seq, error.message)
    _cross_row_checks(
        run.db, errors, bad_rows=checker.bad_rows, mark_missing_as_left=mark_missing_as_left
    )
    _collect_errors(run.db, errors, plan)
    if not plan.ok:
        return
    if write_as is None:
        run.preview(plan)
        if mark_missing_as_left:
            _count_leaving(run.db, plan)
            if plan.marked_left:
                _count_ties(run.db, plan, organisation)
        return
    forced = False
    if mark_missing_as_left:
        # Checked again here, as it is written: records may have changed since the preview.
        _count_leaving(run.db, plan)
        refused = _leaving_refused(plan, write_as)
        if refused is not None:
            plan.errors, plan.error_count = [refused], 1
            return
        forced = plan.left_above_limit
    run.write(plan, write_as)
    audit_record(
        actor=write_as.by,
        action=Action.UPDATE,
        channel=write_as.channel,
        target=organisation,
        organisation_id=organisation.pk,
        summary=summary_for(plan, write_as.file_name),
        changes={"counts": plan.counts(), **({"left_forced": True} if forced else {})},
    )


def _unreadable(plan: ImportPlan, early: list[RowError], problem: RowError) -> ImportPlan:
    """The file cannot be read to the end: report that, and nothing about its rows."""
    plan.errors = [*early, problem]
    plan.error_count = len(plan.errors)
    return plan


def plan_import(
    *,
    organisation: Organisation,
    upload: IO[bytes],
    mark_missing_as_left: bool = False,
    engine: Engine = "auto",
) -> ImportPlan:
    """Read the whole file and work out what it would change, without writing anything."""
    with transaction.atomic():
        return _run(
            organisation=organisation,
            upload=upload,
            mark_missing_as_left=mark_missing_as_left,
            engine=engine,
            write_as=None,
        )


def apply_import(
    *,
    organisation: Organisation,
    upload: IO[bytes],
    by: User | None,
    channel: Channel = Channel.IMPORT,
    mark_missing_as_left: bool = False,
    left_confirmed: int | None = None,
    left_forced: bool = False,
    file_name: str = "",
    engine: Engine = "auto",
) -> ImportPlan:
    """Check the file again and, if it is clean, write it all in one transaction.

    Marking the missing as left needs ``left_confirmed``, the number of people the person
    importing agreed to mark as left (from the preview, or the command's prompt), and
    ``left_forced`` when that is more than ``leavers_limit`` allows. If the file would now
    mark a different number, or too many without force, nothing is written.
    """
    with transaction.atomic():
        # Lock the organisation row so two imports into one organisation run one after the
        # other, and a single edit (which takes the same lock) waits for the import.
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        plan = _run(
            organisation=organisation,
            upload=upload,
            mark_missing_as_left=mark_missing_as_left,
            engine=engine,
            write_as=WriteAs(
                by=by,
                channel=channel,
                file_name=file_name,
                left_confirmed=left_confirmed,
                left_forced=left_forced,
            ),
        )
        if plan.ok and (plan.updated or plan.marked_left):
            # A new line manager or a leaver ends passport sharing, and the carer is asked again.
            end_stale_ties(organisation_id=organisation.pk, left_by_import=plan.marked_left > 0)
        if plan.ok and plan.updated:
            # Someone put back in post, or given back their manager, by a corrected file.
            restore_after_import(organisation_id=organisation.pk)
    return plan
