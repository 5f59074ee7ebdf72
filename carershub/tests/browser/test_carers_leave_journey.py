"""A carer asks for two half days as a first and last day; the manager postpones with a
reason in the one decision form; the carer sees it. With JavaScript the summary follows
the days as they are typed; without it, "Check the days" shows the same."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from carershub.tests.browser.fixtures import Tab
from carershub.tests.browser.steps import sign_in
from carershub.tests.personas import World
from leave.models import CarersLeaveRequest, RequestStatus
from leave.statutory import is_bank_holiday

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_carer_asks_for_two_half_days_and_the_manager_postpones_them(
    world: World, open_tab: Callable[..., Tab]
) -> None:
    # A Monday at least ten days ahead, so both days and the new date two weeks on are
    # working days (Monday to Friday) and not bank holidays.
    first = timezone.localdate() + timedelta(days=10)
    first += timedelta(days=(7 - first.weekday()) % 7)
    while any(is_bank_holiday(first + timedelta(days=n), world.org.nation) for n in (0, 1, 14)):
        first += timedelta(days=7)
    second, moved = first + timedelta(days=1), first + timedelta(days=14)

    carer = open_tab()
    page = carer.page
    sign_in(carer, email=world.carer.email)
    carer.follow(lambda: page.get_by_role("link", name="Carer's leave").click())
    carer.follow(lambda: page.get_by_role("button", name="Ask for carer's leave").click())
    # Part days are asked only when wanted: their questions are hidden until then.
    first_part = page.get_by_role("group", name="How much of the first day?")
    assert not first_part.is_visible()
    page.get_by_label("First day", exact=True).fill(first.isoformat())
    page.get_by_label("Last day (optional)").fill(second.isoformat())
    page.get_by_label("Yes", exact=True).check()
    first_part.get_by_label("Morning only").check()
    page.get_by_role("group", name="How much of the last day?").get_by_label(
        "Afternoon only"
    ).check()
    summary = page.locator("[data-leave-summary]")
    # The summary follows the days without a reload (the Check button is for no JavaScript).
    expect(summary).to_contain_text("1 working day from your allowance")
    expect(summary).to_contain_text(f"{first:%A} {first.day} {first:%B %Y}, morning")
    expect(summary).to_contain_text("Ask at least 5 days before the first day")
    assert not page.get_by_role("button", name="Check the days").is_visible()
    carer.check()  # axe and 320px reflow, with the part-day questions and summary shown
    carer.screenshot("carers-leave-form")
    carer.follow(lambda: page.get_by_role("button", name="Send to my line manager").click())
    assert "Waiting for the line manager" in page.content()
    leave = CarersLeaveRequest.objects.get(staff=world.carer_record)
    assert sum(day.amount for day in leave.days.all()) == 1

    manager = open_tab()
    mpage = manager.page
    sign_in(manager, email=world.manager.email)
    manager.goto(f"/o/{world.org.slug}/leave/team/")
    manager.follow(
        lambda: mpage.get_by_role("link", name=f"Decide {world.carer_record.full_name}").click()
    )
    assert mpage.get_by_role("radio", name="Refuse").count() == 0
    # One decision form: the new date and reason appear only under "Postpone it".
    assert not mpage.get_by_label("New first day").is_visible()
    mpage.get_by_label("Postpone it").check()
    expect(mpage.get_by_label("New first day")).to_be_visible()
    manager.check()
    # Too late a date first: the error summary explains the one-month limit and keeps the reason.
    mpage.get_by_label("New first day").fill((first + timedelta(days=40)).isoformat())
    mpage.get_by_label("Why would the business be unduly disrupted?").fill(
        "Two colleagues on the ward are off sick."
    )
    manager.follow(lambda: mpage.get_by_role("button", name="Send the decision").click())
    assert "one month after the first day" in mpage.locator(".govuk-error-summary").inner_text()
    assert mpage.get_by_label("Postpone it").is_checked()
    assert (
        mpage.get_by_label("Why would the business be unduly disrupted?")
        .input_value()
        .startswith("Two colleagues")
    )
    mpage.get_by_label("New first day").fill(moved.isoformat())
    manager.follow(lambda: mpage.get_by_role("button", name="Send the decision").click())

    carer.goto(f"/o/{world.org.slug}/leave/carers/{leave.pk}/")
    html = page.content()
    assert "Moved to new dates" in html
    assert "Two colleagues on the ward are off sick." in html
    leave.refresh_from_db()
    assert leave.status == RequestStatus.POSTPONED
    assert min(day.day for day in leave.days.all()) == moved


def test_a_summary_that_cannot_be_fetched_brings_the_check_button_back(
    world: World, open_tab: Callable[..., Tab]
) -> None:
    """Signed out in another tab, the summary's request is sent to the sign-in page: that
    page is never pasted into the form, and the button that checks by reloading returns."""
    carer = open_tab()
    page = carer.page
    sign_in(carer, email=world.carer.email)
    carer.goto(f"/o/{world.org.slug}/leave/carers/new/")
    button = page.get_by_role("button", name="Check the days")
    expect(button).to_be_hidden()
    page.context.clear_cookies()
    page.get_by_label("First day", exact=True).fill(
        (timezone.localdate() + timedelta(days=20)).isoformat()
    )
    expect(button).to_be_visible()
    summary = page.locator("[data-leave-summary]")
    assert summary.locator("input[type=password], form").count() == 0
