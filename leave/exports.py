"""The leave export for HR and payroll as CSV and XLSX files, written as the rows are read.

An NHS trust has tens of thousands of staff, so neither file is built whole in memory: the
CSV goes out line by line, and the XLSX is written by openpyxl's write-only mode (rows go
straight to a temporary file) and then sent from that file in blocks. Every cell goes through
``shared.spreadsheets.safe_cell``, so typed text never runs as a formula.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Iterator
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook

from leave.models import DayPart
from leave.payroll import LeaveRow
from shared.spreadsheets import safe_cell

_BLOCK = 64 * 1024


def headers() -> list[str]:
    return [
        _("Reference"),
        _("Staff number"),
        _("Name"),
        _("Unit"),
        _("First day"),
        _("Last day"),
        _("Days"),
        _("Day parts"),
        _("Hours"),
        _("Status"),
        _("Kind of leave"),
        _("Last changed"),
    ]


def _parts(row: LeaveRow) -> str:
    return "; ".join(f"{day.isoformat()} {DayPart(part).label}" for day, part in row.parts)


def cells(row: LeaveRow) -> list[str]:
    return [
        safe_cell(value)
        for value in (
            row.reference,
            row.staff_number,
            row.name,
            row.unit,
            row.first_day,
            row.last_day,
            str(row.days),
            _parts(row),
            str(row.hours),
            row.status_label,
            row.kind_label,
            row.updated_at.isoformat(timespec="seconds"),
        )
    ]


class _Line:
    """A file-like object whose ``write`` hands back what ``csv.writer`` wrote."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[LeaveRow]) -> Iterator[str]:
    writer: Any = csv.writer(_Line())
    # A byte-order mark, so Excel opens the file as UTF-8 (names with accents).
    yield "\ufeff" + writer.writerow(headers())
    for row in rows:
        yield writer.writerow(cells(row))


def xlsx_blocks(rows: Iterable[LeaveRow], *, title: str) -> Iterator[bytes]:
    """The workbook, written to a temporary file row by row, then read back in blocks."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title)
    sheet.append(headers())
    for row in rows:
        sheet.append(cells(row))
    with tempfile.TemporaryFile() as file:
        workbook.save(file)
        file.seek(0)
        while block := file.read(_BLOCK):
            yield block
