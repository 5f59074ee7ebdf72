"""``make bench``: measure the key pages at scale against a floor, in one run.

1. Prepares two PostgreSQL databases with synthetic data: ``BENCH_STAFF`` staff (default
   5,000; ``BENCH_STAFF=1500000`` is national size) and 1,000 staff, and counts each key
   page's queries on both (they must be equal).
2. Serves the large one with gunicorn (``BENCH_WORKERS`` sync workers, default 4) on
   127.0.0.1 and loads each page with wrk (``BENCH_USERS`` connections, default 50, for
   ``BENCH_SECONDS`` seconds, default 20), starting with a bare Django view (the floor)
   and the least a signed-in page does (the signed-in floor, and the same without the
   layout). Each page is loaded twice:
   requests back to back (capacity), then with each user pausing a random 0 to twice
   ``BENCH_PACING`` seconds between requests (default 1: the latency people see below
   capacity).
3. Imports a ``BENCH_IMPORT_ROWS``-row staff file (default ``BENCH_STAFF``) through the
   product's import command (on PostgreSQL its set-based engine), and loads the same file
   into a bare table with COPY, then inserts those rows into an empty copy of the staff
   table with its indexes (the cost of the indexes alone); the command's peak memory is
   read against its memory on a file with no rows, which shows whether it grows with the file.
4. Reads each web worker's peak memory.

Before the load, every organisation's figures for the month are taken as the monthly task
takes them (timed), and one request of each insight page is profiled.

Writes ``bench/results/<time>.json`` and ``.md`` (or ``BENCH_RESULTS_DIR``). Point it at
another server with ``BENCH_DATABASE_URL`` (a URL whose database it may create and drop).
"""

from __future__ import annotations

import compileall
import csv
import http.client
import json
import os
import random
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
MANAGE = [PYTHON, str(ROOT / "manage.py")]
SMALL = 1_000
#: The least a signed-in page does (bench/urls.py), measured beside the bare floor.
SIGNED_IN_FLOOR = "floor (signed in)"
#: The signed-in floor without the layout: between the two lies what the layout costs.
SESSION_FLOOR = "floor (session, no layout)"
#: The insight pages (carershub/management/commands/bench_prepare.py), reported against the bars.
INSIGHT_PAGES = ("insight figures (HR)", "insight partnership (lead)")
#: The scale data's partnership name (carershub.scale_data.PARTNERSHIP_NAME): data made by
#: another version of the generator is rebuilt.
DATA_VERSION_NAME = "Scale partnership (data version 3)"


def setting(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


STAFF = setting("BENCH_STAFF", 5_000)
WORKERS = setting("BENCH_WORKERS", 4)
USERS = setting("BENCH_USERS", 50)
SECONDS = setting("BENCH_SECONDS", 20)
IMPORT_ROWS = setting("BENCH_IMPORT_ROWS", STAFF)
#: Staff of the organisation whose everyone-in-post is invited (issue 18: a 30,000-staff trust).
INVITE_PEOPLE = setting("BENCH_INVITE_PEOPLE", 30_000)
#: A user's average pause in seconds between requests in the paced pass (what a person waits
#: for, below capacity); the first pass sends requests back to back (capacity).
PACING = float(os.environ.get("BENCH_PACING") or 1)
BASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/carershub_bench"
)
#: Redis for the cache and sessions, as docs/deploy.md advises at scale; empty for none.
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
RESULTS = Path(os.environ.get("BENCH_RESULTS_DIR", ROOT / "bench" / "results"))


def database_url(suffix: str) -> str:
    parts = urlsplit(BASE_URL)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + suffix))


def environment(url: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_ENV": "development",
        "DEBUG": "0",
        "DATABASE_URL": url,
        "DATABASE_CONN_MAX_AGE": "60",
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "LOG_LEVEL": "WARNING",
        "TASKS_BACKEND": "immediate",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        # One token asks thousands of times a minute here. The limit stays on, so its cost
        # (a Redis count a request) is measured, but high enough never to answer 429.
        "API_RATE_LIMIT": "1000000000",
    }
    env.pop("REDIS_URL", None)
    if REDIS:
        # As a deployment at scale would run: the cache, and sessions read through it.
        env["REDIS_URL"] = REDIS
    return env


def psql_admin(url: str) -> Any:
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True)


def database_ready(url: str, staff: int) -> None:
    """Create the database, migrate it and load ``staff`` staff, reusing one that matches."""
    name = urlsplit(url).path.lstrip("/")
    with psql_admin(url) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists:
            import psycopg

            with psycopg.connect(url) as conn:
                try:
                    row = conn.execute(
                        "SELECT count(*) FROM organisations_staffrecord s JOIN organisations_organisation o"
                        " ON o.id = s.organisation_id JOIN organisations_partnership p"
                        " ON p.id = o.partnership_id WHERE p.slug = 'scale' AND p.name = %s",
                        [DATA_VERSION_NAME],
                    ).fetchone()
                except psycopg.Error:
                    row = None
            if row is None or row[0] != staff:
                admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
                exists = None
        if not exists:
            admin.execute(f'CREATE DATABASE "{name}"')
    env = environment(url)
    subprocess.run([*MANAGE, "migrate", "--noinput", "-v", "0"], env=env, check=True)


