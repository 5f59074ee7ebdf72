"""Reads of action plans. Each takes the viewer, and access functions decide 404 or 403."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, F, OuterRef, Prefetch, QuerySet, Subquery
from django.http import Http404

from accounts.models import User
from organisations.models import Organisation
from plans.gaps import PlanOption, PlanSummary
from plans.models import (
    OPEN_SHARES,
    ActionPoint,
    ActionStatus,
    OrgPlan,
    PersonalPlan,
    PersonalPlanRow,
    PersonalPlanShare,
    PlanCalendarFeed,
    Priority,
    ProgressEntry,
    Rag,
)
from plans.rules import reads_all_plans
from plans.steps import PlanStep

# --- Personal plans --------------------------------------------------------------------------


def _open_shares() -> Prefetch[Any]:
    return Prefetch(
        "shares",
        queryset=PersonalPlanShare.objects.filter(ended_at__isnull=True).select_related(
            "with_user"
        ),
        to_attr=OPEN_SHARES,
    )


def personal_plans_of(*, viewer: User, organisation: Organisation) -> QuerySet[PersonalPlan]:
    """The viewer's own plans here, newest change first."""
    return (
        PersonalPlan.objects.filter(organisation=organisation, owner=viewer)
        .prefetch_related(_open_shares())
        .order_by("-updated_at", "-id")
    )


def personal_plans_shared_with(
    *, viewer: User, organisation: Organisation
) -> QuerySet[PersonalPlan]:
    """Colleagues' plans shared with the viewer and not taken back."""
    shared = PersonalPlanShare.objects.filter(
        plan=OuterRef("pk"), with_user=viewer, ended_at__isnull=True
    )
    return (
        PersonalPlan.objects.filter(organisation=organisation)
        .filter(Exists(shared))
        .exclude(owner=viewer)
        .select_related("owner")
        .order_by("owner__last_name", "owner__first_name", "title", "id")
    )


def personal_plan_with_step(
    *, organisation: Organisation, owner: User, criterion_ref: str, action: str
) -> PlanStep | None:
    """The owner's plan here holding a row for ``criterion_ref`` worded exactly ``action``,
    if any: one query."""
    row = (
        PersonalPlanRow.objects.filter(
            plan__organisation=organisation,
            plan__owner=owner,
            criterion_ref=criterion_ref,
            action=action.strip(),
        )
        .select_related("plan")
        .order_by("plan_id", "id")
        .first()
    )
    return PlanStep(plan_id=row.plan.pk, plan_title=row.plan.title) if row else None


@dataclass(frozen=True)
class PersonalPlanAccess:
    is_owner: bool


def access_personal_plan(
    *, viewer: User, organisation: Organisation, pk: int
) -> tuple[PersonalPlan, PersonalPlanAccess]:
    """The plan if the viewer may read it; 404 for everyone else alike, HR and admins
    included, because even that a colleague has a plan is theirs to tell."""
    plan = (
        PersonalPlan.objects.filter(pk=pk, organisation=organisation)
        .select_related("owner", "organisation")
        .prefetch_related("rows", _open_shares())
        .first()
    )
    if plan is None:
        raise Http404
    if not viewer.has_perm("plans.view_personal_plan", plan):
        raise Http404
    return plan, PersonalPlanAccess(is_owner=plan.owner_id == viewer.pk)


def access_own_personal_plan(*, viewer: User, organisation: Organisation, pk: int) -> PersonalPlan:
    """For changes: the owner only. Someone it is shared with gets 403, anyone else 404."""
    plan, access = access_personal_plan(viewer=viewer, organisation=organisation, pk=pk)
    if not access.is_owner:
        raise PermissionDenied
    return plan


# --- Organisational plans --------------------------------------------------------------------


def org_plans_visible_to(*, viewer: User, organisation: Organisation) -> QuerySet[OrgPlan]:
    """Every plan for HR, admins, sponsors and champions; plans with an action of theirs
    for everyone else."""
    plans = OrgPlan.objects.filter(organisation=organisation)
    if not reads_all_plans(viewer, organisation):
        owned = ActionPoint.objects.filter(plan=OuterRef("pk"), owner=viewer)
        plans = plans.filter(Exists(owned))
    return plans.order_by("-period_start", "-id")


def access_org_plan(*, viewer: User, organisation: Organisation, pk: int) -> OrgPlan:
    """Another organisation's plan (or none) is 404; too little role in this one is 403."""
    plan = OrgPlan.objects.filter(pk=pk, organisation=organisation).first()
    if plan is None:
        raise Http404
    plan.organisation = organisation
    if not viewer.has_perm("plans.view_org_plan", plan):
        raise PermissionDenied
    return plan


