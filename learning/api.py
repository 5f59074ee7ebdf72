"""Learning for the token owner, with a personal token: the modules and their own progress,
quiz attempts scored on the server, and their badges.

Like the pages, the API never tells anyone but the learner how they did, and never sends which
options are right before the answers are in. The same services do the writes, so a resubmitted
attempt, an answer to a question not asked or a module that changed mid-way get the same
refusals (409 problems with a stable ``code``).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from ninja import Field, Router, Schema, Status

from api.auth import BearerToken
from api.schemas import Problem
from audit.models import Channel
from learning.badges import badge_check, badge_url
from learning.catalogue import modules_named
from learning.content import Module
from learning.figures import completion_figures
from learning.selectors import (
    access_attempt,
    access_module,
    attempt_review,
    badge_of_attempt,
    badges_of,
    has_passed,
    modules_for,
    progress_for,
    questions_of,
)
from learning.services import attempt_start, attempt_submit
from organisations.types import OrgRequest
from shared.suppression import Share
from shared.text import SingleLine

router = Router(tags=["learning"])
ERRORS: dict[int, type[Schema]] = {401: Problem, 403: Problem, 404: Problem, 422: Problem}
WRITE_ERRORS: dict[int, type[Schema]] = {**ERRORS, 400: Problem, 409: Problem}
#: Learning is for members in post, like the pages.
LEARNER = BearerToken("organisations.use_organisation", personal=True)
#: A badge is the holder's to keep after leaving, like their passport.
HOLDER = BearerToken("organisations.use_own_records", personal=True)
#: Completion figures are HR's, through an organisation token, exactly as the page shows them.
FIGURES = BearerToken("learning.view_figures")


class LessonOut(Schema):
    slug: str
    title: str
    minutes: int
    done: bool


class ModuleOut(Schema):
    slug: str
    title: str
    summary: str
    audience: str = Field(description="everyone, managers or leaders")
    version: int
    pass_mark: int = Field(description="Per cent of an attempt's questions to answer correctly.")
    questions_per_attempt: int
    lessons_done: int
    passed: bool


class ModuleDetailOut(ModuleOut):
    lessons: list[LessonOut]


class OptionOut(Schema):
    id: str
    text: str


class QuestionOut(Schema):
    id: str
    kind: str = Field(description="single: one answer; multiple: select all that apply.")
    scenario: str
    prompt: str
    options: list[OptionOut]


class AttemptOut(Schema):
    id: int
    module: str
    module_version: int
    questions: list[QuestionOut] = Field(description="Never says which options are right.")


class AnswersIn(Schema):
    answers: dict[SingleLine, list[SingleLine]] = Field(
        description="Question id to the option ids chosen; every question asked, no other.",
        max_length=30,
    )


class ReviewedOptionOut(OptionOut):
    correct: bool
    chosen: bool
    feedback: str


class ReviewedQuestionOut(Schema):
    id: str
    prompt: str
    correct: bool
    options: list[ReviewedOptionOut]


class ResultOut(Schema):
    id: int
    module: str
    score: int
    asked: int
    passed: bool
    badge: uuid.UUID | None = Field(description="The badge this pass earned, if it earned one.")
    review: list[ReviewedQuestionOut]


class BadgeOut(Schema):
    id: uuid.UUID
    module: str
    module_version: int
    issued_at: datetime
    valid_until: datetime
    valid: bool = Field(description="Signature, key, dates and module version checked now.")
    status: str = Field(description="Why it is or is not valid, for a person.")
    shared: bool
    public_url: str | None = Field(description="The public page, when the holder shares it.")
    credential: str = Field(description="The Open Badges 3.0 credential as a compact JWS.")


class FigureOut(Schema):
    passed: int | None = Field(
        description="Null when hidden: fewer than 5, or it would give one away."
    )
    not_passed: int | None
    total: int | None
    percent: int | None


class GroupFigureOut(FigureOut):
    group: str = Field(description="everyone, managers or champions")


class UnitFigureOut(FigureOut):
    unit: str = Field(description="The unit's name; empty for people with no unit.")


class ModuleFiguresOut(Schema):
    module: str
    title: str
    groups: list[GroupFigureOut]
    units_among: str = Field(description="The group the by-unit figures count.")
    units: list[UnitFigureOut]


def _figure(share: Share) -> dict[str, int | None]:
    return {
        "passed": share.part.value,
        "not_passed": share.rest.value,
        "total": share.whole.value,
        "percent": share.percent,
    }


def _module_out(module: Module, *, lessons_done: int, passed: bool) -> dict[str, Any]:
    return {
        "slug": module.slug,
        "title": module.title,
        "summary": module.summary,
        "audience": module.audience,
        "version": module.version,
        "pass_mark": module.pass_mark,
        "questions_per_attempt": module.questions_per_attempt,
        "lessons_done": lessons_done,
        "passed": passed,
    }


@router.get("/modules", auth=LEARNER, response={200: list[ModuleOut], **ERRORS})
def list_modules(request: OrgRequest) -> list[dict[str, Any]]:
    """Every module with the token owner's own progress."""
    return [
        _module_out(s.module, lessons_done=s.lessons_done, passed=s.passed)
        for s in modules_for(viewer=request.user, organisation=request.organisation)
    ]


