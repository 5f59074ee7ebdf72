"""The layouts a staff file can have, and how the import tells them apart.

Most HR systems give one row per person, in the *generic* profile (docs/staff-import.md).
An NHS Electronic Staff Record (ESR) extract gives one row per **assignment**: a person
with two jobs has two rows under one Employee Number, and their line manager is named by
the manager's assignment number. Its rows are folded into people by ``esr``. The profile
is told from the heading row, before any other row is read: a file that has both an
Employee Number and an Assignment Number column (which the generic profile refuses as one
column given twice), or a Supervisor Assignment Number column, is an ESR extract.

ESR runs on Windows, and its extracts, once opened and saved in Excel, are in
Windows-1252; so an ESR extract is read as UTF-8 if it is UTF-8, and as Windows-1252
otherwise (``Utf8OrWindows1252``). The generic profile still takes UTF-8 only.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _lazy

from organisations.staff_import.columns import COLUMNS, HEADINGS, REQUIRED

#: The text encoding of a profile that takes UTF-8 or, failing that, Windows-1252.
UTF8_OR_WINDOWS_1252 = "wch_utf8_or_windows1252"


@dataclass(frozen=True)
class Profile:
    """A layout of staff file: its columns, their headings as reported, and its encoding."""

    name: str
    label: Promise
    columns: dict[str, tuple[str, ...]]
    headings: dict[str, str]
    required: tuple[str, ...]
    encoding: str
    #: A column that gives another field (``Layout.implied``): column → field.
    implies: dict[str, str] = field(default_factory=dict)


GENERIC = Profile(
    name="generic",
    label=_lazy("One row for each person (the standard layout)"),
    columns=COLUMNS,
    headings=HEADINGS,
    required=REQUIRED,
    encoding="utf-8-sig",
)

#: The ESR profile's columns. Line managers come from the supervisor's assignment number
#: and contracted hours from the whole-time equivalent, so the generic Line Manager Staff
#: Number and Contracted Hours columns are not read from an ESR extract.
ESR_COLUMNS: dict[str, tuple[str, ...]] = {
    **{
        name: spellings
        for name, spellings in COLUMNS.items()
        if name not in {"staff_number", "line_manager", "hours_per_week"}
    },
    "staff_number": ("employeenumber", "employeeno", "empno"),
    "assignment": ("assignmentnumber", "assignmentno", "assignment"),
    "primary": (
        "primaryassignment",
        "primaryflag",
        "primaryassignmentflag",
        "assignmentprimaryflag",
        "primary",
    ),
    "supervisor": (
        "supervisorassignmentnumber",
        "supervisorassignmentno",
        "supervisorassignment",
        "managerassignmentnumber",
    ),
    "wte": (
        "wte",
        "fte",
        "contractedwte",
        "contractedfte",
        "assignmentwte",
        "assignmentfte",
        "wholetimeequivalent",
        "fulltimeequivalent",
    ),
    "start_date": (*COLUMNS["start_date"], "lateststartdate", "latesthiredate"),
}
ESR_HEADINGS = {
    **HEADINGS,
    "staff_number": "Employee Number",
    "assignment": "Assignment Number",
    "primary": "Primary Assignment",
    "supervisor": "Supervisor Assignment Number",
    "wte": "WTE",
    # Problems of line management are reported on the column that names the manager.
    "line_manager": "Supervisor Assignment Number",
}
ESR = Profile(
    name="esr",
    label=_lazy("NHS Electronic Staff Record (ESR): one row for each assignment"),
    columns=ESR_COLUMNS,
    headings=ESR_HEADINGS,
    required=("staff_number", "assignment", "first_name", "last_name"),
    encoding=UTF8_OR_WINDOWS_1252,
    implies={"supervisor": "line_manager"},
)
PROFILES = {profile.name: profile for profile in (GENERIC, ESR)}


def detect_profile(keys: list[str]) -> Profile:
    """The profile of a file whose headings, normalised (``reading``), are ``keys``."""
    found = set(keys)
    employee = found & set(ESR_COLUMNS["staff_number"])
    assignment = found & set(ESR_COLUMNS["assignment"])
    supervisor = found & set(ESR_COLUMNS["supervisor"])
    if (employee and assignment) or supervisor:
        return ESR
    return GENERIC


class Utf8OrWindows1252(codecs.IncrementalDecoder):
    """UTF-8 (with or without its byte order mark) if the file is, Windows-1252 if not.

    Decided on the fly, so the file is still read as a stream: while only ASCII has been
    read the two agree; the first byte that is not valid UTF-8 switches to Windows-1252
    for the rest. A file that has valid UTF-8 beyond ASCII and then a byte that is not
    mixes the two, and is refused (``UnicodeDecodeError``), as is a byte that
    Windows-1252 leaves undefined.
    """

    ASCII, UTF8, WINDOWS_1252 = 0, 1, 2

    def __init__(self, errors: str = "strict") -> None:
        super().__init__(errors)
        self.mode = self.ASCII
        self.pending = b""
        self.started = False

    def decode(self, input: Any, final: bool = False) -> str:
        if self.mode == self.WINDOWS_1252:
            return codecs.decode(bytes(input), "cp1252")
        data = self.pending + bytes(input)
        if not self.started:
            if len(data) < len(codecs.BOM_UTF8) and codecs.BOM_UTF8.startswith(data) and not final:
                self.pending = data
                return ""
            self.started = True
            if data.startswith(codecs.BOM_UTF8):
                data = data[len(codecs.BOM_UTF8) :]
                self.mode = self.UTF8
        try:
            text, used = codecs.utf_8_decode(data, "strict", final)
        except UnicodeDecodeError as error:
            if self.mode == self.UTF8 or not data[: error.start].isascii():
                raise
            self.mode, self.pending = self.WINDOWS_1252, b""
            return codecs.decode(data, "cp1252")
        self.pending = data[used:]
        if self.mode == self.ASCII and not text.isascii():
            self.mode = self.UTF8
        return text

    def reset(self) -> None:
        self.mode, self.pending, self.started = self.ASCII, b"", False

    def getstate(self) -> tuple[bytes, int]:
        return self.pending, self.mode * 2 + int(self.started)

    def setstate(self, state: tuple[bytes, int]) -> None:
        self.pending = state[0]
        self.mode, started = divmod(state[1], 2)
        self.started = bool(started)


def _search(name: str) -> codecs.CodecInfo | None:
    if name != UTF8_OR_WINDOWS_1252:
        return None
    utf8 = codecs.lookup("utf-8")
    return codecs.CodecInfo(
        name=UTF8_OR_WINDOWS_1252,
        encode=utf8.encode,
        decode=utf8.decode,
        incrementalencoder=utf8.incrementalencoder,
        incrementaldecoder=Utf8OrWindows1252,
    )


codecs.register(_search)
