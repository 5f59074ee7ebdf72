"""What other feature apps may use from policies; nothing else in the app is theirs to import.

Benchmarks' live evidence asks whether the organisation has published a carers' policy here,
and when. The carer pages show links to the published policies through the ``policies``
template tags (``{% load policies %}{% policy_links organisation %}``), which read from here,
so no page's code depends on this app.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from organisations.models import Organisation
from policies.models import PolicyKind, PolicyVersion
from policies.selectors import policies_of


@dataclass(frozen=True)
class PublishedPolicy:
    kind: PolicyKind
    #: "Carers' policy", in the reader's language.
    title: str
    number: int
    published_at: datetime
    summary: str


def _published(version: PolicyVersion, kind: PolicyKind) -> PublishedPolicy:
    return PublishedPolicy(
        kind=kind,
        title=str(kind.label),
        number=version.number,
        published_at=version.published_at,
        summary=version.summary,
    )


def published_policies(*, organisation: Organisation) -> list[PublishedPolicy]:
    """The version of each kind that applies now, for kinds with one published: two queries."""
    return [
        _published(state.current, state.kind)
        for state in policies_of(organisation=organisation)
        if state.current is not None
    ]


def published_policy(
    *, organisation: Organisation, kind: PolicyKind = PolicyKind.CARERS
) -> PublishedPolicy | None:
    """The published version of one kind that applies now, or None: one query."""
    found = (
        PolicyVersion.objects.filter(policy__organisation=organisation, policy__kind=kind)
        .order_by("-number")
        .first()
    )
    return _published(found, kind) if found is not None else None
