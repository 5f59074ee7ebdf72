"""Reads of the organisation's policies. Staff read published versions only; the draft is for
the people who write it (``policies.manage_policies``). Each read is a fixed number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from organisations.models import Organisation
from policies.models import Policy, PolicyKind, PolicyVersion


def kind_of(slug: str) -> PolicyKind:
    """The kind a URL names; anything else is a 404."""
    if slug not in PolicyKind.values:
        raise Http404
    return PolicyKind(slug)


def policy_of(*, organisation: Organisation, kind: PolicyKind) -> Policy | None:
    return Policy.objects.filter(organisation=organisation, kind=kind).first()


def versions_of(*, policy: Policy) -> list[PolicyVersion]:
    """Every published version, newest first: one query."""
    return list(PolicyVersion.objects.filter(policy=policy).order_by("-number"))


def current_version(*, policy: Policy) -> PolicyVersion | None:
    return PolicyVersion.objects.filter(policy=policy).order_by("-number").first()


@dataclass(frozen=True)
class PolicyState:
    """One kind of policy as a page or the API shows it."""

    kind: PolicyKind
    policy: Policy | None
    #: Published versions, newest first; the first is the one that applies now.
    versions: list[PolicyVersion]

    @property
    def current(self) -> PolicyVersion | None:
        return self.versions[0] if self.versions else None

    @property
    def draft_differs(self) -> bool:
        """The draft holds words not yet published."""
        if self.policy is None:
            return False
        current = self.current
        if current is None:
            return bool(self.policy.summary or self.policy.body or self.policy.link)
        return (self.policy.summary, self.policy.body, self.policy.link) != (
            current.summary,
            current.body,
            current.link,
        )


def policies_of(*, organisation: Organisation) -> list[PolicyState]:
    """Both kinds, in their fixed order, with their published versions: two queries."""
    policies = {p.kind: p for p in Policy.objects.filter(organisation=organisation)}
    versions: dict[int, list[PolicyVersion]] = {}
    for version in PolicyVersion.objects.filter(policy__organisation=organisation).order_by(
        "policy_id", "-number"
    ):
        versions.setdefault(version.policy_id, []).append(version)
    return [
        PolicyState(
            kind=kind,
            policy=policies.get(kind.value),
            versions=versions.get(policies[kind.value].pk, []) if kind.value in policies else [],
        )
        for kind in PolicyKind
    ]


def policy_state(*, organisation: Organisation, kind: PolicyKind) -> PolicyState:
    policy = policy_of(organisation=organisation, kind=kind)
    return PolicyState(
        kind=kind, policy=policy, versions=versions_of(policy=policy) if policy else []
    )


def access_policy(*, organisation: Organisation, kind: str, manages: bool) -> PolicyState:
    """One kind of policy of the viewer's organisation. Staff get a 404 until a version is
    published (there is nothing to read); the people who write it open it before that."""
    state = policy_state(organisation=organisation, kind=kind_of(kind))
    if state.current is None and not manages:
        raise Http404
    return state


def access_version(*, organisation: Organisation, kind: str, number: int) -> PolicyVersion:
    """One published version of the organisation's policy; another organisation's, or one
    that was never published, is a 404."""
    found = (
        PolicyVersion.objects.filter(
            policy__organisation=organisation, policy__kind=kind_of(kind), number=number
        )
        .select_related("policy")
        .first()
    )
    if found is None:
        raise Http404
    return found
