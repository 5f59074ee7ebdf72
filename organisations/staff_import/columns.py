"""The file's columns, and the checks that need only one row.

Which headings name which column, the fields a record is compared on, the staging table's
columns, and ``RowChecker``: the first round of docs/staff-import.md, in Python, the
same code for every database.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from organisations import working_pattern
from shared.text import TextRuleError, clean_text, scrub_text

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
COMPARED = (
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
#: Columns of the staging table, in this order everywhere (see `RowChecker.check`).
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


@dataclass(frozen=True)
class Layout:
    """Which columns the file has, and where: a missing optional column changes nothing.

    ``profile`` names the file's layout (``profiles``): ``generic``, or ``esr`` for an NHS
    Electronic Staff Record extract with one row per assignment.
    """

    positions: dict[str, int]
    profile: str = "generic"
    #: Fields the file gives through another column: an ESR extract's line managers come
    #: from its Supervisor Assignment Number column.
    implied: frozenset[str] = frozenset()

    def has(self, name: str) -> bool:
        return name in self.positions or name in self.implied


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


def parse_date(raw: str) -> date:
    """A date in one of the generic profile's two formats."""
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(raw, fmt).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
    raise ValueError(_("must be a date written as YYYY-MM-DD or DD/MM/YYYY"))


#: A plain address that Django's validate_email certainly accepts (a strict subset of it),
#: so only unusual addresses pay for the full check.
_PLAIN_EMAIL = re.compile(
    r"[-!#$%&'*+/=?^_`{}|~0-9a-z]+(?:\.[-!#$%&'*+/=?^_`{}|~0-9a-z]+)*"
    r"@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*"
    r"\.[a-z]{2,63}"
)


def _valid_email(email: str) -> bool:
    if len(email) <= 320 and _PLAIN_EMAIL.fullmatch(email):
        return True
    try:
        validate_email(email)
    except ValidationError:
        return False
    return True


def remembered(parse: Callable[[str], Any]) -> Callable[[str], tuple[Any, str | None]]:
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


def escape_number(number: str) -> str:
    """A staff number that can be stored as text, distinct for distinct numbers.

    PostgreSQL text cannot hold NUL, which only ever appears in a row that is wrong anyway;
    the escape keeps repeated numbers in such rows comparable (``\\x01`` is escaped too).
    """
    if "\x00" in number or "\x01" in number:
        return number.replace("\x01", "\x01\x01").replace("\x00", "\x01\x02")
    return number


class RowChecker:
    """The checks that need only one row (docs/staff-import.md, the first round).

    ``check`` returns the row for the staging table (see ``STAGED``): for a good row its
    parsed values, where ``None`` means "keep the current value" for a column the file
    does not have and for a blank working-pattern cell; for a row with problems only its
    line, its staff number as written and its problems, as JSON [[column, message], ...].
    """

    def __init__(
        self,
        layout: Layout,
        units: dict[str, int],
        *,
        headings: dict[str, str] | None = None,
        parse_start: Callable[[str], date] = parse_date,
    ) -> None:
        self.headings = HEADINGS if headings is None else headings
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
        self.days = remembered(_parse_days)
        self.hours = remembered(_parse_hours)
        self.working = remembered(working_pattern.parse)
        self.dates = remembered(parse_start)
        self.bank_holidays = remembered(working_pattern.parse_bank_holidays)
        self.plain_text_hint = _("save the file again as plain text")
        self.remove_hint = _("remove it from the file")
        self.missing_message = _("is missing")
        self.bad_rows = 0

    def check(self, line: int, raw: list[str]) -> tuple[Any, ...] | None:
        """The staging row for ``raw``, or ``None`` for a blank line."""
        cells = self.cells(raw)
        if cells is None:
            return None
        problems: list[tuple[str, str]] = []
        seen = cells[self.s_number]
        values = self.values(cells, problems)
        if problems:
            self.bad_rows += 1
            blank = [None] * (len(STAGED) - 4)
            return (line, escape_number(seen), 0, *blank, json.dumps(problems, ensure_ascii=False))
        return (line, values[0], 1, *values[1:], None)

    def cells(self, raw: list[str]) -> list[str] | None:
        """The cells of the layout's columns, stripped; ``None`` for a blank line."""
        if len(raw) >= self.width:
            cells = [raw[index].strip() for index in self.indexes]
        else:
            cells = [raw[index].strip() if index < len(raw) else "" for index in self.indexes]
        if not any(cells) and not any(cell.strip() for cell in raw):
            return None
        return cells

    def values(self, cells: list[str], problems: list[tuple[str, str]]) -> tuple[Any, ...]:
        """The row's values (``STAGED`` from number to bank holidays), its problems added.

        Cells that break the text rule are replaced in ``cells`` by their scrubbed text.
        """
        headings = self.headings
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
                    problems.append((headings[name], f"{error.reason}; {hint}"))
                    cells[position] = scrub_text(cells[position], multiline=False)
        number, first, last = cells[self.s_number], cells[self.s_first], cells[self.s_last]
        if not number:
            problems.append((headings["staff_number"], self.missing_message))
        if not first:
            problems.append((headings["first_name"], self.missing_message))
        if not last:
            problems.append((headings["last_name"], self.missing_message))
        if len(number) > 40:
            problems.append((headings["staff_number"], _("must be 40 characters or fewer")))
        if len(first) > 100:
            problems.append((headings["first_name"], _("must be 100 characters or fewer")))
        if len(last) > 100:
            problems.append((headings["last_name"], _("must be 100 characters or fewer")))
        email: str | None = None
        if self.s_email >= 0:
            email = cells[self.s_email].lower()
            if email and not _valid_email(email):
                message = _("“%(value)s” is not a valid email address") % {"value": email}
                problems.append((headings["work_email"], message))
        unit_id: int | None = None
        if self.s_unit >= 0 and cells[self.s_unit]:
            unit_id = self.units.get(cells[self.s_unit])
            if unit_id is None:
                message = _(
                    "“%(value)s” is not a unit of this organisation; add the unit first"
                ) % {"value": cells[self.s_unit]}
                problems.append((headings["unit_code"], message))
        days = hours = working = start = bank_holidays = None
        if self.s_days >= 0 and cells[self.s_days]:
            days, problem = self.days(cells[self.s_days])
            if problem is not None:
                problems.append((headings["days_per_week"], problem))
        if self.s_hours >= 0 and cells[self.s_hours]:
            hours, problem = self.hours(cells[self.s_hours])
            if problem is not None:
                problems.append((headings["hours_per_week"], problem))
        if self.s_working >= 0 and cells[self.s_working]:
            working, problem = self.working(cells[self.s_working])
            if problem is not None:
                problems.append((headings["working_days"], problem))
        if self.s_start >= 0 and cells[self.s_start]:
            start, problem = self.dates(cells[self.s_start])
            if problem is not None:
                problems.append((headings["start_date"], problem))
        if self.s_bank_holidays >= 0 and cells[self.s_bank_holidays]:
            bank_holidays, problem = self.bank_holidays(cells[self.s_bank_holidays])
            if problem is not None:
                problems.append((headings["works_bank_holidays"], problem))
        manager = cells[self.s_manager] if self.s_manager >= 0 else None
        if manager and manager == number:
            problems.append(
                (headings["line_manager"], _("A person cannot be their own line manager"))
            )
        return (
            number,
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
        )
