"""``/metrics`` gives Prometheus the requests, the task queue and the workers, and only to a
bearer of ``METRICS_TOKEN`` (shared/metrics.py, docs/deploy.md "Metrics").

The figures are read back with prometheus-client's own parser, as Prometheus would read them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from carershub.tasks import daily_housekeeping, recover_lost_work
from carershub.tests.personas import PERSONAS
from carershub.tests.test_settings_and_health import dead_port
from shared.models import WorkerHeartbeat

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "m" * 40
DATABASE_QUEUE = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["email", "default", "heavy"],
    }
}


def scrape(client: Client | None = None) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = (client or Client()).get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain; version=")
    assert "no-store" in response["Cache-Control"]
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


@pytest.fixture
def token(settings):
    settings.METRICS_TOKEN = TOKEN


def test_without_a_token_configured_there_is_no_endpoint(client, db, settings):
    settings.METRICS_TOKEN = ""
    response = client.get("/metrics", headers={"Authorization": "Bearer "})
    assert response.status_code == 404


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        f"Bearer {TOKEN[:-1]}",
        f"Bearer {TOKEN}x",
        f"Basic {TOKEN}",
        TOKEN,
    ],
)
def test_a_missing_or_wrong_token_is_refused(client, db, token, authorization):
    headers = {"Authorization": authorization} if authorization is not None else {}
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 403
    assert b"carershub_" not in response.content


@pytest.mark.parametrize("persona", PERSONAS)
def test_being_signed_in_counts_for_nothing(world, token, persona):
    client = Client()
    user = world.persona(persona)
    if user is not None:
        client.force_login(user)
    assert client.get("/metrics").status_code == 403


def test_a_superuser_session_counts_for_nothing(world, token):
    world.org_admin.is_superuser = True
    world.org_admin.is_staff = True
    world.org_admin.save()
    client = Client()
    client.force_login(world.org_admin)
    assert client.get("/metrics").status_code == 403


def test_only_get_and_head_are_answered(client, db, token):
    response = client.post("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 405


def _requests(figures, **labels: str) -> float:
    return figures.get(("carershub_http_requests_total", tuple(sorted(labels.items()))), 0.0)


def test_requests_are_counted_by_method_route_and_status_class(world, token):
    before = scrape()
    client = Client()
    client.get("/healthz")
    client.get("/healthz")
    client.get("/no-such-page/")
    client.post(reverse("switch_organisation"))  # anonymous: sent to sign in
    after = scrape()

    def grew(**labels: str) -> float:
        return _requests(after, **labels) - _requests(before, **labels)

    assert grew(method="GET", route="healthz", status="2xx") == 2
    assert grew(method="GET", route="unmatched", status="4xx") == 1
    assert grew(method="POST", route="switch_organisation", status="3xx") == 1
    count = ("carershub_http_request_duration_seconds_count", (("route", "healthz"),))
    assert after[count] - before.get(count, 0) == 2
    # No path, query string or user ever becomes a label.
    assert not [key for key in after if any(v.startswith("/") for _, v in key[1])]


def test_made_up_methods_do_not_make_new_series(client, db, token):
    before = scrape()
    client.generic("BREW", "/healthz")
    after = scrape()
    assert (
        _requests(after, method="other", route="healthz", status="4xx")
        - _requests(before, method="other", route="healthz", status="4xx")
        == 1
    )
    assert not [key for key in after if ("method", "BREW") in key[1]]


def test_the_question_box_is_not_counted(world, token):
    """Its timing would be a clue to who asked (docs/networks.md, "The question box")."""
    client = Client()
    client.force_login(world.carer)
    path = reverse("networks:question_ask", kwargs={"org_slug": world.org.slug})
    client.get(path)
    assert not [key for key in scrape() if ("route", "networks:question_ask") in key[1]]


def test_the_database_queue_shows_what_waits_runs_and_failed(db, settings, token):
    settings.TASKS = DATABASE_QUEUE
    from django_tasks_db.models import DBTaskResult

    empty = scrape()
    assert empty[("carershub_tasks_waiting", (("queue", "default"),))] == 0
    assert empty[("carershub_tasks_oldest_waiting_seconds", (("queue", "default"),))] == 0

    waiting = recover_lost_work.enqueue()
    daily_housekeeping.enqueue()
    later = recover_lost_work.using(run_after=timezone.now() + timedelta(hours=1)).enqueue()
    running = recover_lost_work.enqueue()
    failed = recover_lost_work.enqueue()
    DBTaskResult.objects.filter(id=waiting.id).update(
        enqueued_at=timezone.now() - timedelta(minutes=10)
    )
    DBTaskResult.objects.filter(id=running.id).update(status="RUNNING")
    DBTaskResult.objects.filter(id=failed.id).update(status="FAILED")

    figures = scrape()
    default = (("queue", "default"),)
    assert figures[("carershub_tasks_waiting", default)] == 2  # not the one due in an hour
    assert 600 <= figures[("carershub_tasks_oldest_waiting_seconds", default)] < 660
    assert figures[("carershub_tasks_running", default)] == 1
    assert figures[("carershub_tasks_failed", default)] == 1
    assert later.id  # still waiting for its time, counted nowhere yet


def test_workers_and_their_last_heartbeat(db, settings, token):
    settings.TASKS = DATABASE_QUEUE
    settings.WORKER_HEARTBEAT_TIMEOUT = 60
    figures = scrape()
    assert figures[("carershub_workers_alive", ())] == 0
    assert ("carershub_worker_heartbeat_age_seconds", ()) not in figures  # none ever beat

    now = timezone.now()
    WorkerHeartbeat.objects.create(name="a", seen_at=now - timedelta(seconds=20))
    WorkerHeartbeat.objects.create(name="b", seen_at=now - timedelta(seconds=300))
    with time_machine.travel(now, tick=False):
        figures = scrape()
    assert figures[("carershub_workers_alive", ())] == 1
    assert figures[("carershub_worker_heartbeat_age_seconds", ())] == 20


REDIS_SCRAPE = """
import django
django.setup()
from django.core.management import call_command
from django.test import Client
from carershub.tasks import recover_lost_work
call_command("migrate", verbosity=0)
import django_rq
django_rq.get_queue("default").empty()
recover_lost_work.enqueue()
recover_lost_work.enqueue()
text = Client().get("/metrics", headers={"Authorization": "Bearer " + "m" * 40}).content.decode()
django_rq.get_queue("default").empty()
print("-- metrics --")
print(text)
"""


def _python(code: str, **env: str) -> str:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "TASKS_BACKEND", "REDIS_URL", "PROMETHEUS"))
    }
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "carershub.settings",
            "DJANGO_ENV": "test",
            "METRICS_TOKEN": TOKEN,
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.mark.skipif(
    not os.environ.get("REDIS_TEST_URL"), reason="set REDIS_TEST_URL to test the Redis queue"
)
# The Redis queue tests share REDIS_TEST_URL's queues: one empties or drains what another
# counts, so they run one after another on one xdist worker.
@pytest.mark.xdist_group("redis-queue")
def test_the_redis_queue_shows_what_waits(tmp_path):
    text = _python(
        REDIS_SCRAPE,
        DATABASE_URL=f"sqlite:///{tmp_path / 'rq.sqlite3'}",
        TASKS_BACKEND="redis",
        REDIS_URL=os.environ["REDIS_TEST_URL"],
    )
    figures = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text.split("-- metrics --\n", 1)[1])
        for s in family.samples
    }
    assert figures[("carershub_task_queue_up", ())] == 1
    assert figures[("carershub_tasks_waiting", (("queue", "default"),))] == 2
    assert figures[("carershub_tasks_oldest_waiting_seconds", (("queue", "default"),))] >= 0


MIGRATE = (
    "import django; django.setup(); from django.core.management import call_command; "
    "call_command('migrate', verbosity=0)"
)
SERVE_ONE = """
import django
django.setup()
from django.test import Client
assert Client().get("/healthz").status_code == 200
"""
SCRAPE = """
import django
django.setup()
from django.test import Client
print(Client().get("/metrics", headers={"Authorization": "Bearer " + "m" * 40}).content.decode())
"""


def test_every_gunicorn_worker_is_counted_with_a_shared_directory(tmp_path):
    """Each process writes its counts to PROMETHEUS_MULTIPROC_DIR; a scrape answered by any
    one of them adds them all up."""
    shared = tmp_path / "prometheus"
    shared.mkdir()
    database = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    _python(
        "import django; django.setup(); from django.core.management import call_command; call_command('migrate', verbosity=0)",
        DATABASE_URL=database,
    )
    for _ in range(2):  # two separate processes, as two gunicorn workers
        _python(SERVE_ONE, DATABASE_URL=database, PROMETHEUS_MULTIPROC_DIR=str(shared))
    text = _python(SCRAPE, DATABASE_URL=database, PROMETHEUS_MULTIPROC_DIR=str(shared))
    figures = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }
    key = (("method", "GET"), ("route", "healthz"), ("status", "2xx"))
    assert figures[("carershub_http_requests_total", key)] == 2
    assert figures[("carershub_workers_alive", ())] == 0  # read from the database as well


def test_a_redis_queue_that_does_not_answer_says_so(db, settings, token):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_rq.backend.RQBackend", "QUEUES": settings.TASK_QUEUES}
    }
    settings.RQ_QUEUES = {
        name: {"URL": f"redis://127.0.0.1:{dead_port()}/0?socket_connect_timeout=0.2"}
        for name in settings.TASK_QUEUES
    }
    figures = scrape()
    assert figures[("carershub_task_queue_up", ())] == 0
    assert not [key for key in figures if key[0] == "carershub_tasks_waiting"]
    assert figures[("carershub_workers_alive", ())] == 0  # the database still answers


def test_gunicorn_starts_counting_afresh(tmp_path):
    """A real gunicorn with the project's hooks: counts left by an earlier run are cleared
    before its workers start, so the totals are this run's."""
    shared = tmp_path / "prometheus"
    shared.mkdir()
    database = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    env = {"DATABASE_URL": database, "PROMETHEUS_MULTIPROC_DIR": str(shared)}
    _python(MIGRATE, DATABASE_URL=database)
    _python(SERVE_ONE, **env)  # the earlier run's request
    assert list(shared.glob("*.db"))

    port = dead_port()
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "TASKS_BACKEND", "REDIS_URL"))
    }
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "carershub.wsgi",
            "--config",
            "python:carershub.gunicorn_hooks",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
        ],
        cwd=ROOT,
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "carershub.settings",
            "DJANGO_ENV": "test",
            "METRICS_TOKEN": TOKEN,
            **env,
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        # Probed on another address, so that probes that time out while a worker starts
        # are not counted with the requests the test makes.
        _wait_until_serving(f"{base}/accessibility/", server)
        for _ in range(2):
            with urllib.request.urlopen(f"{base}/healthz", timeout=60) as answer:  # noqa: S310
                assert answer.status == 200
        request = urllib.request.Request(  # noqa: S310
            f"{base}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}
        )
        with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310
            text = answer.read().decode()
    finally:
        server.terminate()
        server.wait(timeout=30)
    figures = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }
    key = (("method", "GET"), ("route", "healthz"), ("status", "2xx"))
    # This run's two, not the earlier run's one as well.
    assert figures[("carershub_http_requests_total", key)] == 2


def _wait_until_serving(url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(url, timeout=30) as answer:  # noqa: S310
                if answer.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                raise AssertionError("gunicorn did not start") from None
            time.sleep(0.2)
