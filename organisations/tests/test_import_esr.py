"""The ESR profile: one row per assignment, supervisors by assignment, WTE, ESR dates, cp1252."""

from __future__ import annotations

import codecs
import io
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from carershub.tests.personas import World
from organisations.models import Organisation, StaffImport, StaffImportStatus, StaffRecord
from organisations.staff_import import RowError, apply_import, plan_import
from organisations.staff_import.profiles import UTF8_OR_WINDOWS_1252
from organisations.tests.factories import OrganisationFactory, StaffRecordFactory, UnitFactory
from organisations.tests.test_staff_import_engines import assert_same_outcome, postgres_only

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "esr-staff-example.csv"
HEADER = (
    "Employee Number,Assignment Number,Primary Assignment,First Name,Last Name,Cost Centre,"
    "Supervisor Assignment Number,WTE,Latest Start Date\n"
)


def esr(*rows: str, header: str = HEADER, encoding: str = "cp1252") -> bytes:
    return (header + "".join(row + "\n" for row in rows)).encode(encoding)


@pytest.fixture
def org(db: Any) -> Organisation:
    organisation = OrganisationFactory.create(slug="esr-trust")
    UnitFactory.create(organisation=organisation, code="MED01", name="Cardiology")
    UnitFactory.create(organisation=organisation, code="MED02", name="Respiratory")
    return organisation


def _records(org: Organisation) -> dict[str, tuple[Any, ...]]:
    """The imported records (the example's numbers all start with 2000000)."""
    return {
        r.staff_number: (
            f"{r.first_name} {r.last_name}",
            r.unit.code if r.unit else None,
            r.line_manager.staff_number if r.line_manager else None,
            r.hours_per_week,
            r.start_date,
        )
        for r in StaffRecord.objects.filter(
            organisation=org, staff_number__startswith="2000000"
        ).select_related("unit", "line_manager")
    }


EXPECTED = {
    "20000001": ("Grace Okoro", "MED01", None, Decimal("37.50"), date(2015, 4, 1)),
    # Main assignment in MED01 under Grace; a second one adds 0.2 to her 0.6.
    "20000002": ("Siân Pritchard", "MED01", "20000001", Decimal("30.00"), date(2018, 9, 3)),
    # Supervised through Siân's second assignment: still Siân.
    "20000003": ("Zoë Mistry", "MED01", "20000002", Decimal("30.00"), date(2019, 6, 17)),
    # The primary assignment is the second row, and decides the unit and manager.
    "20000004": ("Tom Barker", "MED02", "20000005", Decimal("37.50"), date(2024, 8, 5)),
    "20000005": ("Hana Kowalski", "MED02", "20000001", Decimal("37.50"), date(2012, 10, 1)),
    # 0.53333 of 37.5 hours is 19.999875, rounded to 20.00.
    "20000006": ("Seán Doherty", "MED02", "20000005", Decimal("20.00"), date(2023, 2, 27)),
}


def test_the_example_extract_in_windows_1252_imports_through_the_pages_with_managers_linked(
    client: Any, world: World
) -> None:
    org = world.org
    UnitFactory.create(organisation=org, code="MED01", name="Cardiology")
    UnitFactory.create(organisation=org, code="MED02", name="Respiratory")
    client.force_login(world.hr_admin)
    content = EXAMPLE.read_text(encoding="utf-8").encode("cp1252")
    assert "Siân".encode("cp1252") in content
    assert b"\xeb" in content
    response = client.post(
        f"/o/{org.slug}/staff/import/", {"file": SimpleUploadedFile("ESR extract.csv", content)}
    )
    assert response.status_code == 302, response.content.decode()
    job = StaffImport.objects.get(organisation=org)
    base = f"/o/{org.slug}/staff/import/{job.pk}/"
    assert response["Location"] == base
    page = client.get(base).content.decode()
    assert 'data-profile="esr"' in page
    assert "NHS Electronic Staff Record (ESR): one row for each assignment" in page
    assert 'data-count="rows">8<' in page
    assert 'data-count="people">6<' in page
    assert 'data-count="add">6<' in page
    assert "Siân Pritchard" in page
    assert "Zoë Mistry" in page
    assert "Job Title" in page  # listed among the ignored columns

    response = client.post(f"{base}confirm/", follow=True)
    assert "Import complete: 6 added, 0 updated, 0 unchanged, 0 marked as left." in (
        response.content.decode()
    )
    job.refresh_from_db()
    assert job.status == StaffImportStatus.APPLIED
    assert _records(org) == EXPECTED

    # The same extract again changes nothing.
    plan = apply_import(organisation=org, upload=io.BytesIO(content), by=None)
    assert plan.ok, plan.errors
    assert (plan.added, plan.updated, plan.unchanged, plan.people) == (0, 0, 6, 6)