def prepare(url: str, staff: int) -> dict[str, Any]:
    database_ready(url, staff)
    started = time.monotonic()
    output = subprocess.run(
        [*MANAGE, "bench_prepare", "--staff", str(staff)],
        env=environment(url),
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    result["prepare_seconds"] = round(time.monotonic() - started, 1)
    return result


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve(url: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "carershub.wsgi",
            "--workers",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        env=environment(url),
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{base}/bench/floor", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return server, base
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise SystemExit("gunicorn did not start") from None
            time.sleep(0.2)


def warm_up(url: str, *, session: str = "", token: str = "") -> None:
    """A few requests before the timed run, so that what a process does once (importing the
    views, compiling the templates, opening its database connection) is not counted as the
    page's cost. Each must answer 200: a page that fails is a broken bench, said at once,
    rather than a run of failures (or, on a starved machine, of nothing) to puzzle over."""
    headers = {}
    if session:
        headers["Cookie"] = f"sessionid={session}"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    for _ in range(2 * WORKERS):
        request = urllib.request.Request(url, headers=headers)  # noqa: S310 (127.0.0.1)
        try:
            with urllib.request.urlopen(request, timeout=120) as answer:  # noqa: S310
                answer.read()
                status = answer.status
        except urllib.error.HTTPError as error:
            status = error.code
        if status != 200:
            raise SystemExit(f"{urlsplit(url).path} answered {status} before its timed run")


def wrk() -> str:
    """The load generator: wrk, from Debian's packages (``make bench`` installs it when it
    can). It is C on an event loop, so on a machine this size it takes a small share of a
    core where a Python generator took as much CPU as the server it was loading."""
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("make bench needs wrk: apt-get install wrk (scripts/ensure-wrk.sh)")
    return found


def load(
    base: str,
    path: str,
    *,
    server: int,
    session: str = "",
    token: str = "",
    pacing: float = 0,
) -> dict[str, float]:
    """Load one path; return throughput, latency percentiles and the generator's own CPU.

    Back to back (no ``pacing``): wrk, one thread, ``USERS`` connections for ``SECONDS``
    seconds, each asking again the moment it is answered. Paced: ``paced_load``.
    ``generator_cpu`` is the generator's CPU time over the run's wall time: the share of one
    core it took, which must stay small for the figures to be the server's. ``server_cpu`` is
    the web workers' CPU time over the same wall time (``server`` is gunicorn's pid): 2.0 on
    two cores means the server, not the generator or the database, used the whole machine.
    """
    warm_up(base + path, session=session, token=token)
    headers = _headers(session=session, token=token)
    server_before = _workers_cpu(server)
    started = time.monotonic()
    stats = paced_load(base + path, headers, pacing) if pacing else _wrk(base + path, headers)
    wall = time.monotonic() - started
    server_cpu = _cpu_since(server_before, _workers_cpu(server))
    stats["server_cpu"] = round(server_cpu / wall, 2) if wall else 0.0
    return stats


def _headers(*, session: str, token: str) -> dict[str, str]:
    headers = {}
    if session:
        headers["Cookie"] = f"sessionid={session}"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return headers


def _wrk(url: str, headers: dict[str, str]) -> dict[str, Any]:
    command = [
        wrk(),
        "--threads",
        "1",
        "--connections",
        str(USERS),
        "--duration",
        f"{SECONDS}s",
        "--timeout",
        "60s",
        "--script",
        str(ROOT / "bench" / "wrk.lua"),
    ]
    for name, value in headers.items():
        command += ["--header", f"{name}: {value}"]
    command.append(url)
    before = _children_cpu()
    started = time.monotonic()
    generator = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    output, _ = generator.communicate(timeout=SECONDS + 120)
    wall = time.monotonic() - started
    # Only wrk is reaped in between (the server is reaped at the very end), so the growth of
    # the children's CPU total is wrk's.
    cpu = _children_cpu() - before
    if generator.returncode != 0:
        raise SystemExit(f"wrk failed on {url}: {output[-2000:]}")
    line = next((x for x in output.splitlines() if x.startswith("BENCH_JSON ")), None)
    if line is None:
        raise SystemExit(f"wrk printed no figures for {url} (bench/wrk.lua): {output[-2000:]}")
    stats = json.loads(line.removeprefix("BENCH_JSON "))
    seconds = stats["seconds"] or 1
    return {
        "requests": stats["requests"],
        "failures": stats["failures"],
        "rps": round(stats["requests"] / seconds, 1),
        "p50_ms": round(stats["p50_us"] / 1000, 1),
        "p95_ms": round(stats["p95_us"] / 1000, 1),
        "p99_ms": round(stats["p99_us"] / 1000, 1),
        "generator_cpu": round(cpu / wall, 3) if wall else 0.0,
    }


def paced_load(url: str, headers: dict[str, str], pacing: float) -> dict[str, Any]:
    """``USERS`` people, each pausing a random 0 to twice ``pacing`` seconds, then opening a
    connection, asking once and reading the answer, for ``SECONDS`` seconds: the latency
    people see below capacity. Threads in this process are enough for so few requests a
    second (at most ``USERS / pacing``); its CPU is reported as the generator's. A fresh
    connection a request, as a sync gunicorn worker closes each one anyway; the connection
    is opened after the pause, never held idle."""
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    stop_at = time.monotonic() + SECONDS
    timings: list[float] = []
    failures = 0
    lock = threading.Lock()

    def person(seed: int) -> None:
        nonlocal failures
        rng = random.Random(seed)  # noqa: S311 (pauses, not secrets)
        while True:
            time.sleep(rng.uniform(0, 2 * pacing))
            if time.monotonic() >= stop_at:
                return
            started = time.perf_counter()
            conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=60)
            try:
                conn.request("GET", target, headers=headers)
                answer = conn.getresponse()
                answer.read()
                ok = answer.status == 200
            except (OSError, http.client.HTTPException):
                ok = False  # counted, and the person goes on asking
            finally:
                conn.close()
            took = time.perf_counter() - started
            with lock:
                timings.append(took)
                failures += not ok

    cpu_before = time.process_time()
    started = time.monotonic()
    people = [threading.Thread(target=person, args=(n,)) for n in range(USERS)]
    for p in people:
        p.start()
    for p in people:
        p.join()
    # Until the run's end, not the last person's last pause after it.
    wall = min(time.monotonic(), stop_at) - started
    cpu = time.process_time() - cpu_before
    ordered = sorted(timings)

    def percentile(q: float) -> float:
        if not ordered:
            return float("nan")
        return round(1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)

    return {
        "requests": len(ordered),
        "failures": failures,
        "rps": round(len(ordered) / wall, 1) if wall else 0.0,
        "p50_ms": percentile(0.50),
        "p95_ms": percentile(0.95),
        "p99_ms": percentile(0.99),
        "generator_cpu": round(cpu / wall, 3) if wall else 0.0,
    }


def _children_cpu() -> float:
    """CPU seconds used so far by every child process that has been waited for."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _workers(server: int) -> list[str]:
    children = Path(f"/proc/{server}/task/{server}/children")
    return children.read_text().split() if children.exists() else []


def _workers_cpu(server: int) -> dict[str, float]:
    """CPU seconds each web worker has used so far (utime and stime in /proc/<pid>/stat)."""
    tick = os.sysconf("SC_CLK_TCK")
    used = {}
    for pid in _workers(server):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # a worker that has just been replaced
        used[pid] = (int(fields[11]) + int(fields[12])) / tick
    return used


def _cpu_since(before: dict[str, float], after: dict[str, float]) -> float:
    """The workers' CPU between two readings, over the workers present at both (gunicorn may
    replace one mid-run; its time is then left out rather than subtracted)."""
    return sum(after[pid] - before[pid] for pid in after.keys() & before.keys())


def worker_peaks_mb(server: subprocess.Popen[bytes]) -> list[float]:
    """Each gunicorn worker's peak resident memory (VmHWM), in MB."""
    peaks = []
    for pid in _workers(server.pid):
        status = Path(f"/proc/{pid}/status").read_text()
        line = next(x for x in status.splitlines() if x.startswith("VmHWM:"))
        peaks.append(round(int(line.split()[1]) / 1024, 1))
    return peaks


