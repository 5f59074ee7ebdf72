"""Log lines say which request they belong to, follow it into the tasks it queues, and carry
nothing personal (shared/logs.py, docs/deploy.md "Logs").

The lines are read as the production handler writes them: the real JSON formatter and filter
on the root logger, parsed back from the text.
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from carershub.tasks import recover_lost_work
from carershub.tests.test_once import token_on
from shared.logs import (
    REQUEST_ID_HEADER,
    ContextFilter,
    JsonFormatter,
    TextFormatter,
    current_request_id,
    request_id_bound,
)
from shared.queue import REQUEST_ID_KWARG

ROOT = Path(__file__).resolve().parents[2]
DATABASE_QUEUE = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["email", "default", "heavy"],
    }
}
HEX_ID = re.compile(r"[0-9a-f]{32}")

Lines = Callable[[], list[dict[str, Any]]]


@pytest.fixture
def json_lines() -> Iterator[Lines]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(ContextFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)


def request_lines(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [line for line in lines if line["logger"] == "carershub.requests"]


def test_a_safe_request_id_from_the_proxy_is_kept_and_sent_back(client, db):
    response = client.get("/healthz", headers={REQUEST_ID_HEADER: "edge-7f3a.91_b2"})
    assert response[REQUEST_ID_HEADER] == "edge-7f3a.91_b2"


@pytest.mark.parametrize(
    "offered",
    [None, "", "short", "x" * 65, "has spaces in it", "<script>alert(1)</script>", "a;b=c,d/e"],
)
def test_a_missing_or_unsafe_request_id_is_replaced_by_a_new_one(client, db, offered):
    headers = {REQUEST_ID_HEADER: offered} if offered is not None else {}
    first = client.get("/healthz", headers=headers)[REQUEST_ID_HEADER]
    second = client.get("/healthz", headers=headers)[REQUEST_ID_HEADER]
    assert HEX_ID.fullmatch(first)
    assert first != second


def test_every_line_made_while_serving_a_request_carries_its_id(client, db, json_lines):
    client.get("/no-such-page/", headers={REQUEST_ID_HEADER: "req-00000001"})
    client.get("/healthz", headers={REQUEST_ID_HEADER: "req-00000002"})

    lines = json_lines()
    not_found = next(line for line in lines if line["logger"] == "django.request")
    assert not_found["request_id"] == "req-00000001"
    assert not_found["message"] == "Not Found: unmatched"
    assert [
        (line["request_id"], line["route"], line["status"]) for line in request_lines(lines)
    ] == [
        ("req-00000001", "unmatched", 404),
        ("req-00000002", "healthz", 200),
    ]
    line = request_lines(lines)[1]
    assert line["method"] == "GET"
    assert line["duration_ms"] >= 0
    assert {"time", "level", "logger", "message"} <= line.keys()


def test_lines_name_the_route_never_the_path_or_query_string(world, json_lines):
    """A calendar feed's path is its secret; a query string may carry another."""
    secret = "Qm9vLXNlY3JldC1jYWxlbmRhci10b2tlbg"
    path = reverse("leave:calendar_feed_ics", kwargs={"token": secret})
    response = Client().get(f"{path}?invite=tok-5ecr3t-in-query")
    assert response.status_code == 404

    written = "\n".join(json.dumps(line) for line in json_lines())
    assert secret not in written
    assert "tok-5ecr3t-in-query" not in written
    assert [line["route"] for line in request_lines(json_lines())] == ["leave:calendar_feed_ics"]
    assert "Not Found: leave:calendar_feed_ics" in written


def test_the_question_box_is_neither_logged_nor_counted(world, json_lines):
    """Its timing would be a clue to who asked (docs/networks.md, "The question box")."""
    client = Client()
    client.force_login(world.carer)
    path = reverse("networks:question_ask", kwargs={"org_slug": world.org.slug})
    response = client.get(path)
    assert REQUEST_ID_HEADER in response
    assert request_lines(json_lines()) == []


class _Refused(Exception):
    pass


