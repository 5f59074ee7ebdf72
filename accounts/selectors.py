from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator

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
