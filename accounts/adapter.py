from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    """People join by invitation from their organisation, never by open sign-up."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False


class MfaAdapter(DefaultMFAAdapter):  # type: ignore[misc]
    """People whose role requires MFA cannot remove their only authenticator."""

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        from accounts.selectors import mfa_required

        return not mfa_required(user=authenticator.user)
