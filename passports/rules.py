"""Who may read or change a passport (docs/trust-rules.md, rules 1 to 3).

Only two people ever: the carer who owns it, and the person they shared it with while
that person is still their line manager. Roles (HR admin, champion, sponsor, org
admin) grant nothing here, so no predicate below mentions a role.
"""

from __future__ import annotations

from typing import Any

import rules

from organisations.models import StaffStatus
from passports.models import Passport


def _user_id(user: Any) -> int | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return int(user.pk)


@rules.predicate
def is_passport_owner(user: Any, passport: Passport | None) -> bool:
    user_id = _user_id(user)
    return passport is not None and user_id is not None and passport.staff.user_id == user_id


@rules.predicate
def is_passport_owner_in_post(user: Any, passport: Passport | None) -> bool:
    """The owner while in post: someone who has left may read, download, take or delete their
    passport there, but no longer change, share or sign it (trust rule 10)."""
    return (
        passport is not None
        and bool(is_passport_owner(user, passport))
        and passport.staff.status == StaffStatus.ACTIVE
    )


@rules.predicate
def is_sharing_manager(user: Any, passport: Passport | None) -> bool:
    """The carer shared with this person, and they still line manage the carer today."""
    user_id = _user_id(user)
    if passport is None or user_id is None:
        return False
    carer = passport.staff
    if carer.status != StaffStatus.ACTIVE or carer.line_manager_id is None:
        return False
    share = passport.open_share
    if share is None:
        return False
    manager = share.with_staff
    return bool(
        manager.pk == carer.line_manager_id
        and manager.user_id == user_id
        and manager.status == StaffStatus.ACTIVE
    )


rules.add_perm("passports.view_passport", is_passport_owner | is_sharing_manager)
rules.add_perm("passports.work_on_passport", is_passport_owner_in_post | is_sharing_manager)
rules.add_perm("passports.own_passport", is_passport_owner)
rules.add_perm("passports.manage_passport", is_sharing_manager)
