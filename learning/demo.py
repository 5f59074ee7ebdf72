"""Learning's part of the demo: the carer half way through Carer Aware, the manager passed."""

from __future__ import annotations

import random

from accounts.models import User
from audit.models import Channel
from learning.content import modules
from learning.services import attempt_start, attempt_submit, lesson_mark_done
from organisations.models import Organisation


def seed(*, organisation: Organisation, carer: User, manager: User) -> None:
    """The carer has read two lessons; the manager has read them all and passed the quiz."""
    module = modules()["carer-aware"]
    for lesson in module.lessons[:2]:
        lesson_mark_done(
            organisation=organisation, user=carer, module=module, lesson_slug=lesson.slug
        )
    for lesson in module.lessons:
        lesson_mark_done(
            organisation=organisation, user=manager, module=module, lesson_slug=lesson.slug
        )
    # A fixed seed, not a secret: the same questions on every machine.
    attempt = attempt_start(
        organisation=organisation,
        user=manager,
        module=module,
        rng=random.Random(2026),  # noqa: S311
    )
    right = {}
    for question_id in attempt.questions:
        question = module.question(question_id)
        assert question is not None
        right[question_id] = sorted(question.correct_ids)
    attempt_submit(
        attempt=attempt, module=module, answers=right, by=manager, channel=Channel.COMMAND
    )
