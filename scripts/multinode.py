#!/usr/bin/env python3
"""Run the product as a deployment spread over several machines would, on this one.

Two web servers (gunicorn), two task workers and one scheduler, each a process group of its
own, share one PostgreSQL database, one Redis and one S3-compatible bucket, with production
settings (``DJANGO_ENV=production``): nothing is shared through the local disk or a process's
memory, so what works here works across machines. The multi-node test
(``carershub/tests/multinode/``) drives it; docs/deploy.md, "Testing several machines",
describes both.

    .venv/bin/python scripts/multinode.py --database-url postgres://postgres@127.0.0.1/wch_nodes

serves until Ctrl+C and prints where everything is. A new database of that name is made
(an existing one is refused unless ``--replace``), migrated and filled with the demo data.
Without ``--s3-endpoint``, a moto S3 server is started too; without ``--smtp-port``, a local
SMTP sink that keeps nothing. Each process's log (JSON lines) is in the work directory.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.error import URLError
from urllib.parse import urlsplit, urlunsplit
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parents[1]
PYTHON = str(ROOT / ".venv/bin/python") if (ROOT / ".venv/bin/python").exists() else sys.executable
WEB_SERVERS = ("web1", "web2")
WORKERS = ("worker1", "worker2")
REGION = "eu-west-2"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _fernet_key() -> str:
    import base64

    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


@dataclass
class Cluster:
    """The processes of one deployment, and how to reach, stop or kill each."""

    database_url: str
    redis_url: str
    workdir: Path
    s3_endpoint: str = ""
    smtp_port: int = 0
    bucket: str = field(default_factory=lambda: f"nodes-{secrets.token_hex(4)}")
    #: Variables added to every process's environment (shorter heartbeats for a test, say).
    extra_env: dict[str, str] = field(default_factory=dict)
    ports: dict[str, int] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    #: What seed_demo printed: the demo logins and their authenticator keys.
    seed_output: str = ""
    _secret: str = field(default_factory=lambda: secrets.token_urlsafe(60))
    _fernet: str = field(default_factory=_fernet_key)

    # -- set-up -------------------------------------------------------------------------
    def env(self) -> dict[str, str]:
        kept = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DJANGO_", "DATABASE_", "STORAGE_", "REDIS_", "EMAIL_"))
            and k not in {"TASKS_BACKEND", "SECRET_KEY", "PYTEST_XDIST_WORKER"}
        }
        hosts = ",".join(["127.0.0.1", "localhost"])
        return {
            **kept,
            "DJANGO_SETTINGS_MODULE": "carershub.settings",
            "DJANGO_ENV": "production",
            "SECRET_KEY": self._secret,
            "ALLOWED_HOSTS": hosts,
            "SITE_URL": f"http://127.0.0.1:{self.ports.get('web1', 8000)}",
            # Plain HTTP on loopback stands for the network behind the HTTPS load balancer.
            "SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "TASKS_BACKEND": "database",
            "STORAGE_BACKEND": "s3",
            "STORAGE_S3_BUCKET": self.bucket,
            "STORAGE_S3_ENDPOINT_URL": self.s3_endpoint,
            "STORAGE_S3_REGION": REGION,
            "STORAGE_S3_ACCESS_KEY_ID": "multinode",
            "STORAGE_S3_SECRET_ACCESS_KEY": "multinode-secret",
            "STORAGE_S3_ADDRESSING_STYLE": "path",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.smtp_port),
            "EMAIL_USE_TLS": "false",
            "CREDENTIALS_ENCRYPTION_KEYS": self._fernet,
            "VAR_DIR": str(self.workdir / "var"),
            "LOG_FORMAT": "json",
            **self.extra_env,
        }

    def _run(self, *args: str, env: dict[str, str] | None = None) -> str:
        done = subprocess.run(
            [PYTHON, *args],
            cwd=ROOT,
            env={**self.env(), **(env or {})},
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if done.returncode:
            raise RuntimeError(
                f"{' '.join(args)} failed:\n{done.stdout[-2000:]}{done.stderr[-4000:]}"
            )
        return done.stdout

    def manage(self, *args: str, env: dict[str, str] | None = None) -> str:
        return self._run("manage.py", *args, env=env)

    def python(self, code: str) -> str:
        """Run ``code`` in a fresh process set up as the site (Django ready), return its output."""
        return self._run("-c", "import django\ndjango.setup()\n" + code)

    def create_database(self, *, replace: bool = False) -> None:
        import psycopg

        parts = urlsplit(self.database_url)
        name = parts.path.lstrip("/")
        if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", name):
            raise SystemExit(f"Database name {name!r}: lower-case letters, digits and _ only")
        admin = urlunsplit(parts._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as db:
            exists = db.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if exists and not replace:
                raise SystemExit(f"Database {name} exists: choose another or pass --replace")
            if exists:
                db.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            db.execute(f'CREATE DATABASE "{name}"')

    def drop_database(self) -> None:
        import psycopg

        parts = urlsplit(self.database_url)
        admin = urlunsplit(parts._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')

    def _serve_helpers(self) -> None:
        if not self.s3_endpoint:
            port = free_port()
            self._start("s3", [PYTHON, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)])
            self.s3_endpoint = f"http://127.0.0.1:{port}"
            wait_for(lambda: _answers(self.s3_endpoint), what="the S3 server")
        if not self.smtp_port:
            self.smtp_port = free_port()
            self._start(
                "smtp",
                [PYTHON, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink", "-l",
                 f"127.0.0.1:{self.smtp_port}"],
            )  # fmt: skip
        import boto3

        s3 = boto3.client(
            "s3",
            endpoint_url=self.s3_endpoint,
            region_name=REGION,
            aws_access_key_id="multinode",
            aws_secret_access_key="multinode-secret",
        )
        s3.create_bucket(
            Bucket=self.bucket, CreateBucketConfiguration={"LocationConstraint": REGION}
        )

    def prepare(self, *, seed: bool = True, replace: bool = False) -> str:
        """Database, bucket, static files and demo data; returns seed_demo's output."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        (self.workdir / "var").mkdir(exist_ok=True)
        for name in (*WEB_SERVERS,):
            self.ports.setdefault(name, free_port())
        self._serve_helpers()
        self.create_database(replace=replace)
        self.manage("migrate", "--noinput", "-v", "0")
        self.manage("collectstatic", "--noinput", "-v", "0")
        # seed_demo refuses production settings (its passwords are published), so the demo
        # data goes in with development ones, into the same database and bucket.
        if seed:
            self.seed_output = self.manage("seed_demo", env={"DJANGO_ENV": "development"})
        return self.seed_output

    # -- processes ----------------------------------------------------------------------
    def _start(self, name: str, command: list[str]) -> subprocess.Popen[bytes]:
        log = (self.workdir / f"{name}.log").open("ab")
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: killing it kills its children
        )
        log.close()
        self.processes[name] = process
        return process

    def start_web(self, name: str) -> None:
        port = self.ports.setdefault(name, free_port())
        self._start(
            name,
            [PYTHON, "-m", "gunicorn", "carershub.wsgi", "--config",
             "python:carershub.gunicorn_hooks", "--bind", f"127.0.0.1:{port}", "--workers", "2",
             "--graceful-timeout", "30"],
        )  # fmt: skip
        wait_for(
            lambda: _answers(f"{self.url(name)}/healthz"), what=name, process=self.processes[name]
        )

    def start_worker(self, name: str) -> None:
        self._start(name, [PYTHON, "manage.py", "task_worker"])

    def start_scheduler(self) -> None:
        self._start("scheduler", [PYTHON, "manage.py", "crontask", "--no-heartbeat"])

    def start(self) -> None:
        for name in WEB_SERVERS:
            self.start_web(name)
        for name in WORKERS:
            self.start_worker(name)
        self.start_scheduler()

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        """Send ``sig`` to the whole process group, as a machine that dies takes every process
        on it; wait for the group's leader to end."""
        process = self.processes[name]
        with suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        process.wait(timeout=60)

    def stop(self) -> None:
        """Stop every process: SIGTERM (the graceful stop), then SIGKILL after 30 seconds."""
        for process in self.processes.values():
            if process.poll() is None:
                with suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 30
        for process in self.processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)

    def log(self, name: str) -> str:
        path = self.workdir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""


