"""Writes to personal action plans: a member's own plan, saved whole, and shared with one
named colleague at a time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import Action, Channel
from audit.services import audit_record
from organisations.models import Organisation
from plans.models import PersonalPlan, PersonalPlanRow, PersonalPlanShare
from plans.selectors import personal_plan_with_step
from plans.services._common import PlanConflict, changed_fields, clean, is_member
from plans.steps import PlanStep, StepAdded
from shared.writes import RuleError, check_version, lock

MAX_ROWS = 30


@dataclass(frozen=True)
class RowInput:
    """One row as typed. ``id`` is set for a row that already exists in the plan."""

    action: str
    criterion_ref: str = ""
    criterion_title: str = ""
    help_from: str = ""
    due_on: date | None = None
    due_note: str = ""
    done: bool = False
    id: int | None = None


def _clean_rows(rows: Sequence[RowInput]) -> list[RowInput]:
    if len(rows) > MAX_ROWS:
        raise ValidationError(
            _("A plan can have up to %(max)s rows. Split it into two plans.") % {"max": MAX_ROWS}
        )
    cleaned = []
    for index, row in enumerate(rows, start=1):
        if not clean(row.action):
            raise ValidationError(
                {"rows": _("Row %(n)s: say what you are going to do.") % {"n": index}}
            )
        if row.criterion_ref and not clean(row.criterion_title):
            raise ValidationError(
                {"rows": _("Row %(n)s: the criterion has no name.") % {"n": index}}
            )
        cleaned.append(row)
    return cleaned


def _check_personal(title: str) -> None:
    if not clean(title):
        raise ValidationError({"title": _("Enter a name for the plan.")})


def _write_rows(plan: PersonalPlan, rows: Sequence[RowInput]) -> bool:
    """Make the plan's rows exactly ``rows``: update by id, add new ones, remove the rest.
    Return whether anything was written."""
    existing = {row.pk: row for row in plan.rows.all()}
    kept: set[int] = set()
    wrote = False
    for position, given in enumerate(rows):
        values = {
            "position": position,
            "criterion_ref": clean(given.criterion_ref),
            "criterion_title": clean(given.criterion_title),
            "action": clean(given.action),
            "help_from": clean(given.help_from),
            "due_on": given.due_on,
            "due_note": clean(given.due_note),
            "done": given.done,
        }
        # A row removed meanwhile (in another tab) comes back as new: what was typed stays.
        current = existing.get(given.id) if given.id is not None else None
        if current is None:
            PersonalPlanRow.objects.create(plan=plan, **values)
            wrote = True
            continue
        kept.add(current.pk)
        changed = changed_fields(current, values)
        if {"due_on", "done"} & set(changed):
            current.reminder_sent_for = None  # a new date, or undone: remind again
        if changed:
            current.save()
            wrote = True
    gone = [pk for pk in existing if pk not in kept]
    if gone:
        PersonalPlanRow.objects.filter(plan=plan, pk__in=gone).delete()
    return wrote or bool(gone)


@transaction.atomic
def personal_plan_create(
    *,
    organisation: Organisation,
    by: User,
    title: str,
    goal: str = "",
    first_step: str = "",
    first_step_on: date | None = None,
    rows: Sequence[RowInput] = (),
    channel: Channel = Channel.WEB,
) -> PersonalPlan:
    """Start a plan of one's own. Any member may; nobody makes one for someone else."""
    if not is_member(by, organisation):
        raise PermissionDenied("Only members of the organisation have plans in it")
    _check_personal(title)
    cleaned = _clean_rows(rows)
    plan = PersonalPlan.objects.create(
        organisation=organisation,
        owner=by,
        title=clean(title),
        goal=clean(goal),
        first_step=clean(first_step),
        first_step_on=first_step_on,
    )
    _write_rows(plan, cleaned)
    audit_record(
        actor=by,
        action=Action.CREATE,
        channel=channel,
        target=plan,
        organisation_id=organisation.pk,
        summary="Created a personal action plan",
    )
    return plan


@transaction.atomic
def personal_plan_update(
    *,
    plan: PersonalPlan,
    expected_version: int | None,
    by: User,
    title: str,
    goal: str = "",
    first_step: str = "",
    first_step_on: date | None = None,
    rows: Sequence[RowInput] = (),
    channel: Channel = Channel.WEB,
) -> PersonalPlan:
    """Save the whole plan at once: the goal, every row and the first step, or nothing."""
    locked = lock(PersonalPlan, plan.pk)
    if locked.owner_id != by.pk:
        raise PermissionDenied("Only the owner changes a personal plan")
    check_version(
        locked.version, expected_version, lambda: PlanConflict.about(locked, what=_("plan"))
    )
    _check_personal(title)
    cleaned = _clean_rows(rows)
    changed = changed_fields(
        locked,
        {
            "title": clean(title),
            "goal": clean(goal),
            "first_step": clean(first_step),
            "first_step_on": first_step_on,
        },
    )
    if "first_step_on" in changed:
        locked.first_step_reminder_sent_for = None
    rows_changed = _write_rows(locked, cleaned)
    if not changed and not rows_changed:
        return locked  # submitted unchanged: the version stays, so nobody else is told it moved
    locked.version += 1
    locked.save()
    audit_record(
        actor=by,
        action=Action.UPDATE,
        channel=channel,
        target=locked,
        organisation_id=locked.organisation_id,
        summary="Changed a personal action plan",
    )
    return locked