def test_an_exception_is_logged_by_its_type_and_stack_without_its_words(json_lines):
    log = logging.getLogger("carershub.tests")
    # In variables, as in real code: a traceback quotes the lines of code, not their values.
    words = "Sam looks after her mother, who has dementia"
    number = "AB1234"
    try:
        raise _Refused(words)
    except _Refused:
        log.exception("Saving the passport failed")
    try:
        try:
            raise ValueError(f"the staff number {number} is taken")
        except ValueError as exc:
            raise ConnectionRefusedError("mail server at smtp.internal:25 refused") from exc
    except OSError:
        log.exception("Sending failed")

    first, second = (line["exc_info"] for line in json_lines())
    assert "Sam looks after" not in first
    assert "carershub.tests.test_logs._Refused: [message withheld" in first
    assert "in test_an_exception_is_logged_by_its_type" in first
    # The machine's words stay; the person's go, even earlier in the chain.
    assert "ConnectionRefusedError: mail server at smtp.internal:25 refused" in second
    assert "ValueError: [message withheld" in second
    assert "AB1234" not in second


def test_an_exception_logged_as_the_message_is_told_by_its_type(json_lines):
    words = "Sam looks after her mother"
    try:
        raise _Refused(words)
    except _Refused as exc:
        logging.getLogger("carershub.tests").exception(exc)  # as django-ninja does
    (line,) = json_lines()
    assert (
        line["message"]
        == "carershub.tests.test_logs._Refused: [message withheld: it may quote personal data]"
    )
    assert words not in json.dumps(line)


def test_the_text_format_withholds_the_same_words_even_when_another_handler_cached_them():
    record = _record_with_exception(ValueError("Dad's dialysis is on Tuesdays"))
    logging.Formatter().format(record)  # caches the full traceback on the record
    assert "dialysis" in (record.exc_text or "")
    text = TextFormatter().format(record)
    assert "dialysis" not in text
    assert "ValueError: [message withheld" in text
    assert "[-]" in text  # no request: a dash where its id goes


def _record_with_exception(exc: Exception) -> logging.LogRecord:
    try:
        raise exc
    except Exception:
        return logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", None, sys.exc_info())


def test_json_lines_keep_only_the_fields_they_know(json_lines):
    logging.getLogger("carershub.tests").warning(
        "Refused", extra={"email": "sam@example.org", "status": 409}
    )
    (line,) = json_lines()
    assert line["status"] == 409
    assert "email" not in line
    assert "sam@example.org" not in json.dumps(line)


@pytest.mark.django_db(transaction=True)
def test_a_task_queued_by_a_request_carries_its_id_into_the_worker(world, settings, json_lines):
    """The invitation's email is queued by the page, when its transaction commits, and sent by
    the database queue's worker."""
    settings.TASKS = DATABASE_QUEUE
    from django_tasks_db.models import DBTaskResult

    hr = Client()
    hr.force_login(world.hr_admin)
    url = reverse("organisations:invite", kwargs={"org_slug": world.org.slug})
    token = token_on(hr.get(url).text)
    response = hr.post(
        url,
        {"email": "new.starter@example.org", "role": "employee", "form_token": token},
        headers={REQUEST_ID_HEADER: "invite-req-0042"},
    )
    assert response.status_code == 302

    queued = DBTaskResult.objects.get(task_path="shared.outbox.deliver_email")
    assert queued.args_kwargs["kwargs"][REQUEST_ID_KWARG] == "invite-req-0042"

    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", verbosity=1)
    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL"  # the task never saw the extra argument
    by_task = [line for line in json_lines() if line["logger"] == "django.tasks"]
    assert {line["message"].rsplit("state=", 1)[1] for line in by_task} == {
        "RUNNING",
        "SUCCESSFUL",
    }
    assert {line.get("request_id") for line in by_task} == {"invite-req-0042"}
    worker_lines = [line for line in json_lines() if line["logger"] == "django_tasks_db"]
    assert worker_lines
    assert all(line.get("request_id") is None for line in worker_lines)


