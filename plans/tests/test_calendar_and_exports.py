"""The private calendar feed and the downloads."""

from __future__ import annotations

import csv
import io
from datetime import date

from django.urls import reverse
from icalendar import Calendar
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from pypdf import PdfReader

from audit.models import AuditEvent
from organisations.models import Membership
from plans.models import PlanCalendarFeed
from plans.services import ActionInput, action_create, personal_plan_update, progress_add
from plans.tests.helpers import personal_plan, strategy_plan


def _feed_link(client, world, persona: str = "manager") -> str:
    client.force_login(world.persona(persona))
    page = client.post(reverse("plans:calendar", args=[world.org.slug])).text
    start = page.index("http://")
    return page[start : page.index("</p>", start)].removeprefix("http://127.0.0.1:8000")


def _events(body: bytes) -> dict[str, date]:
    calendar = Calendar.from_ical(body)
    return {str(e["summary"]): e.decoded("dtstart") for e in calendar.walk("VEVENT")}


def test_the_feed_has_my_actions_and_my_own_plan_dates_only(client, world):
    plan, _action = strategy_plan(world)
    action_create(
        priority=plan.priorities.get(),
        data=ActionInput(
            planned_action="Someone else's job", owner=world.champion, due_on=date(2026, 8, 1)
        ),
        by=world.hr_admin,
    )
    personal_plan(world)  # the manager's
    personal_plan(world, owner="carer")  # someone else's plan: never in the manager's feed
    link = _feed_link(client, world)
    assert link.startswith("/plans/calendar/")
    assert link.endswith(".ics")
    client.logout()
    response = client.get(link)  # a calendar app: no session
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, no-store"
    events = _events(response.content)
    assert events == {
        "Action 2.1.1 due: Raise the profile of carers' needs": date(2026, 9, 30),
        "My plan: Find out how staff can tell us they are carers.": date(2026, 6, 9),
        "First step: Phone HR this afternoon to ask about our carers policy.": date(2026, 6, 2),
    }
    feed = PlanCalendarFeed.objects.get()
    reads = AuditEvent.objects.filter(
        object_type="plans.plancalendarfeed", object_id=str(feed.pk), action="view", actor=None
    )
    assert reads.count() == 1
    # A calendar app polls all day: the day's first read is audited, and an unchanged feed
    # answers the poll's ETag with 304 and no body.
    again = client.get(link, headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert reads.count() == 1


def test_a_new_link_stops_the_old_one_and_leaving_stops_both(client, world):
    strategy_plan(world)
    old = _feed_link(client, world)
    new = _feed_link(client, world)
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    assert AuditEvent.objects.filter(
        object_type="plans.plancalendarfeed", action="update", actor=world.manager
    ).exists()
    Membership.objects.filter(user=world.manager, organisation=world.org).delete()
    assert client.get(new).status_code == 404


def test_the_calendar_page_shows_the_link_once(client, world):
    client.force_login(world.carer)
    url = reverse("plans:calendar", args=[world.org.slug])
    assert "Make my link" in client.get(url).text
    client.post(url)
    page = client.get(url).text
    assert "Make a new link" in page
    assert "/plans/calendar/" not in page


def _strategy_with_progress(world):
    plan, action = strategy_plan(world)
    action.what_we_will_do = '=HYPERLINK("http://evil.example")'
    action.save()
    progress_add(action=action, period="2026/27", text="+Posters up", rag="green", by=world.manager)
    return plan, action


def test_org_plan_csv_is_laid_out_by_period_and_safe_from_formulas(client, world):
    plan, _action = _strategy_with_progress(world)
    client.force_login(world.sponsor)
    response = client.get(reverse("plans:org_plan_csv", args=[world.org.slug, plan.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="carers-strategy')
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:10] == [
        "Priority",
        "Aim",
        "Action point",
        "Planned action",
        "What we will do",
        "Risks",
        "Owner",
        "Due",
        "Status",
        "Criterion",
    ]
    assert rows[0][10:] == [
        "2026/27 status",
        "2026/27 progress",
        "2027/28 status",
        "2027/28 progress",
    ]
    row = rows[1]
    assert row[0] == "2 Information and communication"
    assert row[4] == '\'=HYPERLINK("http://evil.example")'
    assert row[10] == "Green"
    assert row[11].startswith("'+Posters up")
    assert row[12:] == ["", ""]
    assert AuditEvent.objects.filter(
        object_type="plans.orgplan", action="export", actor=world.sponsor
    ).exists()


def test_org_plan_xlsx_opens_and_holds_text_not_formulas(client, world):
    plan, _action = _strategy_with_progress(world)
    client.force_login(world.hr_admin)
    response = client.get(reverse("plans:org_plan_xlsx", args=[world.org.slug, plan.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert isinstance(sheet, Worksheet)
    assert sheet["A1"].value == "Priority"
    assert sheet["E2"].value == '\'=HYPERLINK("http://evil.example")'
    assert sheet["E2"].data_type == "s"
    assert sheet["K2"].value == "Green"


def test_org_plan_pdf_has_the_plan_and_its_progress(client, world):
    plan, _action = _strategy_with_progress(world)
    client.force_login(world.champion)
    response = client.get(reverse("plans:org_plan_pdf", args=[world.org.slug, plan.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for expected in (
        "Carers' strategy action plan",
        "2.1.1",
        "Raise the profile",
        "Green",
        "Posters up",
        "2027/28",
    ):
        assert expected in text, expected


def test_an_employee_without_an_action_cannot_export(client, world):
    plan, _action = strategy_plan(world)
    client.force_login(world.carer)
    for name in ("plans:org_plan_csv", "plans:org_plan_xlsx", "plans:org_plan_pdf"):
        assert client.get(reverse(name, args=[world.org.slug, plan.pk])).status_code == 403


def test_the_owner_downloads_their_personal_plan(client, world):
    plan = personal_plan(world)
    personal_plan_update(
        plan=plan,
        expected_version=None,
        by=world.manager,
        title=plan.title,
        goal="@SUM(1+1) a goal",
        first_step=plan.first_step,
        first_step_on=plan.first_step_on,
        rows=[],
    )
    client.force_login(world.manager)
    pdf = client.get(reverse("plans:personal_plan_pdf", args=[world.org.slug, plan.pk]))
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "My action plan" in text
    assert "Phone HR this afternoon" in text
    response = client.get(reverse("plans:personal_plan_csv", args=[world.org.slug, plan.pk]))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1] == ["My long-term goal", "", "'@SUM(1+1) a goal", "", "", ""]
    assert rows[-1][0] == "The first step I am going to take"
