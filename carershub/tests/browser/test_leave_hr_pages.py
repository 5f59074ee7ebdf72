"""The leave pages added for HR lists, decision history, deputies and working days pass
axe-core with real rows on them (the every-page crawl sees them mostly empty)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.utils import timezone

from carershub.tests.browser.fixtures import Tab
from carershub.tests.browser.steps import sign_in
from carershub.tests.personas import TOTP_SECRET, World
from leave.deputies import deputy_appoint
from leave.flexible.services import (
    consultation_record,
    flexible_request_appeal,
    flexible_request_decide,
    flexible_request_submit,
)
from leave.models import FlexibleStatus
from leave.services import carers_leave_request
from organisations.working_pattern import MONDAY_TO_FRIDAY

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _monday_ahead(days: int) -> date:
    day = timezone.localdate() + timedelta(days=days)
    return day + timedelta(days=(7 - day.weekday()) % 7)


def test_hr_lists_history_deputies_and_working_days_pass_axe(
    world: World, open_tab: Callable[..., Tab]
) -> None:
    today = timezone.localdate()
    world.carer_record.working_days = ""  # no fixed days, so any day can be asked for
    world.carer_record.save()
    carers_leave_request(
        staff=world.carer_record,
        days=[(_monday_ahead(14), "full")],
        note="",
        by=world.carer,
        today=today,
    )
    item = flexible_request_submit(
        staff=world.carer_record,
        change_requested="Start at 10am",
        start_from=today + timedelta(days=30),
        by=world.carer,
        today=today,
    )
    consultation_record(request=item, held_on=today, notes="Talked", by=world.manager, today=today)
    flexible_request_decide(
        request=item,
        outcome=FlexibleStatus.REFUSED,
        by=world.manager,
        today=today,
        refusal_reasons=["costs"],
    )
    flexible_request_appeal(request=item, reason="Cover is arranged", by=world.carer)
    flexible_request_decide(
        request=item,
        outcome=FlexibleStatus.APPROVED,
        by=world.org_admin,
        today=today,
        trial_until=today + timedelta(days=60),
    )
    deputy_appoint(
        manager=world.manager_record,
        deputy_number="M002",
        from_date=today,
        to_date=today + timedelta(days=5),
        by=world.manager,
        today=today,
    )

    admin = open_tab()
    sign_in(admin, email=world.org_admin.email, totp_secret=TOTP_SECRET)
    admin.goto(f"/o/{world.org.slug}/leave/all/")
    assert world.carer_record.full_name in admin.page.content()
    admin.goto(f"/o/{world.org.slug}/leave/all/?status=nonsense")
    assert "There is a problem" in admin.page.content()
    admin.goto(f"/o/{world.org.slug}/flexible/all/?status=approved")
    assert world.carer_record.full_name in admin.page.content()
    admin.goto(f"/o/{world.org.slug}/flexible/{item.pk}/")
    html = admin.page.content()
    assert "Decision: Refused" in html
    assert "Appeal decision: Approved" in html
    admin.goto(f"/o/{world.org.slug}/staff/{world.carer_record.pk}/edit/")
    admin.page.get_by_label("Monday").check()
    admin.follow(lambda: admin.page.get_by_role("button", name="Save").click())
    assert "not both" in admin.page.content()

    manager = open_tab()
    sign_in(manager, email=world.manager.email)
    manager.goto(f"/o/{world.org.slug}/leave/deputies/")
    manager.follow(lambda: manager.page.get_by_role("button", name="End now").click())
    assert "ended early on" in manager.page.content()

    world.carer_record.working_days = MONDAY_TO_FRIDAY
    world.carer_record.save()
    carer = open_tab()
    sign_in(carer, email=world.carer.email)
    carer.goto(f"/o/{world.org.slug}/leave/carers/new/")
    saturday = _monday_ahead(21) + timedelta(days=5)
    # The live summary asks the server about the day as it is typed. Send only once it has
    # answered: the test server shares one SQLite connection between its threads, and two
    # requests at once there fail ("bad parameter or other API misuse"), as no real one does.
    with carer.page.expect_response(lambda answer: "/leave/carers/new/check/" in answer.url):
        carer.page.get_by_label("First day", exact=True).fill(saturday.isoformat())
    carer.follow(lambda: carer.page.get_by_role("button", name="Send to my line manager").click())
    assert "is not one of your working days" in carer.page.content()
