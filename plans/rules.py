"""Who may see and change action plans.

Personal plans: only the owner, and colleagues the owner shared with (read only). Roles
grant nothing there, so no personal-plan predicate mentions a role: HR and admins are
refused like anyone else.

Organisational plans: HR admins and organisation admins write; executive sponsors and
carer champions read; the owner of an action reads the plan and reports progress on
their own actions. Organisation-level permissions take ``(user, organisation)``;
object-level ones take the plan or the action.
"""

from __future__ import annotations

from typing import Any

import rules

from organisations.models import Organisation, Role
from organisations.rules import is_hr_admin, is_member
from organisations.selectors import roles_in
from plans.models import ActionPoint, OrgPlan, PersonalPlan

#: Roles that may read every organisational plan of their organisation.
PLAN_READER_ROLES = frozenset({Role.HR_ADMIN, Role.ORG_ADMIN, Role.SPONSOR, Role.CHAMPION})


def _user_id(user: Any) -> int | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return int(user.pk)


def _roles(user: Any, organisation: Organisation) -> frozenset[Role]:
    return roles_in(user=user, organisation=organisation)


@rules.predicate
def reads_all_plans(user: Any, organisation: Organisation | None) -> bool:
    if organisation is None or _user_id(user) is None:
        return False
    return bool(_roles(user, organisation) & PLAN_READER_ROLES)


# --- Organisational plans (object level) ---------------------------------------------------


@rules.predicate
def reads_plan_by_role(user: Any, plan: OrgPlan | None) -> bool:
    return plan is not None and bool(reads_all_plans(user, plan.organisation))


@rules.predicate
def manages_plan(user: Any, plan: OrgPlan | None) -> bool:
    return plan is not None and bool(is_hr_admin(user, plan.organisation))


@rules.predicate
def owns_an_action_in(user: Any, plan: OrgPlan | None) -> bool:
    """The viewer owns at least one action of the plan (and is still a member)."""
    user_id = _user_id(user)
    if plan is None or user_id is None or not is_member(user, plan.organisation):
        return False
    return ActionPoint.objects.filter(plan=plan, owner_id=user_id).exists()


@rules.predicate
def owns_action(user: Any, action: ActionPoint | None) -> bool:
    user_id = _user_id(user)
    return (
        action is not None
        and user_id is not None
        and action.owner_id == user_id
        and bool(is_member(user, action.plan.organisation))
    )


@rules.predicate
def manages_action(user: Any, action: ActionPoint | None) -> bool:
    return action is not None and bool(is_hr_admin(user, action.plan.organisation))


# --- Personal plans --------------------------------------------------------------------------


@rules.predicate
def owns_personal_plan(user: Any, plan: PersonalPlan | None) -> bool:
    user_id = _user_id(user)
    return plan is not None and user_id is not None and plan.owner_id == user_id


@rules.predicate
def shared_personal_plan(user: Any, plan: PersonalPlan | None) -> bool:
    """An open share to this person, who is still a member of the plan's organisation."""
    user_id = _user_id(user)
    if plan is None or user_id is None or not is_member(user, plan.organisation):
        return False
    return any(share.with_user_id == user_id for share in plan.open_shares)


# Organisation level: ``has_perm(name, organisation)``.
rules.add_perm("plans.use_plans", is_member)
rules.add_perm("plans.list_org_plans", reads_all_plans)
rules.add_perm("plans.manage_org_plans", is_hr_admin)
# Object level.
rules.add_perm("plans.view_org_plan", reads_plan_by_role | owns_an_action_in)
rules.add_perm("plans.change_org_plan", manages_plan)
rules.add_perm("plans.add_progress", manages_action | owns_action)
rules.add_perm("plans.view_personal_plan", owns_personal_plan | shared_personal_plan)
rules.add_perm("plans.change_personal_plan", owns_personal_plan)
