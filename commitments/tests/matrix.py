"""The leadership commitment in the permission matrix (carershub/tests/test_permission_matrix.py):
pages, the partnership's copies and API operations."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from django.utils import timezone

from carershub.tests.matrix_kit import (
    ANON,
    EVERYONE,
    HR,
    MEMBERS,
    Spec,
    Targets,
    action,
    api,
    org,
    page,
)
from commitments.models import (
    CommitmentVersion,
    LeadershipCommitment,
    PartnershipPage,
    VersionStatus,
)


def _commitment_version(t: Targets, status: VersionStatus) -> dict[str, Any]:
    """Version 1 of the leadership commitment of the organisation that owns ``t.staff`` (the
    other organisation's in the cross-tenant sweep), made directly in ``status``: signing
    needs a sponsor, and the other organisation has none."""
    commitment, _ = LeadershipCommitment.objects.get_or_create(organisation=t.staff.organisation)
    now = timezone.now()
    signature: dict[str, Any] = (
        {}
        if status in (VersionStatus.DRAFT, VersionStatus.READY)
        else {
            "signed_by_name": "Matrix Sponsor",
            "signed_by_role": "Chief Executive",
            "signed_on": timezone.localdate(),
            "signed_at": now,
        }
    )
    if status == VersionStatus.PUBLISHED:
        signature["published_at"] = now
    CommitmentVersion.objects.get_or_create(
        commitment=commitment,
        number=1,
        defaults={"text": "We support carers.", "status": status, **signature},
    )
    return {"org_slug": t.org.slug, "number": 1}


def commitment_draft(t: Targets) -> dict[str, Any]:
    return _commitment_version(t, VersionStatus.DRAFT)


def commitment_ready(t: Targets) -> dict[str, Any]:
    return _commitment_version(t, VersionStatus.READY)


def commitment_signed(t: Targets) -> dict[str, Any]:
    return _commitment_version(t, VersionStatus.SIGNED)


def commitment_published(t: Targets) -> dict[str, Any]:
    return _commitment_version(t, VersionStatus.PUBLISHED)


def partnership_commitment(t: Targets) -> dict[str, Any]:
    """The partnership page's copy of the published commitment of ``t.org``."""
    commitment_published(t)
    return {"slug": t.partnership.slug, "org_slug": t.org.slug}


def public_partnership(t: Targets) -> dict[str, Any]:
    """The partnership's signed commitments, made public by a lead, with one published."""
    commitment_published(t)
    PartnershipPage.objects.get_or_create(partnership=t.partnership, defaults={"public": True})
    return {"slug": t.partnership.slug}


def published_commitment_api(t: Targets) -> dict[str, Any]:
    commitment_published(t)
    return {}


def commitment_api(
    make: Callable[[Targets], dict[str, Any]],
) -> Callable[[Targets], dict[str, Any]]:
    """The same version for an API route, whose path has no organisation."""
    return lambda t: {"number": make(t)["number"]}


MATRIX: dict[str, Spec] = {
    # Leadership commitment: every member reads the published one; HR writes and publishes;
    # only the executive sponsor signs, and the sponsor also sees drafts and history.
    "commitments:home": page(MEMBERS),
    "commitments:adopt": page(HR),
    # No commitment yet: HR is sent on to adopt the template.
    "commitments:new_draft": replace(action(HR, org), cross=False),
    "commitments:history": page((*HR, "sponsor")),
    "commitments:version": page(MEMBERS, kwargs=commitment_published, cross=True),
    "commitments:print": page(MEMBERS, kwargs=commitment_published, cross=True),
    "commitments:pdf": page(MEMBERS, kwargs=commitment_published, cross=True),
    "commitments:edit": page(HR, kwargs=commitment_draft, cross=True),
    # In the other organisation nobody holds the sponsor role: told so, and sent back (302).
    "commitments:ready": action(HR, commitment_draft, {"revision": "1"}),
    "commitments:sign": page(
        ("sponsor",), kwargs=commitment_ready, cross=True, foreign_outsider=403
    ),
    "commitments:publish": action(HR, commitment_signed),
    "commitments:withdraw": page(HR, kwargs=commitment_signed, cross=True),
    # The partnership's signed commitments: its leads and members of any member organisation
    # (the outsider's organisation is in the same partnership; strangers: commitments/tests).
    # Someone who has left belongs to no member organisation any more: 404.
    "commitments:partnership_list": Spec(
        "GET",
        {**dict.fromkeys(EVERYONE, 200), ANON: 302, "leaver": 404},
        lambda t: {"slug": t.partnership.slug},
    ),
    "commitments:partnership_member": Spec(
        "GET",
        {**dict.fromkeys(EVERYONE, 200), ANON: 302, "leaver": 404},
        partnership_commitment,
    ),
    # Only the partnership's leads choose whether the page is public; anyone else is told
    # nothing (404). Sent unchanged ("no" while private), nothing changes: back to the page.
    "commitments:partnership_public_set": Spec(
        "POST",
        {**dict.fromkeys(EVERYONE, 404), ANON: 302, "lead": 302},
        lambda t: {"slug": t.partnership.slug},
        data={"public": "no", "version": "0"},
    ),
    # Made public: anyone at all, signed in or out, a leaver too (commitments/tests say 404
    # while it is not).
    "commitments:partnership_public": Spec(
        "GET", {**dict.fromkeys(EVERYONE, 200), ANON: 200}, public_partnership
    ),
    # The outsider's token is for their own organisation, which has published nothing.
    "api-v1:get_published_commitment": api("GET", MEMBERS, 200, kwargs=published_commitment_api)
    | {"outsider": 404},
    "api-v1:list_commitment_versions": api("GET", (*HR, "sponsor"), 200),
    "api-v1:get_commitment_version": api(
        "GET", (*HR, "sponsor"), 200, kwargs=commitment_api(commitment_draft), cross=True
    ),
    "api-v1:create_commitment_draft": api("POST", HR, 201, data={}),
    "api-v1:update_commitment_draft": api(
        "PATCH",
        HR,
        200,
        kwargs=commitment_api(commitment_draft),
        data={"text": "Changed"},
        cross=True,
    ),
}
