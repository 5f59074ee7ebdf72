"""django-allauth's social account adapter: the gate every single sign-on passes."""

from __future__ import annotations

from typing import Any

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialAccount, SocialLogin
from allauth.socialaccount.providers.base import AuthProcess
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import render

from accounts.adapter import AccountAdapter
from organisations.models import SignOn
from organisations.sign_on.fetching import provider_session
from organisations.sign_on.selectors import (
    Refusal,
    account_for_sign_on,
    has_left_in,
    is_current_in,
    sign_on_by_provider_id,
)
from organisations.sign_on.services import sign_on_linked


def _part(data: dict[str, Any], name: str) -> dict[str, Any]:
    found = data.get(name)
    return found if isinstance(found, dict) else {}


def claims(sociallogin: SocialLogin) -> dict[str, Any]:
    """What the provider said about the person: the signed ID token's claims, with its userinfo
    answer over them. Both are kept because a provider may put a claim in only one: Entra ID
    puts its optional claims (``xms_edov``) in the ID token, never in userinfo. When the two
    name different addresses, neither is trusted: the verification is then withheld."""
    data = sociallogin.account.extra_data or {}
    token: dict[str, Any] = _part(data, "id_token")
    userinfo: dict[str, Any] = _part(data, "userinfo")
    merged: dict[str, Any] = {**token, **userinfo}
    said = {str(part["email"]).strip().lower() for part in (token, userinfo) if part.get("email")}
    if len(said) > 1:
        merged["email_verified"] = False
    return merged


def _true(value: object) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


def email_verified(found: dict[str, Any]) -> bool:
    """Whether the provider vouches for the address: ``email_verified`` true, outright.

    Microsoft Entra ID (and NHSmail, which runs on it) never sends ``email_verified`` for work
    accounts; its optional ``xms_edov`` claim ("email domain owner verified": the tenant owns
    the address's domain) is accepted in its place, only when ``email_verified`` is absent.
    """
    if "email_verified" in found:
        return _true(found["email_verified"])
    return _true(found.get("xms_edov"))


def refuse(request: HttpRequest, reason: Refusal, sign_on: SignOn | None) -> ImmediateHttpResponse:
    """The page that says why, without saying anything about other organisations."""
    return ImmediateHttpResponse(
        render(
            request,
            "organisations/sign_on_refused.html",
            {
                "reason": reason,
                "organisation": sign_on.organisation if sign_on else None,
            },
            status=403,
        )
    )


class SignOnAdapter(DefaultSocialAccountAdapter):  # type: ignore[misc]
    """Sign in, never sign up: a provider's answer reaches one current account or nothing."""

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return False

    def get_requests_session(self) -> Any:
        """Every request to a provider: HTTPS, public addresses, no redirects (fetching.py)."""
        return provider_session()

    def get_client_ip(self, request: HttpRequest) -> str:
        return str(AccountAdapter().get_client_ip(request))

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        sign_on = sign_on_by_provider_id(sociallogin.account.provider)
        if sign_on is None:
            raise refuse(request, "no_account", None)
        organisation = sign_on.organisation
        if sociallogin.state.get("process") != AuthProcess.LOGIN:
            # Only sign-in: tying an identity to whoever is signed in ("connect") would let
            # one account take another's sign-in.
            raise refuse(request, "ambiguous", sign_on)
        if sociallogin.is_existing:
            # Linked before: the provider's subject names the account; it must still be here.
            user = sociallogin.user
            if user.is_superuser or user.is_staff:
                # A deployment admin signs in with password and second factor only: whoever
                # runs an organisation's provider must never reach the whole deployment.
                raise refuse(request, "no_account", sign_on)
            if not is_current_in(user=user, organisation=organisation):
                left = has_left_in(user=user, organisation=organisation)
                raise refuse(request, "left" if left else "no_account", sign_on)
            return
        found = claims(sociallogin)
        match = account_for_sign_on(
            organisation=organisation,
            email=str(found.get("email") or ""),
            verified=email_verified(found),
        )
        if match.user is None:
            raise refuse(request, match.refusal or "no_account", sign_on)
        if SocialAccount.objects.filter(
            user=match.user, provider=sociallogin.account.provider
        ).exists():
            # Already tied to another identity at this provider: a reused or renamed account
            # there must not take this one over.
            raise refuse(request, "ambiguous", sign_on)
        with transaction.atomic():
            sociallogin.connect(request, match.user)
            sign_on_linked(account=sociallogin.account, sign_on=sign_on)
