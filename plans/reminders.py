"""Emails before a plan date comes round, to whoever has to act.

- The owner of an open action point, ``PLAN_ACTION_REMINDER_DAYS`` days before it is due
  (or at once if the date was set closer than that).
- The owner of a personal plan, the same number of days before a row's date and before
  the date of their first step.

Each reminder goes once per date (``shared.reminders``: the date is claimed and the
email queued in one transaction); a new owner and reopening bring a new reminder too (see
``plans.services``). Only people still in the organisation are reminded.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q

from organisations.models import Membership
from plans.models import ActionPoint, ActionStatus, PersonalPlan, PersonalPlanRow
from shared.emails import send_templated
from shared.reminders import send_each


def _window(today: date) -> tuple[date, date]:
    return today, today + timedelta(days=settings.PLAN_ACTION_REMINDER_DAYS)


def _still_member(user: str, organisation: str) -> Exists:
    """The person at ``user`` still belongs to the organisation at ``organisation``."""
    return Exists(
        Membership.objects.with_power().filter(
            user=OuterRef(user), organisation=OuterRef(organisation)
        )
    )


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
        .filter(_still_member("owner", "plan__organisation"))
        .exclude(reminder_sent_for=F("due_on"))
        .select_related("owner", "plan__organisation")
    )

    def send(action: ActionPoint, when: date) -> None:
        assert action.owner is not None  # filtered above
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

    return send_each(due, sent="reminder_sent_for", due="due_on", send=send)


def personal_plan_reminders(*, today: date) -> int:
    """Remind people of the dates in their own plans: rows not done, and first steps."""
    start, end = _window(today)
    rows = (
        PersonalPlanRow.objects.filter(
            done=False, due_on__gte=start, due_on__lte=end, plan__owner__is_active=True
        )
        .filter(_still_member("plan__owner", "plan__organisation"))
        .exclude(reminder_sent_for=F("due_on"))
        .select_related("plan__owner", "plan__organisation")
    )

    def send_row(row: PersonalPlanRow, when: date) -> None:
        send_templated(
            template="personal_plan_date",
            to=[row.plan.owner.email],
            context=_personal_context(row.plan, what=row.action, when=when, today=today),
        )

    plans = (
        PersonalPlan.objects.filter(
            first_step_on__gte=start, first_step_on__lte=end, owner__is_active=True
        )
        .filter(_still_member("owner", "organisation"))
        .exclude(Q(first_step="") | Q(first_step_reminder_sent_for=F("first_step_on")))
        .select_related("owner", "organisation")
    )

    def send_first_step(plan: PersonalPlan, when: date) -> None:
        send_templated(
            template="personal_plan_date",
            to=[plan.owner.email],
            context={
                **_personal_context(plan, what=plan.first_step, when=when, today=today),
                "first_step": True,
            },
        )

    return send_each(rows, sent="reminder_sent_for", due="due_on", send=send_row) + send_each(
        plans, sent="first_step_reminder_sent_for", due="first_step_on", send=send_first_step
    )


def _personal_context(plan: PersonalPlan, *, what: str, when: date, today: date) -> dict[str, Any]:
    return {
        "plan": plan,
        "organisation": plan.organisation,
        "what": what,
        "due_on": when,
        "days_left": (when - today).days,
    }
