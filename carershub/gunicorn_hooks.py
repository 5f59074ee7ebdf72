"""gunicorn's hooks for ``/metrics``: ``gunicorn carershub.wsgi -c python:carershub.gunicorn_hooks``.

With ``PROMETHEUS_MULTIPROC_DIR`` set, each gunicorn worker writes its request counts to a file
in that directory and a scrape adds them all up (``shared/metrics.py``). Counts from an earlier
run of gunicorn must not be added to this one's, so the master empties the directory before it
starts any worker. Only these hooks are set here: every other option stays on the command line.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from prometheus_client import multiprocess


def on_starting(server: Any) -> None:
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not directory:
        return
    path = Path(directory)
    path.mkdir(parents=True, exist_ok=True)
    for stale in path.glob("*.db"):
        stale.unlink()


def child_exit(server: Any, worker: Any) -> None:
    """A worker that exits (restarted after ``--max-requests``, or killed) keeps its counts,
    which stay part of the totals; its live figures, if any, are dropped."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]
