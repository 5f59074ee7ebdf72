"""Insight's job, scheduled by ``manage.py crontask`` and run by the task worker."""

from __future__ import annotations

from crontask import cron

from insights.services import take_all_snapshots
from shared.queue import task


@cron("5 1 * * *")
@task(queue_name="heavy")
def take_monthly_figures() -> dict[str, int]:
    """Take this month's figures for every organisation that has none yet. It runs daily, so
    the first night of a month takes them all and a failed night is made good the next; on
    other nights it finds nothing to do. Pages take a missing month themselves too."""
    return {"taken": take_all_snapshots()}
