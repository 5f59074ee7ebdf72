"""Leave's periodic jobs, scheduled by ``manage.py crontask`` and run by the task worker."""

from __future__ import annotations

from crontask import cron
from django.utils import timezone

from leave.reminders import carers_leave_decision_reminders, flexible_deadline_reminders
from shared.queue import task


@cron("30 7 * * *")
@task
def daily_leave_reminders() -> dict[str, int]:
    """Remind deciders of flexible-working deadlines and carer's leave still waiting."""
    today = timezone.localdate()
    return {
        "flexible": flexible_deadline_reminders(today=today),
        "carers_leave": carers_leave_decision_reminders(today=today),
    }
