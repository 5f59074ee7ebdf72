"""Starting a process loads only what every process uses (issue 19: an import run by an HR
system every night paid over a second of start-up for libraries it never touched).

Each library here is imported where it is used, not when the apps load; a top-level import
of one of them creeping back in fails this test. The words of the database driver's and
Redis's connection errors are still logged, though logging no longer imports either.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import redis.exceptions

from shared.logs import WITHHELD, exception_text, is_plain_spoken
from shared.queue import is_redis_error

ROOT = Path(__file__).resolve().parents[2]
#: Loaded on first use only: Redis (the cache and queue backends load it when configured),
#: the public holidays (leave), fonts (PDFs). (PyYAML and jsonschema do load at start-up, on
#: purpose: every framework file is checked then, so a bad one stops the process at once.)
LOADED_ON_FIRST_USE = ("redis", "holidays", "fontTools")


def test_starting_django_loads_none_of_the_libraries_used_only_on_demand() -> None:
    script = (
        "import json, sys, django; django.setup(); "
        "from django.core.management import load_command_class; "
        "load_command_class('organisations', 'import_staff'); "
        f"print(json.dumps([m for m in {list(LOADED_ON_FIRST_USE)!r} if m in sys.modules]))"
    )
    env = {
        **os.environ,
        "DJANGO_ENV": "development",
        "DJANGO_SETTINGS_MODULE": "carershub.settings",
        "DATABASE_URL": "sqlite:///:memory:",
    }
    env.pop("REDIS_URL", None)
    run = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert json.loads(run.stdout.strip().splitlines()[-1]) == []


def test_the_import_command_skips_the_system_checks() -> None:
    from organisations.management.commands.import_staff import Command

    assert Command.requires_system_checks == []


def test_connection_errors_of_the_driver_and_redis_keep_their_words() -> None:
    refused = redis.exceptions.ConnectionError("Error 111 connecting to 127.0.0.1:6379.")
    assert is_plain_spoken(refused)
    assert exception_text(refused) == "Error 111 connecting to 127.0.0.1:6379."
    down = psycopg.OperationalError("connection to server at 127.0.0.1 failed")
    assert is_plain_spoken(down)
    # A refused row quotes its values: never plain-spoken.
    duplicate = psycopg.errors.UniqueViolation("Key (email)=(pat@example.org) already exists.")
    assert not is_plain_spoken(duplicate)
    assert exception_text(duplicate) == WITHHELD
    assert not is_plain_spoken(redis.exceptions.ResponseError("WRONGTYPE pat@example.org"))


def test_only_redis_errors_count_as_the_queue_being_down() -> None:
    assert is_redis_error(redis.exceptions.ConnectionError("down"))
    assert is_redis_error(redis.exceptions.TimeoutError("slow"))
    assert not is_redis_error(ConnectionError("a socket, not Redis"))
    assert not is_redis_error(ValueError("a bug"))
