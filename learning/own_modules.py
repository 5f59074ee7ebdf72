"""Writes of an organisation's own modules: HR writes a whole module through pages (details,
lessons, a question pool), previews it and publishes it for its learners, without files or code.

The draft has the shape of the shipped modules' files (``learning.content``), and publishing
holds it to the same JSON Schemas and checks, so an own module behaves like a shipped one
everywhere: progress, quizzes, badges, figures. Each publish keeps the module as it was
(``OwnModuleVersion``): a learner's result and badge stay those of the version they took, and
HR can withdraw earlier versions (their badges stop being valid) when a mistake is corrected.

Every change to the draft carries the version of the page it was made on, and one that
changes nothing writes nothing. Organisation content: the audit entries are ordinary ones.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import Action, Channel
from audit.services import audit_record
from learning.authoring import check_editor, lesson_text_problems, normalised
from learning.catalogue import OWN_PREFIX
from learning.content import Audience, ContentError, build_module, schema_problem
from learning.models import OwnModule, OwnModuleVersion
from organisations.models import Organisation
from shared.dates import long_datetime
from shared.writes import EditConflict, RuleError, check_version, lock

#: Limits that keep a module readable on a phone and a quiz answerable (the schemas allow more).
MAX_LESSONS = 12
MAX_QUESTIONS = 40
MAX_OPTIONS = 6
PROMPT_MAX = 400
SCENARIO_MAX = 1000
OPTION_MAX = 300
FEEDBACK_MAX = 600
REASON_MAX = 300
#: As the module schema has them (``learning/content/schema/module.schema.json``).
TITLE_MAX = 100
SUMMARY_MAX = 300
OPTION_IDS = "abcdef"


@dataclass(frozen=True)
class Details:
    """What the module list and the badge say about a module, and how its quiz is scored."""

    title: str
    summary: str
    audience: Audience
    pass_mark: int
    questions_per_attempt: int

    def as_draft(self) -> dict[str, Any]:
        return {
            "title": self.title.strip(),
            "summary": self.summary.strip(),
            "audience": self.audience,
            "pass_mark": self.pass_mark,
            "questions_per_attempt": self.questions_per_attempt,
        }


@dataclass(frozen=True)
class LessonDraft:
    title: str
    minutes: int
    markdown: str


@dataclass(frozen=True)
class OptionDraft:
    text: str
    correct: bool
    feedback: str


@dataclass(frozen=True)
class QuestionDraft:
    kind: str  # "single" or "multiple"
    prompt: str
    scenario: str
    options: tuple[OptionDraft, ...]


class OwnModuleConflict(EditConflict):
    """Someone changed the module after this copy of the page was opened."""

    def __init__(self, own: OwnModule) -> None:
        super().__init__(
            _(
                "Someone changed this module at %(when)s, after you opened this page. Nothing "
                "has been saved. What you typed is still here: check the module, then save "
                "again if you still want your change."
            )
            % {"when": long_datetime(own.updated_at)},
            current_version=own.version,
        )


# --- Creating and editing the draft --------------------------------------------------------


def _slug(text: str) -> str:
    """Lower-case letters, digits and single hyphens, as the module schema's slugs are
    (``slugify`` keeps underscores, which the schema refuses)."""
    return re.sub(r"[^a-z0-9]+", "-", slugify(text)).strip("-")


def _slug_for(organisation: Organisation, title: str) -> str:
    base = (OWN_PREFIX + _slug(title))[:44].strip("-")
    if base == OWN_PREFIX.rstrip("-"):
        base = OWN_PREFIX + "module"
    taken = set(
        OwnModule.objects.filter(organisation=organisation, slug__startswith=base).values_list(
            "slug", flat=True
        )
    )
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def own_module_create(
    *, organisation: Organisation, user: User, details: Details, channel: Channel = Channel.WEB
) -> OwnModule:
    """A new module, not yet seen by learners: HR adds lessons and questions, then publishes.
    Its address comes from the title and never changes, so progress and badges keep it."""
    check_editor(user, organisation)
    _check_details(details)
    draft = {**details.as_draft(), "lessons": [], "questions": [], "next_question": 1}
    try:
        with transaction.atomic():
            own = OwnModule.objects.create(
                organisation=organisation,
                slug=_slug_for(organisation, details.title),
                draft=draft,
                updated_by=user,
            )
    except IntegrityError:  # the same title added at the same moment in another tab
        raise RuleError(
            "duplicate_module",
            _("A module with this title was added just now. Check the list of modules."),
            field="title",
        ) from None
    _audit(own, by=user, channel=channel, action=Action.CREATE, summary="Added the module")
    return own


def _check_details(details: Details) -> None:
    if not details.title.strip():
        raise RuleError("title_missing", _("Enter the module's title"), field="title")
    if len(details.title.strip()) > TITLE_MAX:
        raise RuleError(
            "title_too_long",
            _("The title must be %(max)s characters or fewer") % {"max": TITLE_MAX},
            field="title",
        )
    if not details.summary.strip():
        raise RuleError("summary_missing", _("Enter what the module is about"), field="summary")
    if len(details.summary.strip()) > SUMMARY_MAX:
        raise RuleError(
            "summary_too_long",
            _("What the module is about must be %(max)s characters or fewer")
            % {"max": SUMMARY_MAX},
            field="summary",
        )
    if not 1 <= details.pass_mark <= 100:
        raise RuleError(
            "bad_pass_mark", _("The pass mark must be from 1 to 100 per cent"), field="pass_mark"
        )
    if not 1 <= details.questions_per_attempt <= 30:
        raise RuleError(
            "bad_questions_per_attempt",
            _("Each attempt must ask from 1 to 30 questions"),
            field="questions_per_attempt",
        )


@transaction.atomic
def _edit(
    own: OwnModule,
    *,
    user: User,
    expected_version: int | None,
    change: Callable[[dict[str, Any]], None],
    summary: str,
    channel: Channel,
) -> bool:
    """Apply ``change`` to a copy of the locked draft; save it only if it differs. Returns
    whether anything was saved."""
    check_editor(user, own.organisation)
    locked = lock(OwnModule, own.pk)
    check_version(locked.version, expected_version, lambda: OwnModuleConflict(locked))
    draft = copy.deepcopy(locked.draft)
    change(draft)
    if draft == locked.draft:
        return False
    locked.draft = draft
    locked.version += 1
    locked.updated_by = user
    locked.save()
    own.draft, own.version = locked.draft, locked.version
    _audit(locked, by=user, channel=channel, action=Action.UPDATE, summary=summary)
    return True


def own_module_details_save(
    *,
    own: OwnModule,
    user: User,
    details: Details,
    expected_version: int | None,
    channel: Channel = Channel.WEB,
) -> bool:
    _check_details(details)
    return _edit(
        own,
        user=user,
        expected_version=expected_version,
        change=lambda draft: draft.update(details.as_draft()),
        summary="Changed the module's details",
        channel=channel,
    )


def _lesson_slug(draft: dict[str, Any], title: str) -> str:
    base = _slug(title)[:40].strip("-") or "lesson"
    # "new" is the address of the page that adds a lesson.
    taken = {entry["slug"] for entry in draft["lessons"]} | {"new"}
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def own_lesson_save(
    *,
    own: OwnModule,
    user: User,
    lesson_slug: str | None,
    lesson: LessonDraft,
    expected_version: int | None,
    channel: Channel = Channel.WEB,
) -> str:
    """Add a lesson at the end (``lesson_slug`` None) or change one. The text is held to the
    rules of every lesson (``learning.authoring.lesson_text_problems``). Returns its slug,
    which stays as it was made: learners' progress names lessons by it."""
    if not lesson.title.strip():
        raise RuleError("title_missing", _("Enter the lesson's title"), field="title")
    if len(lesson.title.strip()) > TITLE_MAX:
        raise RuleError(
            "title_too_long",
            _("The title must be %(max)s characters or fewer") % {"max": TITLE_MAX},
            field="title",
        )
    if not 1 <= lesson.minutes <= 9:
        raise RuleError(
            "bad_minutes",
            _("A lesson takes from 1 to 9 minutes to read: split a longer one in two"),
            field="minutes",
        )
    problems = lesson_text_problems(lesson.markdown, organisation=own.organisation)
    if problems:
        raise RuleError("bad_lesson_text", problems[0], field="markdown")
    saved = {"slug": lesson_slug}

    def change(draft: dict[str, Any]) -> None:
        entry = {
            "title": lesson.title.strip(),
            "minutes": lesson.minutes,
            "markdown": normalised(lesson.markdown),
        }
        if lesson_slug is None:
            if len(draft["lessons"]) >= MAX_LESSONS:
                raise RuleError(
                    "too_many_lessons",
                    _("A module has at most %(n)s lessons: make a second module instead")
                    % {"n": MAX_LESSONS},
                )
            saved["slug"] = _lesson_slug(draft, lesson.title)
            draft["lessons"].append({"slug": saved["slug"], **entry})
            return
        found = _find(draft["lessons"], "slug", lesson_slug)
        found.update(entry)

    _edit(
        own,
        user=user,
        expected_version=expected_version,
        change=change,
        summary=(
            f"Changed the lesson “{lesson.title.strip()}”"
            if lesson_slug
            else f"Added the lesson “{lesson.title.strip()}”"
        ),
        channel=channel,
    )
    assert saved["slug"] is not None
    return saved["slug"]


