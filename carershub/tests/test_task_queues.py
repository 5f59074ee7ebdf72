"""Background tasks run through the database queue (default) and the Redis queue (for scale).

Each run is a real worker process against a real queue: SQLite for the database
queue, the local Redis server for RQ (CI sets REDIS_TEST_URL).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import django, json
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from carershub.tasks import daily_housekeeping
result = daily_housekeeping.enqueue()
call_command("task_worker", "--burst", verbosity=0)
done = daily_housekeeping.get_result(result.id)
print(json.dumps({"status": str(done.status), "value": done.return_value}))
"""


def run_queue(tmp_path: Path, script: str = SCRIPT, **env: str) -> str:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "TASKS_BACKEND", "REDIS_URL"}
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "carershub.settings",
            "DJANGO_ENV": "test",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'tasks.sqlite3'}",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.strip().splitlines()[-1]


def test_the_database_queue_runs_housekeeping(tmp_path):
    out = run_queue(tmp_path, TASKS_BACKEND="database")
    assert '"status": "SUCCESSFUL"' in out
    assert '"invitations": 0' in out


@pytest.mark.skipif(
    not os.environ.get("REDIS_TEST_URL"), reason="set REDIS_TEST_URL to test the Redis queue"
)
# The Redis queue tests share REDIS_TEST_URL's queues: one empties or drains what another
# counts, so they run one after another on one xdist worker.
@pytest.mark.xdist_group("redis-queue")
def test_the_redis_queue_runs_housekeeping(tmp_path):
    out = run_queue(tmp_path, TASKS_BACKEND="redis", REDIS_URL=os.environ["REDIS_TEST_URL"])
    assert '"status": "SUCCESSFUL"' in out


QUEUES = """
import django, json
django.setup()
from django.core.management import call_command
from django.db import transaction
call_command("migrate", verbosity=0)
from insights.tasks import take_monthly_figures
from shared.outbox import outbox_add
from shared.emails import send_rendered_email
heavy = take_monthly_figures.enqueue()
with transaction.atomic():
    outbox_add(subject="A reminder", text="Open the link.", html="", to=["person@example.org"])
from django_tasks_db.models import DBTaskResult
def statuses():
    return sorted((row.queue_name, row.status) for row in DBTaskResult.objects.all())
out = {{"queued": sorted(DBTaskResult.objects.values_list("queue_name", flat=True))}}
call_command("task_worker", "--burst", "--queue", "{first}", verbosity=0)
out["after_first"] = statuses()
call_command("task_worker", "--burst", "--queue", "heavy", verbosity=0)
out["after_heavy"] = statuses()
print(json.dumps(out))
"""


def test_an_email_worker_sends_while_a_heavy_task_waits_for_its_own_worker(tmp_path):
    """A national staff import must never hold up a password reset: email and heavy work go
    to their own queues, and a worker started for email takes no heavy work."""
    import json

    out = json.loads(run_queue(tmp_path, QUEUES.format(first="email"), TASKS_BACKEND="database"))
    assert out["queued"] == ["email", "heavy"]
    first = dict(out["after_first"])
    assert first["heavy"] == "READY"  # waits for a heavy worker
    assert first["email"] != "READY"  # taken by the email worker (sent or failed to send)
    assert dict(out["after_heavy"])["heavy"] == "SUCCESSFUL"


def test_the_worker_refuses_a_queue_that_does_not_exist():
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Unknown queue reports"):
        call_command("task_worker", "--burst", "--queue", "email,reports")
