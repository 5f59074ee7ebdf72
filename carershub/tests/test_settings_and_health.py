"""Configuration fails loudly, production is locked down, and /healthz tells the truth."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "x" * 64,
    "ALLOWED_HOSTS": "carers.example.org",
    "SITE_URL": "https://carers.example.org",
    "EMAIL_HOST": "smtp.example.org",
    "DATABASE_URL": "postgres://carershub@db.example.org/carershub",
    "CREDENTIALS_ENCRYPTION_KEYS": "Xq3Zr2H0l7w6mJc0nq9oJ2oQy1Yc6Gg7b5b3l5yJ0cA=",
}


def run_python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "DEBUG", "SECRET_KEY"))
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "carershub.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


SETTINGS = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG, settings.SECURE_HSTS_SECONDS, settings.SESSION_COOKIE_SECURE)"


def test_production_settings_turn_on_hsts_and_secure_cookies():
    result = run_python(SETTINGS, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "31536000", "True"]


SESSIONS = "import django; django.setup(); from django.conf import settings; print(settings.SESSION_ENGINE)"


def test_sessions_are_read_through_redis_when_there_is_one_and_kept_in_the_database():
    with_redis = run_python(SESSIONS, **PRODUCTION, REDIS_URL="redis://127.0.0.1:6379/15")
    assert with_redis.returncode == 0, with_redis.stderr
    assert with_redis.stdout.strip() == "django.contrib.sessions.backends.cached_db"
    without = run_python(SESSIONS, **PRODUCTION)
    assert without.stdout.strip() == "django.contrib.sessions.backends.db"


REDIS_SETTINGS = (
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.CACHES['default']['OPTIONS']['socket_timeout'], "
    "settings.CACHES['sessions']['OPTIONS']['FALLBACK'], settings.SESSION_CACHE_ALIAS, "
    "settings.RQ_QUEUES['default']['URL'])"
)


def test_redis_is_given_short_timeouts_and_a_fallback_for_every_use():
    result = run_python(
        REDIS_SETTINGS,
        **PRODUCTION,
        REDIS_URL="redis://127.0.0.1:6379/15",
        TASKS_BACKEND="redis",
        REDIS_TIMEOUT="0.3",
    )
    assert result.returncode == 0, result.stderr
    timeout, fallback, alias, queue_url = result.stdout.split()
    assert (timeout, fallback, alias) == ("0.3", "miss", "sessions")
    assert "socket_connect_timeout=0.3" in queue_url
    assert "socket_timeout=0.3" in queue_url


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"DEBUG": "true"}, "DEBUG cannot be on"),
        ({"SECRET_KEY": ""}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": "short"}, "at least 50 characters"),
        ({"SITE_URL": ""}, "SITE_URL must be set"),
        ({"EMAIL_HOST": ""}, "EMAIL_HOST must be set"),
        ({"DATABASE_URL": ""}, "DATABASE_URL must be set"),
        ({"TASKS_BACKEND": "carrier-pigeon"}, "TASKS_BACKEND must be one of"),
        ({"LOG_LEVEL": "chatty"}, "LOG_LEVEL must be"),
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT must be json or text"),
        ({"SENTRY_SAMPLE_RATE": "2"}, "SENTRY_SAMPLE_RATE must be a number from 0 to 1"),
        ({"METRICS_TOKEN": "short"}, "METRICS_TOKEN must be at least 32 characters"),
        ({"WORKER_HEARTBEAT_SECONDS": "0"}, "WORKER_HEARTBEAT_SECONDS must be 1 or more"),
        (
            {"WORKER_HEARTBEAT_SECONDS": "30", "WORKER_HEARTBEAT_TIMEOUT": "45"},
            "WORKER_HEARTBEAT_TIMEOUT must be at least twice",
        ),
        ({"SESSION_COOKIE_AGE": "a week"}, "SESSION_COOKIE_AGE must be a whole number"),
        ({"CREDENTIALS_ENCRYPTION_KEYS": ""}, "CREDENTIALS_ENCRYPTION_KEYS must be set"),
        ({"CREDENTIALS_ENCRYPTION_KEYS": "not-a-key"}, "must be Fernet keys"),
        ({"REDIS_TIMEOUT": "soon"}, "REDIS_TIMEOUT must be a number"),
        ({"REDIS_TIMEOUT": "0"}, "REDIS_TIMEOUT must be a number of seconds above 0"),
        ({"TRUSTED_PROXY_COUNT": "-1"}, "TRUSTED_PROXY_COUNT must be 0 or more"),
        ({"API_RATE_LIMIT": "-1"}, "API_RATE_LIMIT and API_RATE_LIMIT_ANONYMOUS must be 0"),
        ({"API_RATE_LIMIT_ANONYMOUS": "lots"}, "API_RATE_LIMIT_ANONYMOUS must be a whole number"),
        ({"API_RATE_LIMIT_WINDOW": "0"}, "API_RATE_LIMIT_WINDOW must be at least 1 second"),
        (
            {"TRUSTED_PROXY_COUNT": "1", "TRUSTED_CLIENT_IP_HEADER": "X-Real-IP"},
            "not both",
        ),
    ],
)
def test_production_refuses_unsafe_or_malformed_configuration(change, message):
    result = run_python(SETTINGS, **{**PRODUCTION, **change})
    assert result.returncode != 0
    assert message in result.stderr


def test_secrets_can_be_read_from_files(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s" * 60 + "\n")
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = run_python(
        "import django; django.setup(); from django.conf import settings; print(settings.SECRET_KEY)",
        SECRET_KEY_FILE=str(secret),
        **env,
    )
    assert result.stdout.strip() == "s" * 60


def test_every_response_carries_a_strict_content_security_policy(client, db):
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "'unsafe-inline'" not in policy
    assert "'nonce-" in policy  # the one inline script (GOV.UK's js-enabled flag) is nonced


def test_healthz_reports_each_dependency(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "cache": "ok",
        "tasks": "ok",
        "worker": "ok",  # the tests run tasks at once: no worker is needed
        "email": "ok",
    }
    assert "no-cache" in response.headers["Cache-Control"]


def dead_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_healthz_answers_200_degraded_when_redis_is_down(client, db, settings):
    url = f"redis://127.0.0.1:{dead_port()}/0"
    settings.CACHES = {
        "default": {
            "BACKEND": "shared.cache.ResilientRedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        },
        "access": settings.CACHES["access"],
    }
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_rq.backend.RQBackend", "QUEUES": settings.TASK_QUEUES}
    }
    settings.RQ_QUEUES = {
        name: {"URL": f"{url}?socket_connect_timeout=0.2"} for name in settings.TASK_QUEUES
    }
    response = client.get("/healthz")
    assert response.status_code == 200  # the site still serves: keep sending it traffic
    body = response.json()
    assert body == {
        "status": "degraded",
        "database": "ok",
        "cache": "unavailable",
        "tasks": "unavailable",
        "worker": "stale",  # no worker has written a heartbeat
        "email": "ok",
    }
    assert "127.0.0.1" not in response.content.decode()


def test_healthz_says_when_tasks_and_emails_wait_too_long(client, db, settings):
    from django_tasks_db.models import DBTaskResult

    from carershub.tasks import daily_housekeeping
    from shared.models import OutboundEmail

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}
    }
    an_hour_ago = timezone.now() - timedelta(hours=1)
    daily_housekeeping.enqueue()
    OutboundEmail.objects.create(message_id="<1@example.org>", due_at=an_hour_ago)
    DBTaskResult.objects.update(enqueued_at=an_hour_ago)
    body = client.get("/healthz").json()
    assert (body["status"], body["tasks"], body["email"]) == ("degraded", "delayed", "delayed")


def test_healthz_reports_503_when_the_database_is_unreachable():
    # A real connection attempt to a port nothing listens on.
    code = (
        "import django; django.setup(); from django.test import Client; "
        "r = Client().get('/healthz'); print(r.status_code, r.json()['database'])"
    )
    result = run_python(
        code, DJANGO_ENV="test", DATABASE_URL="postgres://postgres@127.0.0.1:9/unreachable"
    )
    assert result.stdout.split() == ["503", "unavailable"], result.stderr