def access_action_point(*, plan: OrgPlan, pk: int) -> ActionPoint:
    """An action of this plan (the plan already checked); any other id is 404."""
    action = (
        ActionPoint.objects.filter(pk=pk, plan=plan)
        .select_related("owner", "priority", "updated_by")
        .first()
    )
    if action is None:
        raise Http404
    action.plan = plan
    return action


def access_priority(*, plan: OrgPlan, pk: int) -> Priority:
    priority = Priority.objects.filter(pk=pk, plan=plan).first()
    if priority is None:
        raise Http404
    priority.plan = plan
    return priority


@dataclass
class ActionRow:
    """An action with the newest progress entry of each period, in the plan's period order."""

    action: ActionPoint
    latest: list[ProgressEntry | None]
    entries: int
    by_period: list[tuple[str, ProgressEntry | None]] = field(default_factory=list)
    can_report: bool = False


@dataclass
class PriorityBlock:
    priority: Priority
    rows: list[ActionRow] = field(default_factory=list)


def latest_by_period(
    entries: Iterable[ProgressEntry], periods: list[str]
) -> tuple[list[ProgressEntry | None], int]:
    """``entries`` newest first (the model's order): the first seen per period wins."""
    newest: dict[str, ProgressEntry] = {}
    count = 0
    for entry in entries:
        count += 1
        newest.setdefault(entry.period, entry)
    return [newest.get(period) for period in periods], count


def org_plan_layout(*, plan: OrgPlan) -> list[PriorityBlock]:
    """The whole plan in three queries, however large: priorities, actions (with owners)
    and their progress. Pages and exports all read it this way."""
    priorities = list(plan.priorities.all())
    blocks = {p.pk: PriorityBlock(priority=p) for p in priorities}
    actions = (
        ActionPoint.objects.filter(plan=plan)
        .select_related("owner")
        .prefetch_related(
            Prefetch("progress", queryset=ProgressEntry.objects.order_by("-at", "-id"))
        )
        .order_by("position", "id")
    )
    for action in actions:
        action.plan = plan
        latest, count = latest_by_period(action.progress.all(), plan.periods)
        blocks[action.priority_id].rows.append(
            ActionRow(
                action=action,
                latest=latest,
                entries=count,
                by_period=list(zip(plan.periods, latest, strict=True)),
            )
        )
    return [blocks[p.pk] for p in priorities]


def actions_owned_by(*, viewer: User, organisation: Organisation) -> QuerySet[ActionPoint]:
    """The viewer's open action points in this organisation, soonest due first."""
    return (
        ActionPoint.objects.filter(
            plan__organisation=organisation, owner=viewer, status=ActionStatus.OPEN
        )
        .select_related("plan")
        .order_by(F("due_on").asc(nulls_last=True), "id")
    )


def member_by_email(*, organisation: Organisation, email: str) -> User | None:
    """A member of the organisation by the address they sign in with, or ``None``."""
    wanted = email.strip()
    if not wanted:
        return None
    return (
        User.objects.filter(email__iexact=wanted, memberships__organisation=organisation)
        .distinct()
        .first()
    )


# --- Gaps from a self-assessment -------------------------------------------------------------


def _plans_made_from(*, organisation: Organisation, assessment_ids: Collection[int]) -> set[int]:
    if not assessment_ids:
        return set()
    return set(
        ActionPoint.objects.filter(
            plan__organisation=organisation, source_assessment_id__in=list(assessment_ids)
        )
        .values_list("plan_id", flat=True)
        .distinct()
    )


def latest_plan_made_from(
    *, organisation: Organisation, assessment_ids: Collection[int]
) -> PlanSummary | None:
    """The newest plan holding actions made from one of the assessments."""
    ids = _plans_made_from(organisation=organisation, assessment_ids=assessment_ids)
    plan = OrgPlan.objects.filter(pk__in=ids).order_by("-pk").first() if ids else None
    return PlanSummary.of(plan) if plan is not None else None


