"""The carer's leave request, the manager's decision and the flexible-working decision work
with JavaScript off: every answer's questions are shown, "Check the days" reloads the
summary, and what belongs to an answer not chosen is ignored."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.utils import timezone

from carershub.tests.browser.fixtures import Tab
from carershub.tests.browser.steps import sign_in
from carershub.tests.personas import World
from leave.flexible.services import flexible_request_submit
from leave.models import CarersLeaveRequest, FlexibleStatus, RequestStatus
from leave.statutory import is_bank_holiday

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _monday_ahead(world: World) -> date:
    """A Monday at least three weeks ahead, with that week and the next free of bank holidays."""
    first = timezone.localdate() + timedelta(days=21)
    first += timedelta(days=(7 - first.weekday()) % 7)
    while any(is_bank_holiday(first + timedelta(days=n), world.org.nation) for n in range(14)):
        first += timedelta(days=7)
    return first


def test_carer_checks_and_sends_a_range_and_the_manager_postpones_it_without_javascript(
    world: World, open_tab: Callable[..., Tab]
) -> None:
    monday = _monday_ahead(world)
    friday = monday + timedelta(days=4)
    carer = open_tab(javascript=False)
    page = carer.page
    sign_in(carer, email=world.carer.email)
    carer.goto(f"/o/{world.org.slug}/leave/carers/new/")
    # Without JavaScript the part-day questions are simply shown.
    assert page.get_by_role("group", name="How much of the first day?").is_visible()
    page.get_by_label("First day", exact=True).fill(monday.isoformat())
    page.get_by_label("Last day (optional)").fill(friday.isoformat())
    page.get_by_label("Yes", exact=True).check()
    page.get_by_role("group", name="How much of the last day?").get_by_label("Morning only").check()
    carer.follow(lambda: page.get_by_role("button", name="Check the days").click())
    summary = page.locator("[data-leave-summary]").inner_text()
    assert "4.5 working days from your allowance" in summary
    assert f"{friday:%A} {friday.day} {friday:%B %Y}, morning" in summary
    assert not CarersLeaveRequest.objects.exists()
    # What was typed is kept for sending.
    assert page.get_by_label("Last day (optional)").input_value() == friday.isoformat()
    carer.follow(lambda: page.get_by_role("button", name="Send to my line manager").click())
    leave = CarersLeaveRequest.objects.get(staff=world.carer_record)
    assert sum(day.amount for day in leave.days.all()) == 4.5

    manager = open_tab(javascript=False)
    mpage = manager.page
    sign_in(manager, email=world.manager.email)
    manager.goto(f"/o/{world.org.slug}/leave/carers/{leave.pk}/")
    mpage.get_by_label("Postpone it").check()
    mpage.get_by_label("New first day").fill((monday + timedelta(days=7)).isoformat())
    mpage.get_by_label("Why would the business be unduly disrupted?").fill("Stocktake week.")
    manager.follow(lambda: mpage.get_by_role("button", name="Send the decision").click())
    leave.refresh_from_db()
    assert leave.status == RequestStatus.POSTPONED


def test_manager_refuses_flexible_working_without_javascript_and_only_the_refusal_is_kept(
    world: World, open_tab: Callable[..., Tab]
) -> None:
    today = timezone.localdate()
    request = flexible_request_submit(
        staff=world.carer_record,
        change_requested="Start at 10am on Tuesdays",
        start_from=today + timedelta(days=42),
        by=world.carer,
        today=today,
    )
    manager = open_tab(javascript=False)
    page = manager.page
    sign_in(manager, email=world.manager.email)
    manager.goto(f"/o/{world.org.slug}/flexible/{request.pk}/")
    # Refusing before the conversation is refused, with the reason and what was typed.
    decide = page.get_by_role("group", name="Your decision")
    decide.get_by_label("Refuse").check()
    page.get_by_label("The burden of additional costs").check()
    page.get_by_label("Explanation of the refusal").fill("Cover would cost too much.")
    manager.follow(lambda: page.get_by_role("button", name="Record the decision").click())
    assert "record the consultation" in page.locator(".govuk-error-summary").inner_text()
    assert page.get_by_label("Explanation of the refusal").input_value().startswith("Cover")

    page.get_by_label("Date of the conversation").fill(today.isoformat())
    page.get_by_label("What was discussed").fill("Talked about cover.")
    manager.follow(lambda: page.get_by_role("button", name="Record the conversation").click())
    decide.get_by_label("Refuse").check()
    # Typed under another answer, shown without JavaScript: ignored.
    page.get_by_label("The change agreed").fill("Tuesdays only")
    page.get_by_label("The burden of additional costs").check()
    page.get_by_label("Explanation of the refusal").fill("Cover would cost too much.")
    manager.follow(lambda: page.get_by_role("button", name="Record the decision").click())
    request.refresh_from_db()
    assert request.status == FlexibleStatus.REFUSED
    assert request.refusal_reasons == ["costs"]
    assert request.agreed_change == ""