def _find(entries: list[dict[str, Any]], key: str, value: str) -> dict[str, Any]:
    found = next((entry for entry in entries if entry[key] == value), None)
    if found is None:
        raise RuleError(
            "gone", _("That part of the module has been removed. Nothing has been saved.")
        )
    return found


def own_lesson_move(
    *,
    own: OwnModule,
    user: User,
    lesson_slug: str,
    up: bool,
    expected_version: int | None,
    channel: Channel = Channel.WEB,
) -> bool:
    """Move a lesson one place up or down; at the top (or bottom) already, nothing changes."""

    def change(draft: dict[str, Any]) -> None:
        lessons = draft["lessons"]
        index = lessons.index(_find(lessons, "slug", lesson_slug))
        other = index - 1 if up else index + 1
        if 0 <= other < len(lessons):
            lessons[index], lessons[other] = lessons[other], lessons[index]

    return _edit(
        own,
        user=user,
        expected_version=expected_version,
        change=change,
        summary="Changed the order of the lessons",
        channel=channel,
    )


def own_lesson_remove(
    *,
    own: OwnModule,
    user: User,
    lesson_slug: str,
    expected_version: int | None,
    channel: Channel = Channel.WEB,
) -> bool:
    """Remove a lesson from the draft (learners keep it until the next publish). Already
    gone, nothing happens."""

    def change(draft: dict[str, Any]) -> None:
        draft["lessons"] = [e for e in draft["lessons"] if e["slug"] != lesson_slug]

    return _edit(
        own,
        user=user,
        expected_version=expected_version,
        change=change,
        summary="Removed a lesson",
        channel=channel,
    )


