"""Who may do what within an organisation. Deny by default: a permission not listed here
is refused by ``rules`` for everyone.

Predicates take ``(user, organisation)``. A user's roles are read once per request and
cached on the user object (see ``roles_in``). Someone marked as left holds no role in that
organisation: only ``use_own_records`` still lets them in.
"""

from __future__ import annotations

from typing import Any

import rules

from organisations.models import HR_ROLES, Organisation, Partnership, Role
from organisations.selectors import has_left, lead_partnership_ids, roles_in


def _has_any(user: Any, organisation: Organisation | None, *wanted: Role) -> bool:
    if organisation is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(roles_in(user=user, organisation=organisation) & set(wanted))


@rules.predicate
def is_member(user: Any, organisation: Organisation | None) -> bool:
    if organisation is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(roles_in(user=user, organisation=organisation))


@rules.predicate
def has_left_organisation(user: Any, organisation: Organisation | None) -> bool:
    """Marked as left: no power here any more, but their own records are still theirs."""
    return organisation is not None and has_left(user=user, organisation=organisation)


@rules.predicate
def is_hr_admin(user: Any, organisation: Organisation | None) -> bool:
    return _has_any(user, organisation, *HR_ROLES)


@rules.predicate
def is_org_admin(user: Any, organisation: Organisation | None) -> bool:
    return _has_any(user, organisation, Role.ORG_ADMIN)


@rules.predicate
def is_partnership_lead(user: Any, partnership: Partnership | None) -> bool:
    if partnership is None or not getattr(user, "is_authenticated", False):
        return False
    return partnership.pk in lead_partnership_ids(user=user)


rules.add_perm("organisations.lead_partnership", is_partnership_lead)
rules.add_perm("organisations.use_organisation", is_member)
# Pages about the viewer's own records only (their staff record, passport, requests, data
# export): still open to someone who has left, who may take everything with them.
rules.add_perm("organisations.use_own_records", is_member | has_left_organisation)
rules.add_perm("organisations.view_staff", is_hr_admin)
rules.add_perm("organisations.change_staff", is_hr_admin)
rules.add_perm("organisations.import_staff", is_hr_admin)
rules.add_perm("organisations.view_units", is_hr_admin)
rules.add_perm("organisations.change_units", is_hr_admin)
rules.add_perm("organisations.invite_people", is_hr_admin)
rules.add_perm("organisations.manage_members", is_org_admin)
rules.add_perm("organisations.view_audit", is_org_admin)
rules.add_perm("organisations.change_language", is_org_admin)
rules.add_perm("organisations.manage_sign_on", is_hr_admin)
