"""Plan jobs, scheduled by ``manage.py crontask`` and run by the task worker."""

from __future__ import annotations

from crontask import cron
from django.utils import timezone

from plans.reminders import action_due_reminders, personal_plan_reminders
from shared.queue import task


@cron("15 8 * * *")
@task
def daily_plan_reminders() -> dict[str, int]:
    """Remind action owners and personal-plan owners before their dates."""
    today = timezone.localdate()
    return {
        "actions": action_due_reminders(today=today),
        "personal": personal_plan_reminders(today=today),
    }
