"""Writes of the reflection log: a learner's notes on one Core Principle, and the first step
they will take turned into a row of their own personal plan.

The log is the learner's alone (trust rule 1 in spirit: what someone writes about their own
practice is theirs): only they write it, its audit entries are private like a personal
plan's (``LearningConfig.ready``), and the step reaches plans only through ``plans.public``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import Action, Channel
from audit.services import audit_record
from learning.models import FIRST_STEP_MAX, NOTES_MAX, ReflectionEntry
from learning.principles import Principle
from learning.services import check_learner
from organisations.models import Organisation
from plans.public import StepAdded, personal_plan_add_step
from shared.dates import long_datetime
from shared.writes import EditConflict, RuleError, check_version, lock


class ReflectionConflict(EditConflict):
    """The learner saved this reflection elsewhere (another tab) after opening this copy."""

    def __init__(self, entry: ReflectionEntry) -> None:
        super().__init__(
            _(
                "You saved this reflection at %(when)s in another tab or window, after you "
                "opened this page. Nothing has been saved. Check what is below, then save "
                "again if you want these words instead."
            )
            % {"when": long_datetime(entry.updated_at)},
            current_version=entry.version,
        )


def too_long(*, notes: str, first_step: str) -> dict[str, str]:
    """The length rule, by field: what is wrong and how to put it right."""
    problems = {}
    if len(notes) > NOTES_MAX:
        problems["notes"] = _(
            "Your notes must be %(max)s characters or fewer. They are %(n)s characters now."
        ) % {"max": NOTES_MAX, "n": len(notes)}
    if len(first_step) > FIRST_STEP_MAX:
        problems["first_step"] = _(
            "The first step must be %(max)s characters or fewer. Keep it to one small thing "
            "you will do; it is %(n)s characters now."
        ) % {"max": FIRST_STEP_MAX, "n": len(first_step)}
    return problems


@transaction.atomic
def reflection_save(
    *,
    organisation: Organisation,
    user: User,
    principle: Principle,
    notes: str,
    first_step: str,
    expected_version: int | None,
    channel: Channel = Channel.WEB,
) -> ReflectionEntry | None:
    """Save the learner's reflection on one principle, and only that one.

    ``expected_version`` is the version the page showed (0 when there was none yet): a save
    made from an older copy is refused. The same words saved again write nothing and leave
    no audit entry; so does saving two empty boxes when nothing was there. Returns the entry,
    or None when there is none.
    """
    check_learner(user, organisation)
    notes, first_step = notes.strip(), first_step.strip()
    problems = too_long(notes=notes, first_step=first_step)
    if problems:
        raise ValidationError(problems)
    found = ReflectionEntry.objects.filter(
        organisation=organisation, user=user, principle=principle.slug
    ).first()
    if found is None:
        check_version(
            0, expected_version, lambda: _conflict_with_new(organisation, user, principle)
        )
        if not notes and not first_step:
            return None
        try:
            with transaction.atomic():
                entry = ReflectionEntry.objects.create(
                    organisation=organisation,
                    user=user,
                    principle=principle.slug,
                    notes=notes,
                    first_step=first_step,
                )
        except IntegrityError:  # saved at the same moment in another tab
            raise _conflict_with_new(organisation, user, principle) from None
        _audit(entry, by=user, channel=channel, action=Action.CREATE, principle=principle)
        return entry
    entry = lock(ReflectionEntry, found.pk)
    check_version(entry.version, expected_version, lambda: ReflectionConflict(entry))
    if entry.notes == notes and entry.first_step == first_step:
        return entry
    entry.notes, entry.first_step = notes, first_step
    entry.version += 1
    entry.save()
    _audit(entry, by=user, channel=channel, action=Action.UPDATE, principle=principle)
    return entry


def _conflict_with_new(
    organisation: Organisation, user: User, principle: Principle
) -> ReflectionConflict:
    return ReflectionConflict(
        ReflectionEntry.objects.get(organisation=organisation, user=user, principle=principle.slug)
    )


def _audit(
    entry: ReflectionEntry, *, by: User, channel: Channel, action: Action, principle: Principle
) -> None:
    # Which principle, never the words: the entry is private, and the audit is not a copy.
    audit_record(
        actor=by,
        action=action,
        channel=channel,
        target=entry,
        organisation_id=entry.organisation_id,
        summary=f"Saved a reflection on “{principle.title}”",
    )


@transaction.atomic
def reflection_step_to_plan(
    *, organisation: Organisation, user: User, principle: Principle, channel: Channel = Channel.WEB
) -> StepAdded:
    """Put the saved first step for ``principle`` into the learner's personal plan (made if
    they have none). A step already there is not added again."""
    check_learner(user, organisation)
    entry = ReflectionEntry.objects.filter(
        organisation=organisation, user=user, principle=principle.slug
    ).first()
    if entry is None or not entry.first_step:
        raise RuleError(
            "no_first_step",
            _("Save the first step you will take, then add it to your personal plan."),
            field="first_step",
        )
    return personal_plan_add_step(
        organisation=organisation,
        by=user,
        action=entry.first_step,
        criterion_ref=principle.criterion_ref,
        criterion_title=_("Core Principle: %(title)s") % {"title": principle.title},
        plan_title=_("My plan for working with carers"),
        channel=channel,
    )
