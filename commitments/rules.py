"""Who may do what with the leadership commitment. Deny by default.

HR (and organisation admins) shape and publish it; only an executive sponsor signs;
every member reads the published text. Predicates take ``(user, organisation)``,
except the partnership one, which takes ``(user, partnership)``.
"""

from __future__ import annotations

from typing import Any

import rules

from organisations.models import Membership, Organisation, Partnership, Role
from organisations.rules import is_hr_admin, is_member, is_partnership_lead
from organisations.selectors import roles_in


@rules.predicate
def is_sponsor(user: Any, organisation: Organisation | None) -> bool:
    if organisation is None or not getattr(user, "is_authenticated", False):
        return False
    return Role.SPONSOR in roles_in(user=user, organisation=organisation)


@rules.predicate
def is_member_in_partnership(user: Any, partnership: Partnership | None) -> bool:
    """A member of any organisation in the partnership sees its signed commitments."""
    if partnership is None or not getattr(user, "is_authenticated", False):
        return False
    return (
        Membership.objects.with_power()
        .filter(user=user, organisation__partnership=partnership)
        .exists()
    )


rules.add_perm("commitments.view_commitment", is_member)
rules.add_perm("commitments.view_drafts", is_hr_admin | is_sponsor)
rules.add_perm("commitments.manage_commitment", is_hr_admin)
rules.add_perm("commitments.sign_commitment", is_sponsor)
rules.add_perm(
    "commitments.view_partnership_commitments", is_partnership_lead | is_member_in_partnership
)
