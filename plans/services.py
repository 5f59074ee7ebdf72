"""Writes to action plans. Pages, the API, commands and ``benchmarks`` (through
``plans.public``) all come here.

Every write checks who may make it (the API and other apps call these too), runs in a
transaction and is audited. Edits carry the version the person was looking at: if
someone else saved in between, nothing is written and ``PlanConflict`` says who changed
it and when (trust rule 8).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import display_name
from audit.models import Action, Channel
from audit.services import audit_record
from organisations.models import Membership, Organisation
from plans.criteria import is_assessment_of
from plans.gaps import Gap, GapsAdded, PlanSummary
from plans.models import (
    ActionPoint,
    ActionStatus,
    OrgPlan,
    PersonalPlan,
    PersonalPlanRow,
    PersonalPlanShare,
    Priority,
    ProgressEntry,
    Rag,
)
from plans.selectors import latest_plan_made_from
from shared.dates import long_date, long_datetime
from shared.writes import EditConflict, RuleError, check_version, lock

MAX_ROWS = 30
MAX_PERIODS = 20


class PlanConflict(EditConflict):
    """Someone else saved this after the person opened their copy; nothing was written."""

    def __init__(self, *, what: str, by_name: str, at: Any, current_version: int) -> None:
        when = long_datetime(at) if at else ""
        super().__init__(
            _(
                "%(who)s changed this %(what)s at %(when)s, after you opened it. Nothing has "
                "been saved. Check what is there now, then save again if you still want your "
                "changes."
            )
            % {"who": by_name, "what": what, "when": when},
            current_version=current_version,
        )

    @classmethod
    def about(
        cls, record: PersonalPlan | OrgPlan | Priority | ActionPoint, *, what: str
    ) -> PlanConflict:
        """The conflict over ``record`` as it is now: who saved it last, and when. A
        personal plan is only ever changed by its owner."""
        by = record.owner if isinstance(record, PersonalPlan) else record.updated_by
        return cls(
            what=what,
            by_name=display_name(by),
            at=record.updated_at,
            current_version=record.version,
        )


class ProgressKept(RuleError):
    """A delete refused because progress has been reported: the history stays (the model
    promises it), so nothing was deleted. Mark the action done, or keep the plan."""

    status = 409
    title = "Progress has been reported"

    def __init__(self, message: str) -> None:
        super().__init__("has_progress", message)


def _changed_fields(instance: models.Model, values: dict[str, Any]) -> list[str]:
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, values[name])
    return changed


def _text(value: str | None) -> str:
    return (value or "").strip()


def _is_member(user: User, organisation: Organisation) -> bool:
    return Membership.objects.with_power().filter(user=user, organisation=organisation).exists()


# --- Personal plans --------------------------------------------------------------------------


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
        if not _text(row.action):
            raise ValidationError(
                {"rows": _("Row %(n)s: say what you are going to do.") % {"n": index}}
            )
        if row.criterion_ref and not _text(row.criterion_title):
            raise ValidationError(
                {"rows": _("Row %(n)s: the criterion has no name.") % {"n": index}}
            )
        cleaned.append(row)
    return cleaned


def _check_personal(title: str) -> None:
    if not _text(title):
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
            "criterion_ref": _text(given.criterion_ref),
            "criterion_title": _text(given.criterion_title),
            "action": _text(given.action),
            "help_from": _text(given.help_from),
            "due_on": given.due_on,
            "due_note": _text(given.due_note),
            "done": given.done,
        }
        # A row removed meanwhile (in another tab) comes back as new: what was typed stays.
        current = existing.get(given.id) if given.id is not None else None
        if current is None:
            PersonalPlanRow.objects.create(plan=plan, **values)
            wrote = True
            continue
        kept.add(current.pk)
        changed = _changed_fields(current, values)
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
    if not _is_member(by, organisation):
        raise PermissionDenied("Only members of the organisation have plans in it")
    _check_personal(title)
    cleaned = _clean_rows(rows)
    plan = PersonalPlan.objects.create(
        organisation=organisation,
        owner=by,
        title=_text(title),
        goal=_text(goal),
        first_step=_text(first_step),
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
    changed = _changed_fields(
        locked,
        {
            "title": _text(title),
            "goal": _text(goal),
            "first_step": _text(first_step),
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
    wanted = _text(email)
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


# --- Organisational plans --------------------------------------------------------------------


def financial_years(start: date, end: date) -> list[str]:
    """UK financial years (1 April to 31 March) that the dates span, as "2026/27"."""

    def year_of(day: date) -> int:
        return day.year if day.month >= 4 else day.year - 1

    first, last = year_of(start), year_of(end)
    return [f"{year}/{(year + 1) % 100:02d}" for year in range(first, last + 1)][:MAX_PERIODS]


def _a_year_on(day: date) -> date:
    """The day before the same date next year: a plan for the coming twelve months."""
    try:
        following = day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        following = day.replace(year=day.year + 1, day=28)
    return following - timedelta(days=1)


def _clean_periods(periods: Sequence[str] | None, start: date, end: date) -> list[str]:
    if end < start:
        raise ValidationError({"period_end": _("The end must be on or after the start.")})
    labels = [_text(p) for p in (periods or []) if _text(p)]
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


def _require_manager(organisation: Organisation, by: User) -> None:
    if not by.has_perm("plans.manage_org_plans", organisation):
        raise PermissionDenied("Only HR admins and organisation admins change plans")


def _check_owner(owner: User | None, organisation: Organisation) -> None:
    if owner is not None and not _is_member(owner, organisation):
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
    _require_manager(organisation, by)
    if not _text(title):
        raise ValidationError({"title": _("Enter a title.")})
    plan = OrgPlan.objects.create(
        organisation=organisation,
        title=_text(title),
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
    _require_manager(plan.organisation, by)
    check_version(
        locked.version, expected_version, lambda: PlanConflict.about(locked, what=_("plan"))
    )
    if not _text(title):
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
    changed = _changed_fields(
        locked,
        {
            "title": _text(title),
            "period_start": period_start,
            "period_end": period_end,
            "periods": cleaned,
        },
    )
    if not changed:
        return locked
    locked.version += 1
    locked.updated_by = by
    locked.save()
    audit_record(
        actor=by,
        action=Action.UPDATE,
        channel=channel,
        target=locked,
        organisation_id=locked.organisation_id,
        summary=f"Changed the action plan “{locked.title}”",
        changes={"fields": changed},
    )
    return locked


@transaction.atomic
def org_plan_delete(*, plan: OrgPlan, by: User, channel: Channel = Channel.WEB) -> None:
    """Remove a plan nobody has reported progress on yet; one with progress is kept."""
    locked = lock(OrgPlan, plan.pk)
    _require_manager(plan.organisation, by)
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
    _require_manager(plan.organisation, by)
    if not _text(title):
        raise ValidationError({"title": _("Enter a title.")})
    taken = list(locked.priorities.values_list("number", flat=True))
    priority = Priority.objects.create(
        plan=locked,
        number=_text(number) or _next_number(taken, prefix=""),
        title=_text(title),
        aim=_text(aim),
        criterion_ref=_text(criterion_ref),
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
    _require_manager(priority.plan.organisation, by)
    check_version(
        locked.version, expected_version, lambda: PlanConflict.about(locked, what=_("priority"))
    )
    if not _text(title):
        raise ValidationError({"title": _("Enter a title.")})
    changed = _changed_fields(
        locked, {"number": _text(number) or locked.number, "title": _text(title), "aim": _text(aim)}
    )
    if not changed:
        return locked
    locked.version += 1
    locked.updated_by = by
    locked.save()
    audit_record(
        actor=by,
        action=Action.UPDATE,
        channel=channel,
        target=locked,
        organisation_id=priority.plan.organisation_id,
        summary=f"Changed priority {locked.number}",
        changes={"fields": changed},
    )
    return locked


@transaction.atomic
def priority_delete(*, priority: Priority, by: User, channel: Channel = Channel.WEB) -> None:
    """Remove an empty priority; one with actions keeps them safe by refusing."""
    locked = lock(Priority, priority.pk)
    _require_manager(priority.plan.organisation, by)
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


def _clean_action(data: ActionInput, organisation: Organisation) -> dict[str, Any]:
    if not _text(data.planned_action):
        raise ValidationError({"planned_action": _("Enter the planned action.")})
    if data.status not in ActionStatus.values:
        raise ValidationError({"status": _("Choose open or done.")})
    _check_owner(data.owner, organisation)
    if _text(data.criterion_ref) and not _text(data.criterion_title):
        raise ValidationError({"criterion_ref": _("The criterion has no name.")})
    return {
        "planned_action": _text(data.planned_action),
        "what_we_will_do": _text(data.what_we_will_do),
        "risks": _text(data.risks),
        "owner": data.owner,
        "due_on": data.due_on,
        "status": data.status,
        "criterion_ref": _text(data.criterion_ref),
        "criterion_title": _text(data.criterion_title),
        "requirement_ref": _text(data.requirement_ref),
    }


def _check_assessment(assessment_id: int | None, organisation: Organisation) -> None:
    """The self-assessment an action comes from must be this organisation's own."""
    if assessment_id is None:
        return
    if not is_assessment_of(organisation, assessment_id):
        raise ValidationError(
            {"source_assessment_id": _("There is no such self-assessment in this organisation.")}
        )


