"""Several machines, one deployment: what one web server takes in, the other serves; work a
worker is killed in the middle of is finished by another; nothing acknowledged is lost.

``scripts/multinode.py`` starts two web servers (gunicorn), two task workers and a scheduler
with production settings on one PostgreSQL database of their own, one Redis database and a
moto S3 bucket. A person signs in on one server and is sent to either. The test reads the
database directly only to see what a person could not (which worker runs an import, whether
every stored file has its object); everything it does goes through the web servers.

PostgreSQL only (the CI PostgreSQL pass): machines cannot share an SQLite file.
"""

from __future__ import annotations

import os
import re
import secrets
import signal
import threading
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
import redis
import requests

from carershub.tests.multinode.script import load_multinode
from carershub.tests.multinode.visitor import Visitor, authenticator_key

ORG = "eastbrook-hospitals"
HR = "hr@demo.carershub.test"
PASSWORD = "carers-hub-demo"
#: Rows in the staff file: enough that applying it takes a worker a few seconds.
ROWS = 12000

# One xdist worker runs the whole module, so its deployment is started once, and the other
# many-process tests (the fault tests, the bench smoke run) not beside it.
pytestmark = [pytest.mark.multinode, pytest.mark.xdist_group("processes")]


def _postgres_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.skip("The multi-node test needs PostgreSQL (DATABASE_URL=postgres://…)")
    return url


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    base = _postgres_url()
    redis_url = os.environ.get("MULTINODE_REDIS_URL", "redis://127.0.0.1:6379/13")
    redis.Redis.from_url(redis_url).flushdb()
    script = load_multinode()
    name = f"wch_nodes_{secrets.token_hex(4)}"
    nodes = script.Cluster(
        database_url=urlunsplit(urlsplit(base)._replace(path=f"/{name}")),
        redis_url=redis_url,
        workdir=tmp_path_factory.mktemp("nodes"),
        extra_env={
            # A killed worker is missed within seconds, and its work taken over soon after.
            "WORKER_HEARTBEAT_SECONDS": "1",
            "WORKER_HEARTBEAT_TIMEOUT": "3",
            "LOST_WORK_CHECK_SECONDS": "2",
            # Files of this test's size go to the workers, as a national file would.
            "STAFF_IMPORT_INLINE_ROWS": "100",
            "STAFF_IMPORT_INLINE_BYTES": "4096",
        },
    )
    try:
        with script.running(nodes):
            yield nodes
    except Exception:
        for process in ("web1", "web2", "worker1", "worker2", "scheduler"):
            print(f"---- {process}\n{nodes.log(process)[-4000:]}")
        raise
    finally:
        nodes.drop_database()


@pytest.fixture(scope="module")
def hr(cluster: Any) -> Visitor:
    person = Visitor(cluster.url("web1"))
    person.sign_in(HR, PASSWORD, authenticator_key(cluster.seed_output, HR))
    return person


def _sql(cluster: Any, query: str, *params: Any) -> list[tuple[Any, ...]]:
    with psycopg.connect(cluster.database_url, autocommit=True) as db:
        return db.execute(query, params).fetchall()


def _draft_criterion(cluster: Any, person: Visitor) -> str:
    """The address of a criterion page of the demo organisation's draft assessment."""
    (draft,) = _sql(
        cluster,
        "SELECT a.id FROM benchmarks_assessment a JOIN organisations_organisation o"
        " ON o.id = a.organisation_id WHERE o.slug = %s AND a.status = 'draft'",
        ORG,
    )
    address = f"/o/{ORG}/benchmarks/{draft[0]}/"
    keys = re.findall(
        rf'href="({re.escape(address)}criteria/[a-z0-9-]+/)"', person.get(address).text
    )
    assert keys, f"No criteria on {address}"
    return keys[0]


def _upload(person: Visitor, criterion: str, name: str, body: bytes) -> requests.Response:
    return person.submit(
        criterion, f"{criterion}files/", {}, files={"file": (name, body, "text/plain")}
    )


def _downloads(person: Visitor, criterion: str) -> dict[str, bytes]:
    """Every file listed on the criterion page, by its name, as downloaded."""
    page = person.get(criterion).text
    files = {}
    for address, name in re.findall(r'href="(/o/[^"]+/files/\d+/)"[^>]*>\s*([^<]+?)\s*<', page):
        files[name] = person.get(address).content
    return files


def _on(person: Visitor, cluster: Any, server: str) -> Visitor:
    """The same person, with the same session, sent to another server."""
    person.base = cluster.url(server)
    return person


