"""Reads of learning, always the viewer's own: nobody else's progress, attempts or reflections
are ever fetched for a page, so another person's attempt cannot be shown, only not found.

Every learner's page costs the same few queries however many people learn here: each read is
filtered to the viewer, on indexed columns.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from accounts.models import User
from learning.content import Module, Option, Question, module, modules
from learning.models import ModuleProgress, QuizAttempt, ReflectionEntry
from learning.principles import PRINCIPLES, Principle, principle
from organisations.models import Organisation
from organisations.selectors import direct_reports, staff_record_for_user
from plans.public import PlanStep, personal_plan_with_step


def access_module(*, slug: str) -> Module:
    """A shipped module by slug; an unknown one is a 404. Every module in this version is for
    everyone, so any member in post may open any of them."""
    found = module(slug)
    if found is None:
        raise Http404
    return found


@dataclass(frozen=True)
class ModuleStatus:
    """A module as one learner sees it in the list."""

    module: Module
    lessons_done: int
    passed: bool

    @property
    def started(self) -> bool:
        return self.lessons_done > 0 or self.passed


def modules_for(*, viewer: User, organisation: Organisation) -> list[ModuleStatus]:
    """Every module with the viewer's own progress, in one query."""
    progress = {
        row.module: row
        for row in ModuleProgress.objects.filter(organisation=organisation, user=viewer)
    }
    out = []
    for item in modules().values():
        row = progress.get(item.slug)
        done = {s for s in (row.lessons_done if row else []) if item.lesson(s) is not None}
        out.append(
            ModuleStatus(
                module=item,
                lessons_done=len(done),
                passed=row is not None and row.completed_at is not None,
            )
        )
    return out


def progress_for(
    *, viewer: User, organisation: Organisation, module: Module
) -> ModuleProgress | None:
    return ModuleProgress.objects.filter(
        organisation=organisation, user=viewer, module=module.slug
    ).first()


def open_attempt(*, viewer: User, organisation: Organisation, module: Module) -> QuizAttempt | None:
    """The viewer's unfinished attempt at the current version of the module's quiz."""
    return QuizAttempt.objects.filter(
        organisation=organisation,
        user=viewer,
        module=module.slug,
        module_version=module.version,
        submitted_at__isnull=True,
    ).first()


def latest_result(
    *, viewer: User, organisation: Organisation, module: Module
) -> QuizAttempt | None:
    """The viewer's most recently submitted attempt."""
    return (
        QuizAttempt.objects.filter(
            organisation=organisation, user=viewer, module=module.slug, submitted_at__isnull=False
        )
        .order_by("-submitted_at", "-pk")
        .first()
    )


def access_attempt(
    *, viewer: User, organisation: Organisation, module: Module, pk: int
) -> QuizAttempt:
    """One of the viewer's own attempts; anyone else's, or another organisation's, is a 404."""
    found = QuizAttempt.objects.filter(
        pk=pk, organisation=organisation, user=viewer, module=module.slug
    ).first()
    if found is None:
        raise Http404
    return found


def questions_of(attempt: QuizAttempt, module: Module) -> list[Question]:
    """The questions the attempt asked, in the order it asked them."""
    return [q for q in (module.question(i) for i in attempt.questions) if q is not None]


@dataclass(frozen=True)
class OptionReview:
    option: Option
    chosen: bool


@dataclass(frozen=True)
class QuestionReview:
    question: Question
    options: list[OptionReview]
    correct: bool


def attempt_review(attempt: QuizAttempt, module: Module) -> list[QuestionReview]:
    """A submitted attempt, question by question: what was chosen, what was right, and the
    feedback on every option."""
    review = []
    for question in questions_of(attempt, module):
        chosen = set(attempt.answers.get(question.id, []))
        review.append(
            QuestionReview(
                question=question,
                options=[OptionReview(option=o, chosen=o.id in chosen) for o in question.options],
                correct=question.answered_by(frozenset(chosen)),
            )
        )
    return review


# --- The reflection log ----------------------------------------------------------------------


def access_principle(*, slug: str) -> Principle:
    """A Core Principle by slug; an unknown one is a 404."""
    found = principle(slug)
    if found is None:
        raise Http404
    return found


def is_line_manager(*, viewer: User, organisation: Organisation) -> bool:
    """Whether the viewer line manages anyone in post here, as the staff records say (the
    home page and leave decide it the same way): two queries whatever the team's size."""
    record = staff_record_for_user(user=viewer, organisation=organisation)
    return record is not None and direct_reports(manager=record).exists()


@dataclass(frozen=True)
class ReflectionStatus:
    """One principle in the viewer's log."""

    principle: Principle
    entry: ReflectionEntry | None

    @property
    def started(self) -> bool:
        return self.entry is not None and bool(self.entry.notes or self.entry.first_step)

    @property
    def has_step(self) -> bool:
        return self.entry is not None and bool(self.entry.first_step)


def reflection_log(*, viewer: User, organisation: Organisation) -> list[ReflectionStatus]:
    """Every principle with the viewer's own entry, in one query. Nobody else's entries are
    ever read: there is no way to ask for them."""
    entries = {
        row.principle: row
        for row in ReflectionEntry.objects.filter(organisation=organisation, user=viewer)
    }
    return [ReflectionStatus(principle=p, entry=entries.get(p.slug)) for p in PRINCIPLES]


def reflection_of(
    *, viewer: User, organisation: Organisation, principle: Principle
) -> ReflectionEntry | None:
    """The viewer's own entry on one principle."""
    return ReflectionEntry.objects.filter(
        organisation=organisation, user=viewer, principle=principle.slug
    ).first()


def step_in_plan(
    *, viewer: User, organisation: Organisation, principle: Principle, entry: ReflectionEntry | None
) -> PlanStep | None:
    """The viewer's personal plan that already holds the saved first step, if one does."""
    if entry is None or not entry.first_step:
        return None
    return personal_plan_with_step(
        organisation=organisation,
        owner=viewer,
        criterion_ref=principle.criterion_ref,
        action=entry.first_step,
    )
