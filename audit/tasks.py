"""The audit log's nightly job, scheduled by ``manage.py crontask`` and run by the task worker."""

from __future__ import annotations

from crontask import cron

from audit.partitions import audit_partitions_ensure
from shared.queue import task


@cron("30 1 * * *")
@task(queue_name="default")
def audit_partitions_ahead() -> dict[str, int]:
    """Every night: this month's audit partition and the next three exist before any entry
    needs them, so none lands in the default partition (and any that did is moved into its
    month). Nothing on SQLite."""
    return {"partitions_made": len(audit_partitions_ensure())}
