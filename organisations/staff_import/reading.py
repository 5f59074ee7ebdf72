"""Reading the file: as text, a row at a time with a bound on each, the headings first."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from typing import IO, Any

from django.utils.translation import gettext as _

from organisations.staff_import.columns import COLUMNS, HEADINGS, REQUIRED, Layout, RowChecker
from organisations.staff_import.plan import ImportPlan, RowError

#: The longest row read, in characters, counting every line of a row whose quoted cell runs
#: over several: memory holds at most one such row, whatever the file (docs/staff-import.md).
#: A row of an HR extract is 80 to 400 characters; a spreadsheet cell holds 32,767 at most.
MAX_ROW_CHARACTERS = 64 * 1024


def text_stream(upload: IO[bytes]) -> io.TextIOWrapper:
    """The upload as text, without the byte order mark that Excel's "CSV UTF-8" starts with."""
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


def _normalise_header(text: str) -> str:
    return re.sub(r"[\s_\-]+", "", text.strip().lower())


def read_layout(reader: BoundedReader, plan: ImportPlan, early: list[RowError]) -> Layout | None:
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


def file_problem(exc: Exception) -> RowError:
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


def staged_rows(
    reader: BoundedReader, checker: RowChecker, plan: ImportPlan, unreadable: list[RowError]
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
        unreadable.append(file_problem(exc))
