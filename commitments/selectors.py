"""Reads of leadership commitments. Visibility is decided here and in ``rules``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from commitments.models import (
    OPEN_STATUSES,
    CommitmentVersion,
    LeadershipCommitment,
    PartnershipPage,
    VersionStatus,
)
from organisations.models import Organisation, Partnership


def published_commitment(*, organisation: Organisation) -> CommitmentVersion | None:
    """The organisation's currently published, signed version, or None. Other apps read
    it through ``commitments.public``."""
    return (
        CommitmentVersion.objects.filter(
            commitment__organisation=organisation, status=VersionStatus.PUBLISHED
        )
        .select_related("commitment")
        .first()
    )


def version_to_sign(*, organisation: Organisation) -> CommitmentVersion | None:
    """The version HR marked ready for the executive sponsor's signature, if one waits."""
    return CommitmentVersion.objects.filter(
        commitment__organisation=organisation, status=VersionStatus.READY
    ).first()


def commitment_of(*, organisation: Organisation) -> LeadershipCommitment | None:
    return LeadershipCommitment.objects.filter(organisation=organisation).first()


def versions_of(*, commitment: LeadershipCommitment) -> QuerySet[CommitmentVersion]:
    """Every version, newest first, for the history (HR and the sponsor)."""
    return CommitmentVersion.objects.filter(commitment=commitment).select_related(
        "drafted_by", "published_by", "withdrawn_by"
    )


def organisation_versions(*, organisation: Organisation) -> QuerySet[CommitmentVersion]:
    """``versions_of`` the organisation's commitment, or none if it has not started one."""
    commitment = commitment_of(organisation=organisation)
    if commitment is None:
        return CommitmentVersion.objects.none()
    return versions_of(commitment=commitment)


def partnership_commitments(*, partnership: Partnership) -> QuerySet[CommitmentVersion]:
    """Published commitments of the partnership's member organisations, by organisation name."""
    return (
        CommitmentVersion.objects.filter(
            commitment__organisation__partnership=partnership, status=VersionStatus.PUBLISHED
        )
        .select_related("commitment__organisation")
        .order_by("commitment__organisation__name")
    )


def access_commitment_version(
    *, viewer: Any, organisation: Organisation, number: int
) -> CommitmentVersion:
    """One version of the organisation's commitment, as ``viewer`` may see it.

    Missing (or another organisation's) is a 404. Every member may read the published
    version; other versions are for those who shape and sign it (403 for the rest).
    """
    version = get_object_or_404(
        CommitmentVersion.objects.select_related(
            "commitment__organisation", "drafted_by", "updated_by", "published_by", "withdrawn_by"
        ),
        commitment__organisation=organisation,
        number=number,
    )
    if version.status != VersionStatus.PUBLISHED and not viewer.has_perm(
        "commitments.view_drafts", organisation
    ):
        raise PermissionDenied
    return version


def open_draft(*, commitment: LeadershipCommitment) -> CommitmentVersion | None:
    """The draft being written or waiting for signature, if any (there is at most one)."""
    return (
        CommitmentVersion.objects.filter(commitment=commitment, status__in=OPEN_STATUSES)
        .select_related("updated_by")
        .first()
    )


def published_text_in_partnership(
    *, partnership: Partnership, organisation_slug: str
) -> CommitmentVersion:
    """A member organisation's published commitment, for the partnership page (else 404)."""
    return get_object_or_404(
        CommitmentVersion.objects.select_related("commitment__organisation"),
        commitment__organisation__partnership=partnership,
        commitment__organisation__slug=organisation_slug,
        status=VersionStatus.PUBLISHED,
    )


def partnership_page(*, partnership: Partnership) -> PartnershipPage | None:
    return PartnershipPage.objects.filter(partnership=partnership).first()


def access_public_partnership(*, slug: str) -> Partnership:
    """The partnership whose leads made its signed commitments public; otherwise a 404, so a
    signed-out visitor is not told whether the partnership exists."""
    found = PartnershipPage.objects.filter(partnership__slug=slug, public=True).select_related(
        "partnership"
    )
    page = found.first()
    if page is None:
        raise Http404
    return page.partnership
