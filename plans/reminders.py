"""Emails before a plan date comes round, to whoever has to act.

- The owner of an open action point, ``PLAN_ACTION_REMINDER_DAYS`` days before it is due
  (or at once if the date was set closer than that).
- The owner of a personal plan, the same number of days before a row's date and before
  the date of their first step.

Each reminder goes once per date: the date reminded is recorded on the row, so a daily
run (or two runs on the same day) never sends it twice, and moving the date brings a
new reminder for the new date.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q

from carershub.emails import send_templated
from plans.models import ActionPoint, ActionStatus, PersonalPlan, PersonalPlanRow


def _window(today: date) -> tuple[date, date]:
    return today, today + timedelta(days=settings.PLAN_ACTION_REMINDER_DAYS)


def _claim(model: type[models.Model], pk: int, *, sent: str, due: str) -> date | None:
    """Record, under a row lock, that the reminder for the current date is going out.
    ``None`` if another run already sent it or the date moved meanwhile."""
    manager = model._default_manager
    with transaction.atomic():
        locked = manager.select_for_update().filter(pk=pk).first()
        when: date | None = getattr(locked, due, None)
        if locked is None or when is None or getattr(locked, sent) == when:
            return None
        manager.filter(pk=pk).update(**{sent: when})
        return when


def action_due_reminders(*, today: date) -> int:
    """Remind owners of open action points due soon. Returns emails queued."""
    start, end = _window(today)
    due = (
        ActionPoint.objects.filter(
            status=ActionStatus.OPEN,
            due_on__gte=start,
            due_on__lte=end,
            owner__isnull=False,
            owner__is_active=True,
        )
        .filter(owner__memberships__organisation=F("plan__organisation"))
        .exclude(reminder_sent_for=F("due_on"))
        .select_related("owner", "plan__organisation")
        .distinct()
    )
    sent = 0
    for action in due:
        when = _claim(ActionPoint, action.pk, sent="reminder_sent_for", due="due_on")
        if when is None or action.owner is None:
            continue
        send_templated(
            template="plan_action_due",
            to=[action.owner.email],
            context={
                "action": action,
                "plan": action.plan,
                "organisation": action.plan.organisation,
                "due_on": when,
                "days_left": (when - today).days,
            },
        )
        sent += 1
    return sent


def personal_plan_reminders(*, today: date) -> int:
    """Remind people of the dates in their own plans: rows not done, and first steps."""
    start, end = _window(today)
    sent = 0
    rows = (
        PersonalPlanRow.objects.filter(
            done=False, due_on__gte=start, due_on__lte=end, plan__owner__is_active=True
        )
        .exclude(reminder_sent_for=F("due_on"))
        .select_related("plan__owner", "plan__organisation")
    )
    for row in rows:
        when = _claim(PersonalPlanRow, row.pk, sent="reminder_sent_for", due="due_on")
        if when is None:
            continue
        send_templated(
            template="personal_plan_date",
            to=[row.plan.owner.email],
            context={
                "plan": row.plan,
                "organisation": row.plan.organisation,
                "what": row.action,
                "due_on": when,
                "days_left": (when - today).days,
            },
        )
        sent += 1
    plans = (
        PersonalPlan.objects.filter(
            first_step_on__gte=start, first_step_on__lte=end, owner__is_active=True
        )
        .exclude(Q(first_step="") | Q(first_step_reminder_sent_for=F("first_step_on")))
        .select_related("owner", "organisation")
    )
    for plan in plans:
        when = _claim(
            PersonalPlan, plan.pk, sent="first_step_reminder_sent_for", due="first_step_on"
        )
        if when is None:
            continue
        send_templated(
            template="personal_plan_date",
            to=[plan.owner.email],
            context={
                "plan": plan,
                "organisation": plan.organisation,
                "what": plan.first_step,
                "first_step": True,
                "due_on": when,
                "days_left": (when - today).days,
            },
        )
        sent += 1
    return sent