def test_a_file_uploaded_through_one_server_is_downloaded_through_the_other(
    cluster: Any, hr: Visitor
) -> None:
    criterion = _draft_criterion(cluster, _on(hr, cluster, "web1"))
    body = f"Minutes of the carers network, {secrets.token_hex(8)}\n".encode()
    answer = _upload(hr, criterion, "minutes-on-web1.txt", body)
    assert answer.status_code == 302, answer.text[-1500:]
    assert _downloads(_on(hr, cluster, "web2"), criterion)["minutes-on-web1.txt"] == body


#: A file that takes a worker several times the heartbeat timeout to apply, so that the
#: recovery check (every 2 seconds) sees a live import that has run longer than that.
LONG_ROWS = 30000


def _staff_file(rows: int, prefix: str) -> bytes:
    lines = ["Staff Number,First Name,Last Name"]
    lines += [f"{prefix}{n:06d},Node,Tester {n}" for n in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def _checked_import(cluster: Any, hr: Visitor, prefix: str, rows: int = ROWS) -> int:
    """HR uploads a large file through web1 and a worker checks it; returns the import's id."""
    upload = _on(hr, cluster, "web1").submit(
        f"/o/{ORG}/staff/import/",
        f"/o/{ORG}/staff/import/",
        {},
        files={"file": ("staff.csv", _staff_file(rows, prefix), "text/csv")},
    )
    assert upload.status_code == 302, upload.text[-1500:]
    found = re.search(r"/staff/import/(\d+)/status/", upload.headers["Location"])
    assert found, upload.headers["Location"]
    job = int(found.group(1))
    _wait(lambda: _status(cluster, job)[0] == "previewed", "the file to be checked", timeout=180)
    return job


def _confirm(cluster: Any, hr: Visitor, job: int) -> None:
    """HR confirms the import on web2, where the load balancer sent them next."""
    preview = f"/o/{ORG}/staff/import/{job}/"
    confirm = _on(hr, cluster, "web2").submit(preview, f"{preview}confirm/", {})
    assert confirm.status_code == 302, confirm.text[-1500:]


def _status(cluster: Any, job: int) -> tuple[str, str]:
    row = _sql(cluster, "SELECT status, worker FROM organisations_staffimport WHERE id=%s", job)
    return row[0][0], row[0][1]


def _running_on(cluster: Any, job: int) -> tuple[str, str]:
    """Once a worker runs the import: (its name in the cluster, its heartbeat name)."""
    _wait(lambda: _status(cluster, job)[0] == "running" and _status(cluster, job)[1], "a worker")
    heartbeat = _status(cluster, job)[1]
    name = next(n for n in ("worker1", "worker2") if f":{cluster.processes[n].pid}:" in heartbeat)
    return name, heartbeat


def _taken_over(cluster: Any, job: int) -> bool:
    """Whether a worker's recovery check queued the import again (it logs each one)."""
    said = f"Staff import {job} queued again"
    return any(said in cluster.log(name) for name in ("worker1", "worker2"))


def _imported(cluster: Any, prefix: str) -> int:
    return int(
        _sql(
            cluster,
            "SELECT count(*) FROM organisations_staffrecord WHERE staff_number LIKE %s",
            f"{prefix}%",
        )[0][0]
    )


def test_a_worker_asked_to_stop_finishes_its_import_and_one_told_twice_hands_it_on(
    cluster: Any, hr: Visitor
) -> None:
    # Asked once (SIGTERM, as systemd or Kubernetes asks): the import is finished first.
    job = _checked_import(cluster, hr, "GA", rows=LONG_ROWS)
    _confirm(cluster, hr, job)
    name, heartbeat = _running_on(cluster, job)
    os.kill(cluster.processes[name].pid, signal.SIGTERM)
    assert cluster.processes[name].wait(timeout=180) == 0
    assert _status(cluster, job)[0] == "applied"
    assert _imported(cluster, "GA") == LONG_ROWS
    beats = "SELECT count(*) FROM carershub_workerheartbeat WHERE name = %s"
    assert _sql(cluster, beats, heartbeat)[0][0] == 0  # it said goodbye
    # The recovery check ran every 2 seconds throughout and never took over the live import.
    assert not _taken_over(cluster, job)
    cluster.start_worker(name)

    # Told twice (the grace period ran out): it stops at once, nothing of the import is
    # written, and the other worker takes it over as soon as the recovery check runs.
    job = _checked_import(cluster, hr, "GB")
    _confirm(cluster, hr, job)
    name, heartbeat = _running_on(cluster, job)
    os.kill(cluster.processes[name].pid, signal.SIGTERM)
    time.sleep(0.2)
    os.kill(cluster.processes[name].pid, signal.SIGTERM)
    cluster.processes[name].wait(timeout=60)
    assert _status(cluster, job)[0] in {"running", "queued"}, "it finished before it stopped"
    assert _imported(cluster, "GB") == 0
    _wait(lambda: _status(cluster, job)[0] == "applied", "the other worker", timeout=240)
    assert _imported(cluster, "GB") == ROWS
    assert _taken_over(cluster, job)
    cluster.start_worker(name)


class Writer(threading.Thread):
    """Uploads files through one server, one after another, until the server is gone,
    remembering each one the server acknowledged (answered with its redirect)."""

    def __init__(self, person: Visitor, criterion: str) -> None:
        super().__init__(daemon=True)
        self.person, self.criterion = person, criterion
        self.acknowledged: dict[str, bytes] = {}
        self.failures = 0
        self.stop = threading.Event()

    def run(self) -> None:
        number = 0
        while not self.stop.is_set() and self.failures < 3:
            number += 1
            name = f"written-{number:04d}.txt"
            body = f"{name} {secrets.token_hex(16)}\n".encode()
            try:
                answer = _upload(self.person, self.criterion, name, body)
            except requests.RequestException:
                self.failures += 1
                continue
            if answer.status_code == 302:
                self.acknowledged[name] = body


def test_an_import_survives_its_worker_and_a_web_server_being_killed(
    cluster: Any, hr: Visitor
) -> None:
    job = _checked_import(cluster, hr, "MN")

    def status() -> tuple[str, str]:
        return _status(cluster, job)

    # Meanwhile (from now until web1 dies) someone else keeps uploading evidence through web1.
    writer_person = Visitor(cluster.url("web1"))
    writer_person.sign_in(HR, PASSWORD, authenticator_key(cluster.seed_output, HR))
    criterion = _draft_criterion(cluster, writer_person)
    writer = Writer(writer_person, criterion)
    writer.start()

    _wait(lambda: len(writer.acknowledged) >= 3, "web1 to acknowledge some uploads")

    _confirm(cluster, hr, job)

    # A worker takes the import; it and web1 are killed while it runs.
    victim, doomed = _running_on(cluster, job)
    cluster.kill(victim)
    cluster.kill("web1")
    writer.join(timeout=120)
    assert not writer.is_alive()

    # Killed part-way: nothing of the import is written yet, and it is not lost.
    assert status()[0] in {"running", "queued"}, "the worker finished before it was killed"
    assert _imported(cluster, "MN") == 0

    # The other worker still beats, so the site says so while it takes the import over.
    health = requests.get(f"{cluster.url('web2')}/healthz", timeout=30).json()
    assert health["worker"] == "ok", health
    _wait(lambda: status()[0] == "applied", "the other worker to apply the import", timeout=240)
    assert _imported(cluster, "MN") == ROWS
    assert _taken_over(cluster, job)
    page = _on(hr, cluster, "web2").get(f"/o/{ORG}/staff/import/{job}/status/")
    assert page.status_code == 200
    assert "Import complete" in page.text

    # The killed worker's task is shown as failed, not as running for ever.
    tasks = _sql(
        cluster,
        "SELECT status, exception_class_path FROM django_tasks_database_dbtaskresult"
        " WHERE worker_ids::text LIKE %s",
        f"%{doomed}%",
    )
    assert ("FAILED", "shared.queue.WorkerStopped") in tasks, tasks
    assert not [row for row in tasks if row[0] == "RUNNING"], tasks

    # Every upload web1 acknowledged before it died is there, through web2, byte for byte.
    assert writer.acknowledged
    served = _downloads(_on(hr, cluster, "web2"), criterion)
    for name, body in writer.acknowledged.items():
        assert served.get(name) == body, name
    # And no stored file lacks its object: a request cut off saved all of itself or nothing.
    import boto3

    bucket = boto3.client(
        "s3",
        endpoint_url=cluster.s3_endpoint,
        region_name="eu-west-2",
        aws_access_key_id="multinode",
        aws_secret_access_key="multinode-secret",
    )
    keys = {
        item["Key"] for item in bucket.list_objects_v2(Bucket=cluster.bucket).get("Contents", [])
    }
    stored = {row[0] for row in _sql(cluster, "SELECT stored_name FROM benchmarks_evidencefile")}
    assert stored <= keys, stored - keys


def _wait(check: Any, what: str, *, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"Waited {timeout:.0f} seconds for {what}")
        time.sleep(0.05)
