"""`manage.py task_worker`: run the background worker that matches TASKS_BACKEND.

Operators start one command whichever queue they chose: the database worker by
default, or an RQ worker when TASKS_BACKEND=redis. ``--queue`` picks which of the three
queues (``settings.TASK_QUEUES``: email, default, heavy) it takes work from, so that a
worker kept for email is never busy with a staff import; with no ``--queue`` it takes all.
Before it starts, it queues again the emails a stopped worker left half-sent
(``shared.outbox.outbox_recover``), so starting a worker after a crash is enough to send
them. While it runs, a thread writes the worker's heartbeat (``shared.heartbeat``), which
``/healthz`` and ``/metrics`` read.

When the database goes away (restarted, failed over, the network cut), django-tasks-db's
worker raises, and a worker that exited would stay down until its supervisor restarted it, if
one does: systemd gives up on a unit that fails five times in ten seconds, as one does that
starts while the database is still down. So the worker waits for the database and starts
again by itself, in the same process, under a new heartbeat name: the old name's row goes
stale as a killed worker's would, and ``recover_lost_work`` takes over whatever task it was
in the middle of, whose end could not be written.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, InterfaceError, OperationalError, connections

from shared.heartbeat import Heartbeat
from shared.outbox import outbox_recover

logger = logging.getLogger(__name__)

RQ_JOB_CLASS = "django_tasks_rq.backend.Job"
#: How often a worker whose database went away asks whether it is back.
DATABASE_RETRY_SECONDS = 1.0


def queues_asked(given: list[str] | None) -> list[str]:
    """The queues named (``--queue email --queue default`` or ``--queue email,default``), in
    the settings' order, which is the order an RQ worker empties them; all when none."""
    known = list(settings.TASK_QUEUES)
    if not given:
        return known
    asked = {name.strip() for value in given for name in value.split(",") if name.strip()}
    unknown = sorted(asked - set(known))
    if unknown or not asked:
        raise CommandError(
            f"Unknown queue {', '.join(unknown) or '(none)'}: choose from {', '.join(known)}"
        )
    return [name for name in known if name in asked]


class Command(BaseCommand):
    help = "Run the background task worker for the configured TASKS_BACKEND."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--burst", action="store_true", help="Run the tasks waiting now, then exit"
        )
        parser.add_argument(
            "--queue",
            action="append",
            metavar="NAME",
            help="Take work from this queue only (email, default or heavy); repeat it, or "
            "separate names with commas, for several. Without it: every queue.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        queues = queues_asked(options["queue"])
        backend = str(settings.TASKS["default"]["BACKEND"])
        if backend.startswith("django.tasks."):
            self.stdout.write(f"{backend} runs tasks as they are enqueued; no worker is needed.")
            return
        while True:
            heartbeat = Heartbeat()
            heartbeat.start()
            try:
                if "email" in queues:
                    outbox_recover()
                self._run(backend, queues=queues, burst=options["burst"], name=heartbeat.worker)
            except (OperationalError, InterfaceError) as exc:
                # The connection failed or was cut. Any other database error (a missing
                # table before migrate, a refused permission) would come back the same
                # way: it stops the worker for its supervisor to report.
                heartbeat.abandon()
                if options["burst"]:
                    raise
                logger.warning(
                    "The database is unavailable (%s): the worker starts again when it answers",
                    type(exc).__name__,
                )
                wait_for_database()
                continue
            except BaseException:
                heartbeat.stop()
                raise
            heartbeat.stop()
            return

    def _run(self, backend: str, *, queues: list[str], burst: bool, name: str) -> None:
        # The queue records the heartbeat's name as the worker of each task it takes, so that
        # the tasks of a worker that stopped beating can be found (``shared.queue``).
        if backend.startswith("django_tasks_rq."):
            extra = ["--burst"] if burst else []
            # RQ must build jobs with the Django Tasks job class to run Task objects, and
            # run its scheduler for tasks queued to run later (emails tried again).
            call_command(
                "rqworker",
                *queues,
                *("--job-class", RQ_JOB_CLASS, "--name", name, "--with-scheduler"),
                *extra,
            )
        elif backend.startswith("django_tasks_db."):
            extra = ["--batch"] if burst else []
            call_command("db_worker", "--queue-name", ",".join(queues), "--worker-id", name, *extra)


def wait_for_database() -> None:
    """Return once the database accepts a connection again (however long that takes)."""
    while True:
        connections.close_all()
        try:
            connections["default"].ensure_connection()
        except DatabaseError:
            time.sleep(DATABASE_RETRY_SECONDS)
        else:
            return
