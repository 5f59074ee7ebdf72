"""Staff import: the rules in docs/staff-import.md."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent, Channel
from organisations.models import StaffRecord, StaffStatus
from organisations.staff_import import apply_import, plan_import
from organisations.tests.factories import OrganisationFactory, StaffRecordFactory, UnitFactory

HEADER = "Staff Number,First Name,Last Name,Work Email,Unit Code,Line Manager Staff Number,Contracted Days,Contracted Hours,Start Date\n"


def csv_file(*rows: str, header: str = HEADER, bom: bool = False) -> io.BytesIO:
    text = header + "".join(row + "\n" for row in rows)
    return io.BytesIO((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))


@pytest.fixture
def org(db):
    organisation = OrganisationFactory.create(slug="trust")
    UnitFactory.create(organisation=organisation, code="MED01", name="Cardiology")
    UnitFactory.create(organisation=organisation, code="MED02", name="Respiratory")
    return organisation


GOOD = (
    "1001,Amina,Khan,amina.khan@example.org,MED01,,5,37.5,2015-04-01",
    "1002,Ben,Jones,ben.jones@example.org,MED01,1001,3,22.5,01/09/2020",
    "1003,Cara,Lewis,,MED02,1002,2.5,18.75,",
)


def test_good_file_adds_everyone_with_managers_resolved_within_the_file(org):
    plan = apply_import(organisation=org, upload=csv_file(*GOOD), by=None)

    assert plan.ok, plan.errors
    assert plan.counts()["add"] == 3
    ben = StaffRecord.objects.get(organisation=org, staff_number="1002")
    assert ben.line_manager is not None
    assert ben.line_manager.staff_number == "1001"
    assert ben.unit is not None
    assert ben.unit.code == "MED01"
    assert ben.days_per_week == Decimal("3.0")
    assert ben.start_date is not None
    assert ben.start_date.isoformat() == "2020-09-01"
    cara = StaffRecord.objects.get(organisation=org, staff_number="1003")
    assert cara.line_manager == ben
    assert cara.work_email == ""


def test_file_with_a_byte_order_mark_is_read(org):
    plan = apply_import(organisation=org, upload=csv_file(*GOOD, bom=True), by=None)
    assert plan.ok, plan.errors
    assert StaffRecord.objects.filter(organisation=org).count() == 3


def test_reimporting_the_same_file_changes_nothing(org):
    apply_import(organisation=org, upload=csv_file(*GOOD), by=None)
    before = list(StaffRecord.objects.order_by("pk").values())
    events_before = AuditEvent.objects.filter(object_type="organisations.staffrecord").count()

    plan = apply_import(organisation=org, upload=csv_file(*GOOD), by=None)

    assert plan.counts() == {
        "rows": 3,
        "add": 0,
        "update": 0,
        "unchanged": 3,
        "mark_left": 0,
        "errors": 0,
    }
    assert list(StaffRecord.objects.order_by("pk").values()) == before
    assert (
        AuditEvent.objects.filter(object_type="organisations.staffrecord").count() == events_before
    )


def test_changed_rows_are_updated_and_audited_with_what_changed(org):
    apply_import(organisation=org, upload=csv_file(*GOOD), by=None)
    changed = (GOOD[0], "1002,Ben,Jones,ben.jones@example.org,MED02,1001,4,30,01/09/2020", GOOD[2])

    plan = apply_import(organisation=org, upload=csv_file(*changed), by=None)

    assert plan.counts()["update"] == 1
    ben = StaffRecord.objects.get(organisation=org, staff_number="1002")
    assert ben.unit is not None
    assert ben.unit.code == "MED02"
    assert ben.hours_per_week == Decimal("30.00")
    assert ben.version == 2
    event = AuditEvent.objects.filter(object_id=str(ben.pk), action="update").get()
    assert event.channel == Channel.IMPORT
    assert set(event.changes) == {"unit_id", "days_per_week", "hours_per_week"}


def test_a_file_with_several_bad_rows_reports_them_all_and_writes_nothing(org):
    existing = StaffRecordFactory.create(organisation=org, staff_number="0001")
    rows = (
        "2001,Good,Person,good@example.org,MED01,,5,37.5,",
        "2002,Bad,Email,not-an-email,MED01,,5,37.5,",  # line 3
        "2003,Unknown,Unit,u@example.org,NOPE,,5,37.5,",  # line 4
        "2001,Dup,Number,dup@example.org,MED01,,5,37.5,",  # line 5
        "2004,Bad,Hours,h@example.org,MED01,,5,lots,",  # line 6
        "2005,Bad,Date,d@example.org,MED01,,5,37.5,31/02/2020",  # line 7
        "2006,,Missing,m@example.org,MED01,,5,37.5,",  # line 8
        "2007,Ghost,Manager,g@example.org,MED01,9999,5,37.5,",  # line 9
        "2008,Self,Managed,s@example.org,MED01,2008,5,37.5,",  # line 10
        "2009,Too,Many,t@example.org,MED01,,8,37.5,",  # line 11
    )

    plan = apply_import(organisation=org, upload=csv_file(*rows), by=None)

    found = {(e.line, e.column) for e in plan.errors}
    assert found == {
        (3, "Work Email"),
        (4, "Unit Code"),
        (5, "Staff Number"),
        (6, "Contracted Hours"),
        (7, "Start Date"),
        (8, "First Name"),
        (9, "Line Manager Staff Number"),
        (10, "Line Manager Staff Number"),
        (11, "Contracted Days"),
    }
    assert all(e.message for e in plan.errors)
    assert list(StaffRecord.objects.filter(organisation=org)) == [existing]


def test_a_management_cycle_is_an_error_not_a_crash(org):
    rows = (
        "3001,A,One,,MED01,3003,5,37.5,",
        "3002,B,Two,,MED01,3001,5,37.5,",
        "3003,C,Three,,MED01,3002,5,37.5,",
        "3004,D,Four,,MED01,3001,5,37.5,",
    )
    plan = plan_import(organisation=org, upload=csv_file(*rows))

    assert {e.line for e in plan.errors} == {2, 3, 4}
    assert "circle" in plan.errors[0].message


def test_a_cycle_through_existing_records_is_caught(org):
    boss = StaffRecordFactory.create(organisation=org, staff_number="4001")
    StaffRecordFactory.create(organisation=org, staff_number="4002", line_manager=boss)
    # The file makes the boss report to the person who reports to them.
    plan = plan_import(organisation=org, upload=csv_file("4001,Boss,Person,,MED01,4002,5,37.5,"))
    assert [(e.line, e.column) for e in plan.errors] == [(2, "Line Manager Staff Number")]


def test_line_managers_are_resolved_against_existing_records(org):
    boss = StaffRecordFactory.create(organisation=org, staff_number="5000")
    plan = apply_import(
        organisation=org, upload=csv_file("5001,New,Starter,,MED01,5000,5,37.5,"), by=None
    )
    assert plan.ok
    assert StaffRecord.objects.get(organisation=org, staff_number="5001").line_manager == boss


def test_units_and_managers_of_another_organisation_are_not_found(org):
    other = OrganisationFactory.create()
    UnitFactory.create(organisation=other, code="ELSE")
    StaffRecordFactory.create(organisation=other, staff_number="7000")
    plan = plan_import(
        organisation=org,
        upload=csv_file("7001,A,B,,ELSE,,5,37.5,", "7002,C,D,,MED01,7000,5,37.5,"),
    )
    assert {(e.line, e.column) for e in plan.errors} == {
        (2, "Unit Code"),
        (3, "Line Manager Staff Number"),
    }


def test_missing_required_column_is_reported_on_the_header_line(org):
    plan = plan_import(
        organisation=org, upload=csv_file("1,Smith", header="Staff Number,Surname\n")
    )
    assert [(e.line, e.column) for e in plan.errors] == [(1, "First Name")]


def test_headers_are_matched_loosely_and_other_columns_ignored(org):
    header = "employee_number,FORENAME,surname,Email Address,NI Number,cost centre\n"
    plan = apply_import(
        organisation=org,
        upload=csv_file("8001,Dee,Patel,dee@example.org,AB123456C,MED02", header=header),
        by=None,
    )
    assert plan.ok, plan.errors
    assert plan.ignored_columns == ["NI Number"]
    dee = StaffRecord.objects.get(staff_number="8001")
    assert dee.unit is not None
    assert dee.unit.code == "MED02"


def test_a_file_that_is_not_utf8_is_refused_with_a_reason(org):
    plan = plan_import(
        organisation=org,
        upload=io.BytesIO(HEADER.encode() + "9001,Zo\xeb,X,,,,,,\n".encode("latin-1")),
    )
    assert not plan.ok
    assert "UTF-8" in plan.errors[0].message


def test_staff_missing_from_the_file_are_marked_left_only_when_asked(org):
    apply_import(organisation=org, upload=csv_file(*GOOD), by=None)
    without_cara = csv_file(GOOD[0], GOOD[1])

    plan = apply_import(organisation=org, upload=without_cara, by=None)
    assert plan.counts()["mark_left"] == 0
    assert StaffRecord.objects.get(staff_number="1003").status == StaffStatus.ACTIVE

    plan = apply_import(
        organisation=org,
        upload=csv_file(GOOD[0], GOOD[1]),
        by=None,
        mark_missing_as_left=True,
        left_confirmed=1,
    )
    assert plan.counts()["mark_left"] == 1
    cara = StaffRecord.objects.get(staff_number="1003")
    assert cara.status == StaffStatus.LEFT
    assert cara.left_on is not None


def test_a_leaver_who_reappears_in_the_file_is_active_again(org):
    apply_import(organisation=org, upload=csv_file(*GOOD), by=None)
    apply_import(
        organisation=org,
        upload=csv_file(GOOD[0], GOOD[1]),
        by=None,
        mark_missing_as_left=True,
        left_confirmed=1,
    )
    assert StaffRecord.objects.get(staff_number="1003").status == StaffStatus.LEFT
    apply_import(organisation=org, upload=csv_file(*GOOD), by=None)
    cara = StaffRecord.objects.get(staff_number="1003")
    assert cara.status == StaffStatus.ACTIVE
    assert cara.left_on is None


def test_ten_thousand_rows_import_in_one_transaction_with_a_bounded_number_of_queries(
    org, django_assert_max_num_queries
):
    rows = [
        f"{10000 + i},First{i},Last{i},p{i}@example.org,MED0{1 + i % 2},{10000 + i // 10 if i >= 10 else ''},5,37.5,2020-01-01"
        for i in range(10_000)
    ]
    with django_assert_max_num_queries(80):
        plan = apply_import(organisation=org, upload=csv_file(*rows), by=None)
    assert plan.ok, plan.errors[:3]
    assert StaffRecord.objects.filter(organisation=org).count() == 10_000
    assert StaffRecord.objects.filter(organisation=org, line_manager__isnull=False).count() == 9_990

    # A second run over unchanged data is also bounded, and changes nothing.
    with django_assert_max_num_queries(10):
        plan = apply_import(organisation=org, upload=csv_file(*rows), by=None)
    assert plan.counts()["unchanged"] == 10_000


def test_import_staff_command_imports_and_reports(org, tmp_path, capsys):
    path = tmp_path / "staff.csv"
    path.write_bytes(csv_file(*GOOD).getvalue())
    call_command("import_staff", "trust", str(path))
    assert "3 added" in capsys.readouterr().out
    event = AuditEvent.objects.filter(object_type="organisations.staffrecord").first()
    assert event is not None
    assert event.channel == Channel.COMMAND


def test_import_staff_command_fails_loudly_on_a_bad_file_and_writes_nothing(org, tmp_path, capsys):
    path = tmp_path / "staff.csv"
    path.write_bytes(csv_file("1,A,B,bad,,,,,").getvalue())
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_staff", "trust", str(path))
    assert "line 2, Work Email" in capsys.readouterr().err
    assert not StaffRecord.objects.exists()


def test_import_staff_command_dry_run_writes_nothing(org, tmp_path, capsys):
    path = tmp_path / "staff.csv"
    path.write_bytes(csv_file(*GOOD).getvalue())
    call_command("import_staff", "trust", str(path), "--dry-run")
    assert "Would import: 3 added" in capsys.readouterr().out
    assert not StaffRecord.objects.exists()


def test_a_missing_optional_column_leaves_existing_values_alone(org):
    apply_import(organisation=org, upload=csv_file(*GOOD), by=None)
    header = "Staff Number,First Name,Last Name\n"
    plan = apply_import(organisation=org, upload=csv_file("1002,Ben,Jones", header=header), by=None)
    assert plan.counts()["unchanged"] == 1
    ben = StaffRecord.objects.get(staff_number="1002")
    assert ben.unit is not None
    assert ben.unit.code == "MED01"
    assert ben.line_manager is not None
    assert ben.line_manager.staff_number == "1001"
    assert ben.start_date is not None
    assert ben.start_date.isoformat() == "2020-09-01"


def test_blank_cells_clear_optional_details_but_not_the_working_pattern(org):
    apply_import(organisation=org, upload=csv_file(*GOOD), by=None)
    plan = apply_import(organisation=org, upload=csv_file("1002,Ben,Jones,,,,,,"), by=None)
    assert plan.ok, plan.errors
    ben = StaffRecord.objects.get(staff_number="1002")
    assert (ben.work_email, ben.unit, ben.line_manager, ben.start_date) == ("", None, None, None)
    assert (ben.days_per_week, ben.hours_per_week) == (Decimal("3.0"), Decimal("22.50"))


def test_a_repeated_staff_number_is_reported_even_when_the_row_has_other_problems(org):
    plan = plan_import(
        organisation=org, upload=csv_file("1,A,B,,MED01,,5,37.5,", "1,C,D,bad-email,MED01,,5,37.5,")
    )
    assert [(e.line, e.column) for e in plan.errors] == [(3, "Staff Number")]


def test_the_preview_lists_rows_to_add_and_each_change_with_old_and_new_values(org):
    apply_import(organisation=org, upload=csv_file(*GOOD), by=None)
    changed = (
        "1002,Ben,Jones,ben.jones@example.org,MED02,1001,3,22.5,01/09/2020",
        "1004,Dan,New,,MED01,1002,5,37.5,",
    )
    preview = plan_import(organisation=org, upload=csv_file(GOOD[0], *changed, GOOD[2])).preview()
    assert preview["add"] == [
        {
            "line": 4,
            "staff_number": "1004",
            "name": "Dan New",
            "unit": "MED01",
            "line_manager": "1002",
        }
    ]
    assert preview["update"] == [
        {
            "line": 3,
            "staff_number": "1002",
            "name": "Ben Jones",
            "changes": [{"field": "Unit", "old": "MED01", "new": "MED02"}],
        }
    ]


def test_decimal_places_message_is_singular_for_one_place(org):
    plan = plan_import(organisation=org, upload=csv_file("1,A,B,,,,2.25,37.5,"))
    assert plan.errors[0].message == "can have at most 1 decimal place"


def test_someone_who_has_left_cannot_be_named_as_a_line_manager(org):
    StaffRecordFactory.create(organisation=org, staff_number="9000", status=StaffStatus.LEFT)
    plan = plan_import(organisation=org, upload=csv_file("9001,A,B,,MED01,9000,5,37.5,"))
    assert [(e.line, e.column) for e in plan.errors] == [(2, "Line Manager Staff Number")]
    assert "has left" in plan.errors[0].message


def test_marking_a_manager_as_left_while_they_still_manage_someone_is_an_error(org):
    apply_import(organisation=org, upload=csv_file(*GOOD), by=None)
    # Ben (1002) is missing from the file but still manages Cara (1003).
    plan = plan_import(
        organisation=org, upload=csv_file(GOOD[0], GOOD[2]), mark_missing_as_left=True
    )
    assert [(e.line, e.column) for e in plan.errors] == [(3, "Line Manager Staff Number")]
    assert plan.counts()["mark_left"] == 0


def test_a_nul_character_is_a_row_error_not_a_crash(org):
    plan = plan_import(organisation=org, upload=csv_file("1,A\x00n,B,,,,,,"))
    assert [(e.line, e.column) for e in plan.errors] == [(2, "First Name")]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the set-based engine runs on PostgreSQL"
)
def test_on_postgresql_the_organisations_records_are_read_from_an_analysed_snapshot(
    org,
):
    """A second import once took many minutes: the planner knew nothing of an organisation
    too new to be in the staff table's statistics, guessed one record and chose nested loops.
    Every check now reads an indexed, analysed copy, and the staged rows are analysed too."""
    rows = [
        f"{20000 + i},First{i},Last{i},p{i}@example.org,MED01,,5,37.5,2020-01-01" for i in range(50)
    ]
    apply_import(organisation=org, upload=csv_file(*rows), by=None)
    with CaptureQueriesContext(connection) as captured:
        plan = apply_import(organisation=org, upload=csv_file(*rows), by=None)
    assert plan.counts()["unchanged"] == 50
    sql = [query["sql"] for query in captured.captured_queries]
    assert any(
        "CREATE TEMPORARY TABLE import_existing" in q and "ANALYZE import_existing" in q
        for q in sql
    )
    assert "ANALYZE import_rows" in sql
    # Nothing reads the staff table for the organisation's records but the snapshot.
    reads = [q for q in sql if "organisations_staffrecord e" in q]
    assert len(reads) == 1
    assert "import_existing" in reads[0]
