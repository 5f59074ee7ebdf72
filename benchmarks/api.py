"""Benchmark frameworks and self-assessments in the API: the same services and rules as the
pages. Tokens of HR admins and organisation admins run assessments; tokens of the
executive sponsor and the carer champion read them. Everything is scoped to the token's
organisation; another organisation's assessment is a 404.

A write the rules refuse is a problem with a stable ``code``: ``assessment_signed_off``
and ``draft_exists`` (409), ``unknown_framework``, ``not_signed_off`` and
``framework_unavailable`` (422). A criterion saved on an old ``version``, or a sign-off
sent with a ``state`` that is no longer current, is 409 ``edit_conflict``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from ninja import Body, Field, Router, Schema, Status
from ninja.pagination import paginate

from api.auth import BearerToken
from api.pagination import Pages
from api.schemas import Problem, Whole
from audit.models import Channel
from benchmarks.frameworks import Framework, frameworks, get_framework
from benchmarks.gaps import gaps_for
from benchmarks.models import Assessment
from benchmarks.selectors import (
    AssessmentView,
    access_assessment,
    assessment_view,
    assessments_in,
    statuses,
)
from benchmarks.services import (
    AnswerInput,
    assessment_delete,
    assessment_sign_off,
    assessment_start,
    criterion_save,
)
from organisations.types import OrgRequest
from shared.text import MultiLine, SingleLine

router = Router(tags=["benchmarks"])
ERRORS: dict[int, type[Schema]] = {401: Problem, 403: Problem, 404: Problem, 422: Problem}
WRITE_ERRORS: dict[int, type[Schema]] = {**ERRORS, 400: Problem, 409: Problem}
READ = BearerToken("benchmarks.view_assessments")
RUN = BearerToken("benchmarks.run_assessments")


class LevelOut(Schema):
    key: str
    name: str
    summary: str


class RequirementOut(Schema):
    key: str
    level: str
    text: str
    evidence_prompts: list[str]
    measures: list[str]


class CriterionOut(Schema):
    key: str
    title: str
    summary: str
    guidance: str
    requirements: list[RequirementOut]


class FrameworkSummaryOut(Schema):
    slug: str
    name: str
    owner: str
    reference_url: str
    wording_note: str
    kind: Literal["levelled", "checklist"]
    levels: list[LevelOut]


class FrameworkOut(FrameworkSummaryOut):
    description: str
    content_hash: str
    criteria: list[CriterionOut]


def _framework_out(framework: Framework, *, detail: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "slug": framework.slug,
        "name": framework.name,
        "owner": framework.owner,
        "reference_url": framework.reference_url,
        "wording_note": framework.wording_note,
        "kind": framework.kind,
        "levels": [level.__dict__ for level in framework.levels],
    }
    if detail:
        data |= {
            "description": framework.description,
            "content_hash": framework.content_hash,
            "criteria": [
                {
                    "key": c.key,
                    "title": c.title,
                    "summary": c.summary,
                    "guidance": c.guidance,
                    "requirements": [
                        {
                            "key": r.key,
                            "level": r.level,
                            "text": r.text,
                            "evidence_prompts": list(r.evidence_prompts),
                            "measures": list(r.measures),
                        }
                        for r in c.requirements
                    ],
                }
                for c in framework.criteria
            ],
        }
    return data


@router.get("/frameworks", auth=READ, response={200: list[FrameworkSummaryOut], **ERRORS})
def list_frameworks(request: OrgRequest) -> list[dict[str, Any]]:
    """Every framework this service offers, by name."""
    found = sorted(frameworks().values(), key=lambda f: f.name)
    return [_framework_out(f, detail=False) for f in found]


@router.get("/frameworks/{slug}", auth=READ, response={200: FrameworkOut, **ERRORS})
def get_framework_detail(request: OrgRequest, slug: str) -> dict[str, Any]:
    framework = get_framework(slug)
    if framework is None:
        raise Http404
    return _framework_out(framework, detail=True)


# --- Assessments ---------------------------------------------------------------------------


class AssessmentSummaryOut(Schema):
    id: int
    framework: str = Field(description="The framework's slug.")
    number: int
    status: Literal["draft", "signed_off"]
    based_on_id: int | None
    started_by: str
    started_at: datetime
    signed_off_by: str
    signed_off_role: str
    signed_off_at: datetime | None
    overall_level: str = Field(
        description="The level key recorded at sign-off; empty for drafts and for no level."
    )


def _summary(assessment: Any) -> dict[str, Any]:
    return {
        "id": assessment.pk,
        "framework": assessment.framework_slug,
        "number": assessment.number,
        "status": assessment.status,
        "based_on_id": assessment.based_on_id,
        "started_by": assessment.started_by_name,
        "started_at": assessment.started_at,
        "signed_off_by": assessment.signed_off_by_name,
        "signed_off_role": assessment.signed_off_role,
        "signed_off_at": assessment.signed_off_at,
        "overall_level": assessment.overall_level,
    }


class RequirementCountsOut(Schema):
    """Named apart from the plans' ``ProgressOut``: the OpenAPI document keys schemas by name."""

    met: int
    partly: int
    total: int


