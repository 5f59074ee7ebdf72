"""A worker killed with SIGKILL in the middle of sending an email loses nothing.

A real ``manage.py task_worker`` on the database queue (a SQLite file, or the PostgreSQL test
database when the suite runs on PostgreSQL) takes an email and sends it to a real SMTP server
that keeps the message but holds its answer, as a slow server would. The worker is killed
while it waits. A second worker, started once the first one's claim has run out, sends the
email again, and marks the dead worker's task failed.

The server got the message twice: delivery is at least once, because nobody can know whether
a server that never answered kept the message. Both copies carry the same Message-ID, so the
receiving side can tell the second for a repeat.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from carershub.tests.smtp import running_sink

ROOT = Path(__file__).resolve().parents[2]

QUEUE_ONE = """
import django
django.setup()
from django.core.management import call_command
if {migrate}:
    call_command("migrate", verbosity=0)
from shared.outbox import outbox_add
outbox_add(subject="A reminder", text="Open the link.", html="", to=["person@example.org"])
"""

RECOVER_AND_REPORT = """
import django, json
django.setup()
from datetime import timedelta
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from shared.models import OutboundEmail

# As if EMAIL_SEND_LEASE_SECONDS had passed since the dead worker claimed the email.
OutboundEmail.objects.update(due_at=timezone.now() - timedelta(seconds=1))
call_command("task_worker", "--burst", verbosity=0)
email = OutboundEmail.objects.get()
tasks = DBTaskResult.objects.order_by("enqueued_at").values_list("status", "exception_class_path")
print(json.dumps({
    "status": email.status, "attempts": email.attempts, "message_id": email.message_id,
    "text": email.text, "tasks": [list(t) for t in tasks],
}))
"""


@pytest.fixture
def worker_database(tmp_path) -> tuple[str, bool]:
    return database_for_workers(tmp_path)


def database_for_workers(tmp_path: Path) -> tuple[str, bool]:
    """A database the worker processes can share: (URL, needs migrating). On PostgreSQL, the
    test database (the test is transactional, so what they write is visible to it and
    cleared after it); SQLite's test database lives in this process's memory, so a file."""
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        url = (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        )
        return url, False
    return f"sqlite:///{tmp_path / 'worker.sqlite3'}", True


@pytest.mark.django_db(transaction=True)
def test_an_email_whose_worker_is_killed_mid_send_is_sent_by_the_next_worker(worker_database):
    url, migrate = worker_database
    with running_sink() as sink:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))},
            "DJANGO_SETTINGS_MODULE": "carershub.settings",
            "DJANGO_ENV": "test",
            "DATABASE_URL": url,
            "TASKS_BACKEND": "database",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(sink.port),
            "EMAIL_USE_TLS": "false",
        }

        def python(code: str) -> str:
            done = subprocess.run(
                [sys.executable, "-c", code],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=180,
                check=False,
            )
            assert done.returncode == 0, done.stderr[-3000:]
            return done.stdout

        python(QUEUE_ONE.format(migrate=migrate))
        sink.hold_next = True
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "task_worker"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            assert sink.received.wait(timeout=120), "the first worker never sent the email"
        finally:
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait(timeout=30)
        assert worker.returncode == -signal.SIGKILL

        report = json.loads(python(RECOVER_AND_REPORT).strip().splitlines()[-1])

    assert len(sink.messages) == 2
    assert {m["Message-ID"] for m in sink.messages} == {report["message_id"]}
    assert (report["status"], report["attempts"], report["text"]) == ("sent", 2, "")
    assert report["tasks"] == [
        ["FAILED", "shared.queue.WorkerStopped"],  # the killed worker's
        ["SUCCESSFUL", ""],
    ]
