"""Downloads of plans print any stored text: control characters, formulas, any script, a
10,000-letter word. The text is written straight to the database, as rows kept before the
input rule or changed in the admin would hold it."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from api.services import api_token_create
from audit.models import Channel
from carershub.tests.awkward_text import CONTROLS, EVERYTHING, FORMULA, LONG_WORD, MARKUP, WELSH
from carershub.tests.pdfs import assert_accessible, assert_prints_every_name, pdf_text
from plans.calendar import plan_calendar_for
from plans.models import ActionPoint, OrgPlan, PersonalPlan, PersonalPlanRow, Priority
from plans.services import progress_add
from plans.tests.helpers import personal_plan, strategy_plan
from shared.printable import printable


@pytest.fixture
def awkward_plan(world):
    plan, action = strategy_plan(world)
    progress_add(action=action, period="2026/27", text="done", rag="amber", by=world.manager)
    OrgPlan.objects.filter(pk=plan.pk).update(title=f"{CONTROLS} {WELSH} 2026/27")
    Priority.objects.filter(plan=plan).update(title=WELSH, aim=EVERYTHING)
    ActionPoint.objects.filter(pk=action.pk).update(
        planned_action="\x01" + FORMULA, what_we_will_do=EVERYTHING, risks=MARKUP
    )
    action.progress.update(text="\x1b+1 " + CONTROLS)
    return OrgPlan.objects.get(pk=plan.pk)


def test_org_plan_xlsx_with_control_characters_opens_with_text_as_stored(
    client, world, awkward_plan
):
    client.force_login(world.hr_admin)
    response = client.get(reverse("plans:org_plan_xlsx", args=[world.org.slug, awkward_plan.pk]))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)
    assert sheet.title == "ab cd Gwŵr ŷd Ŵyn 2026-27"
    assert sheet["A2"].value == f"2 {WELSH}"
    assert sheet["B2"].value == printable(EVERYTHING)
    assert sheet["D2"].value == "'" + FORMULA
    assert sheet["D2"].data_type == "s"
    assert sheet["E2"].value == printable(EVERYTHING)
    assert sheet["F2"].value == MARKUP
    assert sheet["L2"].value.startswith("'+1 ab\nc")


def test_org_plan_csv_with_control_characters_parses_with_the_same_values(
    client, world, awkward_plan
):
    client.force_login(world.hr_admin)
    response = client.get(reverse("plans:org_plan_csv", args=[world.org.slug, awkward_plan.pk]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    row = rows[1]
    assert row[1] == printable(EVERYTHING)
    assert "\x01" not in row[1]
    assert "\x1b" not in row[1]
    assert row[3] == "'" + FORMULA
    assert row[4].endswith("W" * 10_000)
    assert row[11].startswith("'+1 ab\nc")


def test_personal_plan_csv_with_control_characters_parses(client, world):
    plan = personal_plan(world)
    PersonalPlan.objects.filter(pk=plan.pk).update(goal="\x0b-1 " + EVERYTHING)
    PersonalPlanRow.objects.filter(plan=plan).update(due_note="\x01@now")
    client.force_login(world.manager)
    response = client.get(reverse("plans:personal_plan_csv", args=[world.org.slug, plan.pk]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    assert rows[1][2] == printable("\x0b-1 " + EVERYTHING)
    assert rows[3][4] == "'@now"


def test_org_plan_pdf_prints_any_stored_text(client, world, awkward_plan):
    client.force_login(world.hr_admin)
    response = client.get(reverse("plans:org_plan_pdf", args=[world.org.slug, awkward_plan.pk]))
    assert response.status_code == 200
    assert_accessible(response.content)
    assert_prints_every_name(response.content)
    text = pdf_text(response.content).replace("\n", " ")
    for expected in (WELSH, "Nguyễn Thị Ánh", "Łukasz Żółć", "café", FORMULA, "<b>bold</b>"):
        assert expected in text, expected
    assert text.count("W") >= 10_000  # the long word is printed, split over lines


def test_personal_plan_pdf_prints_any_stored_text(client, world):
    plan = personal_plan(world)
    PersonalPlan.objects.filter(pk=plan.pk).update(
        title=f"{CONTROLS} {WELSH}", goal=EVERYTHING, first_step=MARKUP
    )
    PersonalPlanRow.objects.filter(plan=plan).update(action=EVERYTHING, help_from=LONG_WORD)
    client.force_login(world.manager)
    response = client.get(reverse("plans:personal_plan_pdf", args=[world.org.slug, plan.pk]))
    assert response.status_code == 200
    assert_accessible(response.content)
    assert_prints_every_name(response.content)
    text = pdf_text(response.content).replace("\n", " ")
    assert "ab cd Gwŵr" in text
    assert "Nguyễn Thị Ánh" in text
    assert "<b>bold</b> <i>unclosed &" in text


def test_the_calendar_feed_reads_back_with_any_stored_text(world, awkward_plan):
    body = plan_calendar_for(user=world.manager, organisation=world.org)
    assert not any(byte < 0x20 and byte not in b"\r\n" for byte in body)
    assert max(len(line) for line in body.split(b"\r\n")) <= 75
    event = Calendar.from_ical(body).walk("VEVENT")[0]
    assert str(event["summary"]).startswith(f"Action 2.1.1 due: {FORMULA[:20]}")
    assert str(event["description"]) == f"ab\ncd {WELSH} 2026/27\n\n{FORMULA}"


def test_the_api_answers_with_any_stored_text_as_json(world, awkward_plan):
    _token, secret = api_token_create(
        user=world.hr_admin, organisation=world.org, name="t", channel=Channel.WEB
    )
    client = Client(headers={"Authorization": f"Bearer {secret}"})
    response = client.get(f"/api/v1/plans/org/{awkward_plan.pk}")
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["title"] == f"{CONTROLS} {WELSH} 2026/27"
    [priority] = data["priorities"]
    assert priority["aim"] == EVERYTHING
    actions = json.loads(client.get(f"/api/v1/plans/org/{awkward_plan.pk}/actions").content)
    assert actions["items"][0]["planned_action"] == "\x01" + FORMULA