@router.get("/modules/{slug}", auth=LEARNER, response={200: ModuleDetailOut, **ERRORS})
def get_module(request: OrgRequest, slug: str) -> dict[str, Any]:
    module = access_module(organisation=request.organisation, slug=slug)
    progress = progress_for(viewer=request.user, organisation=request.organisation, module=module)
    done = set(progress.lessons_done) if progress is not None else set()
    lessons = [
        {"slug": ls.slug, "title": ls.title, "minutes": ls.minutes, "done": ls.slug in done}
        for ls in module.lessons
    ]
    return {
        **_module_out(
            module,
            lessons_done=sum(ls.slug in done for ls in module.lessons),
            passed=has_passed(progress, module),
        ),
        "lessons": lessons,
    }


@router.post("/modules/{slug}/attempts", auth=LEARNER, response={201: AttemptOut, **WRITE_ERRORS})
def start_attempt(request: OrgRequest, slug: str) -> Status[dict[str, Any]]:
    """The open attempt at the module's quiz, or a new one with questions drawn afresh."""
    module = access_module(organisation=request.organisation, slug=slug)
    started = attempt_start(organisation=request.organisation, user=request.user, module=module)
    questions = [
        {
            "id": q.id,
            "kind": q.kind,
            "scenario": q.scenario,
            "prompt": q.prompt,
            "options": [{"id": o.id, "text": o.text} for o in q.options],
        }
        for q in questions_of(started, module)
    ]
    body = {
        "id": started.pk,
        "module": module.slug,
        "module_version": started.module_version,
        "questions": questions,
    }
    return Status(201, body)


@router.post(
    "/modules/{slug}/attempts/{attempt_id}/answers",
    auth=LEARNER,
    response={200: ResultOut, **WRITE_ERRORS},
)
def submit_answers(
    request: OrgRequest, slug: str, attempt_id: int, payload: AnswersIn
) -> dict[str, Any]:
    """Score the answers on the server; the result carries feedback on every option."""
    module = access_module(organisation=request.organisation, slug=slug)
    mine = access_attempt(
        viewer=request.user, organisation=request.organisation, module=module, pk=attempt_id
    )
    scored = attempt_submit(
        attempt=mine, module=module, answers=payload.answers, by=request.user, channel=Channel.API
    )
    earned = badge_of_attempt(scored) if scored.passed else None
    return {
        "id": scored.pk,
        "module": module.slug,
        "score": scored.score,
        "asked": len(scored.questions),
        "passed": scored.passed,
        "badge": earned.public_id if earned is not None else None,
        "review": [
            {
                "id": item.question.id,
                "prompt": item.question.prompt,
                "correct": item.correct,
                "options": [
                    {
                        "id": row.option.id,
                        "text": row.option.text,
                        "correct": row.option.correct,
                        "chosen": row.chosen,
                        "feedback": row.option.feedback,
                    }
                    for row in item.options
                ],
            }
            for item in attempt_review(scored, module)
        ],
    }


@router.get("/badges", auth=HOLDER, response={200: list[BadgeOut], **ERRORS})
def list_badges(request: OrgRequest) -> list[dict[str, Any]]:
    """The token owner's badges from this organisation, each checked as a verifier would."""
    out = []
    held = badges_of(viewer=request.user, organisation=request.organisation, token=True)
    named = modules_named((badge.organisation_id, badge.module) for badge in held)
    for badge in held:
        module = named[badge.organisation_id, badge.module]
        check = badge_check(badge.token, badge=badge, module=module)
        out.append(
            {
                "id": badge.public_id,
                "module": badge.module,
                "module_version": badge.module_version,
                "issued_at": badge.issued_at,
                "valid_until": badge.valid_until,
                "valid": check.valid,
                "status": check.message,
                "shared": badge.shared,
                "public_url": badge_url(badge) if badge.shared else None,
                "credential": badge.token,
            }
        )
    return out


@router.get("/figures", auth=FIGURES, response={200: list[ModuleFiguresOut], **ERRORS})
def completion_figures_list(request: OrgRequest) -> list[dict[str, Any]]:
    """How many passed each module, by group and by unit, suppressed as on HR's page: never a
    name, never a number from 1 to 4, nothing that gives one away by subtraction."""
    return [
        {
            "module": item.module.slug,
            "title": item.module.title,
            "groups": [{"group": g.group.value, **_figure(g.share)} for g in item.groups],
            "units_among": item.unit_group.value,
            "units": [{"unit": u.name, **_figure(u.share)} for u in item.units],
        }
        for item in completion_figures(organisation=request.organisation)
    ]