#: In the re-import, one row in this many has a changed surname (issue 19: 1 % changed).
CHANGED_EVERY = 100


def staff_file(path: Path, rows: int, *, changed: bool = False) -> None:
    """A realistic HR extract: a management tree, each manager before their reports. With
    ``changed``, the same file a month later: one row in ``CHANGED_EVERY`` has a new surname."""
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "Staff Number",
                "First Name",
                "Last Name",
                "Work Email",
                "Unit Code",
                "Line Manager Staff Number",
                "Contracted Days",
                "Contracted Hours",
                "Start Date",
            ]
        )
        for i in range(1, rows + 1):
            manager = f"B{(i - 2) // 8 + 1:08d}" if i > 1 else ""
            writer.writerow(
                [
                    f"B{i:08d}",
                    "Sam",
                    f"Person{i}" + ("-Changed" if changed and i % CHANGED_EVERY == 0 else ""),
                    f"b{i}@example.org",
                    "U1",
                    manager,
                    "5",
                    "37.5",
                    "2020-01-06",
                ]
            )


def _forget_import(url: str) -> None:
    """Remove the imported organisation in SQL: one statement a table, whatever its size.

    Nothing else refers to this organisation's records, so where the server allows it (a
    superuser, as on the local server) triggers are skipped for this clean-up: otherwise
    each of the deleted records is looked up in the 14 tables that may refer to a staff
    record, which takes minutes at national size. With triggers off, the import's own audit
    events (a million and a half at national size) go too, so that every run loads the
    pages against the same data; the product never deletes audit events, and on a server
    that does not allow this they stay.
    """
    import psycopg
    from psycopg import sql

    with psycopg.connect(url, autocommit=True) as conn, conn.transaction():
        try:
            with conn.transaction():
                conn.execute("SET LOCAL session_replication_role = replica")
            replica = True
        except psycopg.errors.InsufficientPrivilege:
            replica = False  # plain deletes: slower, and the audit events stay
        if replica:
            conn.execute(
                "DELETE FROM audit_auditevent WHERE organisation_id IN "
                "(SELECT id FROM organisations_organisation WHERE slug = 'bench-import')"
            )
        for table in ("organisations_staffrecord", "organisations_unit"):
            conn.execute(
                sql.SQL(
                    "DELETE FROM {} WHERE organisation_id IN "
                    "(SELECT id FROM organisations_organisation WHERE slug = 'bench-import')"
                ).format(sql.Identifier(table))
            )
        conn.execute("DELETE FROM organisations_organisation WHERE slug = 'bench-import'")
    with psycopg.connect(url, autocommit=True) as conn:
        # Clear the dead rows now, so that vacuuming them is not left to overlap the next
        # run's page loads (it halved the passport pages' throughput in one run).
        conn.execute(
            "VACUUM (ANALYZE) organisations_staffrecord, organisations_unit, audit_auditevent"
        )


