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


def run_queue(tmp_path: Path, **env: str) -> str:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "TASKS_BACKEND", "REDIS_URL"}
    }
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
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
def test_the_redis_queue_runs_housekeeping(tmp_path):
    out = run_queue(tmp_path, TASKS_BACKEND="redis", REDIS_URL=os.environ["REDIS_TEST_URL"])
    assert '"status": "SUCCESSFUL"' in out
