"""The employers' forum in Chromium with axe-core: an HR admin publishes an anonymised case
study (after forgetting the agreement tick, which keeps what was typed); the HR admin of
another member organisation reads it on a phone without the author's organisation or name;
an employee cannot open the forum. A champion's discussion is replied to and closed; a lead
adds an event (after an unsafe link is refused) and a sponsor downloads it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import icalendar
import pytest
from django.utils import timezone
from playwright.sync_api import ViewportSize

from accounts.selectors import display_name
from carershub.tests.browser.fixtures import Tab
from carershub.tests.browser.steps import sign_in
from carershub.tests.personas import TOTP_SECRET, World
from forum.models import CaseStudy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE: ViewportSize = {"width": 375, "height": 740}


def test_an_anonymised_case_study_reaches_another_member_without_naming_its_author(
    world: World, open_tab: Callable[..., Tab]
) -> None:
    hr = open_tab()
    page = hr.page
    sign_in(hr, email=world.hr_admin.email, totp_secret=TOTP_SECRET)
    hr.goto(f"/o/{world.org.slug}/")
    hr.follow(lambda: page.get_by_role("link", name="Employers' forum").click())
    hr.follow(lambda: page.get_by_role("link", name="Share a case study").first.click())
    page.get_by_label("Title").fill("Quiet rota swaps for carers")
    page.get_by_label("Summary").fill("Staff who look after someone swap shifts on a board.")
    page.get_by_label("The case study").fill("We set up a board.\n\nSwaps doubled in a year.")
    page.get_by_label("Share it anonymously").check()
    hr.follow(lambda: page.get_by_role("button", name="Publish to the partnership").click())
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Tick to agree to share this" in summary
    assert page.get_by_label("Title").input_value() == "Quiet rota swaps for carers"
    assert page.get_by_label("Share it anonymously").is_checked()
    page.get_by_label("I agree to share this with the partnership's member organisations").check()
    hr.follow(lambda: page.get_by_role("button", name="Publish to the partnership").click())
    assert page.get_by_role("heading", name="Quiet rota swaps for carers").is_visible()
    assert "shared this anonymously" in page.content()
    found = CaseStudy.objects.get()
    assert found.anonymous
    assert found.consent_at is not None

    other = open_tab()
    phone = other.page
    phone.set_viewport_size(PHONE)
    sign_in(other, email=world.outsider.email, totp_secret=TOTP_SECRET)
    other.goto(f"/o/{world.other_org.slug}/")
    other.follow(lambda: phone.get_by_role("link", name="Employers' forum").click())
    other.follow(lambda: phone.get_by_role("link", name="Case studies", exact=True).click())
    other.follow(lambda: phone.get_by_role("link", name="Quiet rota swaps for carers").click())
    assert "A member organisation" in phone.locator("#case-study-from").inner_text()
    text = phone.locator("main").inner_text()
    assert world.org.name not in text
    assert display_name(world.hr_admin) not in text
    assert world.hr_admin.email not in text
    assert "Swaps doubled in a year." in text
    assert "Change the case study" not in text

    employee = open_tab()
    sign_in(employee, email=world.carer.email)
    employee.goto(f"/o/{world.org.slug}/")
    assert "Employers' forum" not in employee.page.content()
    response = employee.page.request.get(f"{employee.base_url}/p/{world.partnership.slug}/forum/")
    assert response.status == 404
    assert "Quiet rota swaps" not in response.text()


def test_a_discussion_is_replied_to_and_closed_and_a_lead_adds_an_event(
    world: World, open_tab: Callable[..., Tab]
) -> None:
    champion = open_tab()
    page = champion.page
    sign_in(champion, email=world.champion.email)
    champion.goto(f"/p/{world.partnership.slug}/forum/")
    champion.follow(lambda: page.get_by_role("link", name="Start a discussion").click())
    page.get_by_label("Title").fill("Summer network meetings")
    page.get_by_label("What you want to say or ask").fill("Ours thin out in July. Ideas?")
    champion.follow(lambda: page.get_by_role("button", name="Start the thread").click())
    champion.follow(lambda: page.get_by_role("button", name="Post your reply").click())
    assert "Enter your reply" in page.locator(".govuk-error-summary").inner_text()
    page.get_by_label("Your reply").fill("We could try an online call.")
    champion.follow(lambda: page.get_by_role("button", name="Post your reply").click())
    assert "We could try an online call." in page.locator("main").inner_text()
    champion.follow(lambda: page.get_by_role("button", name="Close the discussion").click())
    assert "takes no more replies" in page.locator("main").inner_text()

    lead = open_tab()
    desk = lead.page
    sign_in(lead, email=world.lead.email, totp_secret=TOTP_SECRET)
    lead.goto(f"/p/{world.partnership.slug}/")
    lead.follow(lambda: desk.get_by_role("link", name="Employers' forum").click())
    lead.follow(lambda: desk.get_by_role("link", name="Add an event").first.click())
    desk.get_by_label("Title").fill("Employers' breakfast")
    desk.get_by_label("Day").fill((timezone.localdate() + timedelta(days=9)).isoformat())
    desk.get_by_label("Start time").fill("08:30")
    desk.get_by_label("Link to join or book (optional)").fill("javascript:alert(1)")
    desk.get_by_label("What it is about").fill("Two employers on rota changes.")
    lead.follow(lambda: desk.get_by_role("button", name="Add the event").click())
    assert "https://" in desk.locator(".govuk-error-summary").inner_text()
    assert desk.get_by_label("Title").input_value() == "Employers' breakfast"
    desk.get_by_label("Link to join or book (optional)").fill("https://events.example.org/b")
    lead.follow(lambda: desk.get_by_role("button", name="Add the event").click())
    assert desk.get_by_role("heading", name="Employers' breakfast").is_visible()

    sponsor = open_tab()
    sign_in(sponsor, email=world.sponsor.email)
    sponsor.goto(f"/p/{world.partnership.slug}/forum/events/")
    sponsor.follow(lambda: sponsor.page.get_by_role("link", name="Employers' breakfast").click())
    with sponsor.page.expect_download() as download:
        sponsor.page.get_by_role("link", name="Add it to your calendar").click()
    entry = icalendar.Calendar.from_ical(download.value.path().read_bytes()).walk("VEVENT")[0]
    assert str(entry["summary"]) == "Employers' breakfast"
    sponsor.goto(f"/p/{world.partnership.slug}/forum/threads/")
    assert "Closed" in sponsor.page.locator("main").inner_text()