def _insert_into_indexed_copy(conn: Any) -> float:
    """Seconds to insert the COPYed rows into an empty copy of the staff table, with all of its
    indexes and constraints but no foreign keys, none of the import's checks and no audit:
    what keeping the staff table's indexes up costs on its own, a floor under any import
    that keeps them."""
    conn.execute("DROP TABLE IF EXISTS bench_copy_indexed")
    conn.execute("CREATE TABLE bench_copy_indexed (LIKE organisations_staffrecord INCLUDING ALL)")
    started = time.monotonic()
    conn.execute(
        "INSERT INTO bench_copy_indexed (organisation_id, staff_number, first_name, last_name,"
        " work_email, days_per_week, hours_per_week, working_days, start_date, status, version,"
        " updated_at) SELECT 1, staff_number, first_name, last_name, work_email, days, hours,"
        " '12345', start_date, 'active', 1, now() FROM bench_copy"
    )
    seconds = time.monotonic() - started
    conn.execute("DROP TABLE bench_copy_indexed")
    return seconds


def _timed_import(env: dict[str, str], path: Path, failed: str) -> tuple[float, Any]:
    """``manage.py import_staff`` on ``path``, start-up included: its seconds and its usage."""
    started = time.monotonic()
    process = subprocess.Popen([*MANAGE, "import_staff", "bench-import", str(path)], env=env)
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.monotonic() - started
    if status != 0:
        raise SystemExit(failed)
    return seconds, usage


def _timed_copy(conn: Any, path: Path, *, key: str) -> float:
    """Seconds to COPY ``path`` into a new bare table ``bench_copy`` (``key``: what the staff
    number column adds, such as a primary key). The table is left for the caller."""
    conn.execute("DROP TABLE IF EXISTS bench_copy")
    conn.execute(
        f"CREATE TABLE bench_copy (staff_number text{key}, first_name text, last_name text, "
        "work_email text, unit_code text, manager text, days numeric, hours numeric, "
        "start_date date)"
    )
    started = time.monotonic()
    with (
        conn.cursor() as cursor,
        cursor.copy("COPY bench_copy FROM STDIN WITH (FORMAT csv, HEADER true)") as copy,
        path.open("rb") as handle,
    ):
        while chunk := handle.read(1 << 20):
            copy.write(chunk)
    return time.monotonic() - started


