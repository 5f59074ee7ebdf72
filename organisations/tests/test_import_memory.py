"""A staff file's memory is bounded by its longest allowed row, not by its size.

A file with no line breaks, or with a quoted cell that never closes, used to be read
whole before the csv module saw a cell of it: 200 MB of file took 500 MB of memory before
it was refused. Rows are now read with a limit (``MAX_ROW_CHARACTERS``), on every path:
the page's check, the background check, the command and the PostgreSQL COPY engine.
The large files are written to disk in pieces, never held in memory by the test.
"""

from __future__ import annotations

import io
import os
import tracemalloc
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from organisations.models import Organisation, StaffImport, StaffImportStatus, StaffRecord
from organisations.services import staff_import_run_check
from organisations.staff_import import (
    MAX_ROW_CHARACTERS,
    Engine,
    ImportPlan,
    apply_import,
    plan_import,
    reading,
)
from organisations.tests.factories import OrganisationFactory

MIB = 1024 * 1024
#: Far above the longest row (64 Ki characters, up to 256 KiB as text), far below any file.
MEMORY_BOUND = 16 * MIB
HEADER = b"Staff Number,First Name,Last Name\n"
TOO_LONG = f"This row is longer than {MAX_ROW_CHARACTERS:,} characters"
engines = pytest.mark.parametrize(
    "engine",
    [
        "chunked",
        pytest.param(
            "postgres",
            marks=pytest.mark.skipif(
                connection.vendor != "postgresql", reason="COPY needs PostgreSQL"
            ),
        ),
    ],
)


