"""Whether someone works bank holidays: on the staff record (yes, no, or the organisation's
default), set by HR's form, the CSV import (both engines), the API, and shown in the admin."""

from __future__ import annotations

import io
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.db import connection, transaction

from audit.models import AuditEvent
from carershub.tests.personas import TOTP_SECRET
from organisations import working_pattern
from organisations.models import BankHolidayWork, Organisation, StaffRecord
from organisations.staff_import import Engine, apply_import, plan_import
from organisations.tests.factories import OrganisationFactory, StaffRecordFactory, UserFactory
from organisations.tests.test_staff_import_engines import assert_same_outcome

HEADER = "Staff Number,First Name,Last Name,Works Bank Holidays\n"


def _csv(*rows: str, header: str = HEADER) -> io.BytesIO:
    return io.BytesIO((header + "".join(r + "\n" for r in rows)).encode())


@pytest.mark.parametrize(
    ("cell", "stored"),
    [
        ("Yes", "yes"),
        ("y", "yes"),
        ("TRUE", "yes"),
        ("Rostered", "yes"),
        ("No", "no"),
        ("0", "no"),
        ("Default", "default"),
        ("Organisation  default", "default"),
        ("organisation\u2019s default", "default"),
    ],
)
def test_a_csv_cell_is_read_as_yes_no_or_the_default(cell, stored):
    assert working_pattern.parse_bank_holidays(cell) == stored


@pytest.mark.parametrize(
    ("value", "organisation_default", "works"),
    [
        ("default", False, False),
        ("default", True, True),
        ("yes", False, True),
        ("no", True, False),
    ],
)
def test_the_person_decides_then_the_organisation(value, organisation_default, works):
    assert (
        working_pattern.works_bank_holidays(value, organisation_default=organisation_default)
        is works
    )


def test_the_import_sets_it_a_blank_cell_keeps_it_and_a_bad_one_is_a_problem(db):
    org = OrganisationFactory.create()
    StaffRecordFactory.create(organisation=org, staff_number="2", works_bank_holidays="yes")
    plan = apply_import(
        organisation=org,
        upload=_csv("1,Ann,Lee,Yes", "2,Bo,Ray,", "3,Cy,Poe,No", "4,Di,Ho,"),
        by=None,
    )
    assert plan.ok, plan.errors
    stored = dict(
        StaffRecord.objects.filter(organisation=org).values_list(
            "staff_number", "works_bank_holidays"
        )
    )
    assert stored == {"1": "yes", "2": "yes", "3": "no", "4": "default"}

    plan = plan_import(organisation=org, upload=_csv("1,Ann,Lee,Sometimes"))
    assert not plan.ok
    assert (plan.errors[0].column, plan.errors[0].message) == (
        "Works Bank Holidays",
        "must be Yes, No or Default",
    )


def test_a_file_without_the_column_leaves_it_as_it_is(db):
    org = OrganisationFactory.create()
    StaffRecordFactory.create(
        organisation=org, staff_number="1", first_name="Ann", works_bank_holidays="no"
    )
    plan = apply_import(
        organisation=org,
        upload=_csv("1,Annie,Lee", header="Staff Number,First Name,Last Name\n"),
        by=None,
    )
    assert plan.ok, plan.errors
    assert StaffRecord.objects.get(organisation=org).works_bank_holidays == "no"


def test_the_preview_and_the_audit_show_the_change_in_words(db):
    org = OrganisationFactory.create()
    StaffRecordFactory.create(organisation=org, staff_number="1", first_name="Ann", last_name="Lee")
    plan = plan_import(organisation=org, upload=_csv("1,Ann,Lee,yes"))
    assert plan.preview()["update"][0]["changes"] == [
        {
            "field": "Works bank holidays",
            "old": "As the organisation's default",
            "new": "Yes, bank holidays are working days for them",
        }
    ]
    apply_import(organisation=org, upload=_csv("1,Ann,Lee,yes"), by=None)
    event = AuditEvent.objects.get(summary="Updated 1 by import")
    assert event.changes == {"works_bank_holidays": ["default", "yes"]}


