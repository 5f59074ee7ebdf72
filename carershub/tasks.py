"""Periodic housekeeping, scheduled by ``manage.py crontask`` and run by the task worker."""

from __future__ import annotations

from apscheduler.triggers.interval import IntervalTrigger
from crontask import cron
from django.conf import settings
from django.core.management import call_command

from organisations.bulk_invitations import invitation_batches_take_over
from organisations.invitations import invitations_purge_expired
from organisations.services import staff_imports_purge_stale, staff_imports_take_over
from shared.heartbeat import heartbeats_prune
from shared.once import submissions_prune
from shared.outbox import outbox_prune, outbox_recover
from shared.queue import task, tasks_fail_abandoned, tasks_fail_orphaned


@cron("15 2 * * *")
@task
def daily_housekeeping() -> dict[str, int]:
    """Remove personal data we no longer need: unconfirmed staff files, stale invitations,
    sessions, finished emails, used form tokens and task results (a task whose worker died is
    marked failed first, so that it is pruned too); and the heartbeats of workers gone for a
    day."""
    staff_files = staff_imports_purge_stale()
    invitations = invitations_purge_expired()
    call_command("clearsessions")
    emails = outbox_prune()
    form_tokens = submissions_prune()
    heartbeats = heartbeats_prune()
    if settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend":
        tasks_fail_abandoned()
        # Every queue: results carry their arguments (an email address, a file id).
        call_command("prune_db_task_results", queue_name="*", min_age_days=14, verbosity=0)
    return {
        "staff_files": staff_files,
        "invitations": invitations,
        "emails": emails,
        "form_tokens": form_tokens,
        "worker_heartbeats": heartbeats,
    }


@cron(IntervalTrigger(seconds=settings.LOST_WORK_CHECK_SECONDS))
@task
def recover_lost_work() -> dict[str, int]:
    """Every ``LOST_WORK_CHECK_SECONDS`` (two minutes): queue again the emails whose task was
    lost or whose worker stopped mid-send, and the staff imports and invitation batches whose
    worker stopped beating; mark failed the tasks whose worker stopped beating, or ran past
    ``TASK_RUNNING_TIMEOUT``."""
    return {
        "emails": outbox_recover(),
        "staff_imports": staff_imports_take_over(),
        "invitation_batches": invitation_batches_take_over(),
        "tasks": tasks_fail_orphaned() + tasks_fail_abandoned(),
    }
