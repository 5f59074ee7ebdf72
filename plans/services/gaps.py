"""Writes that turn what a benchmark self-assessment found missing into action points
(``plans.public`` offers them to benchmarks)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, timedelta

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import Action, Channel
from audit.services import audit_record
from organisations.models import Organisation
from plans.gaps import Gap, GapsAdded, PlanSummary
from plans.models import ActionPoint, ActionStatus, OrgPlan
from plans.selectors import latest_plan_made_from
from plans.services._common import clean, require_manager
from plans.services.org import (
    ActionInput,
    clean_action,
    new_action,
    org_plan_create,
    priority_create,
)
from shared.dates import long_date
from shared.writes import EditConflict, lock


def a_year_on(day: date) -> date:
    """The day before the same date next year: a plan for the coming twelve months."""
    try:
        following = day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        following = day.replace(year=day.year + 1, day=28)
    return following - timedelta(days=1)


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
    require_manager(organisation, by)
    if plan is None:
        today = timezone.localdate()
        plan = org_plan_create(
            organisation=organisation,
            title=clean(title) or _("Benchmark action plan, %(date)s") % {"date": long_date(today)},
            period_start=today,
            period_end=a_year_on(today),
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
        values = clean_action(
            ActionInput(
                planned_action=gap.requirement_text,
                criterion_ref=gap.criterion_ref,
                criterion_title=gap.criterion_title,
                requirement_ref=gap.requirement_ref,
            ),
            organisation,
        )
        action = new_action(
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