def _stored_by(org: Organisation, data: bytes, engine: Engine) -> dict[str, str]:
    """What an engine writes to the column, rolled back afterwards."""
    with transaction.atomic():
        plan = apply_import(organisation=org, upload=io.BytesIO(data), by=None, engine=engine)
        assert plan.ok, plan.errors
        stored = dict(
            StaffRecord.objects.filter(organisation=org).values_list(
                "staff_number", "works_bank_holidays"
            )
        )
        transaction.set_rollback(True)
    return stored


@pytest.mark.skipif(connection.vendor != "postgresql", reason="compares with the COPY engine")
def test_both_engines_import_the_column_alike(db):
    org: Organisation = OrganisationFactory.create(slug="rota-trust")
    StaffRecordFactory.create(organisation=org, staff_number="E1", works_bank_holidays="yes")
    StaffRecordFactory.create(organisation=org, staff_number="E2", works_bank_holidays="no")
    header = (
        "Staff Number,First Name,Last Name,Contracted Days,Contracted Hours,Working Days,"
        "Bank Holidays\n"
    )
    data = (
        header
        + "E1,Edna,Boss,,,,\n"  # blank: keeps yes
        + "E2,Lee,Lead,,,,Default\n"
        + "N1,New,Starter,3,22.5,Mon-Wed,Yes\n"
        + "N2,Next,One,,,,\n"  # new, blank: the organisation's default
    ).encode()
    outcome: dict[str, Any] = assert_same_outcome(org, data)
    assert outcome["counts"]["add"] == 2
    assert outcome["counts"]["update"] == 2
    expected = {"E1": "yes", "E2": "default", "N1": "yes", "N2": "default"}
    assert _stored_by(org, data, "postgres") == expected
    assert _stored_by(org, data, "chunked") == expected


def _form(record: StaffRecord, **changes: Any) -> dict[str, Any]:
    data = {
        "staff_number": record.staff_number,
        "first_name": record.first_name,
        "last_name": record.last_name,
        "work_email": record.work_email,
        "unit": record.unit.code if record.unit else "",
        "line_manager": record.line_manager.staff_number if record.line_manager else "",
        "days_per_week": record.days_per_week,
        "hours_per_week": record.hours_per_week,
        "working_days": list(record.working_days),
        "version": record.version,
    }
    return {**data, **changes}


def test_hr_sets_it_on_the_staff_form_and_sees_it_on_the_record(client, world):
    client.force_login(world.hr_admin)
    record = world.carer_record
    edit = f"/o/{world.org.slug}/staff/{record.pk}/edit/"
    page = client.get(edit).content.decode()
    assert "Do they work bank holidays?" in page
    assert "The organisation's default is: no, they are days off." in page
    response = client.post(edit, _form(record, works_bank_holidays="yes"))
    assert response.status_code == 302, response.content.decode()[:2000]
    record.refresh_from_db()
    assert record.works_bank_holidays == "yes"
    event = AuditEvent.objects.filter(summary=f"Changed staff record {record.staff_number}").get()
    assert event.changes["works_bank_holidays"] == ["default", "yes"]
    detail = client.get(f"/o/{world.org.slug}/staff/{record.pk}/").content.decode()
    assert "Bank holidays" in detail


def test_a_form_without_the_question_leaves_it_as_it_is(client, world):
    client.force_login(world.hr_admin)
    record = world.carer_record
    record.works_bank_holidays = BankHolidayWork.NO
    record.save()
    response = client.post(
        f"/o/{world.org.slug}/staff/{record.pk}/edit/", _form(record, first_name="Renamed")
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.first_name, record.works_bank_holidays) == ("Renamed", "no")


def test_the_django_admin_shows_it(client, world):
    superuser = UserFactory.create(email="root@example.org", is_superuser=True, is_staff=True)
    TOTP.activate(superuser, TOTP_SECRET)
    client.force_login(superuser)
    listing = client.get("/admin/organisations/staffrecord/?works_bank_holidays__exact=yes")
    assert listing.status_code == 200
    record = client.get(f"/admin/organisations/staffrecord/{world.carer_record.pk}/change/")
    assert "Works bank holidays" in record.content.decode()
    organisations = client.get("/admin/organisations/organisation/").content.decode()
    assert "Staff normally work bank holidays" in organisations
