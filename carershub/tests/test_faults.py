"""Real faults under a running site: PostgreSQL restarted and crashed during writes, Redis
stopped and started again, the mail server down and refusing. Afterwards every write the site
acknowledged is there, every queued email is sent or shown as failed, and ``/healthz`` told
the truth throughout.

The site runs as in production (``DJANGO_ENV=production``): gunicorn, a task worker on the
database queue and the scheduler, each a process of its own, started by
``scripts/multinode.py``, against a PostgreSQL cluster, a Redis server and a mail server of
the test's own (``private_servers.py``, ``smtp.py``), as the machine's shared ones cannot be
taken down. Everything goes through HTTP; the test reads the database directly only to see
what the site acknowledged and what it kept. A killed worker is ``test_worker_killed.py``'s
and the multi-node test's; Redis cut and hung inside one process is ``test_redis_outage.py``'s.

PostgreSQL pass only (DATABASE_URL=postgres://…), as the multi-node test: it needs
PostgreSQL's own tools, and the site's migrations take longer than the SQLite pass should
wait. A missing ``initdb``, ``pg_ctl`` or ``redis-server`` skips it.
"""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import psycopg
import pytest
import redis
import requests

from carershub.tests.multinode.script import load_multinode
from carershub.tests.multinode.visitor import Visitor
from carershub.tests.private_servers import (
    PrivatePostgres,
    PrivateRedis,
    private_postgres,
    private_redis,
)
from carershub.tests.smtp import Sink, running_sink

ORG = "faults-trust"
ADMIN = "admin@faults.test"
TRY_LATER = "451 4.3.0 Try again later"
REFUSED = "550 5.7.1 Message refused"
#: What /healthz answers when all is well.
HEALTHY = {"status": "ok", "database": "ok", "cache": "ok", "tasks": "ok", "worker": "ok",
           "email": "ok"}  # fmt: skip

# One xdist worker runs the whole module, so its private servers and site are built once,
# and the other many-process tests (the multi-node test, the bench smoke run) not beside it.
pytestmark = [pytest.mark.faults, pytest.mark.xdist_group("processes")]

SEED = """
import json
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import get_user_model
from api.services import api_token_create
from audit.models import Channel
from organisations.models import Membership, Organisation, Role

User = get_user_model()
org = Organisation.objects.create(
    name="Faults Trust", slug="{org}", nation="england", sector="nhs", size_band="medium"
)
hr = User.objects.create_user(email="hr@faults.test", password="{password}")
Membership.objects.create(user=hr, organisation=org, role=Role.HR_ADMIN)
_, token = api_token_create(user=hr, organisation=org, name="HR system", channel=Channel.API)
admin = User.objects.create_superuser(email="{admin}", password="{password}")
EmailAddress.objects.create(user=admin, email=admin.email, primary=True, verified=True)
TOTP.activate(admin, "{totp}")
people = []
for n in range(10):
    person = User.objects.create_user(email=f"person{{n}}@faults.test", password="{password}")
    EmailAddress.objects.create(user=person, email=person.email, primary=True, verified=True)
    Membership.objects.create(user=person, organisation=org, role=Role.EMPLOYEE)
    people.append(person.email)
print(json.dumps({{"token": token, "people": people}}))
"""


