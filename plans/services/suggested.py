"""Writes that put an action another app suggests into the organisation's plan (``plans.public``
offers them to communications' awareness-day prompts)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import Action, Channel
from audit.services import audit_record
from organisations.models import Organisation
from plans.gaps import PlanSummary
from plans.models import ActionPoint, OrgPlan
from plans.services._common import require_manager
from plans.services.gaps import a_year_on
from plans.services.org import (
    ActionInput,
    clean_action,
    new_action,
    org_plan_create,
    priority_create,
)
from plans.suggestions import SuggestedAction, SuggestionAdded
from shared.dates import long_date
from shared.writes import lock


def _plan_for(organisation: Organisation, day: date) -> OrgPlan | None:
    """The plan whose period covers ``day`` (the one starting last, if several), else the
    newest plan."""
    plans = OrgPlan.objects.filter(organisation=organisation).order_by("-period_start", "-id")
    return plans.filter(period_start__lte=day, period_end__gte=day).first() or plans.first()


@transaction.atomic
def suggestion_into_plan(
    *,
    organisation: Organisation,
    suggestion: SuggestedAction,
    by: User,
    channel: Channel = Channel.WEB,
) -> SuggestionAdded:
    """Add a suggested action to the organisation's plan, under a priority of the given title.

    The plan is the one running on the action's due day, else the newest; with no plan at all
    one is made for the coming year. A suggestion already in any of the organisation's plans
    (done or not) is not added again. The organisation's row is locked, so two requests at
    once cannot both add it.
    """
    require_manager(organisation, by)
    lock(Organisation, organisation.pk)
    existing = (
        ActionPoint.objects.filter(plan__organisation=organisation, requirement_ref=suggestion.ref)
        .select_related("plan")
        .first()
    )
    if existing is not None:
        return SuggestionAdded(plan=PlanSummary.of(existing.plan), added=False, plan_created=False)
    today = timezone.localdate()
    plan = _plan_for(organisation, suggestion.due_on or today)
    created = plan is None
    if plan is None:
        plan = org_plan_create(
            organisation=organisation,
            title=_("Action plan from %(date)s") % {"date": long_date(today)},
            period_start=today,
            period_end=a_year_on(today),
            by=by,
            channel=channel,
        )
    locked = lock(OrgPlan, plan.pk)
    priority = locked.priorities.filter(title=suggestion.priority_title).first()
    if priority is None:
        priority = priority_create(
            plan=locked, title=suggestion.priority_title, by=by, channel=channel
        )
    values = clean_action(
        ActionInput(
            planned_action=suggestion.planned_action,
            what_we_will_do=suggestion.what_we_will_do,
            due_on=suggestion.due_on,
            requirement_ref=suggestion.ref,
        ),
        organisation,
    )
    action = new_action(locked, priority, values, number="", by=by, source_assessment_id=None)
    audit_record(
        actor=by,
        action=Action.CREATE,
        channel=channel,
        target=action,
        organisation_id=organisation.pk,
        summary=f"Added the suggested action point {action.number} to “{locked.title}”",
    )
    return SuggestionAdded(plan=PlanSummary.of(locked), added=True, plan_created=created)
