"""Network jobs, scheduled by ``manage.py crontask`` and run by the task worker."""

from __future__ import annotations

from crontask import cron
from django.utils import timezone

from networks.reminders import meeting_reminders
from shared.queue import task


@cron("*/15 * * * *")
@task
def network_meeting_reminders() -> int:
    """Remind members of meetings a day away."""
    return meeting_reminders(now=timezone.now())
