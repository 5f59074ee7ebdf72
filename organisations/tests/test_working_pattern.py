"""Working days on the staff record: parsing, the staff form and the CSV import."""

from __future__ import annotations

import io
import re

import pytest
import time_machine
from django.core.management import call_command

from audit.models import Action, AuditEvent
from leave.models import CarersLeaveDay
from organisations import working_pattern
from organisations.models import StaffRecord
from organisations.staff_import import apply_import, plan_import
from organisations.tests.factories import OrganisationFactory, StaffRecordFactory

HEADER = "Staff Number,First Name,Last Name,Working Days\n"


@pytest.mark.parametrize(
    ("cell", "stored"),
    [
        ("Mon-Fri", "12345"),
        ("mon - fri", "12345"),
        ("Monday, Wednesday, Friday", "135"),
        ("Tue;Thu", "24"),
        ("Sat Sun", "67"),
        ("Thurs-Sat", "456"),
        ("Irregular", ""),
        ("IRREGULAR", ""),
    ],
)
def test_a_csv_cell_is_read_into_weekday_digits(cell, stored):
    assert working_pattern.parse(cell) == stored


@pytest.mark.parametrize("cell", ["Funday", "Fri-Mon", "Mon-", "1,2,3"])
def test_a_bad_csv_cell_is_a_problem(cell):
    with pytest.raises(ValueError, match=r"day|forwards"):
        working_pattern.parse(cell)


@pytest.mark.parametrize(
    ("stored", "words"),
    [
        ("12345", "Monday to Friday"),
        ("135", "Monday, Wednesday and Friday"),
        ("67", "Saturday and Sunday"),
        ("3", "Wednesday"),
        ("", "No fixed days"),
    ],
)
def test_a_pattern_is_described_in_words(stored, words):
    assert working_pattern.describe(stored) == words


def _csv(*rows: str) -> io.BytesIO:
    return io.BytesIO((HEADER + "".join(r + "\n" for r in rows)).encode())


def test_the_import_sets_working_days_and_a_blank_cell_keeps_them(db):
    org = OrganisationFactory.create()
    StaffRecordFactory.create(organisation=org, staff_number="2", working_days="246")
    plan = apply_import(
        organisation=org,
        upload=_csv("1,Ann,Lee,Tue-Thu", "2,Bo,Ray,", "3,Cy,Poe,Irregular", "4,Di,Ho,"),
        by=None,
    )
    assert plan.ok, plan.errors
    days = dict(
        StaffRecord.objects.filter(organisation=org).values_list("staff_number", "working_days")
    )
    assert days == {"1": "234", "2": "246", "3": "", "4": "12345"}


def test_the_import_reports_a_bad_working_days_cell_and_writes_nothing(db):
    org = OrganisationFactory.create()
    plan = plan_import(organisation=org, upload=_csv("1,Ann,Lee,Mondays"))
    assert not plan.ok
    assert plan.errors[0].column == "Working Days"
    assert "Mondays" in plan.errors[0].message
    assert not StaffRecord.objects.filter(organisation=org).exists()


def test_the_preview_shows_a_change_of_working_days_in_words(db):
    org = OrganisationFactory.create()
    StaffRecordFactory.create(organisation=org, staff_number="1", first_name="Ann", last_name="Lee")
    plan = plan_import(organisation=org, upload=_csv("1,Ann,Lee,Irregular"))
    change = plan.preview()["update"][0]["changes"]
    assert change == [{"field": "Working days", "old": "Monday to Friday", "new": "No fixed days"}]


def _form(record, **changes):
    data = {
        "staff_number": record.staff_number,
        "first_name": record.first_name,
        "last_name": record.last_name,
        "work_email": record.work_email,
        "unit": record.unit.code if record.unit else "",
        "line_manager": record.line_manager.staff_number if record.line_manager else "",
        "days_per_week": record.days_per_week,
        "hours_per_week": record.hours_per_week,
        "version": record.version,
    }
    return {**data, **changes}


def test_hr_sets_working_days_on_the_staff_form_and_the_change_is_audited(client, world):
    client.force_login(world.hr_admin)
    record = world.carer_record
    url = f"/o/{world.org.slug}/staff/{record.pk}/edit/"
    assert "Which days do they normally work?" in client.get(url).content.decode()
    response = client.post(url, _form(record, working_days=["1", "3"]))
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.working_days == "13"
    event = AuditEvent.objects.filter(action=Action.UPDATE, object_id=str(record.pk)).latest("pk")
    assert event.changes == {"working_days": ["12345", "13"]}
    detail = client.get(f"/o/{world.org.slug}/staff/{record.pk}/").content.decode()
    assert "Monday and Wednesday" in detail


@pytest.mark.parametrize(
    ("chosen", "message"),
    [
        ([], "Choose the days they normally work, or No fixed days."),
        (["1", "irregular"], "not both"),
    ],
)
def test_the_staff_form_needs_days_or_no_fixed_days_but_not_both(client, world, chosen, message):
    client.force_login(world.hr_admin)
    record = world.carer_record
    response = client.post(
        f"/o/{world.org.slug}/staff/{record.pk}/edit/",
        _form(record, first_name="Typed", working_days=chosen),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert message in html
    assert 'value="Typed"' in html
    record.refresh_from_db()
    assert record.working_days == "12345"


def test_no_fixed_days_is_stored_as_an_irregular_pattern(client, world):
    client.force_login(world.hr_admin)
    record = world.carer_record
    client.post(
        f"/o/{world.org.slug}/staff/{record.pk}/edit/", _form(record, working_days=["irregular"])
    )
    record.refresh_from_db()
    assert record.irregular_pattern
    page = client.get(f"/o/{world.org.slug}/staff/{record.pk}/edit/").content.decode()
    box = re.search(r'<input[^>]*value="irregular"[^>]*>', page)
    assert box is not None, page
    assert "checked" in box.group(0)


def test_the_documented_example_file_imports_cleanly(db):
    org = OrganisationFactory.create()
    for code in ("MED01", "MED02"):
        org.units.create(code=code, name=code)
    with open("docs/examples/staff-example.csv", "rb") as upload:
        plan = plan_import(organisation=org, upload=upload)
    assert plan.ok, plan.errors
    assert plan.counts()["add"] == 8


@pytest.mark.parametrize(
    "today",
    [
        "2026-11-26",
        "2026-11-27",
        "2026-12-09",
        "2026-12-11",
    ],  # leave would meet weekends, Christmas
)
def test_the_demo_leave_request_lands_on_working_days_whatever_the_day(db, today):
    with time_machine.travel(f"{today} 09:00:00+00:00"):
        call_command("seed_demo", verbosity=0)
    days = [d.day for d in CarersLeaveDay.objects.all()]
    assert len(days) == 2
    assert all(day.isoweekday() <= 5 for day in days)
