"""Drawing questions, scoring on the server, and every answer the quiz refuses."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditEvent
from audit.selectors import events_for_organisation
from learning.content import modules
from learning.models import ModuleProgress, QuizAttempt
from learning.services import (
    QuizRuleError,
    attempt_start,
    attempt_submit,
    draw_questions,
    lesson_mark_done,
)
from organisations.models import StaffRecord, StaffStatus

pytestmark = pytest.mark.django_db

MODULE = modules()["carer-aware"]


def right_answers(attempt: QuizAttempt) -> dict[str, list[str]]:
    return {q: sorted(MODULE.question(q).correct_ids) for q in attempt.questions}  # type: ignore[union-attr]


def wrong_answers(attempt: QuizAttempt) -> dict[str, list[str]]:
    out = {}
    for q in attempt.questions:
        question = MODULE.question(q)
        assert question is not None
        out[q] = [next(o.id for o in question.options if not o.correct)]
    return out


def start(world, **kw):
    return attempt_start(organisation=world.org, user=world.carer, module=MODULE, **kw)


def submit(world, attempt, answers, module=MODULE):
    return attempt_submit(attempt=attempt, module=module, answers=answers, by=world.carer)


def test_an_attempt_draws_its_questions_from_the_pool_and_stores_them(world):
    attempt = start(world, rng=random.Random(1))
    assert len(attempt.questions) == MODULE.questions_per_attempt
    assert len(set(attempt.questions)) == len(attempt.questions)
    assert set(attempt.questions) <= {q.id for q in MODULE.questions}
    assert attempt.module_version == MODULE.version


def test_starting_twice_carries_on_with_the_same_attempt(world):
    assert start(world).pk == start(world).pk
    assert QuizAttempt.objects.count() == 1


def test_a_retry_asks_different_questions_where_the_pool_allows(world):
    first = start(world, rng=random.Random(2))
    submit(world, first, wrong_answers(first))
    retry = start(world, rng=random.Random(2))
    # The pool holds more than twice an attempt's questions: none is asked again.
    assert not set(first.questions) & set(retry.questions)


def test_a_small_pool_repeats_only_what_it_must():
    small = replace(MODULE, questions_per_attempt=8)
    previous = [q.id for q in MODULE.questions[:8]]
    drawn = draw_questions(small, previous=previous, rng=random.Random(3))
    fresh = [q.id for q in MODULE.questions[8:]]
    assert set(fresh) <= set(drawn)
    assert len(set(drawn) & set(previous)) == 8 - len(fresh)


def test_right_answers_pass_and_complete_the_module(world):
    attempt = submit(world, start(world), right_answers(start(world)))
    assert attempt.passed
    assert attempt.score == MODULE.questions_per_attempt
    progress = ModuleProgress.objects.get(user=world.carer, module=MODULE.slug)
    assert progress.completed_at is not None
    assert progress.passed_attempt == attempt
    assert AuditEvent.objects.filter(object_type="learning.quizattempt").count() == 1
    # A result is the learner's own: HR's audit page never lists it.
    listed = events_for_organisation(organisation_id=world.org.pk)
    assert not listed.filter(object_type="learning.quizattempt").exists()


def test_wrong_answers_fail_and_leave_the_module_incomplete(world):
    attempt = start(world)
    attempt = submit(world, attempt, wrong_answers(attempt))
    assert attempt.passed is False
    assert attempt.score == 0
    assert ModuleProgress.objects.get(user=world.carer).completed_at is None


def test_the_pass_mark_is_a_share_of_the_questions_asked(world):
    attempt = start(world)
    answers = right_answers(attempt)
    first = attempt.questions[0]
    answers[first] = wrong_answers(attempt)[first]
    # 4 of 5 right is 80%: exactly the pass mark.
    assert submit(world, attempt, answers).passed


def test_a_multiple_choice_question_needs_every_right_option_and_no_other(world):
    question = next(q for q in MODULE.questions if q.kind == "multiple")
    attempt = start(world)
    QuizAttempt.objects.filter(pk=attempt.pk).update(questions=[question.id])
    attempt.refresh_from_db()
    some = sorted(question.correct_ids)[:1]
    assert not submit(world, attempt, {question.id: some}).passed


def test_a_resubmitted_attempt_changes_nothing(world):
    attempt = start(world)
    submit(world, attempt, wrong_answers(attempt))
    before = QuizAttempt.objects.get(pk=attempt.pk)
    with pytest.raises(QuizRuleError) as refused:
        submit(world, attempt, right_answers(attempt))
    assert refused.value.code == "already_submitted"
    after = QuizAttempt.objects.get(pk=attempt.pk)
    assert (after.score, after.passed, after.answers) == (
        before.score,
        before.passed,
        before.answers,
    )
    assert ModuleProgress.objects.get(user=world.carer).completed_at is None


def test_answers_to_questions_not_asked_are_refused(world):
    attempt = start(world)
    unasked = next(q.id for q in MODULE.questions if q.id not in attempt.questions)
    answers = {**right_answers(attempt), unasked: ["a"]}
    with pytest.raises(QuizRuleError) as refused:
        submit(world, attempt, answers)
    assert refused.value.code == "not_asked"
    assert not QuizAttempt.objects.get(pk=attempt.pk).submitted


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (lambda answers, q: answers.pop(q), "unanswered"),
        (lambda answers, q: answers.__setitem__(q, ["zz"]), "unknown_option"),
    ],
)
def test_an_unanswered_question_or_unknown_option_is_refused(world, change, code):
    attempt = start(world)
    answers = right_answers(attempt)
    change(answers, attempt.questions[0])
    with pytest.raises(QuizRuleError) as refused:
        submit(world, attempt, answers)
    assert refused.value.code == code
    assert not QuizAttempt.objects.get(pk=attempt.pk).submitted


def test_a_module_changed_mid_attempt_is_refused_and_a_new_start_uses_the_new_version(world):
    attempt = start(world)
    newer = replace(MODULE, version=MODULE.version + 1)
    with pytest.raises(QuizRuleError) as refused:
        submit(world, attempt, right_answers(attempt), module=newer)
    assert refused.value.code == "module_changed"
    assert not QuizAttempt.objects.get(pk=attempt.pk).submitted
    fresh = attempt_start(organisation=world.org, user=world.carer, module=newer)
    assert fresh.pk != attempt.pk
    assert fresh.module_version == newer.version
    assert not QuizAttempt.objects.filter(pk=attempt.pk).exists()


def test_someone_elses_attempt_is_refused(world):
    attempt = start(world)
    with pytest.raises(QuizRuleError) as refused:
        attempt_submit(
            attempt=attempt, module=MODULE, answers=right_answers(attempt), by=world.manager
        )
    assert refused.value.code == "not_your_attempt"


def test_marking_a_lesson_done_twice_records_it_once(world):
    for _ in range(2):
        lesson_mark_done(
            organisation=world.org, user=world.carer, module=MODULE, lesson_slug="who-carers-are"
        )
    assert ModuleProgress.objects.get(user=world.carer).lessons_done == ["who-carers-are"]


def test_a_passed_attempt_keeps_its_version_when_the_module_changes(world):
    attempt = start(world)
    submit(world, attempt, right_answers(attempt))
    newer = replace(MODULE, version=MODULE.version + 1)
    lesson_mark_done(
        organisation=world.org, user=world.carer, module=newer, lesson_slug="who-carers-are"
    )
    progress = ModuleProgress.objects.get(user=world.carer)
    assert progress.module_version == MODULE.version
    assert progress.passed_attempt is not None
    assert progress.passed_attempt.module_version == MODULE.version


def _fresh(user):
    """The account as the next request reads it: roles are cached on the user object."""
    return type(user).objects.get(pk=user.pk)


def test_someone_who_has_left_cannot_learn(world):
    leaver = _fresh(world.leaver)
    with pytest.raises(PermissionDenied):
        attempt_start(organisation=world.org, user=leaver, module=MODULE)
    with pytest.raises(PermissionDenied):
        lesson_mark_done(
            organisation=world.org, user=leaver, module=MODULE, lesson_slug="who-carers-are"
        )
    assert not ModuleProgress.objects.filter(user=world.leaver).exists()


def test_an_attempt_cannot_be_submitted_after_leaving(world):
    attempt = start(world)
    StaffRecord.objects.filter(pk=world.carer_record.pk).update(
        status=StaffStatus.LEFT, left_on=date(2026, 1, 31)
    )
    with pytest.raises(PermissionDenied):
        attempt_submit(
            attempt=attempt, module=MODULE, answers=right_answers(attempt), by=_fresh(world.carer)
        )
    assert not QuizAttempt.objects.get(pk=attempt.pk).submitted