class AnswerOut(Schema):
    requirement: str
    status: Literal["met", "partly", "not_met"]
    notes: str


class LinkOut(Schema):
    url: str
    title: str


class FileOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    is_carers_policy: bool
    uploaded_at: datetime


class CriterionResultOut(Schema):
    key: str
    title: str
    level: str | None
    next_level: str | None
    progress: RequirementCountsOut | None = Field(description="Towards next_level.")
    missing: list[str] = Field(description="Requirement keys not met at next_level.")
    version: int = Field(description="Send it back when you change this criterion.")
    narrative: str
    links: list[LinkOut]
    answers: list[AnswerOut]
    files: list[FileOut]


class MeasurementOut(Schema):
    name: str
    title: str
    value: int | float | bool | str | None = Field(
        description="Null when the number is too small to show (fewer than 5)."
    )
    display: str
    measured_on: date
    detail: str


class GapOut(Schema):
    criterion_ref: str
    criterion_title: str
    requirement_ref: str
    requirement_text: str
    level_name: str


class AssessmentOut(AssessmentSummaryOut):
    framework_hash: str
    state: str = Field(
        description="A fingerprint of the answers, evidence, documents and framework as you "
        "read them: send it back when you sign off."
    )
    level: str | None = Field(
        description="The overall level now (a checklist: its one level when all done)."
    )
    next_level: str | None
    checklist: RequirementCountsOut | None
    criteria: list[CriterionResultOut]
    measurements: list[MeasurementOut]
    gaps: list[GapOut] = Field(description="Unmet requirements up to next_level.")


def _assessment_out(view: AssessmentView) -> dict[str, Any]:
    framework, result = view.framework, view.result
    criteria = []
    for item in result.criteria:
        key = item.criterion.key
        evidence = view.evidence.get(key)
        progress = item.result.progress
        criteria.append(
            {
                "key": key,
                "title": item.criterion.title,
                "level": item.result.level,
                "next_level": item.result.next_level,
                "progress": {
                    "met": progress.met,
                    "partly": progress.partly,
                    "total": progress.total,
                }
                if progress
                else None,
                "missing": list(item.result.missing),
                "version": evidence.version if evidence else 0,
                "narrative": evidence.narrative if evidence else "",
                "links": evidence.links if evidence else [],
                "answers": [
                    {
                        "requirement": r.key,
                        "status": view.status_of(r.key),
                        "notes": view.answers[r.key].notes if r.key in view.answers else "",
                    }
                    for r in item.criterion.requirements
                ],
                "files": [
                    {
                        "id": f.pk,
                        "name": f.download_name,
                        "content_type": f.content_type,
                        "size": f.size,
                        "is_carers_policy": f.is_carers_policy,
                        "uploaded_at": f.uploaded_at,
                    }
                    for f in view.files.get(key, [])
                ],
            }
        )
    checklist = result.checklist
    gaps = (
        gaps_for(
            framework=framework,
            answers=statuses(view.answers),
            target=result.next_level,
            assessment_id=view.assessment.pk,
        )
        if result.next_level
        else []
    )
    return {
        **_summary(view.assessment),
        "framework_hash": framework.content_hash,
        "state": view.state,
        "level": result.overall,
        "next_level": result.next_level,
        "checklist": {"met": checklist.done, "partly": checklist.partly, "total": checklist.total}
        if checklist
        else None,
        "criteria": criteria,
        "measurements": [
            {
                "name": live.name,
                "title": live.title,
                "value": live.measurement.value,
                "display": live.measurement.display,
                "measured_on": live.measurement.measured_on,
                "detail": live.measurement.detail,
            }
            for live in view.measurements.values()
        ],
        "gaps": [gap.__dict__ for gap in gaps],
    }


def _read(request: OrgRequest, assessment_id: int) -> dict[str, Any]:
    assessment = access_assessment(organisation=request.organisation, pk=assessment_id)
    return _assessment_out(assessment_view(assessment, today=timezone.localdate()))


class _Summaries(Sequence[dict[str, Any]]):
    """Assessments as summaries, counted and sliced in the database, for ``paginate``."""

    def __init__(self, queryset: QuerySet[Assessment]) -> None:
        self.queryset = queryset

    def __len__(self) -> int:
        return self.queryset.count()

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [_summary(a) for a in self.queryset[index]]
        return _summary(self.queryset[index])