def import_versus_copy(url: str, rows: int) -> dict[str, Any]:
    """The product's import of a file against PostgreSQL's COPY of the same file."""
    import psycopg

    env = environment(url)
    _forget_import(url)  # a run that stopped half-way may have left one
    setup = (
        "from organisations.models import *; "
        "p=Partnership.objects.get_or_create(slug='bench-import', defaults={'name':'Bench import'})[0]; "
        "o=Organisation.objects.create(partnership=p, slug='bench-import', name='Bench import', "
        "nation='england', sector='nhs', size_band='large'); "
        "Unit.objects.create(organisation=o, code='U1', name='Unit one')"
    )
    subprocess.run([*MANAGE, "shell", "-v", "0", "-c", setup], env=env, check=True)
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "staff.csv"
        staff_file(path, rows)
        # The same command on the header row alone: the memory of the process before any row.
        empty = Path(scratch) / "empty.csv"
        empty.write_text(path.open().readline())
        baseline = subprocess.Popen(
            [*MANAGE, "import_staff", "bench-import", str(empty), "--dry-run"],
            env=env,
            stdout=subprocess.DEVNULL,
        )
        _pid, status, baseline_usage = os.wait4(baseline.pid, 0)
        if status != 0:
            raise SystemExit("the staff import failed on a file with no rows")
        import_seconds, usage = _timed_import(env, path, "the staff import failed")
        with psycopg.connect(url, autocommit=True) as conn:
            copy_seconds = _timed_copy(conn, path, key="")
            indexed_seconds = _insert_into_indexed_copy(conn)
            conn.execute("DROP TABLE bench_copy")
        # The same file a month later with 1 % of rows changed, through the product (start-up
        # counted), against a bare COPY of it into a table keyed by staff number.
        again = Path(scratch) / "staff-again.csv"
        staff_file(again, rows, changed=True)
        reimport_seconds, again_usage = _timed_import(env, again, "the staff re-import failed")
        with psycopg.connect(url, autocommit=True) as conn:
            reimport_copy_seconds = _timed_copy(conn, again, key=" PRIMARY KEY")
            conn.execute("DROP TABLE bench_copy")
            changed = conn.execute(
                "SELECT count(*) FROM organisations_staffrecord s JOIN organisations_organisation o"
                " ON o.id = s.organisation_id WHERE o.slug = 'bench-import'"
                " AND s.last_name LIKE '%%-Changed'"
            ).fetchone()
        # What the command costs before it reads a row: Python, Django and the apps starting.
        started = time.monotonic()
        subprocess.run(
            [*MANAGE, "import_staff", "--help"], env=env, check=True, capture_output=True
        )
        startup_seconds = time.monotonic() - started
    _forget_import(url)  # so the next run imports the same rows as new again
    return {
        "rows": rows,
        "import_seconds": round(import_seconds, 2),
        "copy_seconds": round(copy_seconds, 3),
        "ratio": round(import_seconds / copy_seconds, 1),
        "indexed_insert_seconds": round(indexed_seconds, 4),
        "import_peak_mb": round(usage.ru_maxrss / 1024, 1),
        "import_baseline_mb": round(baseline_usage.ru_maxrss / 1024, 1),
        "reimport_changed": changed[0] if changed else 0,
        "reimport_seconds": round(reimport_seconds, 2),
        "reimport_copy_seconds": round(reimport_copy_seconds, 3),
        "reimport_ratio": round(reimport_seconds / reimport_copy_seconds, 1),
        "reimport_peak_mb": round(again_usage.ru_maxrss / 1024, 1),
        "startup_seconds": round(startup_seconds, 2),
    }


INVITE_SETUP = """
from accounts.models import User
from organisations.models import *
p = Partnership.objects.get_or_create(slug='bench-invite', defaults={{'name': 'Bench invite'}})[0]
for slug, people in (('bench-invite-empty', 0), ('bench-invite', {people})):
    o = Organisation.objects.create(partnership=p, slug=slug, name=slug,
        nation='england', sector='nhs', size_band='large')
    hr = User.objects.create_user(email=slug + '-hr@example.org', password=None)
    for role in (Role.EMPLOYEE, Role.HR_ADMIN):
        Membership.objects.create(user=hr, organisation=o, role=role)
    for start in range(0, people, 5000):
        StaffRecord.objects.bulk_create(
            StaffRecord(organisation=o, staff_number=f'I{{n:07d}}', first_name='Pat',
                last_name='Lee', work_email=f'invitee{{n}}@example.org')
            for n in range(start, min(people, start + 5000)))
"""


def _forget_invitations(url: str, since: datetime) -> None:
    """Remove the invitation bench's organisations, invitations, queued emails and tasks, as
    ``_forget_import`` does (audit events only where the server lets triggers be skipped)."""
    import psycopg
    from psycopg import sql

    def from_orgs(table: str) -> sql.Composed:
        return sql.SQL(
            "DELETE FROM {} WHERE organisation_id IN "
            "(SELECT id FROM organisations_organisation WHERE slug LIKE 'bench-invite%')"
        ).format(sql.Identifier(table))

    with psycopg.connect(url, autocommit=True) as conn, conn.transaction():
        try:
            with conn.transaction():
                conn.execute("SET LOCAL session_replication_role = replica")
            conn.execute(from_orgs("audit_auditevent"))
        except psycopg.errors.InsufficientPrivilege:
            pass  # the audit events stay, and the deletes below go through the triggers
        for table in (
            "accounts_invitation",
            "organisations_invitationbatch",
            "organisations_staffrecord",
            "organisations_membership",
        ):
            conn.execute(from_orgs(table))
        conn.execute("DELETE FROM organisations_organisation WHERE slug LIKE 'bench-invite%'")
        conn.execute("DELETE FROM accounts_user WHERE email LIKE 'bench-invite%'")
        conn.execute("DELETE FROM organisations_partnership WHERE slug = 'bench-invite'")
        conn.execute(
            "DELETE FROM carershub_outboundemail WHERE template = 'invitation' AND created_at >= %s",
            (since,),
        )
        conn.execute(
            "DELETE FROM django_tasks_database_dbtaskresult WHERE enqueued_at >= %s", (since,)
        )


