"""The task queue's loose ends: the ``task`` decorator every task uses (it carries the request
id into the task's log lines), tasks whose worker died, queueing that must not break a page,
and whether the queue is keeping up (for ``/healthz`` and ``/metrics``).

django-tasks-db marks a task as running when a worker takes it and keeps no heartbeat, so a
task whose worker was killed stays "running" for ever, and the nightly prune, which only
deletes finished results, would keep its arguments for ever too. RQ finds its own abandoned
jobs; these helpers only touch the database queue.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from contextvars import Token
from datetime import timedelta
from typing import Any, Concatenate, Literal, cast, overload

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.dispatch import receiver
from django.tasks import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME, Task, TaskContext
from django.tasks import signals as django_signals
from django.tasks.base import DEFAULT_TASK_PRIORITY
from django.tasks.signals import task_finished, task_started
from django.utils import timezone
from django_tasks import signals as backport_signals

from shared.logs import current_request_id, request_id_bound, request_id_reset, request_id_set

logger = logging.getLogger(__name__)

#: The keyword argument that carries the request id from the request that queued a task to the
#: worker that runs it; ``ObservedTask`` adds it when queueing and takes it off before the call.
REQUEST_ID_KWARG = "_request_id"


class ObservedTask(Task):  # type: ignore[type-arg]  # generic only in django-stubs
    """A Django task that remembers which request queued it.

    Every backend stores a task's keyword arguments (a database row, an RQ job, or nothing at
    all for the immediate backend), so the request id travels as one more of them. The worker's
    ``task_started`` signal binds it for the whole run, the task's own lines and Django's
    "Task ... state=" lines alike (see ``_bind_task_request_id``); the function never sees it.
    A task queued outside any request (by the scheduler) gets an id of its own when it runs.
    """

    __slots__ = ()

    def enqueue(self, *args: Any, **kwargs: Any) -> Any:
        return super().enqueue(*args, **_with_request_id(kwargs))

    async def aenqueue(self, *args: Any, **kwargs: Any) -> Any:
        return await super().aenqueue(*args, **_with_request_id(kwargs))

    def call(self, *args: Any, **kwargs: Any) -> Any:
        carried = kwargs.pop(REQUEST_ID_KWARG, None)
        with request_id_bound(current_request_id() or carried):
            return super().call(*args, **kwargs)

    async def acall(self, *args: Any, **kwargs: Any) -> Any:
        carried = kwargs.pop(REQUEST_ID_KWARG, None)
        with request_id_bound(current_request_id() or carried):
            return await super().acall(*args, **kwargs)


def _with_request_id(kwargs: dict[str, Any]) -> dict[str, Any]:
    request_id = current_request_id()
    if request_id is None or REQUEST_ID_KWARG in kwargs:
        return kwargs
    return {**kwargs, REQUEST_ID_KWARG: request_id}


@overload
def task[**P, R](
    function: Callable[Concatenate[TaskContext[Any, Any], P], R],
    *,
    priority: int = ...,
    queue_name: str = ...,
    backend: str = ...,
    takes_context: Literal[True],
) -> Task[P, R]: ...
@overload
def task[**P, R](
    function: Callable[P, R],
    *,
    priority: int = ...,
    queue_name: str = ...,
    backend: str = ...,
    takes_context: Literal[False] = False,
) -> Task[P, R]: ...
@overload
def task[**P, R](
    *,
    priority: int = ...,
    queue_name: str = ...,
    backend: str = ...,
    takes_context: Literal[True],
) -> Callable[[Callable[Concatenate[TaskContext[Any, Any], P], R]], Task[P, R]]: ...
@overload
def task[**P, R](
    *,
    priority: int = ...,
    queue_name: str = ...,
    backend: str = ...,
    takes_context: Literal[False] = False,
) -> Callable[[Callable[P, R]], Task[P, R]]: ...
def task(
    function: Callable[..., Any] | None = None,
    *,
    priority: int = DEFAULT_TASK_PRIORITY,
    queue_name: str = DEFAULT_TASK_QUEUE_NAME,
    backend: str = DEFAULT_TASK_BACKEND_ALIAS,
    takes_context: bool = False,
) -> Any:
    """``django.tasks.task``, making an ``ObservedTask``. Every task in the project uses this
    one (ruff refuses ``django.tasks.task``), so no task loses its request's id."""

    def wrap(func: Callable[..., Any]) -> Task[..., Any]:
        return cast(
            "Task[..., Any]",
            ObservedTask(
                func=func,
                priority=priority,
                queue_name=queue_name,
                backend=backend,
                takes_context=takes_context,
            ),
        )

    return wrap(function) if function is not None else wrap


