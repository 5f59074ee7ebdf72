"""Figures for Prometheus at ``/metrics``: requests, their times, the task queue and the workers.

Two kinds of figure, counted two ways:

- **Requests** (count by method, route and status class; time by route) are counted in each
  web process as it answers. gunicorn runs several processes, so with
  ``PROMETHEUS_MULTIPROC_DIR`` set each writes its counts to a file there and a scrape adds
  up every process's file (prometheus-client's multiprocess mode). Without it (one process:
  ``runserver``, the tests) they are kept in memory. Routes are URL names and methods a short
  list, so no visitor can make new series by inventing addresses.
- **The queue and the workers** are read from the database (or Redis) at scrape time, so any
  web process answers for the whole deployment, and a worker on another machine needs no port
  of its own: tasks waiting and how long the oldest has waited, tasks running, tasks failed,
  workers alive and how long since the last heartbeat (``shared.heartbeat``).

Nothing here is about a person: no user, no organisation, no address.

The endpoint is for a scraper, not for people: it answers only a request that carries
``METRICS_TOKEN`` as a bearer token, compared in constant time; without the setting it is not
there at all (404).
"""

from __future__ import annotations

import hmac
import logging
import os
from collections.abc import Iterator
from datetime import UTC
from typing import Any

from django.conf import settings
from django.db import DatabaseError
from django.db.models import Count, Min, Q
from django.http import HttpRequest
from django.utils import timezone
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from redis.exceptions import RedisError

from shared.heartbeat import last_heartbeat_age, workers_alive

logger = logging.getLogger(__name__)

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