def invite_everyone(url: str, people: int) -> dict[str, Any]:
    """Invite everyone in post in a new organisation of ``people`` staff, through the product's
    own command (``--here``: the steps the task worker takes, in one process), with emails
    queued in the database as a deployment's email worker would find them. Its peak memory is
    compared with the same command in an organisation of nobody: equal means flat."""
    env = {**environment(url), "TASKS_BACKEND": "database"}
    since = datetime.now(UTC)
    _forget_invitations(url, since)
    subprocess.run(
        [*MANAGE, "shell", "-v", "0", "-c", INVITE_SETUP.format(people=people)],
        env=env,
        check=True,
    )

    def run(slug: str) -> tuple[float, Any, int]:
        started = time.monotonic()
        process = subprocess.Popen(
            [*MANAGE, "invite_everyone", slug, "--as", f"{slug}-hr@example.org", "--here"],
            env=env,
            stdout=subprocess.PIPE,  # two short lines: the pipe never fills
        )
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.monotonic() - started
        said = process.stdout.read().decode() if process.stdout else ""
        found = re.search(r"invited (\d+) of", said)
        if status != 0 or found is None:
            raise SystemExit(f"inviting everyone in {slug} failed")
        return seconds, usage, int(found.group(1))

    try:
        _seconds, baseline, _none = run("bench-invite-empty")
        seconds, usage, invited = run("bench-invite")
    finally:
        _forget_invitations(url, since)
    return {
        "people": people,
        "invited": invited,
        "seconds": round(seconds, 1),
        "ms_per_person": round(seconds * 1000 / max(people, 1), 2),
        "peak_mb": round(usage.ru_maxrss / 1024, 1),
        "baseline_mb": round(baseline.ru_maxrss / 1024, 1),
    }


#: Issue 19's bars: every key page at a tenth of the bare view's throughput or more, p95
#: under 50 ms paced, and the signed-in floor at a third of the bare view or more.
PAGE_BAR = 0.10
SIGNED_IN_BAR = 1 / 3
PACED_P95_BAR_MS = 50.0
#: A paced run served at least this share of the page's back-to-back throughput: the people
#: were not below capacity, so the wait measured is mostly queueing.
SATURATED = 0.8


def bars(result: dict[str, Any]) -> list[str]:
    """Each bar, met or missed, and by how much: the figures a reader checks first."""
    floor = result["load"]["floor"]["rps"] or 1
    paced = result.get("paced", {})
    cores = os.cpu_count() or 1
    busiest = max(stats.get("generator_cpu", 0.0) for stats in result["load"].values())
    lines = [
        f"The load generator (wrk, one thread) used at most {busiest:.0%} of one core in any "
        f'back-to-back run ({busiest / cores:.0%} of this machine\'s {cores} cores); "web CPU" is '
        "the gunicorn workers' CPU seconds a second (the number of cores they kept busy).",
        "",
        "| bar | page | measured | bar | met |",
        "| --- | --- | ---: | ---: | --- |",
    ]
    for name, stats in result["load"].items():
        if name in ("floor", SESSION_FLOOR):  # the session floor has no bar: it explains
            continue
        share = stats["rps"] / floor
        bar = SIGNED_IN_BAR if name == SIGNED_IN_FLOOR else PAGE_BAR
        what = "signed-in floor" if name == SIGNED_IN_FLOOR else "throughput"
        met = "yes" if share >= bar else f"no: {bar / share:.1f} times short" if share else "no"
        if stats["failures"]:
            met = f"not measured: {stats['failures']} failures"
        lines.append(f"| {what} | {name} | {share:.3f} of the bare view | {bar:.3f} | {met} |")
    for name, stats in paced.items():
        if name == SESSION_FLOOR:
            continue
        p95 = stats["p95_ms"]
        met = "yes" if p95 < PACED_P95_BAR_MS else f"no: {p95 / PACED_P95_BAR_MS:.1f} times over"
        capacity = result["load"].get(name, {}).get("rps") or 0
        if capacity and stats["rps"] >= SATURATED * capacity:
            # The people asked for about as much as the page can serve: the wait is queueing.
            met += f" (at capacity: {stats['rps']:.0f} of {capacity:.0f} requests a second)"
        if stats["failures"]:
            met = f"not measured: {stats['failures']} failures"
        lines.append(f"| paced p95 | {name} | {p95:.0f} ms | {PACED_P95_BAR_MS:.0f} ms | {met} |")
    imp = result.get("import")
    if imp:
        first = (
            imp["import_seconds"] / imp["indexed_insert_seconds"]
            if imp.get("indexed_insert_seconds")
            else float("nan")
        )
        met = "yes" if first <= 1.5 else f"no: {first / 1.5:.1f} times over"
        lines.append(
            f"| first import | {imp['rows']:,} rows | {first:.1f} times an indexed insert | 1.5 times | {met} |"
        )
        again = imp["reimport_ratio"]
        met = "yes" if again <= 3 else f"no: {again / 3:.1f} times over"
        lines.append(
            f"| re-import, 1 % changed | {imp['rows']:,} rows | {again:.1f} times a bare COPY "
            f"| 3 times | {met} |"
        )
    return lines


