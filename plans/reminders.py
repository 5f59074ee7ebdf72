"""Emails before a plan date comes round, to whoever has to act.

- The owner of an open action point, ``PLAN_ACTION_REMINDER_DAYS`` days before it is due
  (or at once if the date was set closer than that).
- The owner of a personal plan, the same number of days before a row's date and before
  the date of their first step.

Each reminder goes once per date: the date reminded is recorded on the row, so a daily
run (or two runs on the same day) never sends it twice, and moving the date brings a
new reminder for the new date (so do a new owner and reopening: see ``plans.services``).
Recording the date and queueing the email happen in one transaction: if the email
cannot be rendered or queued, the record is rolled back and the next run tries again.
Only people still in the organisation are reminded.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Exists, F, OuterRef, Q

from carershub.emails import send_templated
from organisations.models import Membership
from plans.models import ActionPoint, ActionStatus, PersonalPlan, PersonalPlanRow

logger = logging.getLogger(__name__)


def _window(today: date) -> tuple[date, date]:
    return today, today + timedelta(days=settings.PLAN_ACTION_REMINDER_DAYS)


def _claim(model: type[models.Model], pk: int, *, sent: str, due: str) -> date | None:
    """Record, under a row lock, that the reminder for the current date is going out.
    ``None`` if another run already sent it or the date moved meanwhile. Call it inside
    the transaction that also queues the email (``_send_each``)."""
    manager = model._default_manager
    locked = manager.select_for_update().filter(pk=pk).first()
    when: date | None = getattr(locked, due, None)
    if locked is None or when is None or getattr(locked, sent) == when:
        return None
    manager.filter(pk=pk).update(**{sent: when})
    return when


def _send_each[M: models.Model](
    items: Iterable[M], *, sent: str, due: str, send: Callable[[M, date], None]
) -> int:
    """Claim and queue each reminder in one transaction, so a failure to render or queue
    one rolls its claim back (it goes on the next run) without stopping the others."""
    queued = 0
    for item in items:
        try:
            with transaction.atomic():
                when = _claim(type(item), item.pk, sent=sent, due=due)
                if when is None:
                    continue
                send(item, when)
        except Exception:
            logger.exception("Plan reminder for %s %s not queued", type(item).__name__, item.pk)
            continue
        queued += 1
    return queued


def _still_member(user: str, organisation: str) -> Exists:
    """The person at ``user`` still belongs to the organisation at ``organisation``."""
    return Exists(
        Membership.objects.filter(user=OuterRef(user), organisation=OuterRef(organisation))
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

    return _send_each(due, sent="reminder_sent_for", due="due_on", send=send)


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

    return _send_each(rows, sent="reminder_sent_for", due="due_on", send=send_row) + _send_each(
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