def _answers(url: str) -> bool:
    try:
        with urlopen(url, timeout=2) as response:  # noqa: S310 (loopback only)
            return bool(response.status)
    except URLError as error:
        return getattr(error, "code", 0) in {401, 403, 404, 503}
    except OSError:
        return False


def wait_for(
    check: object,
    *,
    what: str,
    timeout: float = 120,
    process: subprocess.Popen[bytes] | None = None,
) -> None:
    deadline = time.monotonic() + timeout
    while not check():  # type: ignore[operator]
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what} stopped (exit {process.returncode})")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not start in {timeout:.0f} seconds")
        time.sleep(0.2)


@contextmanager
def running(cluster: Cluster, *, seed: bool = True, replace: bool = False) -> Iterator[Cluster]:
    try:
        cluster.prepare(seed=seed, replace=replace)
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="postgres://…/NEW_DATABASE_NAME")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--s3-endpoint", default="", help="an S3-compatible server (default: moto)")
    parser.add_argument("--smtp-port", type=int, default=0, help="a mail server on 127.0.0.1")
    parser.add_argument("--workdir", type=Path, help="logs and static files (default: a temp dir)")
    parser.add_argument("--replace", action="store_true", help="drop the database if it exists")
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        raise SystemExit("The multi-node set-up needs PostgreSQL: --database-url postgres://…")
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="carershub-nodes-"))
    cluster = Cluster(
        database_url=args.database_url,
        redis_url=args.redis_url,
        workdir=workdir,
        s3_endpoint=args.s3_endpoint,
        smtp_port=args.smtp_port,
    )
    stop = False

    def ask_stop(*_: object) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, ask_stop)
    with running(cluster, replace=args.replace):
        print(json.dumps({
            "web": [cluster.url(name) for name in WEB_SERVERS],
            "processes": {name: p.pid for name, p in cluster.processes.items()},
            "bucket": cluster.bucket, "s3": cluster.s3_endpoint, "logs": str(workdir),
        }, indent=2), flush=True)  # fmt: skip
        print(cluster.seed_output[cluster.seed_output.find("Demo logins") :], flush=True)
        print("Ctrl+C stops everything.", flush=True)
        try:
            while not stop:
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
    if not args.workdir:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
