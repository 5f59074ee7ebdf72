"""Writes to the organisation's action plans: the plan and its periods, priorities,
action points and the progress reported on them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import display_name
from audit.models import Action, Channel
from audit.services import audit_record
from organisations.models import Organisation
from plans.criteria import is_assessment_of
from plans.models import ActionPoint, ActionStatus, OrgPlan, Priority, ProgressEntry, Rag
from plans.services._common import (
    PlanConflict,
    ProgressKept,
    changed_fields,
    clean,
    is_member,
    require_manager,
    save_edit,
)
from shared.writes import check_version, lock

MAX_PERIODS = 20


def financial_years(start: date, end: date) -> list[str]:
    """UK financial years (1 April to 31 March) that the dates span, as "2026/27"."""

    def year_of(day: date) -> int:
        return day.year if day.month >= 4 else day.year - 1

    first, last = year_of(start), year_of(end)
    return [f"{year}/{(year + 1) % 100:02d}" for year in range(first, last + 1)][:MAX_PERIODS]


def _clean_periods(periods: Sequence[str] | None, start: date, end: date) -> list[str]:
    if end < start:
        raise ValidationError({"period_end": _("The end must be on or after the start.")})
    labels = [clean(p) for p in (periods or []) if clean(p)]
    if not labels:
        return financial_years(start, end)
    if len(labels) > MAX_PERIODS:
        raise ValidationError(
            {"periods": _("A plan can have up to %(max)s periods.") % {"max": MAX_PERIODS}}
        )
    if any(len(label) > 40 for label in labels):
        raise ValidationError({"periods": _("Each period must be 40 characters or fewer.")})
    if len(set(labels)) != len(labels):
        raise ValidationError({"periods": _("Each period must appear once.")})
    return labels


def _check_owner(owner: User | None, organisation: Organisation) -> None:
    if owner is not None and not is_member(owner, organisation):
        raise ValidationError({"owner": _("The owner must be a member of this organisation.")})


@transaction.atomic
def org_plan_create(
    *,
    organisation: Organisation,
    title: str,
    period_start: date,
    period_end: date,
    by: User,
    periods: Sequence[str] | None = None,
    channel: Channel = Channel.WEB,
) -> OrgPlan:
    require_manager(organisation, by)
    if not clean(title):
        raise ValidationError({"title": _("Enter a title.")})
    plan = OrgPlan.objects.create(
        organisation=organisation,
        title=clean(title),
        period_start=period_start,
        period_end=period_end,
        periods=_clean_periods(periods, period_start, period_end),
        created_by=by,
        updated_by=by,
    )
    audit_record(
        actor=by,
        action=Action.CREATE,
        channel=channel,
        target=plan,
        organisation_id=organisation.pk,
        summary=f"Created the action plan “{plan.title}”",
    )
    return plan


@transaction.atomic
def org_plan_update(
    *,
    plan: OrgPlan,
    expected_version: int | None,
    by: User,
    title: str,
    period_start: date,
    period_end: date,
    periods: Sequence[str] | None = None,
    channel: Channel = Channel.WEB,
) -> OrgPlan:
    locked = lock(OrgPlan, plan.pk)
    require_manager(plan.organisation, by)
    check_version(
        locked.version, expected_version, lambda: PlanConflict.about(locked, what=_("plan"))
    )
    if not clean(title):
        raise ValidationError({"title": _("Enter a title.")})
    cleaned = _clean_periods(periods, period_start, period_end)
    used = set(ProgressEntry.objects.filter(action__plan=locked).values_list("period", flat=True))
    dropped = sorted(used - set(cleaned))
    if dropped:
        raise ValidationError(
            {
                "periods": _(
                    "Progress has been written for %(periods)s, so keep that period in the list."
                )
                % {"periods": ", ".join(dropped)}
            }
        )
    changed = changed_fields(
        locked,
        {
            "title": clean(title),
            "period_start": period_start,
            "period_end": period_end,
            "periods": cleaned,
        },
    )
    if not changed:
        return locked
    save_edit(
        locked,
        by=by,
        channel=channel,
        organisation_id=locked.organisation_id,
        summary=f"Changed the action plan “{locked.title}”",
        changed=changed,
    )
    return locked


@transaction.atomic
def org_plan_delete(*, plan: OrgPlan, by: User, channel: Channel = Channel.WEB) -> None:
    """Remove a plan nobody has reported progress on yet; one with progress is kept."""
    locked = lock(OrgPlan, plan.pk)
    require_manager(plan.organisation, by)
    if ProgressEntry.objects.filter(action__plan=locked).exists():
        raise ProgressKept(
            _(
                "Progress has been reported on this plan, so it cannot be deleted: its "
                "history is kept. Mark its action points done instead."
            )
        )
    audit_record(
        actor=by,
        action=Action.DELETE,
        channel=channel,
        target=locked,
        organisation_id=locked.organisation_id,
        summary=f"Deleted the action plan “{locked.title}”",
    )
    locked.delete()


def _next_number(taken: Sequence[str], *, prefix: str) -> str:
    """The next free number after ``prefix``: "3" after "1" and "2", "2.4" after "2.3"."""
    highest = len(taken)
    for number in taken:
        tail = number.removeprefix(prefix) if number.startswith(prefix) else ""
        if tail.isdigit():
            highest = max(highest, int(tail))
    return f"{prefix}{highest + 1}"


def _next_position(queryset: models.QuerySet[Any]) -> int:
    highest = queryset.aggregate(top=Max("position"))["top"]
    return 0 if highest is None else int(highest) + 1


@transaction.atomic
def priority_create(
    *,
    plan: OrgPlan,
    title: str,
    by: User,
    number: str = "",
    aim: str = "",
    criterion_ref: str = "",
    channel: Channel = Channel.WEB,
) -> Priority:
    locked = lock(OrgPlan, plan.pk)
    require_manager(plan.organisation, by)
    if not clean(title):
        raise ValidationError({"title": _("Enter a title.")})
    taken = list(locked.priorities.values_list("number", flat=True))
    priority = Priority.objects.create(
        plan=locked,
        number=clean(number) or _next_number(taken, prefix=""),
        title=clean(title),
        aim=clean(aim),
        criterion_ref=clean(criterion_ref),
        position=_next_position(locked.priorities.all()),
        updated_by=by,
    )
    audit_record(
        actor=by,
        action=Action.CREATE,
        channel=channel,
        target=priority,
        organisation_id=locked.organisation_id,
        summary=f"Added priority {priority.number} to “{locked.title}”",
    )
    return priority


@transaction.atomic
def priority_update(
    *,
    priority: Priority,
    expected_version: int | None,
    by: User,
    number: str,
    title: str,
    aim: str = "",
    channel: Channel = Channel.WEB,
) -> Priority:
    locked = lock(Priority, priority.pk)
    require_manager(priority.plan.organisation, by)
    check_version(
        locked.version, expected_version, lambda: PlanConflict.about(locked, what=_("priority"))
    )
    if not clean(title):
        raise ValidationError({"title": _("Enter a title.")})
    changed = changed_fields(
        locked, {"number": clean(number) or locked.number, "title": clean(title), "aim": clean(aim)}
    )
    if not changed:
        return locked
    save_edit(
        locked,
        by=by,
        channel=channel,
        organisation_id=priority.plan.organisation_id,
        summary=f"Changed priority {locked.number}",
        changed=changed,
    )
    return locked


@transaction.atomic
def priority_delete(*, priority: Priority, by: User, channel: Channel = Channel.WEB) -> None:
    """Remove an empty priority; one with actions keeps them safe by refusing."""
    locked = lock(Priority, priority.pk)
    require_manager(priority.plan.organisation, by)
    if locked.actions.exists():
        raise ValidationError(
            _("This priority still has action points. Move or delete them first.")
        )
    audit_record(
        actor=by,
        action=Action.DELETE,
        channel=channel,
        target=locked,
        organisation_id=priority.plan.organisation_id,
        summary=f"Deleted priority {locked.number}",
    )
    locked.delete()


@dataclass(frozen=True)
class ActionInput:
    """What a person or the API gives for an action point."""

    planned_action: str
    number: str = ""
    what_we_will_do: str = ""
    risks: str = ""
    owner: User | None = None
    due_on: date | None = None
    status: str = ActionStatus.OPEN
    criterion_ref: str = ""
    criterion_title: str = ""
    requirement_ref: str = ""


def clean_action(data: ActionInput, organisation: Organisation) -> dict[str, Any]:
    """The action's values as stored, or a ``ValidationError`` (the gaps use it too)."""
    if not clean(data.planned_action):
        raise ValidationError({"planned_action": _("Enter the planned action.")})
    if data.status not in ActionStatus.values:
        raise ValidationError({"status": _("Choose open or done.")})
    _check_owner(data.owner, organisation)
    if clean(data.criterion_ref) and not clean(data.criterion_title):
        raise ValidationError({"criterion_ref": _("The criterion has no name.")})
    return {
        "planned_action": clean(data.planned_action),
        "what_we_will_do": clean(data.what_we_will_do),
        "risks": clean(data.risks),
        "owner": data.owner,
        "due_on": data.due_on,
        "status": data.status,
        "criterion_ref": clean(data.criterion_ref),
        "criterion_title": clean(data.criterion_title),
        "requirement_ref": clean(data.requirement_ref),
    }


