"""``/healthz`` knows whether a task worker is alive (shared/heartbeat.py).

A real ``manage.py task_worker`` writes its heartbeat while it runs, removes it when it is
stopped, and leaves it to go stale when it is killed; the health check reads the truth at each
step.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.db import OperationalError
from django.utils import timezone

from carershub.tests.test_worker_killed import database_for_workers
from shared.heartbeat import (
    Heartbeat,
    heartbeat_beat,
    heartbeat_end,
    heartbeats_prune,
    last_heartbeat_age,
    worker_health,
)
from shared.models import WorkerHeartbeat

ROOT = Path(__file__).resolve().parents[2]
DATABASE_QUEUE = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["email", "default", "heavy"],
    }
}


def health(client) -> tuple[int, str, str]:
    response = client.get("/healthz")
    body = response.json()
    return response.status_code, body["status"], body["worker"]


def test_no_worker_is_stale_and_the_site_still_serves(client, db, settings):
    settings.TASKS = DATABASE_QUEUE
    assert health(client) == (200, "degraded", "stale")


def test_a_recent_heartbeat_is_alive_and_an_old_one_stale(client, db, settings):
    settings.TASKS = DATABASE_QUEUE
    settings.WORKER_HEARTBEAT_TIMEOUT = 60
    heartbeat_beat(name="worker-a")
    assert health(client) == (200, "ok", "ok")
    with time_machine.travel(timezone.now() + timedelta(seconds=59)):
        assert health(client)[2] == "ok"
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert health(client) == (200, "degraded", "stale")


def test_one_live_worker_is_enough(client, db, settings):
    settings.TASKS = DATABASE_QUEUE
    now = timezone.now()
    WorkerHeartbeat.objects.create(name="dead", seen_at=now - timedelta(hours=2))
    WorkerHeartbeat.objects.create(name="alive", seen_at=now)
    assert health(client)[2] == "ok"


def test_tasks_run_at_once_need_no_worker(client, db, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    assert health(client)[2] == "ok"


def test_a_beat_updates_the_same_row_and_the_end_removes_it(db):
    heartbeat_beat(name="worker-b")
    later = timezone.now() + timedelta(seconds=15)
    heartbeat_beat(name="worker-b", now=later)
    (row,) = WorkerHeartbeat.objects.all()
    assert row.seen_at == later
    assert row.started_at < later
    with time_machine.travel(later + timedelta(seconds=5), tick=False):
        assert last_heartbeat_age() == 5
    heartbeat_end(name="worker-b")
    assert not WorkerHeartbeat.objects.exists()


def test_rows_of_workers_gone_for_a_day_are_pruned(db):
    now = timezone.now()
    WorkerHeartbeat.objects.create(name="old", seen_at=now - timedelta(hours=25))
    WorkerHeartbeat.objects.create(name="recent", seen_at=now - timedelta(hours=23))
    assert heartbeats_prune(now=now) == 1
    assert list(WorkerHeartbeat.objects.values_list("name", flat=True)) == ["recent"]


def test_the_thread_beats_until_stopped_then_removes_its_row(transactional_db, settings):
    settings.TASKS = DATABASE_QUEUE
    beating = Heartbeat(interval=0.05, name="thread-worker")
    beating.start()
    try:
        first = _wait_for(lambda: WorkerHeartbeat.objects.filter(name="thread-worker").first())
        _wait_for(
            lambda: WorkerHeartbeat.objects.filter(
                name="thread-worker", seen_at__gt=first.seen_at
            ).first()
        )
        assert _unlocked(worker_health) == "ok"
    finally:
        beating.stop()
    assert not beating.is_alive()
    assert not WorkerHeartbeat.objects.exists()
    assert worker_health() == "stale"


def test_an_abandoned_heartbeat_stops_and_leaves_its_row_to_go_stale(transactional_db, settings):
    """What a worker does when its database went away: its work is then taken over as a
    killed worker's would be."""
    settings.TASKS = DATABASE_QUEUE
    beating = Heartbeat(interval=0.05, name="abandoned-worker")
    beating.start()
    first = _wait_for(lambda: WorkerHeartbeat.objects.filter(name="abandoned-worker").first())
    beating.abandon()
    assert not beating.is_alive()
    (row,) = WorkerHeartbeat.objects.filter(name="abandoned-worker")
    assert row.seen_at >= first.seen_at
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert worker_health() == "stale"


def _unlocked(read):
    """``read()``, again if SQLite's in-memory test database said a table was locked: its
    shared cache answers a read that meets a heartbeat thread's write at once with an error
    rather than waiting (``busy_timeout`` does not apply), which a loaded machine hits."""
    for _ in range(100):
        try:
            return read()
        except OperationalError as exc:
            if "locked" not in str(exc):
                raise
            time.sleep(0.05)
    return read()