@router.get("/assessments", auth=READ, response={200: list[AssessmentSummaryOut], **ERRORS})
@paginate(Pages, page_size=100)
def list_assessments(request: OrgRequest) -> Any:
    """The organisation's assessments, each framework's newest version first."""
    return _Summaries(assessments_in(organisation=request.organisation))


class AssessmentIn(Schema):
    framework: SingleLine = Field(
        description="A framework's slug, from GET /benchmarks/frameworks."
    )
    based_on_id: Whole | None = Field(
        None, description="A signed-off assessment to copy answers, text, links and files from."
    )


@router.post("/assessments", auth=RUN, response={201: AssessmentOut, **WRITE_ERRORS})
def create_assessment(request: OrgRequest, payload: AssessmentIn) -> Status[dict[str, Any]]:
    based_on = (
        access_assessment(organisation=request.organisation, pk=payload.based_on_id)
        if payload.based_on_id is not None
        else None
    )
    assessment = assessment_start(
        organisation=request.organisation,
        framework_slug=payload.framework,
        based_on=based_on,
        by=request.user,
        channel=Channel.API,
    )
    return Status(201, _read(request, assessment.pk))


@router.get("/assessments/{assessment_id}", auth=READ, response={200: AssessmentOut, **ERRORS})
def get_assessment(request: OrgRequest, assessment_id: int) -> dict[str, Any]:
    """The assessment with its levels, what is missing, its evidence and live evidence."""
    return _read(request, assessment_id)


class AnswerIn(Schema):
    status: Literal["met", "partly", "not_met"]
    notes: MultiLine = Field("", max_length=2000)


class LinkIn(Schema):
    url: SingleLine = Field(max_length=2000)
    title: SingleLine = Field("", max_length=200)


class CriterionPatch(Schema):
    version: Whole | None = Field(
        None,
        description="The criterion's version you read (0 before its first save). Leave it out "
        "only if overwriting someone else's change is what you want.",
    )
    answers: dict[SingleLine, AnswerIn] | None = Field(
        None, description="By requirement key; requirements not named are left as they are."
    )
    narrative: MultiLine | None = Field(None, max_length=10000)
    links: list[LinkIn] | None = Field(None, description="Replaces the criterion's links.")


@router.patch(
    "/assessments/{assessment_id}/criteria/{criterion_key}",
    auth=RUN,
    response={200: AssessmentOut, **WRITE_ERRORS},
)
def update_assessment_criterion(
    request: OrgRequest, assessment_id: int, criterion_key: str, payload: CriterionPatch
) -> dict[str, Any]:
    assessment = access_assessment(organisation=request.organisation, pk=assessment_id)
    criterion_save(
        assessment=assessment,
        criterion_key=criterion_key,
        answers={k: AnswerInput(v.status, v.notes) for k, v in payload.answers.items()}
        if payload.answers is not None
        else None,
        narrative=payload.narrative,
        links=[link.dict() for link in payload.links] if payload.links is not None else None,
        expected_version=payload.version,
        by=request.user,
        channel=Channel.API,
    )
    return _read(request, assessment_id)


class SignOffIn(Schema):
    role: SingleLine = Field(
        "", max_length=200, description="The signer's job title, for the record."
    )
    state: SingleLine | None = Field(
        None,
        max_length=64,
        description="The assessment's state you read. If anything was saved since, nothing "
        "is signed off (409). Leave it out only to sign whatever is there now.",
    )


@router.post(
    "/assessments/{assessment_id}/sign-off",
    auth=RUN,
    response={200: AssessmentOut, **WRITE_ERRORS},
)
def sign_off_assessment(
    request: OrgRequest, assessment_id: int, payload: Body[SignOffIn | None] = None
) -> dict[str, Any]:
    assessment = access_assessment(organisation=request.organisation, pk=assessment_id)
    assessment_sign_off(
        assessment=assessment,
        by=request.user,
        today=timezone.localdate(),
        role=payload.role if payload else "",
        expected_state=payload.state if payload else None,
        channel=Channel.API,
    )
    return _read(request, assessment_id)


@router.delete("/assessments/{assessment_id}", auth=RUN, response={204: None, **WRITE_ERRORS})
def delete_assessment(request: OrgRequest, assessment_id: int) -> Status[None]:
    """Only a draft; a signed-off version is the record (409 ``assessment_signed_off``)."""
    assessment = access_assessment(organisation=request.organisation, pk=assessment_id)
    assessment_delete(assessment=assessment, by=request.user, channel=Channel.API)
    return Status(204, None)
