"""Who may do what with the support directory. Deny by default.

Every member in post reads the directory of their organisation: its own entries and its
partnership's. HR admins, organisation admins and carer champions keep the organisation's
entries; the partnership's leads keep the partnership's. Someone who has left holds no role,
so none of this (``organisations.access.org_view`` refuses them first).

Predicates take ``(user, organisation)``, except the partnership one, ``(user, partnership)``.
"""

from __future__ import annotations

from typing import Any

import rules

from organisations.models import HR_ROLES, Organisation, Role
from organisations.rules import is_member, is_partnership_lead
from organisations.selectors import roles_in

#: The roles that keep an organisation's entries.
KEEPER_ROLES = frozenset({*HR_ROLES, Role.CHAMPION})


@rules.predicate
def is_keeper(user: Any, organisation: Organisation | None) -> bool:
    if organisation is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(roles_in(user=user, organisation=organisation) & KEEPER_ROLES)


VIEW_DIRECTORY = "signposting.view_directory"
KEEP_ENTRIES = "signposting.keep_entries"
KEEP_PARTNERSHIP_ENTRIES = "signposting.keep_partnership_entries"

rules.add_perm(VIEW_DIRECTORY, is_member)
rules.add_perm(KEEP_ENTRIES, is_keeper)
rules.add_perm(KEEP_PARTNERSHIP_ENTRIES, is_partnership_lead)
