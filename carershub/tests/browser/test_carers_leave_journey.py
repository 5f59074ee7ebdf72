"""A carer asks for two half days; the manager postpones with a reason; the carer sees it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone

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
    page.get_by_label("Day 1", exact=True).fill(first.isoformat())
    page.get_by_label("Day 1: how much").select_option("am")
    page.get_by_label("Day 2", exact=True).fill(second.isoformat())
    page.get_by_label("Day 2: how much").select_option("pm")
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
    assert mpage.get_by_role("button", name="Refuse").count() == 0
    manager.follow(lambda: mpage.get_by_role("button", name="Postpone").click())
    # Too late a date first: the error summary explains the one-month limit and keeps the reason.
    mpage.get_by_label("New first day").fill((first + timedelta(days=40)).isoformat())
    mpage.get_by_label("Why would the business be unduly disrupted?").fill(
        "Two colleagues on the ward are off sick."
    )
    manager.follow(lambda: mpage.get_by_role("button", name="Postpone and tell them").click())
    assert "one month after the first day" in mpage.locator(".govuk-error-summary").inner_text()
    assert (
        mpage.get_by_label("Why would the business be unduly disrupted?")
        .input_value()
        .startswith("Two colleagues")
    )
    mpage.get_by_label("New first day").fill(moved.isoformat())
    manager.follow(lambda: mpage.get_by_role("button", name="Postpone and tell them").click())

    carer.goto(f"/o/{world.org.slug}/leave/carers/{leave.pk}/")
    html = page.content()
    assert "Moved to new dates" in html
    assert "Two colleagues on the ward are off sick." in html
    leave.refresh_from_db()
    assert leave.status == RequestStatus.POSTPONED
    assert min(day.day for day in leave.days.all()) == moved
