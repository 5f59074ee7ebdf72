"""The employers' forum in Chromium with axe-core: an HR admin publishes an anonymised case
study (after forgetting the agreement tick, which keeps what was typed); the HR admin of
another member organisation reads it on a phone without the author's organisation or name;
an employee cannot open the forum."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import ViewportSize

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