def test_a_generic_file_still_says_which_profile_it_was_read_as(client: Any, world: World) -> None:
    org = world.org
    client.force_login(world.hr_admin)
    client.post(
        f"/o/{org.slug}/staff/import/",
        {"file": SimpleUploadedFile("staff.csv", b"Staff Number,First Name,Last Name\nA1,A,B\n")},
    )
    job = StaffImport.objects.get(organisation=org)
    page = client.get(f"/o/{org.slug}/staff/import/{job.pk}/").content.decode()
    assert 'data-profile="generic"' in page
    assert 'data-count="people"' not in page


def test_the_extract_in_utf8_with_a_byte_order_mark_imports_the_same(org: Organisation) -> None:
    content = codecs.BOM_UTF8 + EXAMPLE.read_bytes()
    plan = apply_import(organisation=org, upload=io.BytesIO(content), by=None)
    assert plan.ok, plan.errors
    assert plan.profile == "esr"
    assert _records(org) == EXPECTED


def _problems(org: Organisation, content: bytes) -> list[tuple[int, str, str]]:
    plan = plan_import(organisation=org, upload=io.BytesIO(content))
    assert not plan.ok
    assert plan.profile == "esr"
    return [(e.line, e.column, e.message) for e in plan.errors]


def test_esr_problems_are_reported_by_line_in_plain_words(org: Organisation) -> None:
    content = esr(
        "1,1,Y,Ann,One,MED01,,1,01-APR-2024",
        "2,2,Y,Bea,Two,MED01,99,1,01-APR-2024",  # nobody holds assignment 99
        "3,3,N,Cat,Three,MED01,1,0.5,01-APR-2024",
        "3,3-2,N,Cat,Three,MED02,1,0.5,01-APR-2024",  # two assignments, neither primary
        "4,4,Y,Dan,Four,MED01,1,0.5,01-APR-2024",
        "4,4-2,Y,Dan,Four,MED02,1,0.5,01-APR-2024",  # a second primary
        "5,5,Y,Eve,Five,MED01,1,1,31-FEB-2024",  # not a real date
        "6,6,Y,Fay,Six,MED01,6-2,0.5,01-APR-2024",
        "6,6-2,N,Fay,Six,MED01,1,0.5,01-APR-2024",  # her own assignment as supervisor
        "7,1,Y,Gil,Seven,MED01,,1,01-APR-2024",  # assignment 1 is Ann's
        "8,8,Y,Hal,Eight,MED01,1,0.6a,2024-04-01",
        "9,9,Maybe,Ivy,Nine,MED01,1,1,01-APR-2024",
    )
    assert _problems(org, content) == [
        (
            3,
            "Supervisor Assignment Number",
            "No row of this file holds assignment “99”, so the line manager cannot be found",
        ),
        (
            4,
            "Primary Assignment",
            "“3” has 2 assignments and none is marked as primary, so their unit and line "
            "manager cannot be chosen",
        ),
        (
            7,
            "Primary Assignment",
            "“4” already has a primary assignment on line 6; a person can have only one",
        ),
        (
            8,
            "Start Date",
            "must be a date written as DD-MON-YYYY (like 01-APR-2024), YYYY-MM-DD or DD/MM/YYYY",
        ),
        (
            9,
            "Supervisor Assignment Number",
            "Assignment “6-2” is this person's own, and nobody can be their own line manager",
        ),
        (11, "Assignment Number", "Assignment “1” already appears on line 2"),
        (12, "WTE", "must be a number, like 0.6 for three fifths of full time"),
        (
            13,
            "Primary Assignment",
            "“Maybe” is not yes or no; write Y for the primary assignment and N for others",
        ),
    ]


def test_hours_are_the_sum_of_all_assignments_and_must_stay_in_range(
    org: Organisation, settings: Any
) -> None:
    content = esr(
        "1,1,Y,Ann,One,MED01,,1.5,01-APR-2024",
        "1,1-2,N,Ann,One,MED01,,1.5,01-APR-2024",  # 3 WTE: 112.5 hours
        "2,2,Y,Bea,Two,MED01,,0.01,01-APR-2024",  # 0.375 hours
        "3,3,Y,Cat,Three,MED01,,2.000001,01-APR-2024",
    )
    assert _problems(org, content) == [
        (
            2,
            "WTE",
            "The assignments of “1” add up to 112.5 hours a week; the total must be between "
            "0.5 and 100",
        ),
        (
            4,
            "WTE",
            "The assignments of “2” add up to 0.38 hours a week; the total must be between "
            "0.5 and 100",
        ),
        (5, "WTE", "must be between 0 and 2"),
    ]
    settings.STAFF_IMPORT_FULL_TIME_HOURS = Decimal("36")
    plan = apply_import(
        organisation=org,
        upload=io.BytesIO(esr("1,1,Y,Ann,One,MED01,,0.5,01-APR-2024")),
        by=None,
    )
    assert plan.ok, plan.errors
    assert StaffRecord.objects.get(organisation=org, staff_number="1").hours_per_week == 18


