"""Losing Redis slows nothing down for long and breaks nothing: shared.cache.

Real sockets throughout: a port nobody listens on (Redis down), a server that accepts and
never answers (Redis hung), and a forwarder to the local Redis (db 14) that can be cut and
restored (Redis goes away and comes back).
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator

import pytest
import redis
from django.core.cache import caches
from django.test import Client

LIVE_REDIS = ("127.0.0.1", 6379)
LIVE_DB = 14


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Forwarder:
    """A TCP relay to Redis that can be cut (connections dropped, new ones refused) and restored."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.port = free_port()
        self.accepted = 0
        self._sockets: list[socket.socket] = []
        self._listening: socket.socket | None = None
        self.restore()

    def restore(self) -> None:
        self._listening = socket.create_server(("127.0.0.1", self.port))
        self._listening.settimeout(0.05)
        threading.Thread(target=self._accept, args=(self._listening,), daemon=True).start()

    def cut(self) -> None:
        listening, self._listening = self._listening, None
        if listening is not None:
            listening.close()
        for sock in self._sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self._sockets.clear()

    def _accept(self, listening: socket.socket) -> None:
        while self._listening is listening:
            try:
                client, _ = listening.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.accepted += 1
            if self.upstream == ("hang", 0):
                self._sockets.append(client)  # accepted, never answered
                continue
            server = socket.create_connection(self.upstream)
            self._sockets += [client, server]
            for src, dst in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(src, dst), daemon=True).start()

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := src.recv(65536):
                dst.sendall(data)


@pytest.fixture
def use_redis(settings) -> Iterator[Callable[..., None]]:
    """Point the caches and sessions at a Redis URL, as settings.py does when REDIS_URL is set."""
    prefix = f"test-{uuid.uuid4().hex}"

    def configure(url: str, **options: object) -> None:
        base = {"socket_connect_timeout": 0.25, "socket_timeout": 0.25, **options}
        settings.CACHES = {
            "default": {
                "BACKEND": "shared.cache.ResilientRedisCache",
                "LOCATION": url,
                "KEY_PREFIX": prefix,
                "OPTIONS": {**base, "FALLBACK": "local"},
            },
            "sessions": {
                "BACKEND": "shared.cache.ResilientRedisCache",
                "LOCATION": url,
                "KEY_PREFIX": prefix,
                "OPTIONS": {**base, "FALLBACK": "miss", "MAX_TIMEOUT": 600},
            },
            # Each process's own memory, whatever REDIS_URL says (organisations.selectors).
            "access": settings.CACHES["access"],
        }
        settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
        settings.SESSION_CACHE_ALIAS = "sessions"

    yield configure
    live = redis.Redis(*LIVE_REDIS, db=LIVE_DB)
    for key in live.scan_iter(f"{prefix}:*"):
        live.delete(key)


def sign_in(client: Client, email: str) -> int:
    response = client.post(
        "/accounts/login/", {"login": email, "password": "correct horse battery"}
    )
    return response.status_code


def test_people_sign_in_and_use_signed_in_pages_while_redis_is_down(client, world, use_redis):
    use_redis(f"redis://127.0.0.1:{free_port()}/0")
    assert sign_in(client, "carer@example.org") == 302
    assert client.get(f"/o/{world.org.slug}/").status_code == 200
    assert client.get(f"/o/{world.org.slug}/").status_code == 200  # the session, from the database


def test_wrong_passwords_are_still_limited_while_redis_is_down_and_nobody_else_is_locked_out(
    client, world, use_redis
):
    use_redis(f"redis://127.0.0.1:{free_port()}/0")
    pages = [
        client.post(
            "/accounts/login/", {"login": "carer@example.org", "password": f"wrong {i}"}
        ).content.decode()
        for i in range(6)
    ]
    assert "Too many failed login attempts" not in pages[0]
    assert "Too many failed login attempts" in pages[-1]
    assert sign_in(Client(), "manager@example.org") == 302


