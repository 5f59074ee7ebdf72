"""Sign-in forms that know about single sign-on, and the configuration form."""

from __future__ import annotations

import ipaddress
import re
import socket
from typing import Any
from urllib.parse import urlsplit

from allauth.account.forms import LoginForm, ResetPasswordForm, ResetPasswordKeyForm
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from organisations.models import SignOn
from organisations.sign_on.selectors import sign_on_required_for
from shared.forms import GovukForm, TextRuleForm


def _use_sign_on(sign_on: SignOn) -> str:
    return gettext(
        "%(organisation)s signs its staff in with its own account, not a password here. Use "
        "“Sign in with your organisation's account” below."
    ) % {"organisation": sign_on.organisation.name}


class PasswordLoginForm(TextRuleForm, LoginForm):  # type: ignore[misc]
    """Refuses the password of someone whose organisation requires single sign-on.

    Checked only once the password is right, so the answer tells nothing to someone who does
    not know it.
    """

    def clean(self) -> dict[str, Any] | None:
        cleaned: dict[str, Any] | None = super().clean()
        user: Any = getattr(self, "user", None)
        if user is not None and not self.errors:
            sign_on = sign_on_required_for(user=user)
            if sign_on is not None:
                self.user = None
                raise ValidationError(_use_sign_on(sign_on), code="sign_on_required")
        return cleaned


class PasswordResetForm(TextRuleForm, ResetPasswordForm):  # type: ignore[misc]
    """Someone whose organisation requires single sign-on is emailed that, not a reset link.

    The page answers the same either way, so it never tells who works where.
    """

    def save(self, request: HttpRequest, **kwargs: Any) -> str:
        bound = [user for user in self.users if sign_on_required_for(user=user) is not None]
        if not bound:
            return str(super().save(request, **kwargs))
        from allauth.account.adapter import get_adapter

        email: str = self.cleaned_data["email"]
        sign_on = sign_on_required_for(user=bound[0])
        assert sign_on is not None
        get_adapter(request).send_mail(
            "account/email/sign_on_required",
            email,
            {
                "organisation": sign_on.organisation,
                "login_url": f"{settings.SITE_URL}/accounts/login/",
            },
        )
        return email


class PasswordResetKeyForm(TextRuleForm, ResetPasswordKeyForm):  # type: ignore[misc]
    """A reset link sent before the organisation required single sign-on sets no password."""

    def clean(self) -> dict[str, Any] | None:
        cleaned: dict[str, Any] | None = super().clean()
        sign_on = sign_on_required_for(user=self.user) if self.user is not None else None
        if sign_on is not None:
            # On the field: allauth's page shows a field's errors, not the form's.
            self.add_error("password1", ValidationError(_use_sign_on(sign_on)))
        return cleaned


class SignOnStartForm(GovukForm):
    """The person's work email, to find their organisation's provider by its domain."""

    submit_label = _("Continue")
    email = forms.EmailField(
        label=_("Work email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )


_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


class SignOnForm(GovukForm):
    """An organisation's provider: where it is, who we are to it, and who must use it."""

    submit_label = _("Save")
    server_url = forms.URLField(
        label=_("Issuer address"),
        max_length=500,
        assume_scheme="https",
        help_text=_(
            "The provider's issuer URL, without “/.well-known/openid-configuration”. "
            "For example https://login.microsoftonline.com/<tenant id>/v2.0 or "
            "https://accounts.google.com."
        ),
    )
    client_id = forms.CharField(label=_("Client ID"), max_length=191)
    client_secret = forms.CharField(
        label=_("Client secret"),
        max_length=191,
        required=False,
        strip=True,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}, render_value=False),
    )
    email_domains = forms.CharField(
        label=_("Email domains (optional)"),
        max_length=500,
        required=False,
        help_text=_(
            "Your staff's email domains, separated by spaces, for example "
            "“trust.example.org”. People who type an address at one of them on the sign-in "
            "page are sent to your provider. Leave out a domain other organisations share, "
            "such as nhs.net: give those staff the sign-in link below instead."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    required = forms.BooleanField(
        label=_("Staff must sign in with this provider"),
        required=False,
        help_text=_(
            "Your staff can then no longer sign in or reset a password here. Deployment "
            "administrators keep their own sign-in."
        ),
    )

    def __init__(self, *args: Any, has_secret: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.has_secret = has_secret
        secret = self.fields["client_secret"]
        if has_secret:
            secret.help_text = _(
                "A secret is saved; it is never shown again. Leave this empty to keep it, or "
                "type a new one to replace it."
            )
        else:
            secret.help_text = _("The secret the provider gave when you registered this service.")

    def clean_server_url(self) -> str:
        return issuer_address(self.cleaned_data["server_url"])

    def clean_client_secret(self) -> str:
        secret: str = self.cleaned_data["client_secret"]
        if not secret and not self.has_secret:
            raise ValidationError(_("Enter the client secret"))
        return secret

    def clean_email_domains(self) -> tuple[str, ...]:
        return email_domains(self.cleaned_data["email_domains"])


def issuer_address(typed: str) -> str:
    """The issuer address as allauth needs it: https (outside the tests), no discovery path."""
    url = typed.rstrip("/").removesuffix("/.well-known/openid-configuration")
    parts = urlsplit(url)
    if parts.scheme != "https" and not settings.SSO_ALLOW_HTTP_PROVIDERS:
        raise ValidationError(_("Enter an address that starts with https://"))
    if parts.query or parts.fragment:
        raise ValidationError(_("Enter the issuer address without anything after “?” or “#”"))
    if not settings.SSO_ALLOW_HTTP_PROVIDERS and not _on_the_internet(parts.hostname or ""):
        raise ValidationError(
            _(
                "Enter the address of a provider on the internet, such as https://accounts.google.com"
            )
        )
    return url


def _on_the_internet(host: str) -> bool:
    """Whether every address ``host`` has is a public one. The site fetches the provider's
    discovery document from the issuer address, so an address inside the network (the cloud's
    metadata service, a database, this machine) would let whoever sets up a provider make the
    server read it. Checked when the address is saved; see docs/single-sign-on.md."""
    if not host:
        return False
    try:
        found = {info[4][0] for info in socket.getaddrinfo(host, 443, proto=socket.IPPROTO_TCP)}
    except (OSError, UnicodeError):
        return False
    return bool(found) and all(ipaddress.ip_address(address).is_global for address in found)


def email_domains(typed: str) -> tuple[str, ...]:
    """Domains typed with spaces, commas or a leading @, lower case, each once."""
    domains: list[str] = []
    for word in re.split(r"[\s,;]+", typed.lower()):
        domain = word.strip().lstrip("@")
        if not domain:
            continue
        if not _DOMAIN.match(domain):
            raise ValidationError(
                _("“%(domain)s” is not a domain: enter domains such as trust.example.org"),
                params={"domain": word[:100]},
            )
        if domain not in domains:
            domains.append(domain)
    return tuple(domains)