def markdown(result: dict[str, Any]) -> str:
    floor = result["load"]["floor"]["rps"] or 1
    signed_in = result["load"].get(SIGNED_IN_FLOOR, {}).get("rps") or 1
    paced = result.get("paced", {})
    lines = [
        f"# Benchmark {result['started']}",
        "",
        f"{result['staff']:,} staff; {WORKERS} gunicorn workers; {USERS} users for {SECONDS} s a page; "
        f"largest organisation {result['organisation_staff']:,} staff; "
        f"cache and sessions {'through Redis' if result['settings'].get('redis') else 'in the database'}.",
        "",
        f"Back to back: each user sends the next request when the last is answered (capacity). "
        f"Paced: each user pauses a random 0 to {2 * result['settings']['pacing']:g} s between an "
        f"answer and their next request ({USERS} users, so at most "
        f"{USERS / result['settings']['pacing']:g} requests a second offered).",
        "",
        "| page | req/s | share of floor | share of signed-in floor | p50 ms | p95 ms | p99 ms "
        "| paced p50 ms | paced p95 ms | failures | generator CPU | web CPU | queries (1,000) "
        "| queries (full) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        "| ---: | ---: |",
    ]
    for name, stats in result["load"].items():
        small = result["queries_small"].get(name, "")
        full = result["queries_full"].get(name, "")
        share = stats["rps"] / floor
        signed_share = f"{stats['rps'] / signed_in:.2f}" if name != "floor" else ""
        calm = paced.get(name)
        calm_cells = f"{calm['p50_ms']:.0f} | {calm['p95_ms']:.0f}" if calm else " | "
        failures = stats["failures"] + (calm["failures"] if calm else 0)
        lines.append(
            f"| {name} | {stats['rps']} | {share:.2f} | {signed_share} | {stats['p50_ms']:.0f} "
            f"| {stats['p95_ms']:.0f} | {stats['p99_ms']:.0f} | {calm_cells} | {failures} "
            f"| {stats.get('generator_cpu', float('nan')):.0%} "
            f"| {stats.get('server_cpu', float('nan')):.2f} | {small} | {full} |"
        )
    lines += ["", *bars(result)]
    snapshots = result["snapshots"]
    lines += [
        "",
        f"Insight: this month's figures taken for all {snapshots['organisations']} organisations "
        f"(`take_all_snapshots`, the monthly task) in {snapshots['seconds']} s, "
        f"{snapshots['ms_per_organisation']} ms an organisation. The figures page is the largest "
        f"organisation's, as its HR admin; the partnership page is "
        f"`/p/{result['partnership']['slug']}/insight/`, as its lead, adding up "
        f"{result['partnership']['organisations']} organisations' months.",
    ]
    for name in INSIGHT_PAGES:
        stats = result["load"].get(name)
        if stats:
            share = stats["rps"] / floor
            calm = paced.get(name, {})
            lines.append(
                f"- {name}: {share:.3f} of the floor (bar: {PAGE_BAR}), p95 {stats['p95_ms']:.0f} ms "
                f"back to back and {calm.get('p95_ms', float('nan')):.0f} ms paced (bar: under "
                f"{PACED_P95_BAR_MS:.0f} ms)."
            )
    imp = result["import"]
    inv = result["invitations"]
    lines += [
        "",
        f"Staff import of {imp['rows']:,} rows: {imp['import_seconds']} s through the product, "
        f"{imp['copy_seconds']} s with COPY: **{imp['ratio']} times** (peak memory {imp['import_peak_mb']} MB; "
        f"{imp['import_baseline_mb']} MB for the same command on a file with no rows). "
        f"Inserting the same rows into an empty copy of the staff table with its indexes (no "
        f"foreign keys, none of the import's checks, no audit) took "
        f"{imp['indexed_insert_seconds']:.2f} s. "
        f"The same file again with {imp['reimport_changed']:,} rows changed: "
        f"{imp['reimport_seconds']} s through the product (peak memory {imp['reimport_peak_mb']} MB), "
        f"{imp['reimport_copy_seconds']} s with COPY into a table keyed by staff number: "
        f"**{imp['reimport_ratio']} times**. Both product times include starting the command, "
        f"which alone (`import_staff --help`) took {imp['startup_seconds']} s.",
        "",
        f"Inviting everyone in post in an organisation of {inv['people']:,} staff "
        f"(`invite_everyone --here`, emails queued for the email worker): {inv['seconds']} s, "
        f"{inv['ms_per_person']} ms a person; peak memory {inv['peak_mb']} MB, against "
        f"{inv['baseline_mb']} MB for the same command in an organisation of nobody.",
        "",
        f"Web worker peak memory after the run: {', '.join(str(m) for m in result['worker_peak_mb'])} MB.",
        "",
    ]
    split = result.get("timings", {})
    if split:
        lines += [
            "## Where one request's milliseconds go",
            "",
            "In-process (Django's test client, no web server, no network), the median of 7 requests "
            "after a warm-up: waiting on PostgreSQL (every query), rendering templates, and the rest "
            "(middleware, session and user, the view, building queries, Python). The profiles below "
            "say which functions.",
            "",
            "| page | total ms | database ms | queries | templates ms | rest ms |",
            "| --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        for name, t in split.items():
            lines.append(
                f"| {name} | {t['total_ms']:.1f} | {t['sql_ms']:.1f} | {t['queries']} "
                f"| {t['render_ms']:.1f} | {t['other_ms']:.1f} |"
            )
        lines.append("")
        session, layout = split.get(SESSION_FLOOR), split.get(SIGNED_IN_FLOOR)
        if session and layout:
            lines += [
                f"Being signed in (the session, the user, every middleware) costs "
                f"{session['total_ms']:.1f} ms a request here ({session['queries']} queries); "
                f"the layout adds {layout['total_ms'] - session['total_ms']:.1f} ms to it.",
                "",
            ]
    for name, text in result.get("profiles", {}).items():
        lines += [
            f"## Profile: one request of {name}",
            "",
            "In-process (Django's test client, no web server), cProfile, after one warm-up request.",
            "",
            "```",
            text.strip(),
            "```",
            "",
        ]
    return "\n".join(lines)


#: What compileall leaves out: not the product's code.
NOT_OURS = re.compile(r"[/\\](\.venv|\.git|\.tools|node_modules|build|var|scripts)([/\\]|$)")


def main() -> None:
    (ROOT / "var" / "static").mkdir(parents=True, exist_ok=True)  # whitenoise's STATIC_ROOT
    # As a deployment is built (docs/deploy.md "Build"): the product's bytecode compiled, so
    # no process started here (the import command above all) pays for compiling it.
    compileall.compile_dir(ROOT, quiet=1, rx=NOT_OURS)
    started = datetime.now(UTC).strftime("%Y-%m-%dT%H-%M-%SZ")
    large, small = database_url(""), database_url("_1k")
    print(f"==> Preparing {STAFF:,} staff and {SMALL:,} staff", flush=True)
    full = prepare(large, STAFF)
    little = prepare(small, SMALL)
    print("==> Serving with gunicorn and loading each page", flush=True)
    server, base = serve(large)
    pages = {
        SIGNED_IN_FLOOR: {"as": "hr", "path": "/bench/floor/signed-in"},
        SESSION_FLOOR: {"as": "hr", "path": "/bench/floor/session"},
        **full["pages"],
    }
    try:
        loads = {"floor": load(base, "/bench/floor", server=server.pid)}
        paced = {}
        for name, page in pages.items():
            who = page["as"]
            credentials = {
                "session": full["sessions"].get(who, ""),
                "token": full["token"] if who == "token" else "",
            }
            loads[name] = load(base, page["path"], server=server.pid, **credentials)
            paced[name] = load(base, page["path"], server=server.pid, pacing=PACING, **credentials)
            print(
                f"    {name}: {loads[name]['rps']} req/s; paced p95 {paced[name]['p95_ms']:.0f} ms",
                flush=True,
            )
        peaks = worker_peaks_mb(server)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    print(
        f"==> Importing {IMPORT_ROWS:,} rows and COPYing the same file; inviting "
        f"{INVITE_PEOPLE:,} people",
        flush=True,
    )
    result = {
        "started": started,
        "staff": full["staff"],
        "organisation_staff": full["organisation_staff"],
        "settings": {
            "workers": WORKERS,
            "users": USERS,
            "seconds": SECONDS,
            "pacing": PACING,
            "redis": bool(REDIS),
        },
        "load": loads,
        "paced": paced,
        "queries_small": little["queries"],
        "queries_full": full["queries"],
        "queries_equal": little["queries"] == full["queries"],
        "import": import_versus_copy(large, IMPORT_ROWS),
        "invitations": invite_everyone(large, INVITE_PEOPLE),
        "worker_peak_mb": peaks,
        "prepare_seconds": full["prepare_seconds"],
        "snapshots": full["snapshots"],
        "partnership": full["partnership"],
        "profiles": full["profiles"],
        "timings": full.get("timings", {}),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{started}.json").write_text(json.dumps(result, indent=2))
    (RESULTS / f"{started}.md").write_text(markdown(result))
    print(markdown(result))


if __name__ == "__main__":
    if not BASE_URL.startswith("postgres"):
        raise SystemExit("make bench needs PostgreSQL: set BENCH_DATABASE_URL to postgres://…")
    main()