@dataclass
class Site:
    cluster: Any
    postgres: PrivatePostgres
    redis: PrivateRedis
    smtp: Sink
    password: str
    totp: str
    token: str
    people: list[str]

    @property
    def url(self) -> str:
        return str(self.cluster.url("web1"))

    def sql(self, query: str, *params: Any) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.cluster.database_url, autocommit=True) as db:
            return db.execute(query, params).fetchall()

    def health(self, timeout: float = 10) -> tuple[int, dict[str, str]]:
        """``/healthz``'s status code and its JSON (empty when the answer is not JSON)."""
        answer = requests.get(f"{self.url}/healthz", timeout=timeout)
        try:
            return answer.status_code, answer.json()
        except ValueError:
            return answer.status_code, {}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("The fault tests run in the PostgreSQL pass (DATABASE_URL=postgres://…)")
    script = load_multinode()
    with private_postgres() as postgres, private_redis() as cache, running_sink() as smtp:
        workdir = tmp_path_factory.mktemp("faults")
        cluster = script.Cluster(
            database_url=postgres.url("wch_faults"),
            redis_url=cache.url,
            workdir=workdir,
            smtp_port=smtp.port,
            extra_env={
                "STORAGE_BACKEND": "local",
                # A worker that stops beating is missed within seconds.
                "WORKER_HEARTBEAT_SECONDS": "1",
                "WORKER_HEARTBEAT_TIMEOUT": "3",
                # An email the server turns away is tried again after 1, 2, 4… seconds, and
                # lost work (an email whose attempt was cut off) is looked for often.
                "EMAIL_RETRY_SECONDS": "1",
                "EMAIL_SEND_LEASE_SECONDS": "120",
                "LOST_WORK_CHECK_SECONDS": "2",
            },
        )
        (workdir / "var").mkdir()
        password, totp = secrets.token_urlsafe(12), base64.b32encode(secrets.token_bytes(20))
        try:
            cluster.create_database()
            cluster.manage("migrate", "--noinput", "-v", "0")
            cluster.manage("collectstatic", "--noinput", "-v", "0")
            seed = SEED.format(org=ORG, admin=ADMIN, password=password, totp=totp.decode())
            seeded = json.loads(cluster.python(seed).strip().splitlines()[-1])
            cluster.start_web("web1")
            cluster.start_worker("worker1")
            cluster.start_scheduler()
            site = Site(cluster, postgres, cache, smtp, password, totp.decode(), **seeded)
            _wait(lambda: site.health() == (200, HEALTHY), "the site to be healthy")
            yield site
        except Exception:
            for process in ("web1", "worker1", "scheduler"):
                print(f"---- {process}\n{cluster.log(process)[-6000:]}")
            print(f"---- postgres\n{postgres.log.read_text(errors='replace')[-3000:]}")
            raise
        finally:
            cluster.stop()


def _wait(check: Callable[[], Any], what: str, *, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"Waited {timeout:.0f} seconds for {what}")
        time.sleep(0.1)


@dataclass
class Sample:
    """One answer from ``/healthz``, and whether the server at fault answered a probe of its
    own just before and just after."""

    started: float
    ended: float
    status: int | None  # None: no answer at all
    body: dict[str, str]
    server_before: bool
    server_after: bool


class Prober(threading.Thread):
    """Asks ``/healthz`` over and over, probing the server at fault around each question."""

    def __init__(self, site: Site, probe: Callable[[], bool]) -> None:
        super().__init__(daemon=True)
        self.site, self.probe = site, probe
        self.samples: list[Sample] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            started = time.monotonic()
            before = self.probe()
            try:
                status, body = self.site.health()
            except requests.RequestException:
                status, body = None, {}
            after = self.probe()
            self.samples.append(Sample(started, time.monotonic(), status, body, before, after))
            time.sleep(0.05)


@dataclass
class Timeline:
    """When the server at fault was certainly up and certainly down, by the test's clock:
    the moments around each stop and start, when it may be either, belong to neither."""

    up: list[tuple[float, float]] = field(default_factory=list)
    down: list[tuple[float, float]] = field(default_factory=list)

    def while_up(self, samples: list[Sample]) -> list[Sample]:
        return [s for s in samples if _within(s, self.up)]

    def while_down(self, samples: list[Sample]) -> list[Sample]:
        return [s for s in samples if _within(s, self.down)]


def _within(sample: Sample, spans: list[tuple[float, float]]) -> bool:
    return any(start <= sample.started and sample.ended <= end for start, end in spans)


def _stop_all(*threads: Any) -> None:
    for thread in threads:
        thread.stop.set()
    for thread in threads:
        thread.join(timeout=60)
        assert not thread.is_alive()


# -- PostgreSQL restarted and crashed during writes ---------------------------------------------


@dataclass
class Write:
    staff_number: str
    status: int | None  # None: no answer at all
    record_id: int | None = None