def _check_assessment(assessment_id: int | None, organisation: Organisation) -> None:
    """The self-assessment an action comes from must be this organisation's own."""
    if assessment_id is None:
        return
    if not is_assessment_of(organisation, assessment_id):
        raise ValidationError(
            {"source_assessment_id": _("There is no such self-assessment in this organisation.")}
        )


def new_action(
    plan: OrgPlan,
    priority: Priority,
    values: dict[str, Any],
    *,
    number: str,
    by: User,
    source_assessment_id: int | None,
) -> ActionPoint:
    """A new action point, numbered after its priority's others and placed last in the
    plan (the gaps use it too)."""
    taken = list(priority.actions.values_list("number", flat=True))
    return ActionPoint.objects.create(
        plan=plan,
        priority=priority,
        number=clean(number) or _next_number(taken, prefix=f"{priority.number}."),
        position=_next_position(plan.actions.all()),
        source_assessment_id=source_assessment_id,
        updated_by=by,
        **values,
    )


@transaction.atomic
def action_create(
    *,
    priority: Priority,
    data: ActionInput,
    by: User,
    source_assessment_id: int | None = None,
    channel: Channel = Channel.WEB,
) -> ActionPoint:
    plan = lock(OrgPlan, priority.plan_id)
    require_manager(plan.organisation, by)
    values = clean_action(data, plan.organisation)
    _check_assessment(source_assessment_id, plan.organisation)
    action = new_action(
        plan,
        priority,
        values,
        number=data.number,
        by=by,
        source_assessment_id=source_assessment_id,
    )
    audit_record(
        actor=by,
        action=Action.CREATE,
        channel=channel,
        target=action,
        organisation_id=plan.organisation_id,
        summary=f"Added action point {action.number} to “{plan.title}”",
    )
    return action