def question_problems(question: QuestionDraft) -> list[tuple[str | None, str]]:
    """What stops the question being saved, each with the field it belongs beside (None:
    the whole question), as the quiz schema would find it, in words HR can act on."""
    problems: list[tuple[str | None, str]] = []
    if question.kind not in ("single", "multiple"):
        problems.append(("kind", _("Select the kind of question")))
    if not question.prompt.strip():
        problems.append(("prompt", _("Enter the question")))
    too_long = _("%(what)s must be %(max)s characters or fewer")
    if len(question.prompt.strip()) > PROMPT_MAX:
        problems.append(("prompt", too_long % {"what": _("The question"), "max": PROMPT_MAX}))
    if len(question.scenario.strip()) > SCENARIO_MAX:
        problems.append(("scenario", too_long % {"what": _("The situation"), "max": SCENARIO_MAX}))
    if len(question.options) > MAX_OPTIONS:
        problems.append((None, _("Give at most %(n)s answers") % {"n": MAX_OPTIONS}))
    filled = [o for o in question.options if o.text.strip() or o.feedback.strip() or o.correct]
    for number, option in enumerate(question.options, start=1):
        if option not in filled:
            continue
        if not option.text.strip():
            problems.append((f"option_{number}_text", _("Enter answer %(n)s") % {"n": number}))
        elif len(option.text.strip()) > OPTION_MAX:
            problems.append(
                (
                    f"option_{number}_text",
                    too_long % {"what": _("Answer %(n)s") % {"n": number}, "max": OPTION_MAX},
                )
            )
        if len(option.feedback.strip()) > FEEDBACK_MAX:
            problems.append(
                (
                    f"option_{number}_feedback",
                    too_long
                    % {
                        "what": _("The feedback on answer %(n)s") % {"n": number},
                        "max": FEEDBACK_MAX,
                    },
                )
            )
        if not option.feedback.strip():
            problems.append(
                (
                    f"option_{number}_feedback",
                    _("Enter the feedback a learner reads for answer %(n)s") % {"n": number},
                )
            )
    if len(filled) < 2:
        problems.append((None, _("Give at least two answers to choose from")))
    correct = sum(1 for o in filled if o.correct)
    if question.kind == "single" and correct != 1:
        problems.append((None, _("Mark exactly one answer as correct: this question has one")))
    elif question.kind == "multiple" and correct < 1:
        problems.append((None, _("Mark at least one answer as correct")))
    return problems


