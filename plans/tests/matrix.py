"""Action plans in the permission matrix (carershub/tests/test_permission_matrix.py): personal
and organisation plans, their pages and API operations."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from carershub.tests.matrix_kit import (
    EVERYONE,
    HR,
    MEMBERS,
    Spec,
    Targets,
    api,
    page,
    private_action,
    private_page,
)
from plans.models import ActionPoint, OrgPlan, PersonalPlan, PersonalPlanShare, Priority

#: Who reads every organisation plan; with the owner of one of its actions, who reads that one.
PLAN_READERS = ("hr_admin", "org_admin", "sponsor", "champion")
PLAN_VIEWERS = (*PLAN_READERS, "manager")
NEW_PLAN = {"title": "Plan", "period_start": "2026-04-01", "period_end": "2027-03-31"}
PROGRESS = {"period": "2026/27", "rag": "green", "text": "On track"}


def _org_plan(t: Targets) -> OrgPlan:
    """A strategy plan of the organisation that owns ``t.staff``, with one priority and one
    action owned by that person's line manager (the outsider themselves in the other
    organisation, where nobody manages them). Made directly: the services need HR."""
    owner = t.staff.line_manager or t.staff
    plan, created = OrgPlan.objects.get_or_create(
        organisation=t.staff.organisation,
        title="Matrix plan",
        defaults={
            "period_start": date(2026, 4, 1),
            "period_end": date(2027, 3, 31),
            "periods": ["2026/27"],
        },
    )
    if created:
        priority = Priority.objects.create(plan=plan, number="1", title="Matrix priority")
        ActionPoint.objects.create(
            plan=plan, priority=priority, number="1.1", planned_action="Act", owner=owner.user
        )
    return plan


def org_plan(t: Targets) -> dict[str, Any]:
    return {"org_slug": t.org.slug, "pk": _org_plan(t).pk}


def org_plan_priority(t: Targets) -> dict[str, Any]:
    plan = _org_plan(t)
    return {"org_slug": t.org.slug, "pk": plan.pk, "priority_pk": plan.priorities.get().pk}


def org_plan_action(t: Targets) -> dict[str, Any]:
    plan = _org_plan(t)
    return {"org_slug": t.org.slug, "pk": plan.pk, "action_pk": plan.actions.get().pk}


def api_org_plan(t: Targets) -> dict[str, Any]:
    return {"plan_id": _org_plan(t).pk}


def api_org_plan_action(t: Targets) -> dict[str, Any]:
    plan = _org_plan(t)
    return {"plan_id": plan.pk, "action_id": plan.actions.get().pk}


def api_org_plan_priority(t: Targets) -> dict[str, Any]:
    plan = _org_plan(t)
    return {"plan_id": plan.pk, "priority_id": plan.priorities.get().pk}


def api_empty_priority(t: Targets) -> dict[str, Any]:
    """A priority with no actions, which may be deleted."""
    plan = _org_plan(t)
    empty, _ = Priority.objects.get_or_create(plan=plan, number="2", title="Empty")
    return {"plan_id": plan.pk, "priority_id": empty.pk}


def _personal_plan(t: Targets) -> PersonalPlan:
    """The personal plan of ``t.staff``'s person (the carer, or the outsider in the other
    organisation), shared with their line manager when they have one."""
    plan, created = PersonalPlan.objects.get_or_create(
        organisation=t.staff.organisation, owner=t.staff.user, defaults={"title": "Matrix plan"}
    )
    manager = t.staff.line_manager
    if created and manager is not None and manager.user is not None:
        PersonalPlanShare.objects.create(plan=plan, with_user=manager.user)
    return plan


def personal_plan(t: Targets) -> dict[str, Any]:
    return {"org_slug": t.org.slug, "pk": _personal_plan(t).pk}


def personal_plan_share(t: Targets) -> dict[str, Any]:
    plan = _personal_plan(t)
    share = plan.shares.first() or PersonalPlanShare.objects.create(plan=plan, with_user=plan.owner)
    return {"org_slug": t.org.slug, "pk": plan.pk, "share_pk": share.pk}


def personal_plan_page(*, shared: int) -> Spec:
    """Only the owner (the carer) and the colleague they shared with (the manager) learn that
    a personal plan exists; anyone else, HR and admins included, gets 404. The colleague
    only reads: ``shared`` is what they get here."""
    return private_page(("carer", "manager"), personal_plan) | {"manager": shared}


MATRIX: dict[str, Spec] = {
    # Action plans. Personal plans: the owner, and read-only the colleague they shared with.
    "plans:home": page(MEMBERS),
    "plans:calendar": page(MEMBERS),
    # The feed needs no sign-in; an unknown secret is simply not found.
    "plans:calendar_ics": Spec(
        "GET", dict.fromkeys(EVERYONE, 404), lambda t: {"token": "not-a-real-secret"}
    ),
    "plans:personal_plan_new": page(MEMBERS),
    "plans:personal_plan_detail": personal_plan_page(shared=200),
    "plans:personal_plan_edit": personal_plan_page(shared=403),
    "plans:personal_plan_share": personal_plan_page(shared=403),
    "plans:personal_plan_delete": personal_plan_page(shared=403),
    "plans:personal_plan_pdf": personal_plan_page(shared=403),
    "plans:personal_plan_csv": personal_plan_page(shared=403),
    "plans:personal_plan_unshare": private_action(("carer",), personal_plan_share)
    | {"manager": 403},
    # Organisation plans: HR and admins write; sponsors and champions read; the owner of an
    # action (the manager) reads the plan and reports progress on it; other employees 403.
    # The list is every member's: an employee sees only the plans with an action of theirs.
    "plans:org_plan_list": page(MEMBERS),
    "plans:org_plan_new": page(HR),
    "plans:org_plan_detail": page(PLAN_VIEWERS, kwargs=org_plan, cross=True, role_first=False),
    "plans:action_detail": page(PLAN_VIEWERS, kwargs=org_plan_action, cross=True, role_first=False),
    "plans:org_plan_csv": page(PLAN_VIEWERS, kwargs=org_plan, cross=True, role_first=False),
    "plans:org_plan_xlsx": page(PLAN_VIEWERS, kwargs=org_plan, cross=True, role_first=False),
    "plans:org_plan_pdf": page(PLAN_VIEWERS, kwargs=org_plan, cross=True, role_first=False),
    "plans:progress_new": page(
        (*HR, "manager"), kwargs=org_plan_action, cross=True, role_first=False
    ),
    "plans:org_plan_edit": page(HR, kwargs=org_plan, cross=True),
    "plans:priority_new": page(HR, kwargs=org_plan, cross=True),
    "plans:priority_edit": page(HR, kwargs=org_plan_priority, cross=True),
    "plans:action_new": page(HR, kwargs=org_plan, cross=True),
    "plans:action_edit": page(HR, kwargs=org_plan_action, cross=True),
    "api-v1:list_org_plans": api("GET", MEMBERS, 200),
    "api-v1:create_org_plan": api("POST", HR, 201, data=NEW_PLAN),
    "api-v1:get_org_plan": replace(
        api("GET", PLAN_VIEWERS, 200, kwargs=api_org_plan, cross=True), role_first=False
    ),
    "api-v1:update_org_plan": api(
        "PATCH", HR, 200, kwargs=api_org_plan, data={"title": "Changed"}, cross=True
    ),
    "api-v1:delete_org_plan": api("DELETE", HR, 204, kwargs=api_org_plan, cross=True),
    "api-v1:create_priority": api(
        "POST", HR, 201, kwargs=api_org_plan, data={"title": "New"}, cross=True
    ),
    "api-v1:update_priority": api(
        "PATCH", HR, 200, kwargs=api_org_plan_priority, data={"title": "Changed"}, cross=True
    ),
    "api-v1:delete_priority": api("DELETE", HR, 204, kwargs=api_empty_priority, cross=True),
    "api-v1:list_actions": replace(
        api("GET", PLAN_VIEWERS, 200, kwargs=api_org_plan, cross=True), role_first=False
    ),
    # The body names a priority that exists nowhere: HR gets as far as looking it up (404).
    "api-v1:create_action": api(
        "POST",
        HR,
        404,
        kwargs=api_org_plan,
        data={"priority_id": 0, "planned_action": "Act"},
        cross=True,
    ),
    "api-v1:get_action": replace(
        api("GET", PLAN_VIEWERS, 200, kwargs=api_org_plan_action, cross=True), role_first=False
    ),
    "api-v1:update_action": api(
        "PATCH", HR, 200, kwargs=api_org_plan_action, data={"risks": "Changed"}, cross=True
    ),
    "api-v1:delete_action": api("DELETE", HR, 204, kwargs=api_org_plan_action, cross=True),
    "api-v1:list_progress": replace(
        api("GET", PLAN_VIEWERS, 200, kwargs=api_org_plan_action, cross=True), role_first=False
    ),
    "api-v1:add_progress": replace(
        api("POST", (*HR, "manager"), 201, kwargs=api_org_plan_action, data=PROGRESS, cross=True),
        role_first=False,
    ),
    # Personal plans never with an organisation token, whatever its owner's roles (every
    # persona's token here is one; personal tokens: plans/tests/test_api.py).
    "api-v1:list_personal_plans": api("GET", (), 403),
    "api-v1:create_personal_plan": api("POST", (), 403, data={"title": "Mine"}),
    "api-v1:get_personal_plan": api("GET", (), 403, kwargs=lambda t: {"plan_id": 1}),
    "api-v1:replace_personal_plan": api(
        "PUT", (), 403, kwargs=lambda t: {"plan_id": 1}, data={"title": "Mine"}
    ),
    "api-v1:delete_personal_plan": api("DELETE", (), 403, kwargs=lambda t: {"plan_id": 1}),
}
