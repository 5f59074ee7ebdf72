"""What other feature apps may use from commitments; nothing else in the app is theirs to
import.

Benchmarks' live evidence asks whether the organisation has published a leadership
commitment, and who signed it. It gets a plain value, never the version row.

Insight's partnership page lists the commitments its members have signed and published
(``partnership_signed_commitments``), in one query however many members there are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from commitments.selectors import partnership_commitments as _partnership_versions
from commitments.selectors import published_commitment as _published_version
from organisations.models import Organisation, Partnership


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


@dataclass(frozen=True)
class SignedCommitment:
    """A member organisation's published commitment, as a partnership's page lists it."""

    organisation_name: str
    organisation_slug: str
    signed_by_name: str
    signed_by_role: str
    signed_on: date | None


def partnership_signed_commitments(*, partnership: Partnership) -> list[SignedCommitment]:
    """The published commitments of the partnership's members, by organisation name: one
    query."""
    return [
        SignedCommitment(
            organisation_name=version.commitment.organisation.name,
            organisation_slug=version.commitment.organisation.slug,
            signed_by_name=version.signed_by_name,
            signed_by_role=version.signed_by_role,
            signed_on=version.signed_on,
        )
        for version in _partnership_versions(partnership=partnership)
    ]