def _wait_for(found, seconds: float = 120, process: subprocess.Popen[bytes] | None = None):
    """Poll another process's (or thread's) work: there is no event to wait on across them.
    Generous, as a loaded machine takes a while to start Django; a process that has already
    exited fails at once."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = _unlocked(found)
        if value:
            return value
        if process is not None and process.poll() is not None:
            raise AssertionError(f"the worker exited with {process.returncode}")
        time.sleep(0.1)
    raise AssertionError("timed out")


HEALTH = """
import django, sys
django.setup()
from datetime import timedelta
import time_machine
from django.test import Client
from django.utils import timezone
answers = []
for seconds in sys.argv[1:]:
    with time_machine.travel(timezone.now() + timedelta(seconds=float(seconds)), tick=False):
        body = Client().get("/healthz")
    answers.append(f'{body.status_code} {body.json()["status"]} {body.json()["worker"]}')
print(" / ".join(answers))
"""


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_is_seen_while_it_runs_and_missed_when_it_dies(tmp_path):
    """The worker, and the health checks, are processes of their own on one database, as on
    separate machines."""
    url, migrate = database_for_workers(tmp_path)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))},
        "DJANGO_SETTINGS_MODULE": "carershub.settings",
        "DJANGO_ENV": "test",
        "DATABASE_URL": url,
        "TASKS_BACKEND": "database",
        "WORKER_HEARTBEAT_SECONDS": "1",
        "WORKER_HEARTBEAT_TIMEOUT": "60",
    }

    def run(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""

    def health(*after_seconds: float) -> str:
        """What /healthz answers now, or so many seconds from now, in a process of its own."""
        return run("-c", HEALTH, *(str(s) for s in after_seconds or (0,)))

    def heartbeats() -> int:
        if url.startswith("sqlite:///"):
            with sqlite3.connect(url.removeprefix("sqlite:///")) as file:
                return int(
                    file.execute("SELECT count(*) FROM carershub_workerheartbeat").fetchone()[0]
                )
        return WorkerHeartbeat.objects.count()

    def start() -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "manage.py", "task_worker"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    if migrate:
        run("manage.py", "migrate", "--verbosity", "0")

    stopped = start()
    try:
        _wait_for(heartbeats, process=stopped)
        assert health() == "200 ok ok"
    finally:
        stopped.send_signal(signal.SIGTERM)
        stopped.wait(timeout=60)
    assert stopped.returncode == 0
    assert heartbeats() == 0  # a worker stopped properly says goodbye: stale at once

    killed = start()
    try:
        _wait_for(heartbeats, process=killed)
    finally:
        os.kill(killed.pid, signal.SIGKILL)
        killed.wait(timeout=30)
    # A killed worker cannot say goodbye: its last beat stands until it is too old.
    assert heartbeats() == 1
    assert health(0, 30, 62) == "200 ok ok / 200 ok ok / 200 degraded stale"


@pytest.mark.parametrize(
    ("beat_seconds_ago", "failed"),
    [(None, 0), (1, 0), (61, 1)],
    ids=["no heartbeat row", "still beating", "stopped beating"],
)
def test_a_task_whose_worker_stopped_beating_is_marked_failed_at_once(
    db, settings, beat_seconds_ago, failed
):
    from django_tasks_db.models import DBTaskResult

    from carershub.tasks import recover_lost_work
    from shared.queue import WORKER_STOPPED, tasks_fail_orphaned

    settings.TASKS = DATABASE_QUEUE
    settings.WORKER_HEARTBEAT_TIMEOUT = 60
    recover_lost_work.enqueue()
    DBTaskResult.objects.update(
        status="RUNNING", started_at=timezone.now(), worker_ids=["old", "m:1:abcd"]
    )
    if beat_seconds_ago is not None:
        seen = timezone.now() - timedelta(seconds=beat_seconds_ago)
        WorkerHeartbeat.objects.create(name="m:1:abcd", started_at=seen, seen_at=seen)
    # The worker running this check beats.
    WorkerHeartbeat.objects.create(name="m:2:this", started_at=timezone.now())
    # A worker named only in an earlier claim is not this task's worker.
    WorkerHeartbeat.objects.create(
        name="old", started_at=timezone.now(), seen_at=timezone.now() - timedelta(hours=1)
    )

    assert tasks_fail_orphaned() == failed
    row = DBTaskResult.objects.get()
    assert row.status == ("FAILED" if failed else "RUNNING")
    assert row.exception_class_path == (WORKER_STOPPED if failed else "")
    if not failed:
        # With every heartbeat stale (the database was away), nothing is judged until the
        # workers beat again.
        WorkerHeartbeat.objects.update(seen_at=timezone.now() - timedelta(hours=2))
        assert tasks_fail_orphaned() == 0