@transaction.atomic
def personal_plan_delete(*, plan: PersonalPlan, by: User, channel: Channel = Channel.WEB) -> None:
    """Remove the plan with its rows and shares. The audit keeps only that it happened."""
    locked = lock(PersonalPlan, plan.pk)
    if locked.owner_id != by.pk:
        raise PermissionDenied("Only the owner deletes a personal plan")
    audit_record(
        actor=by,
        action=Action.DELETE,
        channel=channel,
        target=locked,
        organisation_id=locked.organisation_id,
        summary="Deleted a personal action plan",
    )
    locked.delete()


@transaction.atomic
def personal_plan_share(
    *, plan: PersonalPlan, email: str, by: User, channel: Channel = Channel.WEB
) -> PersonalPlanShare:
    """Let one named member of the same organisation read the plan, until the owner stops it."""
    locked = lock(PersonalPlan, plan.pk)
    if locked.owner_id != by.pk:
        raise PermissionDenied("Only the owner shares a personal plan")
    wanted = clean(email)
    colleague = (
        User.objects.filter(
            email__iexact=wanted, memberships__organisation_id=locked.organisation_id
        )
        .distinct()
        .first()
    )
    if colleague is None or not wanted:
        raise ValidationError(
            {"email": _("Nobody with that email address is a member of this organisation.")}
        )
    if colleague.pk == by.pk:
        raise ValidationError({"email": _("This is your own plan: you can already see it.")})
    share = PersonalPlanShare.objects.filter(
        plan=locked, with_user=colleague, ended_at__isnull=True
    ).first()
    if share is not None:
        return share
    share = PersonalPlanShare.objects.create(plan=locked, with_user=colleague)
    audit_record(
        actor=by,
        action=Action.CREATE,
        channel=channel,
        target=share,
        organisation_id=locked.organisation_id,
        summary=f"Shared a personal action plan with {colleague.email}",
    )
    return share


@transaction.atomic
def personal_plan_unshare(
    *, share: PersonalPlanShare, by: User, channel: Channel = Channel.WEB
) -> None:
    """Stop sharing at once. The row stays, ended, so the owner can see who had it."""
    locked = lock(PersonalPlanShare.objects.select_related("plan", "with_user"), share.pk)
    if locked.plan.owner_id != by.pk:
        raise PermissionDenied("Only the owner stops sharing")
    if locked.ended_at is not None:
        return
    locked.ended_at = timezone.now()
    locked.save(update_fields=["ended_at"])
    audit_record(
        actor=by,
        action=Action.UPDATE,
        channel=channel,
        target=locked,
        organisation_id=locked.plan.organisation_id,
        summary=f"Stopped sharing a personal action plan with {locked.with_user.email}",
    )


@transaction.atomic
def personal_plan_add_step(
    *,
    organisation: Organisation,
    by: User,
    action: str,
    criterion_ref: str,
    criterion_title: str,
    plan_title: str,
    channel: Channel = Channel.WEB,
) -> StepAdded:
    """Add one step as a row of the person's own plan (the unshared one they changed last),
    making a plan called ``plan_title`` if they have none here that nobody else reads.

    A step already in one of their plans, with the same criterion and the same words, is not
    added again: pressing the button twice gives one row. Someone who has left adds nothing.
    """
    if not is_member(by, organisation):
        raise PermissionDenied("Only members of the organisation have plans in it")
    wanted = clean(action)
    if not wanted:
        raise RuleError("no_step", _("There is no step to add to your plan."))
    if len(wanted) > PersonalPlanRow._meta.get_field("action").max_length:  # type: ignore[operator]
        raise RuleError("step_too_long", _("The step is too long for a row of your plan."))
    # One person's additions wait for each other, so two presses cannot both add the row
    # (or both make a plan).
    lock(User, by.pk)
    found = personal_plan_with_step(
        organisation=organisation, owner=by, criterion_ref=criterion_ref, action=wanted
    )
    if found is not None:
        return StepAdded(step=found, added=False, plan_created=False)
    # Only into a plan nobody else reads: a step written privately (a reflection) must not
    # appear to a colleague the person once shared another plan with.
    open_share = PersonalPlanShare.objects.filter(plan=OuterRef("pk"), ended_at__isnull=True)
    latest = (
        PersonalPlan.objects.filter(organisation=organisation, owner=by)
        .exclude(Exists(open_share))
        .first()
    )
    if latest is None:
        plan = personal_plan_create(
            organisation=organisation, by=by, title=plan_title, channel=channel
        )
        created = True
    else:
        plan = lock(PersonalPlan, latest.pk)
        created = False
    rows = plan.rows.count()
    if rows >= MAX_ROWS:
        raise RuleError(
            "plan_full",
            _(
                "Your plan “%(title)s” already has %(max)s rows, the most a plan can have. "
                "Remove a row you no longer need, then add this step."
            )
            % {"title": plan.title, "max": MAX_ROWS},
        )
    PersonalPlanRow.objects.create(
        plan=plan,
        position=rows,
        criterion_ref=criterion_ref,
        criterion_title=clean(criterion_title),
        action=wanted,
    )
    if not created:
        plan.version += 1  # an edit page open on the old rows must not overwrite the new one
        plan.save()
    audit_record(
        actor=by,
        action=Action.UPDATE,
        channel=channel,
        target=plan,
        organisation_id=organisation.pk,
        summary="Added a step to a personal action plan",
    )
    return StepAdded(
        step=PlanStep(plan_id=plan.pk, plan_title=plan.title), added=True, plan_created=created
    )
