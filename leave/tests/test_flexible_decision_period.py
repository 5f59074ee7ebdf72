"""The decision period of a flexible-working request: when it ends, and what follows once it
has ended without a decision (ERA 1996 s.80G(1B) and s.80F(4)-(4B))."""

from __future__ import annotations

import importlib
from datetime import date, timedelta

import pytest
from django.apps import apps

from leave.flexible import flexible_request_submit
from leave.models import FlexibleWorkingRequest
from organisations.tests.factories import StaffRecordFactory


def submit(world, today, staff=None):
    staff = staff or world.carer_record
    return flexible_request_submit(
        staff=staff,
        change_requested="Start at 10am on Tuesdays",
        start_from=today + timedelta(days=42),
        by=staff.user,
        today=today,
    )


@pytest.mark.parametrize(
    ("received_on", "due"),
    [
        (date(2026, 11, 23), date(2027, 1, 22)),
        (date(2026, 12, 29), date(2027, 2, 28)),
        (date(2026, 12, 31), date(2027, 2, 28)),
        (date(2027, 12, 31), date(2028, 2, 29)),
    ],
)
def test_a_request_made_at_a_month_end_is_due_on_the_corresponding_date(world, received_on, due):
    """flexible_working_decision_due with period_of_months_last_day, as stored on the request."""
    assert submit(world, received_on).decision_due == due


def test_the_migration_moves_due_dates_the_old_calculation_gave_at_month_ends(world):
    """Stored dates from before the fix (27 February for 31 December) move to 28 February;
    others, and dates an extension replaced, are left alone."""
    month_end = submit(world, date(2026, 12, 31))
    ordinary = submit(
        world,
        date(2027, 3, 10),
        StaffRecordFactory(organisation=world.org, user=world.champion),
    )
    FlexibleWorkingRequest.objects.filter(pk=month_end.pk).update(decision_due=date(2027, 2, 27))
    migration = importlib.import_module("leave.migrations.0008_decision_due_at_month_ends")

    migration.move_month_end_due_dates(apps, None)

    month_end.refresh_from_db()
    ordinary.refresh_from_db()
    assert month_end.decision_due == date(2027, 2, 28)
    assert ordinary.decision_due == date(2027, 5, 9)
    migration.move_back(apps, None)
    month_end.refresh_from_db()
    assert month_end.decision_due == date(2027, 2, 27)