def _new_action(
    plan: OrgPlan,
    priority: Priority,
    values: dict[str, Any],
    *,
    number: str,
    by: User,
    source_assessment_id: int | None,
) -> ActionPoint:
    taken = list(priority.actions.values_list("number", flat=True))
    return ActionPoint.objects.create(
        plan=plan,
        priority=priority,
        number=_text(number) or _next_number(taken, prefix=f"{priority.number}."),
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
    _require_manager(plan.organisation, by)
    values = _clean_action(data, plan.organisation)
    _check_assessment(source_assessment_id, plan.organisation)
    action = _new_action(
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
    _require_manager(organisation, by)
    check_version(
        locked.version, expected_version, lambda: PlanConflict.about(locked, what=_("action point"))
    )
    if priority is not None and priority.plan_id != locked.plan_id:
        raise ValidationError({"priority": _("Choose a priority of this plan.")})
    values = _clean_action(data, organisation)
    values["number"] = _text(data.number) or locked.number
    if priority is not None:
        values["priority"] = priority
    changed = _changed_fields(locked, values)
    if not changed:
        return locked
    if {"owner", "due_on", "status"} & set(changed):
        # A new owner, date or reopening deserves its own reminder.
        locked.reminder_sent_for = None
    locked.version += 1
    locked.updated_by = by
    locked.save()
    audit_record(
        actor=by,
        action=Action.UPDATE,
        channel=channel,
        target=locked,
        organisation_id=organisation.pk,
        summary=f"Changed action point {locked.number}",
        changes={"fields": changed},
    )
    return locked


@transaction.atomic
def action_delete(*, action: ActionPoint, by: User, channel: Channel = Channel.WEB) -> None:
    """Remove an action point nobody has reported progress on yet; one with progress is kept."""
    locked = lock(ActionPoint, action.pk)
    _require_manager(action.plan.organisation, by)
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
    if not _text(text):
        raise ValidationError({"text": _("Say what has happened.")})
    entry = ProgressEntry.objects.create(
        action=locked, period=period, text=_text(text), rag=rag, by=by, by_name=display_name(by)
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


# --- From a self-assessment ------------------------------------------------------------------


@transaction.atomic
def org_plan_add_gaps(
    *,
    organisation: Organisation,
    gaps: Sequence[Gap],
    by: User,
    plan: OrgPlan | None = None,
    title: str | None = None,
) -> OrgPlan:
    """Turn what a self-assessment found missing into action points, one per requirement.

    Without ``plan`` a new plan is made for the coming year(s). Each criterion becomes a
    priority (reused if the plan already has one for it) and each unmet requirement an
    action linked back to the criterion, the requirement and the assessment. A requirement
    that already has an open action in the plan is not added twice, so running it again
    after a new assessment only adds what is new.
    """
    _require_manager(organisation, by)
    if plan is None:
        today = timezone.localdate()
        plan = org_plan_create(
            organisation=organisation,
            title=_text(title) or _("Benchmark action plan, %(date)s") % {"date": long_date(today)},
            period_start=today,
            period_end=_a_year_on(today),
            by=by,
        )
    elif plan.organisation_id != organisation.pk:
        raise Http404
    locked = lock(OrgPlan, plan.pk)
    locked.organisation = organisation
    open_refs = set(
        locked.actions.filter(status=ActionStatus.OPEN)
        .exclude(requirement_ref="")
        .values_list("requirement_ref", flat=True)
    )
    priorities = {p.criterion_ref: p for p in locked.priorities.exclude(criterion_ref="")}
    added = 0
    for gap in gaps:
        if gap.requirement_ref in open_refs:
            continue
        priority = priorities.get(gap.criterion_ref)
        if priority is None:
            priority = priority_create(
                plan=locked,
                title=gap.criterion_title,
                criterion_ref=gap.criterion_ref,
                by=by,
            )
            priorities[gap.criterion_ref] = priority
        values = _clean_action(
            ActionInput(
                planned_action=gap.requirement_text,
                criterion_ref=gap.criterion_ref,
                criterion_title=gap.criterion_title,
                requirement_ref=gap.requirement_ref,
            ),
            organisation,
        )
        action = _new_action(
            locked,
            priority,
            values,
            number="",
            by=by,
            source_assessment_id=gap.assessment_id,
        )
        audit_record(
            actor=by,
            action=Action.CREATE,
            channel=Channel.WEB,
            target=action,
            organisation_id=organisation.pk,
            summary=(
                f"Added action point {action.number} for the unmet requirement "
                f"{gap.requirement_ref} ({gap.level_name})"
            ),
        )
        open_refs.add(gap.requirement_ref)
        added += 1
    return locked


class PlanMadeMeanwhile(EditConflict):
    """A new plan was asked for, but one was made from the same assessments after the page
    was opened: most likely the same form sent twice. ``current_version`` is that plan's id,
    the newest one the person has now been shown."""

    def __init__(self, plan: PlanSummary) -> None:
        super().__init__(
            _(
                "The action plan “%(title)s” was made from these gaps after you opened this "
                "page. It is now chosen below: add the actions to it, or choose a new action "
                "plan again."
            )
            % {"title": plan.title},
            current_version=plan.id,
        )
        self.plan = plan


@transaction.atomic
def gaps_into_plan(
    *,
    organisation: Organisation,
    gaps: Sequence[Gap],
    by: User,
    plan_id: int | None,
    title: str | None = None,
    seen_plan_id: int | None = None,
    assessment_ids: Collection[int] = (),
) -> GapsAdded:
    """Put the gaps into the plan ``plan_id`` (another organisation's is a 404), or into a
    new plan when it is None (``org_plan_add_gaps``), and say how many actions were added.

    ``seen_plan_id`` is the newest plan made from ``assessment_ids`` when the person chose
    (0 for none): if a newer one exists, a new plan is refused with ``PlanMadeMeanwhile``
    rather than made twice. The organisation's row is locked, so two requests cannot both
    pass that check.
    """
    lock(Organisation, organisation.pk)
    if plan_id is None and seen_plan_id is not None:
        newer = latest_plan_made_from(organisation=organisation, assessment_ids=assessment_ids)
        if newer is not None and newer.id > seen_plan_id:
            raise PlanMadeMeanwhile(newer)
    plan = None
    before = 0
    if plan_id is not None:
        plan = lock(OrgPlan.objects.filter(organisation=organisation), plan_id)
        before = ActionPoint.objects.filter(plan=plan).count()
    made = org_plan_add_gaps(organisation=organisation, gaps=gaps, by=by, plan=plan, title=title)
    added = ActionPoint.objects.filter(plan=made).count() - before
    return GapsAdded(plan=PlanSummary.of(made), created=plan is None, added=added)
