"""Passport jobs, scheduled by ``manage.py crontask`` and run by the task worker."""

from __future__ import annotations

from crontask import cron
from django.utils import timezone

from passports.reminders import passport_review_reminders
from shared.queue import task


@cron("45 7 * * *")
@task
def daily_passport_reminders() -> dict[str, int]:
    """Remind carers and their managers before a passport review is due."""
    return {"reviews": passport_review_reminders(today=timezone.localdate())}
