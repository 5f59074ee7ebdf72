"""Who may do what with communications. Deny by default.

Every member in post reads the organisation's published articles. HR admins and organisation
admins write, publish and unpublish them. They and the carer champions see the awareness-day
prompts; whether a prompt's "add to our plan" button shows is the plans app's permission
(``plans.public.may_change_org_plans``). Someone who has left holds no role, so none of this.
"""

from __future__ import annotations

from typing import Any

import rules

from organisations.models import HR_ROLES, Organisation, Role
from organisations.rules import is_hr_admin, is_member
from organisations.selectors import roles_in

#: The roles that see the awareness-day prompts.
PROMPTED_ROLES = frozenset({*HR_ROLES, Role.CHAMPION})


@rules.predicate
def is_prompted(user: Any, organisation: Organisation | None) -> bool:
    if organisation is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(roles_in(user=user, organisation=organisation) & PROMPTED_ROLES)


READ_NEWS = "communications.read_news"
MANAGE_ARTICLES = "communications.manage_articles"
SEE_PROMPTS = "communications.see_prompts"

rules.add_perm(READ_NEWS, is_member)
rules.add_perm(MANAGE_ARTICLES, is_hr_admin)
rules.add_perm(SEE_PROMPTS, is_prompted)
