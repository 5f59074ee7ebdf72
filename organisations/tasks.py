"""Background work for organisations: checking and applying large staff imports.

Run by ``manage.py task_worker``; see docs/staff-import.md, "Large files".
"""

from __future__ import annotations

from django.tasks import task

from organisations.services import staff_import_run_check, staff_import_run_queued


@task
def check_staff_import(*, job_id: int) -> dict[str, int]:
    """Check a large uploaded staff file for its preview, writing nothing; returns its counts."""
    return staff_import_run_check(job_id=job_id)


@task
def apply_staff_import(*, job_id: int) -> dict[str, int]:
    """Check a confirmed staff file again and write it, all or nothing; returns its counts."""
    return staff_import_run_queued(job_id=job_id)
