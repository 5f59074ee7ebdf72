"""A private iCalendar feed (RFC 5545) of one person's plan dates in one organisation.

It holds the organisation's action points the person owns and the dated rows and first
steps of their own personal plans: nothing anyone else wrote about themselves.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime

from django.db import transaction
from icalendar import Event

from accounts.models import User
from audit.models import Action, Channel
from audit.services import audit_record
from organisations.models import Membership, Organisation
from plans.models import ActionPoint, ActionStatus, PersonalPlan, PersonalPlanRow, PlanCalendarFeed
from shared.calendars import (
    all_day_event,
    calendar_bytes,
    feed_first_read_today,
    feed_stamp,
    new_calendar,
)

SUMMARY_LENGTH = 80


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _short(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= SUMMARY_LENGTH else line[: SUMMARY_LENGTH - 1] + "…"


@transaction.atomic
def plan_calendar_feed_renew(*, user: User, organisation: Organisation) -> str:
    """Make a new secret link (the old one stops working) and return its token. Audited,
    because the link shows the person's plan dates to whoever holds it."""
    token = secrets.token_urlsafe(32)
    feed, created = PlanCalendarFeed.objects.update_or_create(
        user=user,
        organisation=organisation,
        defaults={"token_hash": _hash(token), "last_read_on": None},
    )
    audit_record(
        actor=user,
        action=Action.CREATE if created else Action.UPDATE,
        channel=Channel.WEB,
        target=feed,
        organisation_id=organisation.pk,
        summary="Made a calendar link for action plans"
        if created
        else "Made a new calendar link for action plans; the old one stopped",
    )
    return token


def plan_calendar_feed_for(token: str) -> PlanCalendarFeed | None:
    """The feed for a secret, while its owner still belongs to the organisation."""
    feed = (
        PlanCalendarFeed.objects.select_related("user", "organisation")
        .filter(token_hash=_hash(token))
        .first()
    )
    if feed is None or not feed.user.is_active:
        return None
    if (
        not Membership.objects.with_power()
        .filter(user=feed.user, organisation=feed.organisation)
        .exists()
    ):
        return None
    return feed


def plan_calendar_feed_read(*, feed: PlanCalendarFeed) -> bytes:
    """The feed for a calendar app. The first read of each day is audited (a calendar app
    polls every few minutes: ``shared.calendars.feed_first_read_today``): nobody signs in,
    so the entry says the private link was used, not who used it."""
    with transaction.atomic():
        if feed_first_read_today(feed):
            audit_record(
                actor=None,
                action=Action.VIEW,
                channel=Channel.WEB,
                target=feed,
                organisation_id=feed.organisation_id,
                summary="Action plans calendar feed read through its private link (the first "
                "read today; a calendar app polls all day)",
            )
    return plan_calendar_for(user=feed.user, organisation=feed.organisation)


def _due(*, uid: str, summary: str, day: date | None, description: str, stamp: datetime) -> Event:
    assert day is not None  # the queries ask for dated rows only
    # A due date, not time away: the day stays free.
    return all_day_event(
        uid=uid,
        summary=summary,
        first_day=day,
        stamp=stamp,
        description=description,
        transparent=True,
    )


def plan_calendar_for(*, user: User, organisation: Organisation) -> bytes:
    calendar = new_calendar(product="Action plans", name=f"My actions, {organisation.name}")
    stamp = feed_stamp()
    actions = (
        ActionPoint.objects.filter(
            plan__organisation=organisation,
            owner=user,
            status=ActionStatus.OPEN,
            due_on__isnull=False,
        )
        .select_related("plan")
        .order_by("due_on", "id")
    )
    for action in actions:
        calendar.add_component(
            _due(
                uid=f"plan-action-{action.pk}@working-carers-hub",
                summary=f"Action {action.number} due: {_short(action.planned_action)}",
                day=action.due_on,
                description=f"{action.plan.title}\n\n{action.planned_action}",
                stamp=stamp,
            )
        )
    rows = (
        PersonalPlanRow.objects.filter(
            plan__organisation=organisation, plan__owner=user, done=False, due_on__isnull=False
        )
        .select_related("plan")
        .order_by("due_on", "id")
    )
    for row in rows:
        calendar.add_component(
            _due(
                uid=f"personal-plan-row-{row.pk}@working-carers-hub",
                summary=f"My plan: {_short(row.action)}",
                day=row.due_on,
                description=f"{row.plan.title}\n\n{row.action}",
                stamp=stamp,
            )
        )
    first_steps = PersonalPlan.objects.filter(
        organisation=organisation, owner=user, first_step_on__isnull=False
    ).exclude(first_step="")
    for plan in first_steps:
        calendar.add_component(
            _due(
                uid=f"personal-plan-first-step-{plan.pk}@working-carers-hub",
                summary=f"First step: {_short(plan.first_step)}",
                day=plan.first_step_on,
                description=f"{plan.title}\n\n{plan.first_step}",
                stamp=stamp,
            )
        )
    return calendar_bytes(calendar)
