"""The organisation's policies for integrations (an intranet, an HR portal): read-only.

Any member in post reads, with an organisation token or a personal one, what staff read on the
pages: the published versions, never the draft. Writing and publishing stay on the pages, where
the preview is.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import Http404
from ninja import Field, Router, Schema

from api.auth import BearerToken
from api.schemas import Problem
from organisations.types import OrgRequest
from policies.models import PolicyKind
from policies.rules import VIEW
from policies.selectors import PolicyState, kind_of, policies_of, policy_state

router = Router(tags=["policies"])
ERRORS: dict[int, type[Schema]] = {401: Problem, 403: Problem, 404: Problem, 422: Problem}
MEMBER = BearerToken(VIEW, personal=None)


class PolicyVersionOut(Schema):
    number: int
    summary: str
    body: str = Field(description="Markdown, as HR wrote it.")
    link: str = Field(description="Always an http or https address, or empty.")
    changes: str = Field(description="What changed since the version before; empty for the first.")
    published_at: datetime


class PolicyVersionItem(Schema):
    number: int
    changes: str
    published_at: datetime


class OrganisationPolicyOut(Schema):
    kind: str = Field(description=", ".join(PolicyKind.values))
    title: str
    current: PolicyVersionOut | None = Field(description="The version that applies now.")
    versions: list[PolicyVersionItem] = Field(description="Every published version, newest first.")


def _out(state: PolicyState) -> dict[str, Any]:
    return {
        "kind": state.kind.value,
        "title": str(state.kind.label),
        "current": state.current,
        "versions": state.versions,
    }


@router.get("", auth=MEMBER, response={200: list[OrganisationPolicyOut], **ERRORS})
def list_policies(request: OrgRequest) -> Any:
    """Each kind of policy with a published version."""
    return [_out(s) for s in policies_of(organisation=request.organisation) if s.current]


@router.get("/{kind}", auth=MEMBER, response={200: OrganisationPolicyOut, **ERRORS})
def get_policy(request: OrgRequest, kind: str) -> Any:
    """One kind of policy; not published yet is a 404."""
    state = policy_state(organisation=request.organisation, kind=kind_of(kind))
    if state.current is None:
        raise Http404
    return _out(state)
