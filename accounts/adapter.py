from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.http import HttpRequest

from carershub.proxies import client_ip


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    """People join by invitation from their organisation, never by open sign-up."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def get_client_ip(self, request: HttpRequest) -> str:
        """Rate limits count the client, not the proxy in front (see ``carershub.proxies``)."""
        return client_ip(request)


class MfaAdapter(DefaultMFAAdapter):  # type: ignore[misc]
    """People whose role requires MFA cannot remove their only authenticator."""

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        from accounts.selectors import mfa_required

        return not mfa_required(user=authenticator.user)