def own_question_save(
    *,
    own: OwnModule,
    user: User,
    question_id: str | None,
    question: QuestionDraft,
    expected_version: int | None,
    channel: Channel = Channel.WEB,
) -> str:
    """Add a question to the pool (``question_id`` None) or change one. Answers left blank
    are dropped; the others are lettered in order. Returns the question's id, which is never
    used again for another question: attempts name questions by it."""
    problems = question_problems(question)
    if problems:
        field, message = problems[0]
        raise RuleError("bad_question", message, field=field)
    saved = {"id": question_id}

    def change(draft: dict[str, Any]) -> None:
        entry: dict[str, Any] = {
            "kind": question.kind,
            "prompt": question.prompt.strip(),
            "scenario": question.scenario.strip(),
            "options": [
                {
                    "id": OPTION_IDS[index],
                    "text": option.text.strip(),
                    "correct": option.correct,
                    "feedback": option.feedback.strip(),
                }
                for index, option in enumerate(
                    o for o in question.options if o.text.strip() or o.feedback.strip()
                )
            ],
        }
        if question_id is None:
            if len(draft["questions"]) >= MAX_QUESTIONS:
                raise RuleError(
                    "too_many_questions",
                    _("A module's quiz has at most %(n)s questions") % {"n": MAX_QUESTIONS},
                )
            saved["id"] = f"q{draft['next_question']}"
            draft["next_question"] += 1
            draft["questions"].append({"id": saved["id"], **entry})
            return
        _find(draft["questions"], "id", question_id).update(entry)

    _edit(
        own,
        user=user,
        expected_version=expected_version,
        change=change,
        summary="Changed a quiz question" if question_id else "Added a quiz question",
        channel=channel,
    )
    assert saved["id"] is not None
    return saved["id"]


def own_question_remove(
    *,
    own: OwnModule,
    user: User,
    question_id: str,
    expected_version: int | None,
    channel: Channel = Channel.WEB,
) -> bool:
    def change(draft: dict[str, Any]) -> None:
        draft["questions"] = [q for q in draft["questions"] if q["id"] != question_id]

    return _edit(
        own,
        user=user,
        expected_version=expected_version,
        change=change,
        summary="Removed a quiz question",
        channel=channel,
    )


