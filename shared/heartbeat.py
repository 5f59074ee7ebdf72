"""Whether a task worker is alive, for ``/healthz`` and ``/metrics``.

A queue with nothing waiting looks the same whether its workers are idle or gone; the queue's
own figures only show trouble once tasks pile up (``shared.queue.queue_health``). So each
``manage.py task_worker`` writes a heartbeat row every ``WORKER_HEARTBEAT_SECONDS`` from a
thread of its own, and deletes it when it stops. No row newer than
``WORKER_HEARTBEAT_TIMEOUT`` seconds means no worker is running: it was never started, it was
killed, or its machine is gone. The database holds the rows because every process of a
deployment shares it, whatever its cache; a beat costs one small write.

The thread beats as long as the worker's process lives: a worker stuck inside one long task
still beats, and shows in the queue's figures instead (tasks waiting, the oldest wait).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, connections
from django.utils import timezone

from shared.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

#: Rows of workers that died without removing theirs are deleted after this long.
KEEP_STALE = timedelta(days=1)


#: The heartbeat name of the worker running in this process, while it runs; ``None`` in a web
#: process or a command. Work that must be taken over if its worker dies (a staff import)
#: records it, and ``workers_alive_names`` tells whether that worker still beats.
_this_worker: str | None = None


def worker_name() -> str:
    """Unique to this process: the machine, the process id and a random part (process ids are
    reused across restarts and containers). At most 64 characters, the longest worker id the
    database queue keeps, so the queue's own record of who ran a task uses the same name."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def current_worker() -> str | None:
    """The heartbeat name of the task worker this code runs in, or ``None`` outside one."""
    return _this_worker


def heartbeat_beat(*, name: str, now: datetime | None = None) -> None:
    now = now or timezone.now()
    updated = WorkerHeartbeat.objects.filter(name=name).update(seen_at=now)
    if not updated:
        WorkerHeartbeat.objects.create(name=name, started_at=now, seen_at=now)


def heartbeat_end(*, name: str) -> None:
    WorkerHeartbeat.objects.filter(name=name).delete()


def _fresh_since(now: datetime) -> datetime:
    timeout: int = settings.WORKER_HEARTBEAT_TIMEOUT
    return now - timedelta(seconds=timeout)


def workers_alive(*, now: datetime | None = None) -> int:
    """How many workers have beaten within ``WORKER_HEARTBEAT_TIMEOUT``."""
    now = now or timezone.now()
    return WorkerHeartbeat.objects.filter(seen_at__gte=_fresh_since(now)).count()


def workers_alive_names(*, now: datetime | None = None) -> set[str]:
    """The names of the workers that have beaten within ``WORKER_HEARTBEAT_TIMEOUT``."""
    now = now or timezone.now()
    return set(
        WorkerHeartbeat.objects.filter(seen_at__gte=_fresh_since(now)).values_list(
            "name", flat=True
        )
    )


def workers_stale_names(names: set[str], *, now: datetime | None = None) -> set[str]:
    """Those of ``names`` whose heartbeat row is there but older than the timeout: workers
    that were killed, or whose machine went away, without ending their beat."""
    now = now or timezone.now()
    return set(
        WorkerHeartbeat.objects.filter(name__in=names, seen_at__lt=_fresh_since(now)).values_list(
            "name", flat=True
        )
    )


def last_heartbeat_age(*, now: datetime | None = None) -> float | None:
    """Seconds since any worker last beat; ``None`` if none ever has (or all rows are gone)."""
    now = now or timezone.now()
    latest = WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()
    return None if latest is None else max(0.0, (now - latest).total_seconds())


def worker_health() -> str:
    """``ok`` when a worker has beaten within ``WORKER_HEARTBEAT_TIMEOUT`` (or the queue needs
    none: ``TASKS_BACKEND=immediate``), ``stale`` otherwise."""
    if str(settings.TASKS["default"]["BACKEND"]).startswith("django.tasks."):
        return "ok"
    return "ok" if workers_alive() else "stale"


def heartbeats_prune(*, now: datetime | None = None) -> int:
    """Delete the rows of workers gone for more than a day; return how many."""
    now = now or timezone.now()
    deleted, _ = WorkerHeartbeat.objects.filter(seen_at__lt=now - KEEP_STALE).delete()
    return deleted


class Heartbeat(threading.Thread):
    """Beats every ``interval`` seconds until ``stop()``, then removes its row.

    A beat that fails (the database is away for a moment) is logged and tried again at the
    next one; the worker itself carries on. The thread closes its database connection after
    each beat rather than hold one open between beats.
    """

    def __init__(self, *, interval: float | None = None, name: str | None = None) -> None:
        super().__init__(name="worker-heartbeat", daemon=True)
        self.interval = interval if interval is not None else settings.WORKER_HEARTBEAT_SECONDS
        self.worker = name or worker_name()
        self._stopped = threading.Event()
        self._keep_row = False

    def start(self) -> None:
        """Start beating, and make this process's work carry the worker's name."""
        global _this_worker
        _this_worker = self.worker
        super().start()

    def run(self) -> None:
        try:
            while True:
                self._beat()
                if self._stopped.wait(self.interval):
                    break
            if self._keep_row:
                return
            try:
                heartbeat_end(name=self.worker)
            except DatabaseError as exc:
                logger.warning("Worker heartbeat not removed (%s)", type(exc).__name__)
        finally:
            connections.close_all()

    def _beat(self) -> None:
        try:
            heartbeat_beat(name=self.worker)
        except DatabaseError as exc:
            logger.warning("Worker heartbeat not written (%s)", type(exc).__name__)
        finally:
            connections.close_all()

    def abandon(self, timeout: float = 10) -> None:
        """Stop beating but leave the row to go stale, as a killed worker's does, so that
        ``recover_lost_work`` takes over whatever work this worker may still hold."""
        self._keep_row = True
        self.stop(timeout)

    def stop(self, timeout: float = 10) -> None:
        global _this_worker
        self._stopped.set()
        self.join(timeout)
        if _this_worker == self.worker:
            _this_worker = None
