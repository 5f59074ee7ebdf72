from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.contrib.sites.shortcuts import get_current_site
from django.http import HttpRequest

from shared.outbox import outbox_add_message
from shared.proxies import client_ip


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    """People join by invitation from their organisation, never by open sign-up."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def get_client_ip(self, request: HttpRequest) -> str:
        """Rate limits count the client, not the proxy in front (see ``shared.proxies``)."""
        return client_ip(request)

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """django-allauth's emails (password reset) go through the outbox like the product's:
        sent by the worker, tried again if the mail server fails, never from the page."""
        request = allauth_context.request
        message = self.render_mail(
            template_prefix,
            email,
            {
                "request": request,
                "email": email,
                "current_site": get_current_site(request),
                **context,
            },
        )
        outbox_add_message(message, template=template_prefix.rsplit("/", 1)[-1])


class MfaAdapter(DefaultMFAAdapter):  # type: ignore[misc]
    """People whose role requires MFA cannot remove their only authenticator."""

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        from accounts.selectors import mfa_required

        return not mfa_required(user=authenticator.user)