# --- Publishing ------------------------------------------------------------------------------


def as_files(
    draft: dict[str, Any], *, version: int, withdrawn: list[dict[str, Any]]
) -> dict[str, Any]:
    """The draft as the shipped files would hold it: ``module.yaml``, ``quiz.yaml`` and the
    lessons' Markdown, which is what a published version keeps."""
    meta: dict[str, Any] = {
        "title": draft["title"],
        "summary": draft["summary"],
        "audience": draft["audience"],
        "version": version,
        "pass_mark": draft["pass_mark"],
        "questions_per_attempt": draft["questions_per_attempt"],
        "lessons": [
            {"slug": e["slug"], "title": e["title"], "minutes": e["minutes"]}
            for e in draft["lessons"]
        ],
    }
    if withdrawn:
        meta["withdrawn_versions"] = withdrawn
    questions = []
    for q in draft["questions"]:
        entry = {"id": q["id"], "kind": q["kind"], "prompt": q["prompt"], "options": q["options"]}
        if q["scenario"]:
            entry["scenario"] = q["scenario"]
        questions.append(entry)
    return {
        "module": meta,
        "quiz": {"questions": questions},
        "lessons": [e["markdown"] for e in draft["lessons"]],
    }


def publish_problems(own: OwnModule) -> list[str]:
    """What stops the draft being published, each saying what to do; none when it may be. The
    preview page lists the same, so it never offers what publishing would refuse."""
    draft = own.draft
    problems = []
    if not draft["lessons"]:
        problems.append(_("Add at least one lesson"))
    asked = draft["questions_per_attempt"]
    if len(draft["questions"]) < asked:
        problems.append(
            _(
                "Add questions: each attempt asks %(asked)s, and the quiz has %(n)s. A pool "
                "larger than one attempt means a retry asks different questions."
            )
            % {"asked": asked, "n": len(draft["questions"])}
        )
    for entry in draft["lessons"]:
        for problem in lesson_text_problems(entry["markdown"], organisation=own.organisation):
            problems.append(
                _("Lesson “%(title)s”: %(problem)s") % {"title": entry["title"], "problem": problem}
            )
    if problems:
        return problems
    files = as_files(draft, version=own.published_version + 1, withdrawn=[])
    # The schemas and the shipped modules' checks, as a last guard: the pages above already
    # refuse what they would, so a failure here is a fault to report, not the person's mistake.
    for name in ("module", "quiz"):
        found = schema_problem(files[name], name)
        if found:
            return [
                _("The module cannot be published as it is (%(problem)s).") % {"problem": found}
            ]
    try:
        build_module(own.slug, files["module"], files["quiz"], files["lessons"])
    except ContentError as error:
        return [_("The module cannot be published as it is (%(problem)s).") % {"problem": error}]
    return []


def current_version(own: OwnModule) -> OwnModuleVersion | None:
    if not own.published_version:
        return None
    return OwnModuleVersion.objects.filter(module=own, version=own.published_version).first()


def has_unpublished_changes(own: OwnModule, published: OwnModuleVersion | None) -> bool:
    """Whether the draft differs from what learners read (always, before the first publish)."""
    if published is None:
        return True
    files = as_files(own.draft, version=own.published_version, withdrawn=[])
    return not _same_content(published, files)


def _same_content(published: OwnModuleVersion, files: dict[str, Any]) -> bool:
    mine = copy.deepcopy(published.content)
    mine["module"].pop("version", None)
    mine["module"].pop("withdrawn_versions", None)
    theirs = copy.deepcopy(files)
    theirs["module"].pop("version", None)
    theirs["module"].pop("withdrawn_versions", None)
    return bool(mine == theirs)


