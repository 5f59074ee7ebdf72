from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from django.utils.translation import gettext as _

from organisations.models import MFA_ROLES, Membership, PartnershipLead


def mfa_required(*, user: Any) -> bool:
    """HR admins, organisation admins and partnership leads must use a second factor."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return (
        Membership.objects.filter(user=user, role__in=MFA_ROLES).exists()
        or PartnershipLead.objects.filter(user=user).exists()
    )


def has_mfa(*, user: Any) -> bool:
    return bool(Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists())


def display_name(user: Any) -> str:
    """How a person is named to others in messages and exports: their name, else their email,
    and "Someone" when the account is gone."""
    if user is None:
        return _("Someone")
    full = f"{user.first_name} {user.last_name}".strip()
    return full or str(user.email)