def _write(path: Path, *parts: tuple[bytes, int]) -> Path:
    """Write each (piece, times) in turn, a mebibyte at a time."""
    with path.open("wb") as handle:
        for piece, times in parts:
            block = piece * max(1, MIB // len(piece))
            blocks, rest = divmod(times * len(piece), len(block))
            for _ in range(blocks):
                handle.write(block)
            handle.write((piece * (rest // len(piece) + 1))[:rest])
    return path


@pytest.fixture(scope="module")
def no_line_breaks(tmp_path_factory: Any) -> Iterator[dict[int, Path]]:
    """Files of 50 and 200 MiB with no line break at all: one endless header row."""
    folder = tmp_path_factory.mktemp("big")
    files = {
        size: _write(
            folder / f"{size}.csv", (b"Staff Number,First Name,Last Name,", 1), (b"x", size * MIB)
        )
        for size in (50, 200)
    }
    yield files
    for path in files.values():
        path.unlink()


@pytest.fixture
def org(db: Any) -> Organisation:
    return OrganisationFactory.create(slug="trust")


def _peak(action: Callable[[], Any]) -> tuple[Any, int]:
    """What ``action`` returns, and the most memory it held at once beyond what was there."""
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        result = action()
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    return result, peak


def _refused_at(plan: ImportPlan, line: int) -> None:
    assert [(e.line, e.column) for e in plan.errors] == [(line, "")]
    assert plan.errors[0].message.startswith(TOO_LONG)


def test_a_file_with_no_line_breaks_is_refused_in_bounded_memory(
    org: Organisation, no_line_breaks: dict[int, Path]
) -> None:
    peaks, plans = {}, {}
    for size, path in no_line_breaks.items():
        with path.open("rb") as handle:
            plans[size], peaks[size] = _peak(partial(plan_import, organisation=org, upload=handle))
    assert peaks[50] < MEMORY_BOUND, peaks
    assert peaks[200] < MEMORY_BOUND, peaks
    _refused_at(plans[50], 1)
    _refused_at(plans[200], 1)
    # Four times the file, the same memory: it does not grow with the size.
    assert peaks[200] < peaks[50] + MIB, peaks


@engines
def test_a_huge_row_is_refused_in_bounded_memory_by_either_engine(
    org: Organisation, tmp_path: Path, engine: Engine
) -> None:
    path = _write(tmp_path / "row.csv", (HEADER + b"1,Ann,Lee\n2,Bo,", 1), (b"y", 50 * MIB))
    with path.open("rb") as handle:
        plan, peak = _peak(
            lambda: apply_import(organisation=org, upload=handle, by=None, engine=engine)
        )
    assert peak < MEMORY_BOUND
    _refused_at(plan, 3)
    assert not StaffRecord.objects.filter(organisation=org).exists()


@engines
def test_a_quoted_cell_that_never_closes_is_refused_in_bounded_memory(
    org: Organisation, tmp_path: Path, engine: Engine
) -> None:
    # Short lines, but one row: the quote opened on line 3 runs to the end of the file.
    path = _write(tmp_path / "quote.csv", (HEADER + b'1,Ann,Lee\n2,"Bo', 1), (b"z\n", 25 * MIB))
    with path.open("rb") as handle:
        plan, peak = _peak(lambda: plan_import(organisation=org, upload=handle, engine=engine))
    assert peak < MEMORY_BOUND
    _refused_at(plan, 3)


def test_a_file_of_nul_bytes_is_refused_cleanly(org: Organisation, tmp_path: Path) -> None:
    path = _write(tmp_path / "nul.csv", (b"\x00", 20 * MIB))
    with path.open("rb") as handle:
        plan, peak = _peak(lambda: plan_import(organisation=org, upload=handle))
    assert peak < MEMORY_BOUND
    _refused_at(plan, 1)


@engines
def test_a_nul_byte_in_a_row_is_a_problem_with_that_row(org: Organisation, engine: Engine) -> None:
    data = HEADER + b"1,Ann,Lee\n2,B\x00o,Ray\n3,Cy,Day,\x00ignored\n"
    plan = plan_import(organisation=org, upload=io.BytesIO(data), engine=engine)
    assert [(e.line, e.column) for e in plan.errors] == [(3, "First Name")]


def test_the_background_check_refuses_a_huge_file_in_bounded_memory(
    org: Organisation,
    no_line_breaks: dict[int, Path],
    settings: Any,
    tmp_path: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    # A second name for the same file: the check deletes a refused file.
    os.link(no_line_breaks[200], tmp_path / "staff.csv")
    job = StaffImport.objects.create(
        organisation=org, file="staff.csv", file_name="staff.csv", status=StaffImportStatus.CHECKING
    )
    with django_capture_on_commit_callbacks(execute=True):  # the refused file goes on commit
        counts, peak = _peak(lambda: staff_import_run_check(job_id=job.pk))
    assert peak < MEMORY_BOUND
    job.refresh_from_db()
    assert job.status == StaffImportStatus.REJECTED
    assert counts["errors"] == 1
    assert job.problems["listed"][0]["line"] == 1
    assert job.problems["listed"][0]["message"].startswith(TOO_LONG)
    assert not (tmp_path / "staff.csv").exists()


def test_the_command_refuses_a_huge_file_in_bounded_memory(
    org: Organisation, no_line_breaks: dict[int, Path], capsys: Any
) -> None:
    def run() -> None:
        with pytest.raises(CommandError, match="1 problem"):
            call_command("import_staff", "trust", str(no_line_breaks[200]))

    _, peak = _peak(run)
    assert peak < MEMORY_BOUND
    assert f"line 1: {TOO_LONG}" in capsys.readouterr().err


@pytest.mark.parametrize("line_break", ["\n", "\r\n", "\r"])
def test_a_row_of_exactly_the_longest_allowed_length_is_read(
    org: Organisation, monkeypatch: Any, line_break: str
) -> None:
    monkeypatch.setattr(reading, "MAX_ROW_CHARACTERS", 40)
    row = "1,Ann," + "L" * 34
    assert len(row) == 40
    data = f"Staff Number,First Name,Last Name{line_break}{row}{line_break}"
    plan = plan_import(organisation=org, upload=io.BytesIO(data.encode()))
    assert plan.ok, plan.errors
    assert plan.counts()["add"] == 1

    longer = f"Staff Number,First Name,Last Name{line_break}{row}L{line_break}"
    plan = plan_import(organisation=org, upload=io.BytesIO(longer.encode()))
    assert [(e.line, e.column) for e in plan.errors] == [(2, "")]
    assert "longer than 40 characters" in plan.errors[0].message


def test_a_row_over_several_lines_counts_all_of_them(org: Organisation, monkeypatch: Any) -> None:
    monkeypatch.setattr(reading, "MAX_ROW_CHARACTERS", 40)
    fits = 'Staff Number,First Name,Last Name,Notes\n1,Ann,Lee,"one\ntwo\nthree"\n2,Bo,Ray,\n'
    plan = plan_import(organisation=org, upload=io.BytesIO(fits.encode()))
    assert plan.ok, plan.errors
    # Each line is short, but the row they make is not; it is reported where it starts.
    many = 'Staff Number,First Name,Last Name,Notes\n1,Ann,Lee,"' + "abcd\n" * 10 + '"\n'
    plan = plan_import(organisation=org, upload=io.BytesIO(many.encode()))
    assert [(e.line, e.column) for e in plan.errors] == [(2, "")]