#: Tokens to undo each running task's binding, by task result id.
_task_bindings: dict[str, Token[str | None]] = {}


@receiver(task_started)
@receiver(backport_signals.task_started)
def _bind_task_request_id(sender: Any, task_result: Any, **kwargs: Any) -> None:
    """For the whole run, log lines carry the id of the request that queued the task."""
    carried = task_result.kwargs.get(REQUEST_ID_KWARG) if task_result.kwargs else None
    _task_bindings[str(task_result.id)] = request_id_set(current_request_id() or carried)


@receiver(task_finished)
@receiver(backport_signals.task_finished)
def _unbind_task_request_id(sender: Any, task_result: Any, **kwargs: Any) -> None:
    token = _task_bindings.pop(str(task_result.id), None)
    if token is not None:
        request_id_reset(token)


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


def tasks_fail_orphaned() -> int:
    """Mark failed, at once, every task still shown as running whose worker has stopped beating.

    ``task_worker`` gives the database queue its heartbeat name as the worker id, so a task's
    worker can be looked up. Only a worker with a heartbeat row gone stale counts as dead: a
    worker that stops gracefully ends its task first, and one from before worker ids matched
    heartbeats has no row (``tasks_fail_abandoned`` still catches its tasks, an hour on).
    """
    if not _database_queue():
        return 0
    from django_tasks_db.models import DBTaskResult

    from shared.heartbeat import workers_alive, workers_stale_names

    if not workers_alive():
        return 0  # every beat is late (the database was away): look again next time
    running = DBTaskResult.objects.filter(status="RUNNING").values_list("id", "worker_ids")
    claimed_by = {str(task_id): ids[-1] for task_id, ids in running if ids}
    dead = workers_stale_names(set(claimed_by.values()))
    orphaned = [task_id for task_id, worker in claimed_by.items() if worker in dead]
    count = sum(task_mark_abandoned(task_id) for task_id in orphaned)
    if count:
        logger.warning("%d tasks marked failed: their worker stopped beating", count)
    return count


def is_redis_error(exc: BaseException) -> bool:
    """Whether ``exc`` is one of Redis's own errors (the Redis queue being down), named by
    module so that starting a process does not import redis (a third of a second): only the
    Redis queue raises them, and it has imported them by then."""
    redis_errors = sys.modules.get("redis.exceptions")
    return redis_errors is not None and isinstance(exc, redis_errors.RedisError)


def enqueue_on_commit(job: Task[..., Any], **kwargs: Any) -> None:
    """Queue ``job`` once the transaction commits; if the Redis queue is down, log it and carry
    on, so the page that asked still answers. Use it only for work that has a state of its
    own to show (and a way to be retried or given up on), such as a staff import."""

    def enqueue() -> None:
        try:
            job.enqueue(**kwargs)
        except Exception as exc:
            if not is_redis_error(exc):
                raise
            logger.warning(
                "%s not queued: the task queue is unavailable (%s)", job.name, type(exc).__name__
            )

    transaction.on_commit(enqueue)


def queue_health() -> str:
    """``ok``, ``delayed`` (a task has waited more than five minutes: no worker runs, or too few)
    or ``unavailable`` (the Redis queue does not answer)."""
    backend = str(settings.TASKS["default"]["BACKEND"])
    if backend.startswith("django_tasks_db."):
        from django_tasks_db.models import DBTaskResult, get_date_max

        waited = timezone.now() - timedelta(minutes=5)
        late = DBTaskResult.objects.filter(status="READY").filter(
            Q(run_after=get_date_max(), enqueued_at__lt=waited) | Q(run_after__lt=waited)
        )
        return "delayed" if late.exists() else "ok"
    if backend.startswith("django_tasks_rq."):
        import django_rq
        from redis.exceptions import RedisError

        try:
            django_rq.get_connection("default").ping()
        except RedisError:
            return "unavailable"
    return "ok"


def log_task_lines_with_request_id() -> None:
    """Put the request id's binding before the receivers that log "Task … state=RUNNING", so
    that line carries the id too (receivers run in the order they were connected, and the
    logging ones were connected first, when the signals were defined). Called once, when the
    app is ready."""
    for signals in (django_signals, backport_signals):
        logger_receiver = getattr(signals, "log_task_started", None)
        if logger_receiver is not None and signals.task_started.disconnect(logger_receiver):
            signals.task_started.connect(logger_receiver)
