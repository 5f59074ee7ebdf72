"""Reads of learning, always the viewer's own: nobody else's progress, attempts or reflections
are ever fetched for a page, so another person's attempt cannot be shown, only not found.

Every learner's page costs the same few queries however many people learn here: each read is
filtered to the viewer, on indexed columns.

A module's audience only decides what the list recommends first. Any member in post may open
and take every module: knowing how a manager supports carers helps a carer ask, too.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace

from django.http import Http404

from accounts.models import User
from learning.authoring import lesson_text_problems
from learning.catalogue import catalogue, find_module
from learning.content import Audience, Lesson, Module, Option, Question, module, modules
from learning.models import (
    Badge,
    LessonText,
    ModuleProgress,
    OwnModule,
    QuizAttempt,
    ReflectionEntry,
)
from learning.principles import PRINCIPLES, Principle, principle
from organisations.models import HR_ROLES, Organisation, Role
from organisations.selectors import direct_reports, roles_in, staff_record_for_user
from plans.public import PlanStep, personal_plan_with_step

#: Roles whose holders shape the organisation's approach to carers: HR, organisation admins and
#: the executive sponsor, who signs the leadership commitment.
LEADER_ROLES = HR_ROLES | {Role.SPONSOR}


def access_module(*, organisation: Organisation, slug: str) -> Module:
    """A module the organisation's learners may take, shipped or its own, by slug; an unknown
    one (or another organisation's own) is a 404. The audience does not limit who may open it:
    any member in post may open any module (the audience only orders the list)."""
    found = find_module(organisation_id=organisation.pk, slug=slug)
    if found is None:
        raise Http404
    return found


def access_shipped_module(*, slug: str) -> Module:
    """A shipped module by slug, for HR's own text of its lessons; an unknown one is a 404."""
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


def audiences_for(*, roles: frozenset[Role], manages_people: bool) -> frozenset[Audience]:
    """Whose modules are recommended to a reader: everyone's always; the managers' module to
    someone who line manages people in post, or to HR, who advise managers and stand in when
    nobody manages someone; the leaders' module to HR, organisation admins and the sponsor.
    Someone who has left holds no roles and manages nobody (they cannot reach these pages)."""
    found: set[Audience] = {"everyone"}
    if manages_people or roles & HR_ROLES:
        found.add("managers")
    if roles & LEADER_ROLES:
        found.add("leaders")
    return frozenset(found)


def viewer_audiences(*, viewer: User, organisation: Organisation) -> frozenset[Audience]:
    """The audiences the viewer belongs to, by the rules of ``audiences_for``. Line managing is
    decided as everywhere else (``direct_reports``: people in post whose staff record names the
    viewer's record, itself in post), in two queries however large the team; the roles are
    already read once per request."""
    record = staff_record_for_user(user=viewer, organisation=organisation)
    manages = record is not None and direct_reports(manager=record).exists()
    return audiences_for(
        roles=roles_in(user=viewer, organisation=organisation), manages_people=manages
    )


#: The order modules are listed in: the one for everyone first, then for the wider roles.
_AUDIENCE_ORDER: tuple[Audience, ...] = ("everyone", "managers", "leaders")


@dataclass(frozen=True)
class LearningHome:
    """The list of modules as one learner sees it: those for them first, then the rest."""

    recommended: list[ModuleStatus]
    other: list[ModuleStatus]


def learning_home(*, viewer: User, organisation: Organisation) -> LearningHome:
    """Every module with the viewer's progress, split by whether its audience includes them."""
    audiences = viewer_audiences(viewer=viewer, organisation=organisation)
    statuses = sorted(
        modules_for(viewer=viewer, organisation=organisation),
        key=lambda s: _AUDIENCE_ORDER.index(s.module.audience),
    )
    return LearningHome(
        recommended=[s for s in statuses if s.module.audience in audiences],
        other=[s for s in statuses if s.module.audience not in audiences],
    )


def modules_for(*, viewer: User, organisation: Organisation) -> list[ModuleStatus]:
    """Every module with the viewer's own progress, in one query."""
    progress = {
        row.module: row
        for row in ModuleProgress.objects.filter(organisation=organisation, user=viewer)
    }
    out = []
    for item in catalogue(organisation_id=organisation.pk).values():
        row = progress.get(item.slug)
        done = {s for s in (row.lessons_done if row else []) if item.lesson(s) is not None}
        out.append(
            ModuleStatus(
                module=item,
                lessons_done=len(done),
                passed=has_passed(row, item),
            )
        )
    return out


def has_passed(progress: ModuleProgress | None, module: Module) -> bool:
    """Passed, on a version that still stands (a withdrawn one must be taken again)."""
    return (
        progress is not None
        and progress.completed_at is not None
        and module.withdrawn_reason(progress.module_version) is None
    )


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


# Badges -------------------------------------------------------------------------------------


def badges_of(*, viewer: User, organisation: Organisation, token: bool = False) -> list[Badge]:
    """The viewer's badges here, newest first, in one query; the signed tokens only if asked."""
    found = Badge.objects.filter(organisation=organisation, user=viewer)
    if not token:
        found = found.defer("token")
    return list(found.order_by("-issued_at", "-pk"))


def badge_of_attempt(attempt: QuizAttempt) -> Badge | None:
    """The badge a passing attempt earned; None when the learner already held one."""
    return Badge.objects.filter(attempt=attempt).defer("token").first()


def badges_for_account(*, user: User) -> list[Badge]:
    """The user's badges in every organisation, for their account page, in one query."""
    return list(
        Badge.objects.filter(user=user)
        .select_related("organisation")
        .defer("token")
        .order_by("-issued_at", "-pk")
    )


def access_badge(*, viewer: User, organisation: Organisation, public_id: uuid.UUID) -> Badge:
    """One of the viewer's own badges; anyone else's is a 404."""
    found = Badge.objects.filter(
        organisation=organisation, user=viewer, public_id=public_id
    ).first()
    if found is None:
        raise Http404
    return found


def own_badge(*, holder: User, public_id: uuid.UUID) -> Badge:
    """One of the holder's badges from any organisation, whether or not they are still there."""
    found = Badge.objects.filter(user=holder, public_id=public_id).first()
    if found is None:
        raise Http404
    return found


def public_badge(*, public_id: uuid.UUID) -> Badge:
    """A badge whose holder shares its page; one they do not share is as unknown as none."""
    found = (
        Badge.objects.filter(public_id=public_id, shared=True)
        .select_related("organisation", "user")
        .first()
    )
    if found is None:
        raise Http404
    return found


def badge_of_credential(credential: dict[str, object]) -> Badge | None:
    """The badge a verified credential is, by its id (the badge's public page address)."""
    credential_id = credential.get("id")
    if not isinstance(credential_id, str):
        return None
    tail = credential_id.rstrip("/").rpartition("/")[2]
    try:
        public_id = uuid.UUID(tail)
    except ValueError:
        return None
    return Badge.objects.filter(public_id=public_id).first()


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


# --- The organisation's own lesson text -----------------------------------------------------


def lesson_text_of(
    *, organisation: Organisation, module: Module, lesson: Lesson
) -> LessonText | None:
    """The organisation's own text for the lesson, if it has replaced the standard one."""
    return LessonText.objects.filter(
        organisation=organisation, module=module.slug, lesson=lesson.slug
    ).first()


def lesson_as_shown(*, organisation: Organisation, module: Module, lesson: Lesson) -> Lesson:
    """The lesson as the organisation's learners read it: its own text when it has one, else
    the standard text. One query, whoever asks."""
    own = lesson_text_of(organisation=organisation, module=module, lesson=lesson)
    return replace(lesson, markdown=own.markdown) if own is not None else lesson


@dataclass(frozen=True)
class LessonContent:
    """One lesson on HR's content page."""

    lesson: Lesson
    own: LessonText | None
    #: The module has a newer version than the one the organisation's text was written for.
    stale: bool
    #: The organisation's text breaks a rule it was published under (a ``product:`` or
    #: ``help:`` link to a page a later release removed), so learners read the standard text.
    broken: bool = False


@dataclass(frozen=True)
class ModuleContent:
    module: Module
    lessons: list[LessonContent]


def content_overview(*, organisation: Organisation) -> list[ModuleContent]:
    """Every shipped module's lessons, saying which use the organisation's own text and which
    of those were written against an earlier version of the module, in one query."""
    own = {
        (row.module, row.lesson): row
        for row in LessonText.objects.filter(organisation=organisation)
    }
    out = []
    for item in modules().values():
        lessons = []
        for lesson in item.lessons:
            row = own.get((item.slug, lesson.slug))
            stale = row is not None and row.module_version < item.version
            broken = row is not None and bool(
                lesson_text_problems(row.markdown, organisation=organisation)
            )
            lessons.append(LessonContent(lesson=lesson, own=row, stale=stale, broken=broken))
        out.append(ModuleContent(module=item, lessons=lessons))
    return out


# --- An organisation's own modules ----------------------------------------------------------


def own_modules_of(*, organisation: Organisation) -> list[OwnModule]:
    """The organisation's own modules for HR's list, newest first, in one query."""
    return list(OwnModule.objects.filter(organisation=organisation).order_by("-created_at", "-pk"))


def access_own_module(*, organisation: Organisation, slug: str) -> OwnModule:
    """One of the organisation's own modules, for HR to edit; another organisation's is a 404."""
    found = OwnModule.objects.filter(organisation=organisation, slug=slug).first()
    if found is None:
        raise Http404
    return found


def draft_lessons(own: OwnModule) -> list[Lesson]:
    """The draft's lessons as learners would read them, for the editor and the preview."""
    return [
        Lesson(
            slug=entry["slug"],
            title=entry["title"],
            minutes=entry["minutes"],
            number=number,
            markdown=entry["markdown"],
        )
        for number, entry in enumerate(own.draft["lessons"], start=1)
    ]


def draft_questions(own: OwnModule) -> list[Question]:
    """The draft's question pool, for the editor and the preview (correct answers shown)."""
    return [
        Question(
            id=q["id"],
            kind=q["kind"],
            prompt=q["prompt"],
            scenario=q["scenario"],
            options=tuple(
                Option(id=o["id"], text=o["text"], correct=o["correct"], feedback=o["feedback"])
                for o in q["options"]
            ),
        )
        for q in own.draft["questions"]
    ]