@transaction.atomic
def action_update(
    *,
    action: ActionPoint,
    expected_version: int | None,
    data: ActionInput,
    by: User,
    priority: Priority | None = None,
    channel: Channel = Channel.WEB,
) -> ActionPoint:
    """Change an action point, optionally moving it to another priority of the same plan."""
    locked = lock(ActionPoint, action.pk)
    organisation = action.plan.organisation
    require_manager(organisation, by)
    check_version(
        locked.version, expected_version, lambda: PlanConflict.about(locked, what=_("action point"))
    )
    if priority is not None and priority.plan_id != locked.plan_id:
        raise ValidationError({"priority": _("Choose a priority of this plan.")})
    values = clean_action(data, organisation)
    values["number"] = clean(data.number) or locked.number
    if priority is not None:
        values["priority"] = priority
    changed = changed_fields(locked, values)
    if not changed:
        return locked
    if {"owner", "due_on", "status"} & set(changed):
        # A new owner, date or reopening deserves its own reminder.
        locked.reminder_sent_for = None
    save_edit(
        locked,
        by=by,
        channel=channel,
        organisation_id=organisation.pk,
        summary=f"Changed action point {locked.number}",
        changed=changed,
    )
    return locked


@transaction.atomic
def action_delete(*, action: ActionPoint, by: User, channel: Channel = Channel.WEB) -> None:
    """Remove an action point nobody has reported progress on yet; one with progress is kept."""
    locked = lock(ActionPoint, action.pk)
    require_manager(action.plan.organisation, by)
    if locked.progress.exists():
        raise ProgressKept(
            _(
                "Progress has been reported on this action point, so it cannot be deleted: "
                "its history is kept. Mark it done instead."
            )
        )
    audit_record(
        actor=by,
        action=Action.DELETE,
        channel=channel,
        target=locked,
        organisation_id=action.plan.organisation_id,
        summary=f"Deleted action point {locked.number}",
    )
    locked.delete()


@transaction.atomic
def progress_add(
    *,
    action: ActionPoint,
    period: str,
    text: str,
    rag: str,
    by: User,
    channel: Channel = Channel.WEB,
) -> ProgressEntry:
    """Add what happened in a period. Earlier entries stay; the newest is the one shown."""
    locked = lock(ActionPoint, action.pk)
    locked.plan = action.plan
    if not by.has_perm("plans.add_progress", locked):
        raise PermissionDenied("Only HR and the action's owner report progress")
    if period not in locked.plan.periods:
        raise ValidationError({"period": _("Choose one of the plan's periods.")})
    if rag not in Rag.values:
        raise ValidationError({"rag": _("Choose red, amber or green.")})
    if not clean(text):
        raise ValidationError({"text": _("Say what has happened.")})
    entry = ProgressEntry.objects.create(
        action=locked, period=period, text=clean(text), rag=rag, by=by, by_name=display_name(by)
    )
    audit_record(
        actor=by,
        action=Action.CREATE,
        channel=channel,
        target=entry,
        organisation_id=locked.plan.organisation_id,
        summary=f"Reported progress on action point {locked.number} for {period} ({rag})",
    )
    return entry
