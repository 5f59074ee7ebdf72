"""The organisation's policies in the permission matrix (carershub/tests/test_permission_matrix.py).

Everyone in post reads the published policies and their earlier versions; HR admins and
organisation admins write and publish them. Someone who has left reads none of it (the
policies are the organisation's, not their own record). The addresses take the kind of policy
and a version number, not an id, so there is no other organisation's id to try; the other
organisation's copy is tried through its own address.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.utils import timezone

from carershub.tests.matrix_kit import HR, MEMBERS, Spec, Targets, api, page
from policies.models import Policy, PolicyKind, PolicyVersion


def _published(t: Targets) -> None:
    """Version 1 of the carers' policy of the organisation that owns ``t.staff`` (the other
    organisation's in the cross-tenant sweep)."""
    policy, created = Policy.objects.get_or_create(
        organisation=t.staff.organisation,
        kind=PolicyKind.CARERS,
        defaults={"summary": "We support carers.", "body": "## Who it is for\n\nEveryone."},
    )
    if created:
        PolicyVersion.objects.create(
            policy=policy,
            number=1,
            summary=policy.summary,
            body=policy.body,
            published_at=timezone.now(),
        )


def policy(t: Targets) -> dict[str, Any]:
    _published(t)
    return {"org_slug": t.org.slug, "kind": PolicyKind.CARERS.value}


def version(t: Targets) -> dict[str, Any]:
    return {**policy(t), "number": 1}


def policy_api(t: Targets) -> dict[str, Any]:
    _published(t)
    return {"kind": PolicyKind.CARERS.value}


def _own(spec: Spec) -> Spec:
    return replace(spec, cross=False)


MATRIX: dict[str, Spec] = {
    "policies:home": page(MEMBERS),
    "policies:policy": _own(page(MEMBERS, kwargs=policy)),
    "policies:version": _own(page(MEMBERS, kwargs=version)),
    "policies:edit": _own(page(HR, kwargs=policy)),
    # Any member's token reads; the outsider's organisation has published nothing.
    "api-v1:list_policies": api("GET", MEMBERS, 200),
    "api-v1:get_policy": api("GET", MEMBERS, 200, kwargs=policy_api) | {"outsider": 404},
}