def plan_options_for_gaps(
    *,
    viewer: User,
    organisation: Organisation,
    assessment_ids: Collection[int],
    gap_refs: Iterable[str],
) -> list[PlanOption]:
    """The plans the viewer sees, newest first, each with how many of ``gap_refs`` (gaps'
    requirement references) it already covers with an open action, and whether it holds
    actions made from one of the assessments. Three queries, whatever the number of plans."""
    plans = list(
        org_plans_visible_to(viewer=viewer, organisation=organisation).order_by(
            "-created_at", "-id"
        )
    )
    if not plans:
        return []
    made_from = _plans_made_from(organisation=organisation, assessment_ids=assessment_ids)
    covered = dict(
        ActionPoint.objects.filter(
            plan__in=plans, status=ActionStatus.OPEN, requirement_ref__in=set(gap_refs)
        )
        .values("plan_id")
        .annotate(n=Count("requirement_ref", distinct=True))
        .values_list("plan_id", "n")
    )
    return [PlanOption(PlanSummary.of(p), covered.get(p.pk, 0), p.pk in made_from) for p in plans]


def actions_of(*, plan: OrgPlan) -> QuerySet[ActionPoint]:
    """A plan's actions in the order the plan lists them, with their owners."""
    return ActionPoint.objects.filter(plan=plan).select_related("owner").order_by("position", "id")


def progress_of(*, action: ActionPoint) -> QuerySet[ProgressEntry]:
    """Every progress entry of an action, newest first."""
    return ProgressEntry.objects.filter(action=action).order_by("-at", "-id")


def has_calendar_feed(*, user: User, organisation: Organisation) -> bool:
    return PlanCalendarFeed.objects.filter(user=user, organisation=organisation).exists()


def access_plan_share(*, plan: PersonalPlan, pk: int) -> PersonalPlanShare:
    """One share of a plan the caller already holds; another plan's share is a 404."""
    share = PersonalPlanShare.objects.filter(pk=pk, plan=plan).select_related("with_user").first()
    if share is None:
        raise Http404
    return share


def suggestions_in_plans(*, organisation: Organisation, refs: Collection[str]) -> set[str]:
    """Which of the suggestions ``refs`` (``SuggestedAction.ref``) any of the organisation's
    plans already holds, done or not. One query."""
    if not refs:
        return set()
    return set(
        ActionPoint.objects.filter(
            plan__organisation=organisation, requirement_ref__in=set(refs)
        ).values_list("requirement_ref", flat=True)
    )


def may_change_org_plans(*, user: User, organisation: Organisation) -> bool:
    """Whether ``user`` may add to the organisation's plans (HR admins and organisation admins
    in post), so another app shows an "add to the plan" button only to those it works for."""
    return bool(user.has_perm("plans.manage_org_plans", organisation))


# --- The organisation plan at a glance -------------------------------------------------------


@dataclass(frozen=True)
class PlanRag:
    """The organisation plan's open actions by their newest red, amber or green status, for
    a board report: counts of actions, never who owns them or what was written."""

    title: str
    period_start: date
    period_end: date
    red: int
    amber: int
    green: int
    #: Open actions with no progress reported yet.
    not_reported: int
    done: int

    @property
    def actions(self) -> int:
        return self.red + self.amber + self.green + self.not_reported + self.done


def current_org_plan(*, organisation: Organisation, today: date) -> OrgPlan | None:
    """The plan whose period covers ``today``, else the one that started most recently."""
    plans = OrgPlan.objects.filter(organisation=organisation)
    return (
        plans.filter(period_start__lte=today, period_end__gte=today)
        .order_by("-period_start", "-id")
        .first()
        or plans.order_by("-period_start", "-id").first()
    )


def org_plan_rag(*, organisation: Organisation, today: date) -> PlanRag | None:
    """The current organisation plan's RAG summary (three queries at most), or None when the
    organisation has no plan."""
    plan = current_org_plan(organisation=organisation, today=today)
    if plan is None:
        return None
    newest = ProgressEntry.objects.filter(action=OuterRef("pk")).order_by("-at", "-id")
    rows = (
        ActionPoint.objects.filter(plan=plan)
        .annotate(rag=Subquery(newest.values("rag")[:1]))
        .values("status", "rag")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = {"red": 0, "amber": 0, "green": 0, "none": 0, "done": 0}
    for row in rows:
        if row["status"] == ActionStatus.DONE:
            counts["done"] += row["n"]
        else:
            counts[row["rag"] if row["rag"] in (Rag.RED, Rag.AMBER, Rag.GREEN) else "none"] += row[
                "n"
            ]
    return PlanRag(
        title=plan.title,
        period_start=plan.period_start,
        period_end=plan.period_end,
        red=counts["red"],
        amber=counts["amber"],
        green=counts["green"],
        not_reported=counts["none"],
        done=counts["done"],
    )