class Writer(threading.Thread):
    """An HR system adding staff records through the API, one after another."""

    def __init__(self, site: Site, prefix: str) -> None:
        super().__init__(daemon=True)
        self.site, self.prefix = site, prefix
        self.writes: list[Write] = []
        self.stop = threading.Event()
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {site.token}"

    def run(self) -> None:
        number = 0
        while not self.stop.is_set():
            number += 1
            staff_number = f"{self.prefix}{number:05d}"
            body = {"staff_number": staff_number, "first_name": "Fault", "last_name": "Tester"}
            try:
                answer = self.http.post(f"{self.site.url}/api/v1/staff", json=body, timeout=30)
            except requests.RequestException:
                self.writes.append(Write(staff_number, None))
            else:
                record_id = answer.json()["id"] if answer.status_code == 201 else None
                self.writes.append(Write(staff_number, answer.status_code, record_id))
            time.sleep(0.02)


def _emails(site: Site, since: int) -> list[tuple[Any, ...]]:
    """(id, status, attempts, last error, Message-ID) of each email after number ``since``."""
    return site.sql(
        "SELECT id, status, attempts, last_error, message_id FROM carershub_outboundemail"
        " WHERE id > %s ORDER BY id",
        since,
    )


def test_postgresql_restarted_and_crashed_during_writes_loses_nothing_acknowledged(
    site: Site,
) -> None:
    # An email is asked for through a page while the mail server turns everything away.
    (last,) = site.sql("SELECT coalesce(max(id), 0) FROM carershub_outboundemail")[0]
    received = len(site.smtp.messages)
    site.smtp.data_answers[:] = [TRY_LATER] * 1000
    answer = Visitor(site.url).submit(
        "/accounts/password/reset/", "/accounts/password/reset/", {"email": site.people[0]}
    )
    assert answer.status_code == 302, answer.text[-2000:]
    _wait(lambda: _emails(site, last)[0][2] >= 2, "the worker to try the email twice")

    worker = site.cluster.processes["worker1"]
    writers = [Writer(site, "A"), Writer(site, "B")]
    prober = Prober(site, site.postgres.answers)
    timeline = Timeline()
    began = time.monotonic()
    for thread in (*writers, prober):
        thread.start()
    _wait(lambda: all(len(w.writes) >= 5 for w in writers), "the first writes")

    # A clean restart (sessions ended, the server back within a moment), then a crash, and
    # three seconds before the server is started again and recovers from its log.
    timeline.up.append((began, time.monotonic()))
    site.postgres.restart("fast")
    back = time.monotonic()
    time.sleep(3)
    timeline.up.append((back, time.monotonic()))
    site.postgres.stop("immediate")
    crashed = time.monotonic()
    time.sleep(3)
    timeline.down.append((crashed, time.monotonic()))
    site.postgres.start()
    back = time.monotonic()
    site.smtp.data_answers.clear()  # the mail server takes mail again
    time.sleep(4)
    _stop_all(*writers, prober)
    timeline.up.append((back, time.monotonic()))

    # Every write the site acknowledged is there; none half-saved (a record without the
    # audit entry made in its transaction).
    writes = [write for writer in writers for write in writer.writes]
    acknowledged = {w.staff_number: w.record_id for w in writes if w.status == 201}
    stored = dict(
        site.sql(
            "SELECT staff_number, id FROM organisations_staffrecord WHERE staff_number ~ %s",
            "^[AB][0-9]+$",
        )
    )
    assert len(acknowledged) > 10
    assert {number: stored.get(number) for number in acknowledged} == acknowledged
    audited = site.sql(
        "SELECT summary FROM audit_auditevent WHERE summary ~ %s", "^Added staff record [AB]"
    )
    assert {summary.removeprefix("Added staff record ") for (summary,) in audited} == set(stored)
    # A write the site could not make was answered with an error, never with a success.
    refused = [w for w in writes if w.status != 201]
    assert refused, "no write met the outage"
    assert {w.status for w in refused} <= {500, 503}, refused

    # /healthz told the truth: 503 and "unavailable" while the database was down, 200 and
    # "ok" while it was up, and always an answer in its own JSON.
    samples = prober.samples
    assert all(s.status in {200, 503} and s.body.get("database") for s in samples), samples
    assert timeline.while_down(samples)
    for sample in timeline.while_down(samples):
        assert (sample.status, sample.body["database"]) == (503, "unavailable"), sample
    assert timeline.while_up(samples)
    for sample in timeline.while_up(samples):
        assert (sample.status, sample.body["database"]) == (200, "ok"), sample
    for sample in samples:  # at the moments of change too
        if not sample.server_before and not sample.server_after:
            assert sample.body["database"] != "ok", sample

    # The worker lived through it (the same process beats again), and the scheduler too.
    assert worker.poll() is None, site.cluster.log("worker1")[-4000:]
    _wait(lambda: site.health()[1].get("worker") == "ok", "the worker's heartbeat")
    beating = site.sql(
        "SELECT name FROM carershub_workerheartbeat WHERE seen_at > now() - interval '3 seconds'"
    )
    assert [name.split(":")[1] for (name,) in beating] == [str(worker.pid)]
    assert site.cluster.processes["scheduler"].poll() is None, site.cluster.log("scheduler")

    # The email asked for before the restart is sent after it, once.
    _wait(
        lambda: _emails(site, last)[0][1] == "sent",
        "the email to be sent",
        timeout=240,  # if the crash cut an attempt off, its claim runs out after two minutes
    )
    (sent,) = site.smtp.messages[received:]
    assert (sent["To"], sent["Message-ID"]) == (site.people[0], _emails(site, last)[0][4])
    assert site.health() == (200, HEALTHY)


