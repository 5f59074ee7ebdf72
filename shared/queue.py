"""The task queue's loose ends: tasks whose worker died, queueing that must not break a page,
and whether the queue is keeping up (for ``/healthz``).

django-tasks-db marks a task as running when a worker takes it and keeps no heartbeat, so a
task whose worker was killed stays "running" for ever, and the nightly prune, which only
deletes finished results, would keep its arguments for ever too. RQ finds its own abandoned
jobs; these helpers only touch the database queue.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.tasks import Task
from django.utils import timezone
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

WORKER_STOPPED = "shared.queue.WorkerStopped"
WORKER_STOPPED_TEXT = "The worker running this task stopped before it finished.\n"


def _database_queue() -> bool:
    return str(settings.TASKS["default"]["BACKEND"]).startswith("django_tasks_db.")


def task_mark_abandoned(task_id: str) -> bool:
    """Mark one task failed because its worker stopped, if it is still shown as running."""
    if not task_id or not _database_queue():
        return False
    from django_tasks_db.models import DBTaskResult

    return bool(
        DBTaskResult.objects.filter(id=task_id, status="RUNNING").update(
            status="FAILED",
            finished_at=timezone.now(),
            exception_class_path=WORKER_STOPPED,
            traceback=WORKER_STOPPED_TEXT,
        )
    )


def tasks_fail_abandoned() -> int:
    """Mark failed every task running for longer than ``TASK_RUNNING_TIMEOUT``; return how many.

    No task here runs nearly that long, so its worker has died: marking it failed shows that,
    and lets the nightly prune delete it (and the personal data in its arguments) in time.
    """
    if not _database_queue():
        return 0
    from django_tasks_db.models import DBTaskResult

    cutoff = timezone.now() - timedelta(seconds=settings.TASK_RUNNING_TIMEOUT)
    count = DBTaskResult.objects.filter(status="RUNNING", started_at__lt=cutoff).update(
        status="FAILED",
        finished_at=timezone.now(),
        exception_class_path=WORKER_STOPPED,
        traceback=WORKER_STOPPED_TEXT,
    )
    if count:
        logger.warning("%d tasks marked failed: their worker stopped", count)
    return count


def enqueue_on_commit(job: Task[..., Any], **kwargs: Any) -> None:
    """Queue ``job`` once the transaction commits; if the Redis queue is down, log it and carry
    on, so the page that asked still answers. Use it only for work that has a state of its
    own to show (and a way to be retried or given up on), such as a staff import."""

    def enqueue() -> None:
        try:
            job.enqueue(**kwargs)
        except RedisError as exc:
            logger.warning(
                "%s not queued: the task queue is unavailable (%s)", job.name, type(exc).__name__
            )

    transaction.on_commit(enqueue)


def queue_health() -> str:
    """``ok``, ``delayed`` (a task has waited more than five minutes: no worker runs, or too few)
    or ``unavailable`` (the Redis queue does not answer)."""
    backend = settings.TASKS["default"]["BACKEND"]
    if backend.startswith("django_tasks_db."):
        from django_tasks_db.models import DBTaskResult, get_date_max

        waited = timezone.now() - timedelta(minutes=5)
        late = DBTaskResult.objects.filter(status="READY").filter(
            Q(run_after=get_date_max(), enqueued_at__lt=waited) | Q(run_after__lt=waited)
        )
        return "delayed" if late.exists() else "ok"
    if backend.startswith("django_tasks_rq."):
        import django_rq

        try:
            django_rq.get_connection("default").ping()
        except RedisError:
            return "unavailable"
    return "ok"
