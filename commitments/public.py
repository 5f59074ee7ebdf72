"""What other feature apps may use from commitments; nothing else in the app is theirs to
import.

Benchmarks' live evidence asks whether the organisation has published a leadership
commitment, and who signed it. It gets a plain value, never the version row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from commitments.selectors import published_commitment as _published_version
from organisations.models import Organisation


@dataclass(frozen=True)
class PublishedCommitment:
    """The signature on the organisation's published commitment."""

    signed_by_name: str
    signed_by_role: str
    signed_on: date | None
    published_at: datetime | None


def published_commitment(*, organisation: Organisation) -> PublishedCommitment | None:
    """The organisation's published commitment, or ``None`` if it has none published now."""
    version = _published_version(organisation=organisation)
    if version is None:
        return None
    return PublishedCommitment(
        signed_by_name=version.signed_by_name,
        signed_by_role=version.signed_by_role,
        signed_on=version.signed_on,
        published_at=version.published_at,
    )