@pytest.mark.django_db(transaction=True)  # the worker closes connections inside a transaction
def test_a_task_queued_outside_any_request_gets_an_id_of_its_own_when_it_runs(settings, json_lines):
    settings.TASKS = DATABASE_QUEUE
    from django_tasks_db.models import DBTaskResult

    recover_lost_work.enqueue()
    recover_lost_work.enqueue()
    assert all(
        REQUEST_ID_KWARG not in row.args_kwargs["kwargs"] for row in DBTaskResult.objects.all()
    )
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", verbosity=1)

    by_task = [line for line in json_lines() if line["logger"] == "django.tasks"]
    ids = {line["request_id"] for line in by_task}
    assert len(by_task) == 4
    assert len(ids) == 2  # one id per run, shared by that run's lines
    assert all(HEX_ID.fullmatch(value) for value in ids)


def _python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "LOG_", "TASKS_BACKEND", "REDIS_URL"))
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "carershub.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "x" * 64,
    "ALLOWED_HOSTS": "carers.example.org",
    "SITE_URL": "https://carers.example.org",
    "EMAIL_HOST": "smtp.example.org",
    "DATABASE_URL": "postgres://carershub@db.example.org/carershub",
    "CREDENTIALS_ENCRYPTION_KEYS": "Xq3Zr2H0l7w6mJc0nq9oJ2oQy1Yc6Gg7b5b3l5yJ0cA=",
}
LOG_ONE_LINE = (
    "import django, logging; django.setup(); "
    "from shared.logs import request_id_bound\n"
    "with request_id_bound('cafe-0001-beef'):\n"
    "    logging.getLogger('carershub.check').warning('Hello %s', 'there')"
)


def test_production_writes_json_lines_and_development_readable_text():
    production = _python(LOG_ONE_LINE, **PRODUCTION)
    assert production.returncode == 0, production.stderr
    line = json.loads(production.stderr.strip().splitlines()[-1])
    assert (line["logger"], line["level"], line["message"], line["request_id"]) == (
        "carershub.check",
        "WARNING",
        "Hello there",
        "cafe-0001-beef",
    )
    development = _python(LOG_ONE_LINE, DJANGO_ENV="development")
    assert development.returncode == 0, development.stderr
    assert development.stderr.strip().endswith(
        "WARNING carershub.check [cafe-0001-beef] Hello there"
    )
    chosen = _python(LOG_ONE_LINE, DJANGO_ENV="development", LOG_FORMAT="json")
    assert json.loads(chosen.stderr.strip().splitlines()[-1])["message"] == "Hello there"


RQ_WORKER = """
import django
django.setup()
from django.core.management import call_command
from carershub.tasks import recover_lost_work
from shared.logs import request_id_bound
call_command("migrate", verbosity=0)
import django_rq
django_rq.get_queue("default").empty()  # nothing left by another test
with request_id_bound("rq-request-0007"):
    recover_lost_work.enqueue()
call_command("task_worker", "--burst", verbosity=1)
"""


@pytest.mark.skipif(
    not os.environ.get("REDIS_TEST_URL"), reason="set REDIS_TEST_URL to test the Redis queue"
)
# The Redis queue tests share REDIS_TEST_URL's queues: one empties or drains what another
# counts, so they run one after another on one xdist worker.
@pytest.mark.xdist_group("redis-queue")
def test_the_redis_queue_carries_the_request_id_into_its_worker(tmp_path):
    done = _python(
        RQ_WORKER,
        DJANGO_ENV="test",
        LOG_FORMAT="json",
        DATABASE_URL=f"sqlite:///{tmp_path / 'rq.sqlite3'}",
        TASKS_BACKEND="redis",
        REDIS_URL=os.environ["REDIS_TEST_URL"],
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = [json.loads(line) for line in done.stderr.splitlines() if line.startswith("{")]
    by_task = [line for line in lines if line["logger"] == "django_tasks"]
    assert by_task, done.stderr[-3000:]
    assert {line.get("request_id") for line in by_task} == {"rq-request-0007"}


def test_the_request_id_helpers_nest():
    with request_id_bound("outer-000001") as outer:
        with request_id_bound() as inner:
            assert inner != outer
        assert current_request_id() == outer
    assert current_request_id() is None


def test_the_azure_sdk_logs_no_line_per_request():
    """Its HTTP policy writes each request and response at INFO, naming the stored file."""
    import logging

    policy = logging.getLogger("azure.core.pipeline.policies.http_logging_policy")
    assert not policy.isEnabledFor(logging.INFO)
    assert policy.isEnabledFor(logging.WARNING)
