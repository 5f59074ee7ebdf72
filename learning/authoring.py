"""Writes of an organisation's own lesson text: HR puts its own words (its policy, its
contacts) in place of one lesson of a shipped module, and can go back to the standard text.

The text is checked by the rules the shipped lessons follow (docs/learning.md, "For content
authors"): Markdown without a level 1 heading, and ``product:``/``help:`` links that lead
somewhere. Raw HTML needs no check: the lesson renderer shows it as text. This is organisation
content, so its audit entries are ordinary ones that the organisation's admins can read.
"""

from __future__ import annotations

from dataclasses import replace

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import Action, Channel
from audit.services import audit_record
from learning.content import Lesson, Module, has_top_heading, links_in
from learning.links import resolve_link
from learning.models import LESSON_TEXT_MAX, LessonText
from organisations.models import Organisation
from shared.dates import long_datetime
from shared.writes import EditConflict, RuleError, check_version, lock

EDIT_CONTENT = "learning.edit_content"


class LessonTextConflict(EditConflict):
    """Someone published or removed the organisation's text after this copy was opened."""

    def __init__(self, own: LessonText | None) -> None:
        if own is None:
            message = _(
                "Someone put the standard text back after you opened this page. Nothing has "
                "been saved. The box still holds your words: publish again to use them."
            )
        else:
            message = _(
                "Someone published a text for this lesson at %(when)s, after you opened this "
                "page. Nothing has been saved. Check the lesson as learners see it now, then "
                "publish again if you want your words instead."
            ) % {"when": long_datetime(own.updated_at)}
        super().__init__(message, current_version=own.version if own is not None else 0)


def check_editor(user: User, organisation: Organisation) -> None:
    """HR admins and organisation admins in post; someone who has left holds no power."""
    if not user.has_perm(EDIT_CONTENT, organisation):
        raise PermissionDenied("Only HR can change the organisation's lessons")


def normalised(markdown: str) -> str:
    """The text as kept and compared: line feeds only, no blank lines before or after."""
    return markdown.replace("\r\n", "\n").strip()


def lesson_text_problems(markdown: str, *, organisation: Organisation) -> list[str]:
    """What stops the text being published, each saying how to put it right; none when it
    may be. A preview checks the same, so it never shows what publishing would refuse."""
    text = normalised(markdown)
    if not text:
        return [_("Enter the text of the lesson")]
    problems = []
    if len(text) > LESSON_TEXT_MAX:
        problems.append(
            _("The lesson must be %(max)s characters or fewer. It is %(n)s characters now.")
            % {"max": f"{LESSON_TEXT_MAX:,}", "n": f"{len(text):,}"}
        )
        return problems  # not parsed: too long to be worth reading further
    if has_top_heading(text):
        problems.append(
            _(
                "Remove the level 1 heading (a line starting with a single #): the page shows "
                "the lesson's title. Start sections with ## instead."
            )
        )
    probe = Lesson(slug="", title="", minutes=1, number=1, markdown=text)
    for href in links_in(probe):
        if not href.startswith(("product:", "help:")):
            continue
        try:
            resolve_link(href, org_slug=organisation.slug)
        except KeyError:
            problems.append(
                _(
                    "The link “%(href)s” leads nowhere. Check its spelling against the list "
                    "of links a lesson can use."
                )
                % {"href": href}
            )
    return problems


def lesson_text_check(markdown: str, *, organisation: Organisation) -> None:
    """Refuse text that cannot be published, naming every problem."""
    problems = lesson_text_problems(markdown, organisation=organisation)
    if problems:
        raise ValidationError({"markdown": problems})


def with_text(lesson: Lesson, markdown: str) -> Lesson:
    """The lesson with ``markdown`` in place of its text, for a preview."""
    return replace(lesson, markdown=normalised(markdown))


def _own(organisation: Organisation, module: Module, lesson: Lesson) -> LessonText | None:
    return LessonText.objects.filter(
        organisation=organisation, module=module.slug, lesson=lesson.slug
    ).first()


@transaction.atomic
def lesson_text_save(
    *,
    organisation: Organisation,
    user: User,
    module: Module,
    lesson: Lesson,
    markdown: str,
    expected_version: int | None,
    channel: Channel = Channel.WEB,
) -> LessonText | None:
    """Publish the organisation's own text for a lesson; its learners read it from now on.

    ``expected_version`` is the version the page showed (0 when the lesson had the standard
    text): a save from an older copy is refused. Text that is what learners already read (the
    organisation's text, or the standard one when there is none) writes nothing and leaves no
    audit entry. Returns the organisation's text, or None when the standard one stays.
    """
    check_editor(user, organisation)
    standard = module.lesson(lesson.slug)
    if standard is None:
        raise RuleError("unknown_lesson", _("That lesson is not part of this module."))
    lesson_text_check(markdown, organisation=organisation)
    text = normalised(markdown)
    found = _own(organisation, module, lesson)
    if found is None:
        check_version(0, expected_version, lambda: _conflict(organisation, module, lesson))
        if text == normalised(standard.markdown):
            return None
        try:
            with transaction.atomic():
                own = LessonText.objects.create(
                    organisation=organisation,
                    module=module.slug,
                    lesson=lesson.slug,
                    markdown=text,
                    module_version=module.version,
                    updated_by=user,
                )
        except IntegrityError:  # published at the same moment in another tab
            raise _conflict(organisation, module, lesson) from None
        _audit(own, by=user, channel=channel, action=Action.CREATE, module=module, lesson=lesson)
        return own
    own = lock(LessonText, found.pk)
    check_version(own.version, expected_version, lambda: LessonTextConflict(own))
    if own.markdown == text:
        return own
    own.markdown = text
    own.module_version = module.version
    own.updated_by = user
    own.version += 1
    own.save()
    _audit(own, by=user, channel=channel, action=Action.UPDATE, module=module, lesson=lesson)
    return own


@transaction.atomic
def lesson_text_reset(
    *,
    organisation: Organisation,
    user: User,
    module: Module,
    lesson: Lesson,
    expected_version: int | None,
    channel: Channel = Channel.WEB,
) -> bool:
    """Go back to the standard text: the organisation's own is deleted. Pressed again when it
    is already gone, nothing happens (False). Refused if the text was published again after
    the page was opened, so nobody removes words they have not seen."""
    check_editor(user, organisation)
    found = _own(organisation, module, lesson)
    if found is None:
        return False
    own = lock(LessonText, found.pk)
    check_version(own.version, expected_version, lambda: LessonTextConflict(own))
    _audit(own, by=user, channel=channel, action=Action.DELETE, module=module, lesson=lesson)
    own.delete()
    return True


def _conflict(organisation: Organisation, module: Module, lesson: Lesson) -> LessonTextConflict:
    return LessonTextConflict(_own(organisation, module, lesson))


def _audit(
    own: LessonText,
    *,
    by: User,
    channel: Channel,
    action: Action,
    module: Module,
    lesson: Lesson,
) -> None:
    if action == Action.DELETE:
        summary = f"Went back to the standard text of “{lesson.title}” in {module.title}"
    else:
        summary = f"Published the organisation's own text of “{lesson.title}” in {module.title}"
    audit_record(
        actor=by,
        action=action,
        channel=channel,
        target=own,
        organisation_id=own.organisation_id,
        summary=summary,
    )
