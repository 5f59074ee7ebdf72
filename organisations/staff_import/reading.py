"""Reading the file: as text, a row at a time with a bound on each, the headings first."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from typing import IO, Any

from django.utils.translation import gettext as _

from organisations.staff_import.columns import Layout, RowChecker
from organisations.staff_import.plan import ImportPlan, RowError
from organisations.staff_import.profiles import GENERIC, Profile, detect_profile

#: The longest row read, in characters, counting every line of a row whose quoted cell runs
#: over several: memory holds at most one such row, whatever the file (docs/staff-import.md).
#: A row of an HR extract is 80 to 400 characters; a spreadsheet cell holds 32,767 at most.
MAX_ROW_CHARACTERS = 64 * 1024


class _Joined(io.RawIOBase):
    """The bytes already read from an upload, then the rest of it: the file as it was.

    Closing it leaves the upload open, for the caller to read again.
    """

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        super().__init__()
        self.head = memoryview(head)
        self.rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.head:
            size = min(len(buffer), len(self.head))
            buffer[:size] = self.head[:size]
            self.head = self.head[size:]
            return size
        data = self.rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _first_line(upload: IO[bytes]) -> bytes:
    """The bytes of the file up to its first line break, or its first 64 KiB without one."""
    head = b""
    while len(head) < MAX_ROW_CHARACTERS and b"\n" not in head and b"\r" not in head:
        chunk = upload.read(8192)
        if not chunk:
            break
        head += chunk
    return head


def open_upload(upload: IO[bytes]) -> tuple[io.TextIOWrapper, Profile]:
    """The upload as text, and its profile, told from the heading row.

    The heading row is read as bytes first, to choose the profile and with it the text
    encoding (an ESR extract may be in Windows-1252); then the file is read from its start
    as a stream, as before. The caller detaches the stream to leave ``upload`` open.
    """
    head = _first_line(upload)
    line = re.split(rb"[\r\n]", head, maxsplit=1)[0].removeprefix(codecs.BOM_UTF8)
    try:
        header = next(csv.reader([line.decode("utf-8", "replace")]), [])
    except csv.Error:
        header = []
    profile = detect_profile([_normalise_header(heading) for heading in header])
    raw = io.BufferedReader(_Joined(head, upload), buffer_size=64 * 1024)
    return io.TextIOWrapper(raw, encoding=profile.encoding, newline=""), profile


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


def read_layout(
    reader: BoundedReader, plan: ImportPlan, early: list[RowError], profile: Profile = GENERIC
) -> Layout | None:
    """Match the header row to the profile's columns; ``None`` when the rows cannot be read."""
    try:
        header = reader.next_row()
    except StopIteration:
        early.append(RowError(1, "", _("The file is empty.")))
        return None
    positions: dict[str, int] = {}
    for index, heading in enumerate(header):
        key = _normalise_header(heading)
        column = next(
            (name for name, spellings in profile.columns.items() if key in spellings), None
        )
        if column is None:
            if heading.strip():
                plan.ignored_columns.append(heading.strip())
        elif column in positions:
            early.append(RowError(1, heading, _("This column appears more than once.")))
        else:
            positions[column] = index
    missing = [profile.headings[name] for name in profile.required if name not in positions]
    if missing:
        early.append(
            RowError(
                1, ", ".join(missing), _("The file has no column for this. Check the header row.")
            )
        )
        return None
    implied = frozenset(profile.implies[name] for name in positions if name in profile.implies)
    return Layout(positions, profile.name, implied)


def file_problem(exc: Exception, profile: Profile = GENERIC) -> RowError:
    if isinstance(exc, RowTooLong):
        message = _(
            "This row is longer than %(limit)s characters, so the file was read no further. "
            "Check that it is a CSV file with one row a line, and that every quote that opens "
            "a cell also closes it."
        ) % {"limit": f"{exc.limit:,}"}
        return RowError(exc.line, "", message)
    if isinstance(exc, UnicodeDecodeError):
        if profile.encoding != GENERIC.encoding:
            return RowError(
                0,
                "",
                _(
                    "The file is neither UTF-8 nor Windows-1252 text, or it mixes the two. "
                    "Export it from ESR again, or save it as “CSV UTF-8”."
                ),
            )
        return RowError(0, "", _("The file is not UTF-8 text. Save it as “CSV UTF-8”."))
    return RowError(0, "", _("The file could not be read as CSV: %(e)s") % {"e": exc})


def staged_rows(
    reader: BoundedReader,
    checker: RowChecker,
    plan: ImportPlan,
    unreadable: list[RowError],
    profile: Profile = GENERIC,
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
        unreadable.append(file_problem(exc, profile))
