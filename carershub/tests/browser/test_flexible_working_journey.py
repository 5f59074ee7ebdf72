"""A flexible-working request is consulted on and approved with a trial period, in one
decision form whose answers each reveal only their own questions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from carershub.tests.browser.fixtures import Tab
from carershub.tests.browser.steps import sign_in
from carershub.tests.personas import World
from leave.models import FlexibleStatus, FlexibleWorkingRequest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_request_is_consulted_on_and_approved_with_a_trial(
    world: World, open_tab: Callable[..., Tab]
) -> None:
    today = timezone.localdate()
    carer = open_tab()
    page = carer.page
    sign_in(carer, email=world.carer.email)
    carer.follow(lambda: page.get_by_role("link", name="Flexible working").click())
    carer.follow(lambda: page.get_by_role("button", name="Make a request").click())
    page.get_by_label("What change would you like?").fill(
        "Start at 10am on Tuesdays and Thursdays."
    )
    page.get_by_label("When would you like it to start?").fill(
        (today + timedelta(days=45)).isoformat()
    )
    carer.follow(lambda: page.get_by_role("button", name="Send my request").click())
    request = FlexibleWorkingRequest.objects.get(staff=world.carer_record)
    assert f"{request.decision_due:%-d %B %Y}" in page.content()

    manager = open_tab()
    mpage = manager.page
    sign_in(manager, email=world.manager.email)
    manager.goto(f"/o/{world.org.slug}/flexible/")
    manager.follow(
        lambda: mpage.get_by_role("link", name=f"Open {world.carer_record.full_name}").click()
    )
    # The conversation comes first: refusing needs one, and the page asks for it above the decision.
    talk = mpage.get_by_role("heading", name="Before you decide: talk it through")
    decide = mpage.get_by_role("group", name="Your decision")
    assert talk.bounding_box()["y"] < decide.bounding_box()["y"]  # type: ignore[index]
    # The extension waits in a details component.
    assert not mpage.get_by_label("New date for the decision").is_visible()
    mpage.get_by_label("Date of the conversation").fill(today.isoformat())
    mpage.get_by_label("What was discussed").fill("Agreed cover with the team for early shifts.")
    manager.follow(lambda: mpage.get_by_role("button", name="Record the conversation").click())
    # Nothing of refusing shows while approving.
    reasons = mpage.get_by_role("group", name="Business reasons for refusing")
    assert not reasons.is_visible()
    decide.get_by_label("Approve", exact=True).check()
    assert not reasons.is_visible()
    approve = mpage.locator("#conditional-id_outcome-approved")
    expect(approve.get_by_label("Trial period ends (optional)")).to_be_visible()
    manager.check()
    decide.get_by_label("Refuse").check()
    expect(reasons).to_be_visible()
    expect(approve).to_be_hidden()
    manager.check()
    manager.screenshot("flexible-decision")
    decide.get_by_label("Approve", exact=True).check()
    approve.get_by_label("Trial period ends (optional)").fill(
        (today + timedelta(days=90)).isoformat()
    )
    manager.follow(lambda: mpage.get_by_role("button", name="Record the decision").click())
    assert "Decision recorded" in mpage.content()

    carer.goto(f"/o/{world.org.slug}/flexible/{request.pk}/")
    html = page.content()
    assert "Approved" in html
    assert "Trial period until" in html
    request.refresh_from_db()
    assert request.status == FlexibleStatus.APPROVED
    assert request.consultations.count() == 1
