"""Staff import from a CSV extract: parse, validate, preview and apply (issue 2, item 4).

The layout is documented in ``docs/staff-import.md``. The whole file is checked before
anything is written; if any row is wrong nothing is written and every error is reported
with its line, column and reason. Applying is one transaction using bulk statements, so
the number of queries grows with the number of batches, not rows.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from accounts.models import User
from audit.models import Action, Channel
from audit.services import audit_record, audit_record_many
from organisations import working_pattern
from organisations.models import Organisation, StaffRecord, StaffStatus, Unit
from passports.services import shares_close_stale

BATCH = 1000
#: NUL and other control characters cannot be stored in PostgreSQL text (tab is allowed).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

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
    "status": _lazy("Status"),
}
DEFAULT_DAYS = Decimal("5.0")
DEFAULT_HOURS = Decimal("37.50")
_COMPARED = (
    "first_name",
    "last_name",
    "work_email",
    "unit_id",
    "days_per_week",
    "hours_per_week",
    "working_days",
    "start_date",
    "status",
)


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str


@dataclass
class ParsedRow:
    """One good row. ``supplied`` holds only the fields the file gives a value for:
    a column the file does not have, or a blank working-pattern cell, leaves the
    current value alone (docs/staff-import.md, "Blank cells and missing columns").
    """

    line: int
    staff_number: str
    supplied: dict[str, Any]
    line_manager: str | None

    def values_for_new_record(self) -> dict[str, Any]:
        return {**NEW_RECORD_DEFAULTS, **self.supplied, "status": StaffStatus.ACTIVE}

    def values_over(self, current: dict[str, Any]) -> dict[str, Any]:
        return {**current, **self.supplied, "status": StaffStatus.ACTIVE}


NEW_RECORD_DEFAULTS: dict[str, Any] = {
    "work_email": "",
    "unit_id": None,
    "days_per_week": DEFAULT_DAYS,
    "hours_per_week": DEFAULT_HOURS,
    "working_days": working_pattern.MONDAY_TO_FRIDAY,
    "start_date": None,
}


@dataclass
class ImportPlan:
    """What applying a file would do; errors mean it must not be applied."""

    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    to_add: list[ParsedRow] = field(default_factory=list)
    #: (row, what changes as (old, new), the full values after the change)
    to_update: list[tuple[ParsedRow, dict[str, tuple[Any, Any]], dict[str, Any]]] = field(
        default_factory=list
    )
    unchanged: int = 0
    to_mark_left: list[str] = field(default_factory=list)
    rows_read: int = 0
    unit_codes: dict[int, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def preview(self, limit: int = 100) -> dict[str, Any]:
        """What HR sees before confirming: the first ``limit`` rows of each kind."""

        def shown(name: str, value: Any) -> str:
            if name == "working_days":
                return working_pattern.describe(value)
            if value is None or value == "":
                return "—"
            if name == "unit_id":
                return self.unit_codes.get(value, str(value))
            return str(value)

        return {
            "add": [
                {
                    "line": row.line,
                    "staff_number": row.staff_number,
                    "name": f"{row.supplied['first_name']} {row.supplied['last_name']}",
                    "unit": shown("unit_id", row.supplied.get("unit_id")),
                    "line_manager": row.line_manager or "—",
                }
                for row in self.to_add[:limit]
            ],
            "update": [
                {
                    "line": row.line,
                    "staff_number": row.staff_number,
                    "name": f"{values['first_name']} {values['last_name']}",
                    "changes": [
                        {
                            "field": str(FIELD_LABELS[key]),
                            "old": shown(key, old),
                            "new": shown(key, new),
                        }
                        for key, (old, new) in changes.items()
                    ],
                }
                for row, changes, values in self.to_update[:limit]
            ],
            "mark_left": self.to_mark_left[:limit],
            "ignored_columns": self.ignored_columns,
            "limit": limit,
        }

    def counts(self) -> dict[str, int]:
        return {
            "rows": self.rows_read,
            "add": len(self.to_add),
            "update": len(self.to_update),
            "unchanged": self.unchanged,
            "mark_left": len(self.to_mark_left),
            "errors": len(self.errors),
        }


@dataclass
class _Existing:
    pk: int
    values: dict[str, Any]
    manager_number: str
    version: int


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


def _parse_date(raw: str) -> date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(raw, fmt).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
    raise ValueError(_("must be a date written as YYYY-MM-DD or DD/MM/YYYY"))


def _text_stream(upload: IO[bytes]) -> io.TextIOWrapper:
    return io.TextIOWrapper(upload, encoding="utf-8-sig", newline="")


def _rows(stream: IO[str], plan: ImportPlan) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.reader(stream)
    try:
        header = next(reader)
    except StopIteration:
        plan.errors.append(RowError(1, "", _("The file is empty.")))
        return
    positions: dict[str, int] = {}
    for index, heading in enumerate(header):
        key = _normalise_header(heading)
        column = next((name for name, spellings in COLUMNS.items() if key in spellings), None)
        if column is None:
            if heading.strip():
                plan.ignored_columns.append(heading.strip())
        elif column in positions:
            plan.errors.append(RowError(1, heading, _("This column appears more than once.")))
        else:
            positions[column] = index
    missing = [HEADINGS[name] for name in REQUIRED if name not in positions]
    if missing:
        plan.errors.append(
            RowError(
                1, ", ".join(missing), _("The file has no column for this. Check the header row.")
            )
        )
        return
    for raw in reader:
        if not any(cell.strip() for cell in raw):
            continue
        yield (
            reader.line_num,
            {
                name: (raw[index].strip() if index < len(raw) else "")
                for name, index in positions.items()
            },
        )


def _parse_row(
    line: int, cells: dict[str, str], units: dict[str, int], errors: list[RowError]
) -> ParsedRow | None:
    row_errors: list[RowError] = []

    def problem(column: str, message: str) -> None:
        row_errors.append(RowError(line, HEADINGS[column], message))

    for name, value in cells.items():
        if _CONTROL.search(value):
            problem(name, _("contains a control character; save the file again as plain text"))
            cells[name] = _CONTROL.sub("", value)
    for name in REQUIRED:
        if not cells.get(name):
            problem(name, _("is missing"))
    staff_number = cells.get("staff_number", "")
    if len(staff_number) > 40:
        problem("staff_number", _("must be 40 characters or fewer"))
    for name in ("first_name", "last_name"):
        if len(cells.get(name, "")) > 100:
            problem(name, _("must be 100 characters or fewer"))
    email = cells.get("work_email", "").lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            problem("work_email", _("“%(value)s” is not a valid email address") % {"value": email})
    unit_id: int | None = None
    unit_code = cells.get("unit_code", "")
    if unit_code:
        unit_id = units.get(unit_code)
        if unit_id is None:
            problem(
                "unit_code",
                _("“%(value)s” is not a unit of this organisation; add the unit first")
                % {"value": unit_code},
            )
    supplied: dict[str, Any] = {
        "first_name": cells.get("first_name", ""),
        "last_name": cells.get("last_name", ""),
    }
    if "work_email" in cells:
        supplied["work_email"] = email
    if "unit_code" in cells:
        supplied["unit_id"] = unit_id
    if cells.get("days_per_week"):
        try:
            supplied["days_per_week"] = _parse_decimal(
                cells["days_per_week"], Decimal("0.5"), Decimal("7"), 1
            )
        except ValueError as exc:
            problem("days_per_week", str(exc))
    if cells.get("hours_per_week"):
        try:
            supplied["hours_per_week"] = _parse_decimal(
                cells["hours_per_week"], Decimal("0.5"), Decimal("100"), 2
            )
        except ValueError as exc:
            problem("hours_per_week", str(exc))
    if cells.get("working_days"):
        try:
            supplied["working_days"] = working_pattern.parse(cells["working_days"])
        except ValueError as exc:
            problem("working_days", str(exc))
    if "start_date" in cells:
        supplied["start_date"] = None
        if cells["start_date"]:
            try:
                supplied["start_date"] = _parse_date(cells["start_date"])
            except ValueError as exc:
                problem("start_date", str(exc))
    manager = cells.get("line_manager")
    if manager and manager == staff_number:
        problem("line_manager", _("A person cannot be their own line manager"))
    if row_errors:
        errors.extend(row_errors)
        return None
    return ParsedRow(line=line, staff_number=staff_number, supplied=supplied, line_manager=manager)


def _load_existing(organisation: Organisation) -> dict[str, _Existing]:
    existing: dict[str, _Existing] = {}
    rows = StaffRecord.objects.filter(organisation=organisation).values_list(
        "pk", "staff_number", "line_manager__staff_number", "version", *_COMPARED
    )
    for pk, number, manager_number, version, *values in rows.iterator(chunk_size=5000):
        existing[number] = _Existing(
            pk, dict(zip(_COMPARED, values, strict=True)), manager_number or "", version
        )
    return existing


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


def plan_import(
    *, organisation: Organisation, upload: IO[bytes], mark_missing_as_left: bool = False
) -> ImportPlan:
    """Read the whole file and work out what it would change, without writing anything."""
    plan = ImportPlan()
    units = dict(Unit.objects.filter(organisation=organisation).values_list("code", "pk"))
    plan.unit_codes = {pk: code for code, pk in units.items()}
    existing = _load_existing(organisation)
    parsed: dict[str, ParsedRow] = {}
    first_seen: dict[str, int] = {}
    stream = _text_stream(upload)
    try:
        for line, cells in _rows(stream, plan):
            plan.rows_read += 1
            number = cells.get("staff_number", "")
            if number and number in first_seen:
                plan.errors.append(
                    RowError(
                        line,
                        HEADINGS["staff_number"],
                        _("“%(value)s” already appears on line %(first)s")
                        % {"value": number, "first": first_seen[number]},
                    )
                )
                continue
            if number:
                first_seen[number] = line
            row = _parse_row(line, cells, units, plan.errors)
            if row is not None:
                parsed[row.staff_number] = row
    except UnicodeDecodeError:
        plan.errors.append(
            RowError(0, "", _("The file is not UTF-8 text. Save it as “CSV UTF-8”."))
        )
        return plan
    except csv.Error as exc:
        plan.errors.append(
            RowError(0, "", _("The file could not be read as CSV: %(e)s") % {"e": exc})
        )
        return plan
    finally:
        # Leave the caller's file open: it may be read again (preview, then store).
        stream.detach()

    managers = {number: record.manager_number for number, record in existing.items()}
    for number, row in parsed.items():
        if row.line_manager is not None:
            managers[number] = row.line_manager
        if (
            row.line_manager
            and row.line_manager not in first_seen
            and row.line_manager not in existing
        ):
            plan.errors.append(
                RowError(
                    row.line,
                    HEADINGS["line_manager"],
                    _("“%(value)s” is not in this file or already on record")
                    % {"value": row.line_manager},
                )
            )
    for row in parsed.values():
        manager = existing.get(row.line_manager or "")
        if (
            row.line_manager
            and row.line_manager not in parsed
            and manager is not None
            and manager.values["status"] != StaffStatus.ACTIVE
        ):
            plan.errors.append(
                RowError(
                    row.line,
                    HEADINGS["line_manager"],
                    _("“%(value)s” has left, so cannot be a line manager")
                    % {"value": row.line_manager},
                )
            )
    for number, loop in _find_cycles(managers, list(parsed)).items():
        if number in parsed:
            chain = " → ".join([*loop, loop[0]])
            plan.errors.append(
                RowError(
                    parsed[number].line,
                    HEADINGS["line_manager"],
                    _("Line management goes round in a circle: %(chain)s") % {"chain": chain},
                )
            )
    plan.errors.sort(key=lambda e: (e.line, e.column))
    if plan.errors:
        return plan

    for number, row in parsed.items():
        current = existing.get(number)
        if current is None:
            plan.to_add.append(row)
            continue
        wanted = row.values_over(current.values)
        changes = {
            key: (current.values[key], value)
            for key, value in wanted.items()
            if current.values[key] != value
        }
        if row.line_manager is not None and current.manager_number != row.line_manager:
            changes["line_manager"] = (current.manager_number, row.line_manager)
        if row.line_manager is None:
            row.line_manager = current.manager_number
        if changes:
            plan.to_update.append((row, changes, wanted))
        else:
            plan.unchanged += 1
    if mark_missing_as_left:
        plan.to_mark_left = sorted(
            number
            for number, record in existing.items()
            if number not in parsed and record.values["status"] == StaffStatus.ACTIVE
        )
        leaving = set(plan.to_mark_left)
        for row in parsed.values():
            if row.line_manager in leaving:
                plan.errors.append(
                    RowError(
                        row.line,
                        HEADINGS["line_manager"],
                        _(
                            "“%(value)s” is not in the file, so would be marked as left, but still "
                            "manages this person"
                        )
                        % {"value": row.line_manager},
                    )
                )
        if plan.errors:
            plan.to_add, plan.to_update, plan.to_mark_left, plan.unchanged = [], [], [], 0
    return plan


def _jsonable(changes: dict[str, tuple[Any, Any]]) -> dict[str, list[str]]:
    return {
        key: [str(old) if old is not None else "", str(new) if new is not None else ""]
        for key, (old, new) in changes.items()
    }


def apply_import(
    *,
    organisation: Organisation,
    upload: IO[bytes],
    by: User | None,
    channel: Channel = Channel.IMPORT,
    mark_missing_as_left: bool = False,
    file_name: str = "",
) -> ImportPlan:
    """Check the file again and, if it is clean, write it all in one transaction."""
    with transaction.atomic():
        # Lock the organisation row so two imports into one organisation run one after the other.
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        plan = plan_import(
            organisation=organisation, upload=upload, mark_missing_as_left=mark_missing_as_left
        )
        if not plan.ok:
            return plan
        _write(organisation=organisation, plan=plan, by=by, channel=channel, file_name=file_name)
        # A new line manager or a leaver ends passport sharing, and the carer is asked again.
        shares_close_stale(organisation_id=organisation.pk)
    return plan


def _write(
    *,
    organisation: Organisation,
    plan: ImportPlan,
    by: User | None,
    channel: Channel,
    file_name: str,
) -> None:
    today = timezone.localdate()
    new_records = [
        StaffRecord(
            organisation=organisation, staff_number=row.staff_number, **row.values_for_new_record()
        )
        for row in plan.to_add
    ]
    StaffRecord.objects.bulk_create(new_records, batch_size=BATCH)

    touched = [row.staff_number for row, _changes, _values in plan.to_update]
    touched_numbers = set(touched) | set(plan.to_mark_left)
    ids: dict[str, int] = {r.staff_number: r.pk for r in new_records}
    needed_managers = {row.line_manager or "" for row in plan.to_add} | {
        row.line_manager or "" for row, _c, _v in plan.to_update
    }
    lookup = (needed_managers | touched_numbers) - set(ids) - {""}
    records_by_number: dict[str, StaffRecord] = {}
    if lookup:
        for record in (
            StaffRecord.objects.filter(organisation=organisation)
            .only("pk", "staff_number", "version", "status")
            .iterator(chunk_size=5000)
        ):
            if record.staff_number in lookup:
                ids[record.staff_number] = record.pk
                records_by_number[record.staff_number] = record

    for record, row in zip(new_records, plan.to_add, strict=True):
        record.line_manager_id = ids.get(row.line_manager) if row.line_manager else None
    StaffRecord.objects.bulk_update(
        [r for r in new_records if r.line_manager_id], ["line_manager"], batch_size=BATCH
    )

    updated: list[StaffRecord] = []
    for row, _changes, values in plan.to_update:
        record = records_by_number[row.staff_number]
        for key, value in values.items():
            setattr(record, key, value)
        record.left_on = None
        record.line_manager_id = ids.get(row.line_manager) if row.line_manager else None
        record.version += 1
        updated.append(record)
    StaffRecord.objects.bulk_update(
        updated, [*_COMPARED, "left_on", "line_manager", "version"], batch_size=BATCH
    )

    left: list[StaffRecord] = []
    for number in plan.to_mark_left:
        record = records_by_number[number]
        record.status = StaffStatus.LEFT
        record.left_on = today
        record.version += 1
        left.append(record)
    StaffRecord.objects.bulk_update(left, ["status", "left_on", "version"], batch_size=BATCH)

    audit_record_many(
        actor=by,
        action=Action.CREATE,
        channel=channel,
        object_type="organisations.staffrecord",
        organisation_id=organisation.pk,
        entries=((str(r.pk), f"Added {r.staff_number} by import", {}) for r in new_records),
    )
    audit_record_many(
        actor=by,
        action=Action.UPDATE,
        channel=channel,
        object_type="organisations.staffrecord",
        organisation_id=organisation.pk,
        entries=(
            (
                str(ids[row.staff_number]),
                f"Updated {row.staff_number} by import",
                _jsonable(changes),
            )
            for row, changes, _values in plan.to_update
        ),
    )
    audit_record_many(
        actor=by,
        action=Action.UPDATE,
        channel=channel,
        object_type="organisations.staffrecord",
        organisation_id=organisation.pk,
        entries=(
            (
                str(r.pk),
                f"Marked {r.staff_number} as left by import",
                {"status": ["active", "left"]},
            )
            for r in left
        ),
    )
    counts = plan.counts()
    audit_record(
        actor=by,
        action=Action.UPDATE,
        channel=channel,
        target=organisation,
        organisation_id=organisation.pk,
        summary=(
            f"Staff import {file_name}: {counts['add']} added, {counts['update']} updated, "
            f"{counts['unchanged']} unchanged, {counts['mark_left']} marked as left"
        ),
        changes={"counts": counts},
    )