def test_no_hours_at_all_keeps_the_current_hours_and_no_supervisor_column_keeps_managers(
    org: Organisation,
) -> None:
    boss = StaffRecordFactory.create(organisation=org, staff_number="B1")
    StaffRecordFactory.create(
        organisation=org,
        staff_number="1",
        first_name="Ann",
        last_name="One",
        hours_per_week=Decimal("22.50"),
        line_manager=boss,
    )
    header = "Employee Number,Assignment Number,First Name,Last Name,WTE\n"
    plan = apply_import(
        organisation=org,
        upload=io.BytesIO(esr("1,1,Ann,One,0", "B1,B1,Bo,Boss,1", header=header)),
        by=None,
    )
    assert plan.ok, plan.errors
    ann = StaffRecord.objects.get(organisation=org, staff_number="1")
    assert (ann.hours_per_week, ann.line_manager_id) == (Decimal("22.50"), boss.pk)


def test_a_file_that_mixes_utf8_and_windows_1252_is_refused(org: Organisation) -> None:
    content = esr("1,1,Y,Siân,One,MED01,,1,01-APR-2024", encoding="utf-8") + esr(
        "2,2,Y,Zoë,Two,MED01,,1,01-APR-2024", header=""
    )
    assert plan_import(organisation=org, upload=io.BytesIO(content)).errors == [
        RowError(
            0,
            "",
            "The file is neither UTF-8 nor Windows-1252 text, or it mixes the two. Export it "
            "from ESR again, or save it as “CSV UTF-8”.",
        )
    ]


def test_the_decoder_reads_a_file_fed_a_byte_at_a_time() -> None:
    decoder = codecs.getincrementaldecoder(UTF8_OR_WINDOWS_1252)()
    for data, text in (
        (codecs.BOM_UTF8 + "Siân,Zoë\n".encode(), "Siân,Zoë\n"),
        ("Siân,Zoë\n".encode(), "Siân,Zoë\n"),
        ("Seán,Zoë\n".encode("cp1252"), "Seán,Zoë\n"),
        ("ascii first, then café".encode("cp1252"), "ascii first, then café"),
    ):
        decoder.reset()
        out = "".join(decoder.decode(data[i : i + 1]) for i in range(len(data)))
        assert out + decoder.decode(b"", final=True) == text


@postgres_only
def test_both_engines_import_an_extract_alike(org: Organisation) -> None:
    content = EXAMPLE.read_text(encoding="utf-8").encode("cp1252")
    outcome = assert_same_outcome(org, content)
    assert outcome["counts"]["people"] == 6
    assert outcome["errors"] == []
    StaffRecordFactory.create(organisation=org, staff_number="20000001", first_name="Old")
    StaffRecordFactory.create(organisation=org, staff_number="X1", first_name="Leaving")
    outcome = assert_same_outcome(org, content, mark_missing_as_left=True, left_confirmed=1)
    assert outcome["counts"]["update"] == 1
    assert outcome["counts"]["mark_left"] == 1
    broken = esr(
        "1,1,N,Ann,One,MED01,,1,01-APR-2024",
        "1,1-2,N,Ann,One,MED01,,1,01-APR-2024",
        "2,2,Y,Bea,Two,MED01,99,1,1 April 2024",
    )
    assert len(assert_same_outcome(org, broken)["errors"]) == 2


def test_the_command_says_it_read_an_esr_extract(org: Organisation) -> None:
    out = io.StringIO()
    call_command("import_staff", org.slug, str(EXAMPLE), "--dry-run", stdout=out)
    assert out.getvalue().splitlines() == [
        "Would import: 6 added, 0 updated, 0 unchanged, 0 marked as left",
        "Read as an ESR extract: 8 assignment(s) of 6 people",
        "Ignored columns: Job Title",
    ]


def test_standard_problems_are_reported_under_the_esr_headings(org: Organisation) -> None:
    content = esr(
        ",9,Y,Ann,One,MED01,,1,01-APR-2024",
        "1,1,Y,Bea,One,MED01,2-2,1,01-APR-2024",
        "2,2,N,Cat,Two,MED01,,0.5,01-APR-2024",
        "2,2-2,Y,Cat,Two,MED01,1,0.5,01-APR-2024",
    )
    assert _problems(org, content) == [
        (2, "Employee Number", "is missing"),
        (3, "Supervisor Assignment Number", "Line management goes round in a circle: 1 → 2 → 1"),
        (5, "Supervisor Assignment Number", "Line management goes round in a circle: 1 → 2 → 1"),
    ]
