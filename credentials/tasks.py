"""Credentials' periodic jobs, scheduled by ``manage.py crontask`` and run by the task worker."""

from __future__ import annotations

from crontask import cron

from credentials.services import keys_ensure, trusted_issuers_refresh_all
from shared.queue import task


@cron("20 6 * * *")
@task
def refresh_trusted_issuers() -> dict[str, int]:
    """Fetch every trusted key set again: new keys and remote revocations arrive within a day."""
    return trusted_issuers_refresh_all()


@cron("10 6 * * *")
@task
def ensure_signing_keys() -> int:
    """Every organisation has a signing key before it signs anything (``keys_ensure``)."""
    return keys_ensure()
