"""Awareness days and news for staff in Chromium with axe-core: on a fixed day before Carers
Rights Day, HR sees the prompt on the home page, puts one of its ideas into the action plan,
writes an article with a preview and publishes it; an employee reads it from their home
page, on a phone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import ViewportSize

from carershub.tests.browser.fixtures import Tab
from carershub.tests.browser.steps import sign_in
from carershub.tests.personas import TOTP_SECRET, World
from plans.models import ActionPoint

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE: ViewportSize = {"width": 375, "height": 740}
#: Seventeen days before Carers Rights Day 2027 (Thursday 18 November, by the rule). In the
#: future, so the browser keeps the session cookie the server dates from this day.
BEFORE_RIGHTS_DAY = datetime(2027, 11, 1, 10, 0, tzinfo=timezone.get_current_timezone())


def test_hr_plans_for_carers_rights_day_and_publishes_an_article_an_employee_reads(
    world: World, open_tab: Callable[..., Tab]
) -> None:
    with time_machine.travel(BEFORE_RIGHTS_DAY, tick=True):
        hr = open_tab()
        page = hr.page
        sign_in(hr, email=world.hr_admin.email, totp_secret=TOTP_SECRET)
        hr.goto(f"/o/{world.org.slug}/")
        assert "Thursday 18 November 2027 (expected)" in page.content()
        hr.follow(
            lambda: page.get_by_role("link", name="Coming up: Carers Rights Day 2027").click()
        )
        assert "This is the date it usually falls on" in page.content()
        hr.follow(
            lambda: (
                page.locator("li", has_text="Publish an article for staff")
                .get_by_role("button", name="Add to our strategy plan")
                .click()
            )
        )
        assert "Added to your action plan" in page.content()
        assert page.get_by_text("In your plan").is_visible()
        action = ActionPoint.objects.get(plan__organisation=world.org)
        assert action.planned_action == "Carers Rights Day 2027: Publish an article for staff"

        hr.goto(f"/o/{world.org.slug}/")
        hr.follow(lambda: page.get_by_role("link", name="News for staff").click())
        hr.follow(lambda: page.get_by_role("link", name="Write and publish articles").click())
        hr.follow(lambda: page.get_by_role("button", name="Write an article").click())
        page.get_by_label("Title").fill("Know your rights at work")
        page.get_by_label("Summary").fill("What carers here can ask for, and how.")
        page.get_by_label("Article").fill(
            "You can ask for **carer's leave** from your first day.\n\n## Where to start\n\n"
            "- Talk to your line manager"
        )
        hr.follow(lambda: page.get_by_role("button", name="Preview").click())
        assert page.get_by_role("heading", name="Where to start").is_visible()
        hr.follow(lambda: page.get_by_role("button", name="Save as a draft").click())
        assert "This is a draft" in page.content()
        hr.follow(lambda: page.get_by_role("button", name="Publish for staff").click())
        assert "The article is published for staff." in page.content()

        employee = open_tab()
        phone = employee.page
        phone.set_viewport_size(PHONE)
        sign_in(employee, email=world.carer.email)
        employee.goto(f"/o/{world.org.slug}/")
        assert "Carers Rights Day" not in phone.content()  # prompts are for HR and champions
        employee.follow(lambda: phone.get_by_role("link", name="News for staff").click())
        employee.follow(lambda: phone.get_by_role("link", name="Know your rights at work").click())
        assert phone.get_by_role("heading", name="Where to start").is_visible()
        assert "Change the article" not in phone.content()
        hr.assert_every_page_scanned()
        employee.assert_every_page_scanned()
