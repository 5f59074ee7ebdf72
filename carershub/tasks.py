"""Periodic housekeeping, scheduled by ``manage.py crontask`` and run by the task worker."""

from __future__ import annotations

from crontask import cron
from django.conf import settings
from django.core.management import call_command
from django.tasks import task

from accounts.services import invitations_purge_expired
from organisations.services import staff_imports_purge_stale


@cron("15 2 * * *")
@task
def daily_housekeeping() -> dict[str, int]:
    """Remove personal data we no longer need: unconfirmed staff files, stale invitations, sessions."""
    staff_files = staff_imports_purge_stale()
    invitations = invitations_purge_expired()
    call_command("clearsessions")
    if settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend":
        call_command("prune_db_task_results", min_age_days=14, verbosity=0)
    return {"staff_files": staff_files, "invitations": invitations}
