from __future__ import annotations

from typing import Any, Protocol

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.utils.translation import gettext as _


class MfaRoleCheck(Protocol):
    """Whether a signed-in person holds a role, in the app that registered the check, that
    needs a second factor."""

    def __call__(self, *, user: Any) -> bool: ...


# Roles belong to the apps above accounts (organisations: HR and organisation admins,
# partnership leads), so each registers its check here instead of accounts importing them.
_MFA_ROLE_CHECKS: list[MfaRoleCheck] = []


def register_mfa_role_check(check: MfaRoleCheck) -> None:
    """Called from an app's ``ready()``. Registering the same check again keeps one."""
    if check not in _MFA_ROLE_CHECKS:
        _MFA_ROLE_CHECKS.append(check)


def mfa_required(*, user: Any) -> bool:
    """Superusers, and people whose role a registered check names, must use a second factor."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return any(check(user=user) for check in _MFA_ROLE_CHECKS)


def has_mfa(*, user: Any) -> bool:
    return bool(Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists())


def signed_in_with_second_factor(*, request: Any) -> bool:
    """Whether this session's person gave their second factor in it: at sign-in, or since, when
    asked to confirm who they are. Someone whose role came with an authenticator they set up
    during the session has not, and is asked to confirm before a deployment admin's page."""
    records = get_authentication_records(request, getattr(request, "user", None))
    return any(record.get("method") == "mfa" for record in records)


def display_name(user: Any) -> str:
    """How a person is named to others in messages and exports: their name, else their email,
    and "Someone" when the account is gone."""
    if user is None:
        return _("Someone")
    full = f"{user.first_name} {user.last_name}".strip()
    return full or str(user.email)


#: The stored label of an audit entry written by no one (a scheduled job, a data migration).
SYSTEM_LABEL = "system"


def actor_name(*, actor: Any, label: str) -> str:
    """Who did something recorded in the audit log, named as people know them now.

    ``actor`` is the account as loaded with the entry (``select_related("actor")``, so a page of
    entries costs one query), or None when there was none or it has since been deleted; ``label``
    is what the audit copied when the entry was written, so a deleted account is still named.
    """
    if actor is not None:
        return display_name(actor)
    if not label or label == SYSTEM_LABEL:
        return _("Working Carers Hub, automatically")
    return label
