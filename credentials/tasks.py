"""Credentials' periodic job, scheduled by ``manage.py crontask`` and run by the task worker."""

from __future__ import annotations

from crontask import cron
from django.tasks import task

from credentials.services import trusted_issuers_refresh_all


@cron("20 6 * * *")
@task
def refresh_trusted_issuers() -> dict[str, int]:
    """Fetch every trusted key set again: new keys and remote revocations arrive within a day."""
    return trusted_issuers_refresh_all()