REQUESTS = Counter(
    "carershub_http_requests",
    "Requests answered, by method, route (URL name) and status class.",
    ["method", "route", "status"],
)
REQUEST_SECONDS = Histogram(
    "carershub_http_request_duration_seconds",
    "Time from the request reaching the application to its response, by route.",
    ["route"],
    buckets=(0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)


def request_method_label(method: str | None) -> str:
    return method if method in METHODS else "other"


def request_observed(*, method: str, route: str, status: int, seconds: float) -> None:
    REQUESTS.labels(method=method, route=route, status=f"{status // 100}xx").inc()
    REQUEST_SECONDS.labels(route=route).observe(seconds)


def metrics_token_accepted(request: HttpRequest) -> bool:
    """Whether the request carries ``METRICS_TOKEN`` as ``Authorization: Bearer …``.
    A signed-in session counts for nothing here."""
    expected = settings.METRICS_TOKEN
    scheme, _, offered = request.headers.get("Authorization", "").partition(" ")
    if not expected or scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(offered.strip().encode(), expected.encode())


def metrics_exposition() -> tuple[bytes, str]:
    """The text Prometheus reads, and its content type."""
    registry = CollectorRegistry(auto_describe=True)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry.register(_ThisProcess())
    registry.register(QueueCollector())
    return generate_latest(registry), CONTENT_TYPE_LATEST


class _ThisProcess(Collector):
    """The in-memory registry of a process that runs alone."""

    def collect(self) -> Iterator[Metric]:
        yield from REGISTRY.collect()


class QueueCollector(Collector):
    """The task queue's and the workers' state, read when Prometheus asks."""

    def collect(self) -> Iterator[Metric]:
        try:
            yield from self._workers()
            backend = str(settings.TASKS["default"]["BACKEND"])
            if backend.startswith("django_tasks_db."):
                yield from self._database_queue()
            elif backend.startswith("django_tasks_rq."):
                yield from self._redis_queue()
        except DatabaseError as exc:
            logger.warning(
                "Queue figures left out: the database did not answer (%s)", type(exc).__name__
            )

    def _workers(self) -> Iterator[Metric]:
        yield GaugeMetricFamily(
            "carershub_workers_alive",
            "Task workers whose heartbeat is newer than WORKER_HEARTBEAT_TIMEOUT.",
            value=workers_alive(),
        )
        age = last_heartbeat_age()
        if age is not None:
            yield GaugeMetricFamily(
                "carershub_worker_heartbeat_age_seconds",
                "Seconds since any task worker last wrote its heartbeat.",
                value=age,
            )

    def _database_queue(self) -> Iterator[Metric]:
        from django_tasks_db.models import DBTaskResult, get_date_max

        now = timezone.now()
        never = get_date_max()
        due = Q(run_after=never) | Q(run_after__lte=now)
        rows = (
            DBTaskResult.objects.filter(status__in=["READY", "RUNNING", "FAILED"])
            .values("queue_name")
            .annotate(
                waiting=Count("id", filter=Q(status="READY") & due),
                running=Count("id", filter=Q(status="RUNNING")),
                failed=Count("id", filter=Q(status="FAILED")),
                oldest_enqueued=Min("enqueued_at", filter=Q(status="READY", run_after=never)),
                oldest_due=Min(
                    "run_after", filter=Q(status="READY", run_after__lte=now) & ~Q(run_after=never)
                ),
            )
        )
        figures: dict[str, dict[str, Any]] = {}
        for row in rows:
            since = [t for t in (row["oldest_enqueued"], row["oldest_due"]) if t is not None]
            figures[row["queue_name"]] = {
                "waiting": row["waiting"],
                "running": row["running"],
                "failed": row["failed"],
                "oldest": max(0.0, (now - min(since)).total_seconds()) if since else 0.0,
            }
        yield from _queue_families(figures, available=None)

    def _redis_queue(self) -> Iterator[Metric]:
        import django_rq
        from rq.job import Job

        figures: dict[str, dict[str, Any]] = {}
        available = True
        now = timezone.now()
        try:
            for name in settings.RQ_QUEUES:
                queue = django_rq.get_queue(name)
                oldest = 0.0
                first = queue.get_job_ids(0, 0)
                if first:
                    job = Job.fetch(first[0], connection=queue.connection)
                    if job.enqueued_at is not None:
                        enqueued = job.enqueued_at
                        if timezone.is_naive(enqueued):
                            enqueued = timezone.make_aware(enqueued, UTC)
                        oldest = max(0.0, (now - enqueued).total_seconds())
                figures[name] = {
                    "waiting": queue.count,
                    "running": queue.started_job_registry.count,
                    "failed": queue.failed_job_registry.count,
                    "oldest": oldest,
                }
        except RedisError:
            available = False
            figures = {}
        yield from _queue_families(figures, available=available)


def _queue_families(
    figures: dict[str, dict[str, Any]], *, available: bool | None
) -> Iterator[Metric]:
    families = {
        "waiting": GaugeMetricFamily(
            "carershub_tasks_waiting",
            "Tasks due to run and not yet taken by a worker, by queue.",
            labels=["queue"],
        ),
        "oldest": GaugeMetricFamily(
            "carershub_tasks_oldest_waiting_seconds",
            "How long the task waiting longest has waited since it was due, by queue (0 when none waits).",
            labels=["queue"],
        ),
        "running": GaugeMetricFamily(
            "carershub_tasks_running", "Tasks being run by a worker, by queue.", labels=["queue"]
        ),
        "failed": GaugeMetricFamily(
            "carershub_tasks_failed",
            "Failed tasks still kept, by queue: 14 days on the database queue (the nightly prune), RQ's failed-job registry on the Redis queue.",
            labels=["queue"],
        ),
    }
    for queue in sorted(figures.keys() | set(settings.TASK_QUEUES)):
        values = figures.get(queue, {"waiting": 0, "running": 0, "failed": 0, "oldest": 0.0})
        for key, family in families.items():
            family.add_metric([queue], values[key])
    if available is not None:
        yield GaugeMetricFamily(
            "carershub_task_queue_up",
            "1 when the Redis task queue answered this scrape, 0 when it did not.",
            value=1 if available else 0,
        )
        if not available:
            return
    yield from families.values()