def test_a_hung_redis_costs_one_short_timeout_then_is_left_alone(db):
    hung = Forwarder(("hang", 0))
    try:
        from shared.cache import ResilientRedisCache

        cache = ResilientRedisCache(
            f"redis://127.0.0.1:{hung.port}/0",
            {"OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}},
        )
        started = time.monotonic()
        for n in range(20):
            cache.set(f"k{n}", n)
            assert cache.get(f"k{n}") == n  # from the per-process fallback
        elapsed = time.monotonic() - started
    finally:
        hung.cut()
    assert hung.accepted == 1  # one connection, timed out; no further attempt within 5 s
    assert elapsed < 5  # not 40 waits of 0.2 s, nor the default of no timeout at all


def test_a_session_signed_out_while_redis_was_away_does_not_come_back_with_it(
    client, world, use_redis
):
    from shared.cache import ResilientRedisCache

    relay = Forwarder(LIVE_REDIS)
    try:
        use_redis(f"redis://127.0.0.1:{relay.port}/{LIVE_DB}", RETRY_AFTER=0)
        assert sign_in(client, "carer@example.org") == 302
        assert client.get(f"/o/{world.org.slug}/").status_code == 200  # cached in Redis now
        stolen = client.cookies["sessionid"].value

        relay.cut()
        assert client.post("/accounts/logout/").status_code == 302
        relay.restore()

        thief = Client()
        thief.cookies["sessionid"] = stolen
        response = thief.get(f"/o/{world.org.slug}/")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")

        # Redis is in use again: a new sign-in's session is cached there.
        assert sign_in(client, "carer@example.org") == 302
        sessions = caches["sessions"]
        assert isinstance(sessions, ResilientRedisCache)
        assert sessions.available()
        key = "django.contrib.sessions.cached_db" + client.cookies["sessionid"].value
        assert sessions.get(key) is not None
    finally:
        relay.cut()


def test_a_background_task_that_cannot_be_queued_leaves_the_caller_working(
    world, settings, tmp_path, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from organisations.models import StaffImportStatus
    from organisations.services import staff_import_check_later

    settings.MEDIA_ROOT = str(tmp_path)
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_rq.backend.RQBackend", "QUEUES": settings.TASK_QUEUES}
    }
    settings.RQ_QUEUES = {
        name: {"URL": f"redis://127.0.0.1:{free_port()}/0"} for name in settings.TASK_QUEUES
    }
    upload = SimpleUploadedFile("staff.csv", b"Staff Number,First Name,Last Name\nN1,A,B\n")
    with django_capture_on_commit_callbacks(execute=True):
        job = staff_import_check_later(
            organisation=world.org, upload=upload, mark_missing_as_left=False, by=world.hr_admin
        )
    job.refresh_from_db()
    assert job.status == StaffImportStatus.CHECKING  # housekeeping gives up on it after a day


def test_a_partnership_page_still_answers_when_the_task_queue_is_down(world, settings, monkeypatch):
    """Handing a partnership's missing months to the worker must not break the page when the
    Redis queue is down: the page says the figures are being taken, and the next visit tries
    to hand them over again."""
    from django.core.cache import cache
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from insights import figures
    from organisations.tests.factories import OrganisationFactory

    for number in range(3):
        OrganisationFactory.create(partnership=world.partnership, slug=f"q{number}")
    monkeypatch.setattr(figures, "TAKEN_WHILE_WAITING", 1)
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_rq.backend.RQBackend", "QUEUES": settings.TASK_QUEUES}
    }
    settings.RQ_QUEUES = {
        name: {"URL": f"redis://127.0.0.1:{free_port()}/0?socket_connect_timeout=0.2"}
        for name in settings.TASK_QUEUES
    }
    cache.clear()
    lead = Client()
    lead.force_login(world.lead)
    page = lead.get(reverse("insights:partnership", kwargs={"slug": world.partnership.slug}))
    assert page.status_code == 200
    assert "data-waiting" in page.content.decode()
    month = timezone.localdate().replace(day=1)
    assert cache.get(f"insights:taking:{month:%Y-%m}") is None  # the next visit tries again
