"""Background work for organisations: checking and applying large staff imports, inviting
everyone in a unit or organisation, and the morning email of what is waiting.

Run by ``manage.py task_worker``; see docs/staff-import.md, "Large files".
"""

from __future__ import annotations

from crontask import cron
from django.utils import timezone

from organisations.bulk_invitations import invitation_batch_run
from organisations.digest import send_waiting_digests
from organisations.services import staff_import_run_check, staff_import_run_queued
from shared.queue import task


@task(queue_name="heavy")
def check_staff_import(*, job_id: int) -> dict[str, int]:
    """Check a large uploaded staff file for its preview, writing nothing; returns its counts."""
    return staff_import_run_check(job_id=job_id)


@task(queue_name="heavy")
def apply_staff_import(*, job_id: int) -> dict[str, int]:
    """Check a confirmed staff file again and write it, all or nothing; returns its counts."""
    return staff_import_run_queued(job_id=job_id)


@task(queue_name="heavy")
def send_invitation_batch(*, batch_id: int) -> dict[str, int]:
    """Invite everyone in a batch's scope, a step at a time (organisations.bulk_invitations)."""
    return invitation_batch_run(batch_id=batch_id)


@cron("0 7 * * *")
@task
def waiting_digests() -> dict[str, int]:
    """Every morning: the email of what is waiting, to those who chose it for today."""
    return {"emails": send_waiting_digests(today=timezone.localdate())}