# -- Redis stopped and started again ------------------------------------------------------------


class Reader(threading.Thread):
    """A signed-in person opening their organisation's page over and over."""

    def __init__(self, person: Visitor) -> None:
        super().__init__(daemon=True)
        self.person = person
        self.answers: list[int | None] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                page = self.person.get(f"/o/{ORG}/", allow_redirects=False)
            except requests.RequestException:
                self.answers.append(None)
            else:
                self.answers.append(page.status_code)
            time.sleep(0.05)


def test_redis_stopped_and_started_again_breaks_no_page_and_healthz_says_so(site: Site) -> None:
    person = Visitor(site.url)
    person.sign_in(site.people[1], site.password)
    reader = Reader(person)
    prober = Prober(site, site.redis.answers)
    timeline = Timeline()
    began = time.monotonic()
    for thread in (reader, prober):
        thread.start()
    _wait(lambda: len(reader.answers) >= 5, "the first pages")

    timeline.up.append((began, time.monotonic()))
    site.redis.stop()  # SIGTERM: Redis's own shutdown
    stopped = time.monotonic()
    # Someone signs in while Redis is away: rate limits and sessions do without it.
    newcomer = Visitor(site.url)
    newcomer.sign_in(site.people[2], site.password)
    assert newcomer.get(f"/o/{ORG}/", allow_redirects=False).status_code == 200
    time.sleep(max(0.0, stopped + 4 - time.monotonic()))
    timeline.down.append((stopped, time.monotonic()))
    site.redis.start()  # on the same port, empty: it kept nothing
    back = time.monotonic()
    # Each web process tries Redis again 5 seconds after it last failed to answer.
    _wait(lambda: site.health()[1].get("cache") == "ok", "/healthz to see Redis again", timeout=15)
    # One process seeing Redis again says nothing of the others: a process whose last failure
    # came just before Redis was back still waits out its 5 seconds, and says "unavailable"
    # (true as far as it has looked). From 6 seconds after Redis came back, all have looked.
    seen = max(time.monotonic(), back + 6)
    time.sleep(max(0.0, seen + 2 - time.monotonic()))
    _stop_all(reader, prober)
    timeline.up.append((seen, time.monotonic()))

    # Nobody was signed out, and no page failed.
    assert reader.answers
    assert set(reader.answers) == {200}, reader.answers
    assert person.get(f"/o/{ORG}/", allow_redirects=False).status_code == 200
    assert newcomer.get(f"/o/{ORG}/", allow_redirects=False).status_code == 200

    # /healthz: degraded (200, so the load balancer keeps the server) while Redis was down,
    # ok from when it saw Redis back, and never ok while Redis did not answer.
    samples = prober.samples
    assert timeline.while_down(samples)
    for sample in timeline.while_down(samples):
        assert sample.status == 200, sample
        assert (sample.body["status"], sample.body["cache"]) == ("degraded", "unavailable")
    assert timeline.while_up(samples)
    for sample in timeline.while_up(samples):
        assert (sample.status, sample.body) == (200, HEALTHY), sample
    for sample in samples:
        if not sample.server_before and not sample.server_after:
            assert sample.body.get("cache") != "ok", sample
    assert seen - back < 10

    # The scheduler's lock was in Redis and went with it: the scheduler stops (its supervisor
    # starts it again), and one started now takes the lock and runs.
    _wait(lambda: site.cluster.processes["scheduler"].poll() is not None, "the scheduler to stop")
    assert "no longer owned" in site.cluster.log("scheduler")
    assert site.cluster.processes["scheduler"].returncode == 0  # restart it on any exit
    site.cluster.start_scheduler()
    lock = redis.Redis(port=site.redis.port)
    _wait(lambda: lock.exists("crontask-lock"), "the new scheduler to take the lock")
    assert site.cluster.processes["scheduler"].poll() is None


