"""Leave's part of the demo: something for the demo manager to decide."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from leave.flexible.services import flexible_request_submit
from leave.services import carers_leave_request
from leave.statutory import carers_leave_day_problem
from organisations.models import Organisation, StaffRecord


def seed(*, organisation: Organisation, carer: User) -> None:
    """A carer's leave request and a flexible-working request, both from ``carer``."""
    today = timezone.localdate()
    record = StaffRecord.objects.get(user=carer, organisation=organisation)
    # Two days in a row, at least two weeks ahead, both working days (not bank holidays).
    first = today + timedelta(days=14)
    while any(
        carers_leave_day_problem(
            day=day,
            working_days=record.working_days,
            nation=organisation.nation,
            works_bank_holidays=record.bank_holidays_worked,
        )
        for day in (first, first + timedelta(days=1))
    ):
        first += timedelta(days=1)
    carers_leave_request(
        staff=record,
        days=[(first, "am"), (first + timedelta(days=1), "full")],
        note="",
        by=carer,
        today=today,
    )
    flexible_request_submit(
        staff=record,
        change_requested="Start at 10am on Tuesdays and Thursdays, making the time up on Fridays.",
        start_from=today + timedelta(days=42),
        by=carer,
        today=today,
    )