@transaction.atomic
def own_module_publish(
    *,
    own: OwnModule,
    user: User,
    expected_version: int | None,
    withdraw_reason: str = "",
    channel: Channel = Channel.WEB,
) -> OwnModuleVersion | None:
    """Publish the draft as the next version: learners read it from now on, and take its quiz.

    With ``withdraw_reason``, every earlier version is withdrawn: badges earned on them stop
    being valid and those learners are asked to take the module again. A draft that is what
    learners already read publishes nothing (and brings back a module taken away); withdrawing
    needs a corrected version, so it is refused without one. Returns the new version, if any.
    """
    check_editor(user, own.organisation)
    locked = lock(OwnModule, own.pk)
    check_version(locked.version, expected_version, lambda: OwnModuleConflict(locked))
    problems = publish_problems(locked)
    if problems:
        raise RuleError("not_ready", problems[0])
    reason = " ".join(withdraw_reason.split())
    if len(reason) > REASON_MAX:
        raise RuleError(
            "reason_too_long",
            _("The reason must be %(max)s characters or fewer") % {"max": REASON_MAX},
            field="reason",
        )
    published = current_version(locked)
    earlier = list(published.content["module"].get("withdrawn_versions", [])) if published else []
    files = as_files(locked.draft, version=locked.published_version + 1, withdrawn=[])
    if published is not None and _same_content(published, files):
        if reason:
            raise RuleError(
                "nothing_to_correct",
                _(
                    "The module has not changed since version %(n)s was published. Correct "
                    "it first, then publish it with the reason for withdrawing the earlier "
                    "versions."
                )
                % {"n": locked.published_version},
                field="reason",
            )
        if locked.retired_at is not None:
            locked.retired_at = None
            locked.updated_by = user
            locked.save()
            own.retired_at = None
            _audit(locked, by=user, channel=channel, action=Action.UPDATE, summary="Offered again")
        return None
    withdrew = False
    if reason:
        gone = {entry["version"] for entry in earlier}
        before = len(earlier)
        earlier += [
            {"version": v, "reason": reason}
            for v in range(1, locked.published_version + 1)
            if v not in gone
        ]
        withdrew = len(earlier) > before
    files = as_files(locked.draft, version=locked.published_version + 1, withdrawn=earlier)
    version = OwnModuleVersion.objects.create(
        module=locked, version=locked.published_version + 1, content=files, published_by=user
    )
    locked.published_version = version.version
    locked.retired_at = None
    locked.updated_by = user
    locked.save()
    own.published_version, own.retired_at = locked.published_version, None
    summary = f"Published version {version.version}"
    if withdrew:
        summary += " and withdrew the earlier versions"
    _audit(locked, by=user, channel=channel, action=Action.UPDATE, summary=summary)
    return version


@transaction.atomic
def own_module_retire(
    *, own: OwnModule, user: User, expected_version: int | None, channel: Channel = Channel.WEB
) -> bool:
    """Take the module away from learners. Never published, it is deleted outright; once
    published it is kept, hidden, so the badges earned on it can still be checked, and
    publishing it again brings it back. Returns True when it was deleted."""
    check_editor(user, own.organisation)
    locked = lock(OwnModule, own.pk)
    check_version(locked.version, expected_version, lambda: OwnModuleConflict(locked))
    if not locked.published_version:
        _audit(locked, by=user, channel=channel, action=Action.DELETE, summary="Deleted the draft")
        locked.delete()
        return True
    if locked.retired_at is None:
        locked.retired_at = timezone.now()
        locked.updated_by = user
        locked.save()
        own.retired_at = locked.retired_at
        _audit(
            locked,
            by=user,
            channel=channel,
            action=Action.UPDATE,
            summary="Took the module away from learners",
        )
    return False


def _audit(own: OwnModule, *, by: User, channel: Channel, action: Action, summary: str) -> None:
    audit_record(
        actor=by,
        action=action,
        channel=channel,
        target=own,
        organisation_id=own.organisation_id,
        summary=f"{summary}: {own.draft['title']}",
    )