# -- The mail server down, then refusing --------------------------------------------------------


def test_every_email_is_sent_or_shown_failed_when_the_mail_server_was_down(site: Site) -> None:
    (last,) = site.sql("SELECT coalesce(max(id), 0) FROM carershub_outboundemail")[0]
    received = len(site.smtp.messages)
    site.smtp.stop()  # connections refused
    people = site.people[3:9]
    for email in people:
        answer = Visitor(site.url).submit(
            "/accounts/password/reset/", "/accounts/password/reset/", {"email": email}
        )
        assert answer.status_code == 302, answer.text[-2000:]

    # Each is tried, and tried again.
    _wait(
        lambda: [row[2] >= 2 for row in _emails(site, last)] == [True] * len(people),
        "every email to be tried twice",
    )
    assert {row[3] for row in _emails(site, last)} == {"ConnectionRefusedError"}
    assert site.health() == (200, HEALTHY)  # just queued: not late yet
    # As if the server had been down for 11 minutes: the emails are late, and /healthz says so.
    site.sql(
        "UPDATE carershub_outboundemail SET created_at = created_at - interval '11 minutes'"
        " WHERE id > %s RETURNING id",
        last,
    )
    status, health = site.health()
    assert (status, health["status"], health["email"]) == (200, "degraded", "delayed")

    # The server is back, and refuses for good the first message it is given.
    site.smtp.data_answers[:] = [REFUSED]
    site.smtp.listen()
    _wait(
        lambda: {row[1] for row in _emails(site, last)} <= {"sent", "failed"},
        "every email to be sent or to fail",
    )
    emails = _emails(site, last)
    failed = [row for row in emails if row[1] == "failed"]
    assert [(row[2] >= 2, row[3]) for row in failed] == [(True, "SMTPDataError 550")]
    sent = {row[4] for row in emails if row[1] == "sent"}
    assert len(sent) == len(people) - 1
    assert sorted(m["Message-ID"] for m in site.smtp.messages[received:]) == sorted(sent)
    assert site.health() == (200, HEALTHY)  # a failed email is not a late one

    # The failed email is there for an admin to see, and to send again.
    admin = Visitor(site.url)
    admin.sign_in(ADMIN, site.password, site.totp)
    listing = admin.get("/admin/carershub/outboundemail/?status__exact=failed").text
    assert re.search(rf">{failed[0][0]}<", listing), listing[-3000:]
    assert "SMTPDataError 550" in listing
    assert site.cluster.processes["worker1"].poll() is None
