"""The leadership commitment in the API: read it, and write drafts from an HR system.

Signing is not here on purpose: a named executive must read the words and confirm their
authority in person, on the signing page. Publishing and withdrawing stay on the pages
too, next to what is being made public.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import Http404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from api.auth import BearerToken
from api.pagination import Pages
from api.problems import ApiProblem
from api.schemas import Problem, Whole
from audit.models import Channel
from commitments.models import CommitmentVersion, VersionStatus
from commitments.selectors import (
    commitment_of,
    organisation_versions,
    published_commitment,
    versions_of,
)
from commitments.services import commitment_adopt_template, commitment_start_draft, draft_update
from organisations.types import OrgRequest
from shared.text import MultiLine

router = Router(tags=["commitments"])
ERRORS: dict[int, type[Schema]] = {401: Problem, 403: Problem, 404: Problem, 422: Problem}
WRITE_ERRORS: dict[int, type[Schema]] = {**ERRORS, 400: Problem, 409: Problem}
MEMBER = BearerToken("commitments.view_commitment")
DRAFTS = BearerToken("commitments.view_drafts")
MANAGE = BearerToken("commitments.manage_commitment")


class PublishedOut(Schema):
    number: int
    text: str
    signed_by_name: str
    signed_by_role: str
    signed_on: date
    published_at: datetime


class VersionOut(Schema):
    number: int
    status: VersionStatus
    text: str
    revision: int = Field(
        description="Goes up with every change to a draft; send it back with a PATCH."
    )
    created_at: datetime
    updated_at: datetime
    ready_at: datetime | None
    signed_by_name: str
    signed_by_role: str
    signed_on: date | None
    published_at: datetime | None
    superseded_at: datetime | None
    withdrawn_at: datetime | None
    withdrawn_reason: str


class DraftIn(Schema):
    text: MultiLine | None = Field(
        None,
        max_length=20000,
        description=(
            "The draft's text. Left out: the first draft is our template with the "
            "organisation's name, and later drafts copy the latest version."
        ),
    )


class DraftPatch(Schema):
    text: MultiLine = Field(max_length=20000)
    revision: Whole | None = Field(
        None,
        ge=1,
        description="The revision you last read. If the draft has moved on, nothing is saved (409).",
    )


def _version(request: OrgRequest, number: int) -> CommitmentVersion:
    commitment = commitment_of(organisation=request.organisation)
    if commitment is None:
        raise Http404
    version = versions_of(commitment=commitment).filter(number=number).first()
    if version is None:
        raise Http404
    return version


@router.get("/published", auth=MEMBER, response={200: PublishedOut, **ERRORS})
def get_published_commitment(request: OrgRequest) -> CommitmentVersion:
    version = published_commitment(organisation=request.organisation)
    if version is None:
        raise ApiProblem(
            404,
            "no_published_commitment",
            "No published commitment",
            "The organisation has not published a signed leadership commitment.",
        )
    return version


@router.get("/versions", auth=DRAFTS, response={200: list[VersionOut], **ERRORS})
@paginate(Pages, page_size=50)
def list_commitment_versions(request: OrgRequest) -> Any:
    return organisation_versions(organisation=request.organisation)


@router.get("/versions/{number}", auth=DRAFTS, response={200: VersionOut, **ERRORS})
def get_commitment_version(request: OrgRequest, number: int) -> CommitmentVersion:
    return _version(request, number)


@router.post("/drafts", auth=MANAGE, response={201: VersionOut, **WRITE_ERRORS})
def create_commitment_draft(request: OrgRequest, payload: DraftIn) -> Status[CommitmentVersion]:
    """Start the commitment (first time) or a new draft of it; only one draft at a time."""
    commitment = commitment_of(organisation=request.organisation)
    if commitment is None or not commitment.versions.exists():
        version = commitment_adopt_template(
            organisation=request.organisation,
            by=request.user,
            text=payload.text,
            channel=Channel.API,
        )
    else:
        version = commitment_start_draft(
            commitment=commitment, by=request.user, text=payload.text, channel=Channel.API
        )
    return Status(201, version)


@router.patch("/versions/{number}", auth=MANAGE, response={200: VersionOut, **WRITE_ERRORS})
def update_commitment_draft(
    request: OrgRequest, number: int, payload: DraftPatch
) -> CommitmentVersion:
    """Change a draft's text. A signed version is refused (422); a stale revision is 409."""
    return draft_update(
        version=_version(request, number),
        expected_revision=payload.revision,
        text=payload.text,
        by=request.user,
        channel=Channel.API,
    )
