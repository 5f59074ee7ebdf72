"""Every write of learning: lessons marked as done, quiz attempts started and submitted.

Scoring happens here, on the server, against the questions stored when the attempt started;
the quiz page never carries which options are right.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import ClassVar

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from audit.models import Action, Channel
from audit.services import audit_record
from learning.badges import badge_issue
from learning.content import Module
from learning.models import ModuleProgress, QuizAttempt
from organisations.models import Organisation
from shared.writes import RuleError, lock


class QuizRuleError(RuleError):
    status: ClassVar[int] = 409
    title: ClassVar[str] = "The quiz cannot take these answers"


def check_learner(user: User, organisation: Organisation) -> None:
    """Any member in post may learn; someone who has left holds no power (trust rule 10)."""
    if not user.has_perm("organisations.use_organisation", organisation):
        raise PermissionDenied("Only members of the organisation in post can learn here")


def _progress(*, organisation: Organisation, user: User, module: Module) -> ModuleProgress:
    progress, _created = ModuleProgress.objects.select_for_update().get_or_create(
        organisation=organisation,
        user=user,
        module=module.slug,
        defaults={"module_version": module.version},
    )
    if progress.completed_at is not None and module.withdrawn_reason(progress.module_version):
        # Passed on a version since withdrawn as wrong: the learner takes the module again.
        progress.completed_at = None
        progress.passed_attempt = None
        progress.save(update_fields=["completed_at", "passed_attempt"])
    if progress.completed_at is None and progress.module_version != module.version:
        # Not passed yet: carry on in the current version, keeping lessons that still exist.
        progress.module_version = module.version
        progress.lessons_done = [s for s in progress.lessons_done if module.lesson(s) is not None]
        progress.save(update_fields=["module_version", "lessons_done"])
    return progress


@transaction.atomic
def lesson_mark_done(
    *, organisation: Organisation, user: User, module: Module, lesson_slug: str
) -> ModuleProgress:
    """Record that the learner has read a lesson. Marking it again changes nothing."""
    check_learner(user, organisation)
    if module.lesson(lesson_slug) is None:
        raise RuleError("unknown_lesson", "That lesson is not part of this module.")
    progress = _progress(organisation=organisation, user=user, module=module)
    if lesson_slug not in progress.lessons_done:
        progress.lessons_done = [*progress.lessons_done, lesson_slug]
        progress.save(update_fields=["lessons_done"])
    return progress


def draw_questions(module: Module, *, previous: Sequence[str], rng: random.Random) -> list[str]:
    """``questions_per_attempt`` question ids from the pool, questions the last attempt did not
    ask first, so a retry is a different quiz as far as the pool allows."""
    fresh = [q.id for q in module.questions if q.id not in previous]
    asked = [q.id for q in module.questions if q.id in previous]
    rng.shuffle(fresh)
    rng.shuffle(asked)
    drawn = (fresh + asked)[: module.questions_per_attempt]
    rng.shuffle(drawn)
    return drawn


@transaction.atomic
def attempt_start(
    *,
    organisation: Organisation,
    user: User,
    module: Module,
    rng: random.Random | None = None,
) -> QuizAttempt:
    """The learner's open attempt at the quiz, or a new one with freshly drawn questions.

    Starting twice (a double click, the back button) returns the same open attempt. An open
    attempt from an older module version is dropped: its questions may no longer exist."""
    check_learner(user, organisation)
    _progress(organisation=organisation, user=user, module=module)  # locks the learner's row
    mine = QuizAttempt.objects.filter(organisation=organisation, user=user, module=module.slug)
    open_attempt = mine.filter(submitted_at__isnull=True).first()
    if open_attempt is not None:
        if open_attempt.module_version == module.version:
            return open_attempt
        open_attempt.delete()
    last = mine.filter(submitted_at__isnull=False).order_by("-submitted_at").first()
    questions = draw_questions(
        module,
        previous=last.questions if last is not None else [],
        rng=rng or random.SystemRandom(),
    )
    try:
        with transaction.atomic():
            return QuizAttempt.objects.create(
                organisation=organisation,
                user=user,
                module=module.slug,
                module_version=module.version,
                questions=questions,
            )
    except IntegrityError:  # started at the same moment in another tab
        return mine.get(submitted_at__isnull=True)


def passes(module: Module, *, score: int, asked: int) -> bool:
    """At least ``pass_mark`` per cent of the questions asked answered correctly."""
    return score * 100 >= module.pass_mark * asked


@transaction.atomic
def attempt_submit(
    *,
    attempt: QuizAttempt,
    module: Module,
    answers: Mapping[str, Sequence[str]],
    by: User,
    channel: Channel = Channel.WEB,
) -> QuizAttempt:
    """Score the answers to an open attempt and, on a pass, complete the module.

    A pass also issues the learner's badge (``learning.badges``), in the same transaction.
    Refused, with nothing saved: an attempt already submitted (a second submission changes
    nothing), a module that changed version since the attempt began, an answer to a question
    the attempt did not ask, an unanswered question, or an option the question does not have.
    """
    attempt = lock(QuizAttempt, attempt.pk)
    if attempt.user_id != by.pk or attempt.module != module.slug:
        raise QuizRuleError("not_your_attempt", "This quiz attempt is not yours.")
    check_learner(by, attempt.organisation)
    if attempt.submitted:
        raise QuizRuleError(
            "already_submitted",
            "You have already submitted these answers. Your result has not changed.",
        )
    if attempt.module_version != module.version:
        raise QuizRuleError(
            "module_changed",
            "This module has been updated since you started the quiz. Start the quiz again.",
        )
    not_asked = set(answers) - set(attempt.questions)
    if not_asked:
        raise QuizRuleError(
            "not_asked", "Some answers are for questions this quiz did not ask you."
        )
    chosen: dict[str, list[str]] = {}
    score = 0
    for question_id in attempt.questions:
        question = module.question(question_id)
        if question is None:  # the pool lost it without a version change: a content mistake
            raise QuizRuleError("module_changed", "This quiz has changed. Start the quiz again.")
        picked = frozenset(answers.get(question_id, ()))
        if not picked:
            raise QuizRuleError("unanswered", "Answer every question.", field=f"q_{question_id}")
        if not picked <= question.option_ids or (question.kind == "single" and len(picked) > 1):
            raise QuizRuleError(
                "unknown_option", "Choose from the answers shown.", field=f"q_{question_id}"
            )
        chosen[question_id] = sorted(picked)
        score += question.answered_by(picked)
    now = timezone.now()
    attempt.answers = chosen
    attempt.score = score
    attempt.passed = passes(module, score=score, asked=len(attempt.questions))
    attempt.submitted_at = now
    attempt.save(update_fields=["answers", "score", "passed", "submitted_at"])
    if attempt.passed:
        progress = _progress(organisation=attempt.organisation, user=by, module=module)
        if progress.completed_at is None:
            progress.completed_at = now
            progress.passed_attempt = attempt
            progress.module_version = attempt.module_version
            progress.save(update_fields=["completed_at", "passed_attempt", "module_version"])
        badge_issue(attempt=attempt, module=module, learner=by)
    audit_record(
        actor=by,
        action=Action.UPDATE,
        channel=channel,
        target=attempt,
        organisation_id=attempt.organisation_id,
        summary=f"Submitted a {module.title} quiz attempt",
    )
    return attempt
