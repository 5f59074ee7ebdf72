"""The two import engines: same results, bounded work, flat memory.

On PostgreSQL the set-based engine runs by default and the chunked one can be asked for,
so the same files go through both and every outcome is compared: counts, problems,
preview, the records written and the audit trail. On SQLite only the chunked engine
exists; the other tests here run on whichever database the suite uses.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from organisations.models import Organisation, StaffRecord, StaffStatus
from organisations.staff_import import ERRORS_KEPT, Engine, apply_import, plan_import
from organisations.tests.factories import OrganisationFactory, StaffRecordFactory, UnitFactory

FULL = (
    "Staff Number,First Name,Last Name,Work Email,Unit Code,Line Manager Staff Number,"
    "Contracted Days,Contracted Hours,Working Days,Start Date\n"
)
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the set-based engine needs PostgreSQL"
)


def csv_bytes(*rows: str, header: str = FULL) -> bytes:
    return (header + "".join(row + "\n" for row in rows)).encode()


@pytest.fixture
def org(db: Any) -> Organisation:
    organisation = OrganisationFactory.create(slug="trust")
    UnitFactory.create(organisation=organisation, code="MED01", name="Cardiology")
    UnitFactory.create(organisation=organisation, code="MED02", name="Respiratory")
    return organisation


@pytest.fixture
def staffed(org: Organisation) -> Organisation:
    """Records on file: a chain of managers, a leaver, and people the files leave out."""
    med01 = org.units.get(code="MED01")
    boss = StaffRecordFactory.create(
        organisation=org, staff_number="E1", first_name="Edna", last_name="Boss", unit=med01
    )
    lead = StaffRecordFactory.create(
        organisation=org, staff_number="E2", first_name="Lee", last_name="Lead", line_manager=boss
    )
    StaffRecordFactory.create(
        organisation=org,
        staff_number="E3",
        first_name="Ola",
        last_name="Report",
        line_manager=lead,
        work_email="Ola.Report@Example.org",
        working_days="246",
    )
    StaffRecordFactory.create(
        organisation=org, staff_number="E4", first_name="Gone", last_name="Away", status="left"
    )
    StaffRecordFactory.create(
        organisation=org, staff_number="E5", first_name="Not", last_name="Listed"
    )
    return org


def _outcome(org: Organisation, data: bytes, engine: Engine, **options: Any) -> dict[str, Any]:
    """Everything an import does, with database ids replaced by staff numbers."""
    since = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    with transaction.atomic():
        plan = apply_import(
            organisation=org, upload=io.BytesIO(data), by=None, engine=engine, **options
        )
        records = StaffRecord.objects.filter(organisation=org).select_related(
            "line_manager", "unit"
        )
        numbers = {str(r.pk): r.staff_number for r in records}
        result = {
            "counts": plan.counts(),
            "errors": plan.errors,
            "ignored": plan.ignored_columns,
            "records": sorted(
                (
                    r.staff_number,
                    r.first_name,
                    r.last_name,
                    r.work_email,
                    r.unit.code if r.unit else None,
                    r.line_manager.staff_number if r.line_manager else None,
                    r.days_per_week,
                    r.hours_per_week,
                    r.working_days,
                    r.start_date,
                    r.status,
                    r.left_on,
                    r.version,
                )
                for r in records
            ),
            "audit": [
                (
                    e.action,
                    e.channel,
                    e.object_type,
                    numbers[e.object_id]
                    if e.object_type == "organisations.staffrecord"
                    else e.object_type,
                    e.summary,
                    {
                        key: [
                            org.units.get(pk=v).code if key == "unit_id" and v else v for v in pair
                        ]
                        for key, pair in e.changes.items()
                    }
                    if e.object_type == "organisations.staffrecord"
                    else e.changes,
                )
                for e in AuditEvent.objects.filter(id__gt=since).order_by("id")
            ],
        }
        transaction.set_rollback(True)
    return result


def _preview(org: Organisation, data: bytes, engine: Engine, **options: Any) -> dict[str, Any]:
    options.pop("left_confirmed", None)  # only writing asks for it
    plan = plan_import(organisation=org, upload=io.BytesIO(data), engine=engine, **options)
    return {"counts": plan.counts(), "errors": plan.errors, "preview": plan.preview()}


def assert_same_outcome(org: Organisation, data: bytes, **options: Any) -> dict[str, Any]:
    postgres = _outcome(org, data, "postgres", **options)
    assert _outcome(org, data, "chunked", **options) == postgres
    assert _preview(org, data, "chunked", **options) == _preview(org, data, "postgres", **options)
    return postgres


UPDATES = (
    # Renamed, email blanked, unit moved, fewer days, working days kept (blank cell).
    "E1,Edna,Boss-Smith,,MED02,,4,30,,2010-01-04",
    # Manager changed to someone new further down; email in capitals is stored in lower case.
    "E2,Lee,Lead,LEE@EXAMPLE.ORG,MED01,N2,5,37.5,Mon-Thu,01/02/2019",
    # Unchanged except for the email, which now matches in lower case.
    "E3,Ola,Report,ola.report@example.org,,E2,,,,",
    # A leaver back in post, managed by the boss.
    "E4,Gone,Away,,,E1,2.5,18.75,Irregular,",
    "N1,New,Starter,new@example.org,MED01,E1,3,22.5,Tue Wed Thu,2024-04-01",
    "N2,Next,Manager,,MED02,E1,,,,",
)


@postgres_only
def test_both_engines_add_to_an_empty_organisation_alike(org: Organisation) -> None:
    data = csv_bytes(
        "1001,Amina,Khan,Amina.Khan@Example.org,MED01,,5,37.5,Mon-Fri,2015-04-01",
        "1002,Ben,Jones,,MED01,1003,3,22.5,Mon Wed Fri,01/09/2020",
        "1003,Cara,Lewis,cara@example.org,MED02,1001,,,,",
        "1004,Dev,Mistry,,,,0.5,100,Irregular,",
    )
    outcome = assert_same_outcome(org, data)
    assert outcome["counts"]["add"] == 4


@postgres_only
def test_both_engines_update_records_on_file_alike(staffed: Organisation) -> None:
    outcome = assert_same_outcome(staffed, csv_bytes(*UPDATES))
    assert outcome["counts"] == {
        "rows": 6,
        "add": 2,
        "update": 4,
        "unchanged": 0,
        "mark_left": 0,
        "errors": 0,
    }


@postgres_only
def test_both_engines_mark_the_missing_as_left_alike(staffed: Organisation) -> None:
    outcome = assert_same_outcome(
        staffed, csv_bytes(*UPDATES), mark_missing_as_left=True, left_confirmed=1
    )
    assert outcome["counts"]["mark_left"] == 1  # E5; E4 has left already
    assert outcome["errors"] == []


@postgres_only
def test_both_engines_leave_missing_columns_alone_alike(staffed: Organisation) -> None:
    header = "Staff Number,Surname,Forename,Job Title\n"
    outcome = assert_same_outcome(
        staffed, csv_bytes("E3,Report,Ola,Nurse", "E1,Boss,Edna,Director", header=header)
    )
    assert outcome["counts"]["unchanged"] == 2
    assert outcome["ignored"] == ["Job Title"]


@postgres_only
def test_both_engines_report_the_same_problems(staffed: Organisation) -> None:
    data = csv_bytes(
        "P1,A,One,not-an-email,NOPE,,8,lots,Mondays,31/02/2020",  # five problems, one row
        "P2,,Two,,,P2,,,Fri-Mon,",  # missing name, own manager, backwards range
        "P1,Again,Dup,bad,,,,,,",  # repeated number: only that is reported
        "P3,C,Three,,,GHOST,,,,",  # a manager who is nowhere
        "P4,D,Four,,,E4,,,,",  # a manager who has left
        "E2,Lee,Lead,,,E3,,,,",  # a loop through E3, who is not in the file
        "L1,L,One,,,L2,,,,",
        "L2,L,Two,,,L1,,,,",  # a loop within the file
        "P5,X\x01,Y,,,,,,,",  # a control character
        "P6," + "x" * 101 + ",Z,,,,2.25,,,",
    )
    outcome = assert_same_outcome(staffed, data)
    found = {(e.line, e.column) for e in outcome["errors"]}
    assert (4, "Staff Number") in found
    assert not {(4, "Work Email")} & found
    assert (7, "Line Manager Staff Number") in found  # the loop through E3
    assert outcome["counts"]["errors"] == len(outcome["errors"])
    assert [e.line for e in outcome["errors"]] == sorted(e.line for e in outcome["errors"])


@postgres_only
def test_both_engines_refuse_a_manager_who_would_be_marked_as_left_alike(
    staffed: Organisation,
) -> None:
    # Without a manager column E3 keeps E2 as manager, and E2 is not in the file.
    header = "Staff Number,First Name,Last Name\n"
    outcome = assert_same_outcome(
        staffed,
        csv_bytes("E1,Edna,Boss", "E3,Ola,Report", header=header),
        mark_missing_as_left=True,
    )
    assert [(e.line, e.column) for e in outcome["errors"]] == [(3, "Line Manager Staff Number")]


def test_a_loop_is_named_from_where_the_file_first_meets_it(staffed: Organisation) -> None:
    plan = plan_import(organisation=staffed, upload=io.BytesIO(csv_bytes("E1,Edna,Boss,,,E3,,,,")))
    assert [e.message for e in plan.errors] == [
        "Line management goes round in a circle: E1 → E3 → E2 → E1"
    ]


def test_problems_on_one_line_are_listed_by_column(org: Organisation) -> None:
    plan = plan_import(
        organisation=org, upload=io.BytesIO(csv_bytes(",,,bad,NOPE,,9,,,2020-13-01"))
    )
    assert [e.column for e in plan.errors] == [
        "Contracted Days",
        "First Name",
        "Last Name",
        "Staff Number",
        "Start Date",
        "Unit Code",
        "Work Email",
    ]


def test_beyond_the_first_thousand_problems_are_counted_not_kept(org: Organisation) -> None:
    # More problems than are written to the error table at a time, from a row's own checks
    # and from checks across rows, so both are collected while staging is being read.
    rows = [f"{n},,Nameless,,,,,,," for n in range(3000)]
    rows += [f"M{n},Has,Ghost,,,GHOST{n},,,," for n in range(2500)]
    plan = plan_import(organisation=org, upload=io.BytesIO(csv_bytes(*rows)))
    assert plan.error_count == 5500
    assert len(plan.errors) == ERRORS_KEPT
    assert [e.line for e in plan.errors] == list(range(2, ERRORS_KEPT + 2))
    assert plan.hidden_errors == 5500 - ERRORS_KEPT
    assert plan.counts()["errors"] == 5500


def test_the_command_says_how_many_more_problems_there_are(
    org: Organisation, tmp_path: Any, capsys: Any
) -> None:
    path = tmp_path / "staff.csv"
    path.write_bytes(csv_bytes(*[f"{n},,Nameless,,,,,,," for n in range(ERRORS_KEPT + 3)]))
    with pytest.raises(CommandError, match=f"{ERRORS_KEPT + 3} problem"):
        call_command("import_staff", "trust", str(path))
    assert "and 3 more" in capsys.readouterr().err


def test_a_file_that_stops_being_utf8_part_way_reports_only_that(org: Organisation) -> None:
    data = csv_bytes(*[f"{n},A,B,,,,,,," for n in range(3000)]) + "9,Zo\xeb,X\n".encode("latin-1")
    plan = plan_import(organisation=org, upload=io.BytesIO(data))
    assert [e.message for e in plan.errors] == [
        "The file is not UTF-8 text. Save it as “CSV UTF-8”."
    ]
    assert not StaffRecord.objects.filter(organisation=org).exists()


def test_an_empty_file_is_refused(org: Organisation) -> None:
    plan = plan_import(organisation=org, upload=io.BytesIO(b""))
    assert [(e.line, e.message) for e in plan.errors] == [(1, "The file is empty.")]


def test_a_heading_given_twice_is_reported_and_the_rows_still_checked(org: Organisation) -> None:
    header = "Staff Number,First Name,Last Name,Surname\n"
    plan = plan_import(organisation=org, upload=io.BytesIO(csv_bytes("1,A,,B", header=header)))
    assert [(e.line, e.column) for e in plan.errors] == [(1, "Surname"), (2, "Last Name")]


def test_two_imports_in_one_transaction_each_get_clean_staging(org: Organisation) -> None:
    with transaction.atomic():
        first = apply_import(
            organisation=org, upload=io.BytesIO(csv_bytes("1,A,B,,,,,,,")), by=None
        )
        second = apply_import(
            organisation=org, upload=io.BytesIO(csv_bytes("2,C,D,,,1,,,,")), by=None
        )
    assert first.ok, first.errors
    assert second.ok, second.errors
    manager = StaffRecord.objects.get(organisation=org, staff_number="2").line_manager
    assert manager is not None
    assert manager.staff_number == "1"


def _queries(action: Any) -> int:
    with CaptureQueriesContext(connection) as queries:
        action()
    return len(queries)


@pytest.mark.parametrize("mark_missing_as_left", [False, True])
def test_the_number_of_queries_does_not_grow_with_the_number_of_rows(
    org: Organisation, mark_missing_as_left: bool
) -> None:
    def rows(count: int, prefix: str) -> bytes:
        return csv_bytes(
            *[
                f"{prefix}{n},First{n},Last{n},p{n}@example.org,MED01,{prefix}{n // 10 if n >= 10 else ''},5,37.5,,"
                for n in range(count)
            ]
        )

    counts = []
    for count in (30, 1900):
        small, large = OrganisationFactory.create(), OrganisationFactory.create()
        for target in (small, large):
            UnitFactory.create(organisation=target, code="MED01")
        target = small if count == 30 else large
        data = rows(count, "S")
        checking = _queries(
            lambda data=data, target=target: plan_import(
                organisation=target,
                upload=io.BytesIO(data),
                mark_missing_as_left=mark_missing_as_left,
            )
        )
        adding = _queries(
            lambda data=data, target=target: apply_import(
                organisation=target,
                upload=io.BytesIO(data),
                by=None,
                mark_missing_as_left=mark_missing_as_left,
            )
        )
        again = _queries(
            lambda data=data, target=target: apply_import(
                organisation=target,
                upload=io.BytesIO(data),
                by=None,
                mark_missing_as_left=mark_missing_as_left,
            )
        )
        counts.append((checking, adding, again))
    assert counts[0] == counts[1]


def test_leavers_are_marked_in_batches_with_an_audit_entry_each(org: Organisation) -> None:
    StaffRecord.objects.bulk_create(
        StaffRecord(organisation=org, staff_number=f"X{n}", first_name="X", last_name=str(n))
        for n in range(2500)
    )
    plan = apply_import(
        organisation=org,
        upload=io.BytesIO(csv_bytes("K1,Keep,Me,,,,,,,")),
        by=None,
        mark_missing_as_left=True,
        left_confirmed=2500,
        left_forced=True,
    )
    assert plan.counts()["mark_left"] == 2500
    assert StaffRecord.objects.filter(organisation=org, status=StaffStatus.LEFT).count() == 2500
    assert AuditEvent.objects.filter(summary__endswith="as left by import").count() == 2500
