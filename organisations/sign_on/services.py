"""Saving an organisation's single sign-on configuration, audited, secret kept out of sight."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from allauth.socialaccount.models import SocialAccount, SocialApp
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import Action, Channel
from audit.services import audit_record
from organisations.models import Organisation, SignOn
from organisations.services import lock_organisation
from organisations.sign_on.selectors import unproven_domains
from shared.writes import EditConflict, RuleError, check_version

PROVIDER = "openid_connect"


@dataclass(frozen=True)
class SignOnSettings:
    """What HR types; ``client_secret`` empty keeps the saved one."""

    server_url: str
    client_id: str
    client_secret: str
    email_domains: tuple[str, ...]
    required: bool


def _conflict(current_version: int) -> EditConflict:
    return EditConflict(
        _(
            "Someone else saved single sign-on after you opened this page. The form still has "
            "what you typed; save again to apply it over their change."
        ),
        current_version=current_version,
    )


def _stored_domains(domains: tuple[str, ...]) -> str:
    return f" {' '.join(domains)} " if domains else ""


@transaction.atomic
def sign_on_save(
    *,
    organisation: Organisation,
    settings: SignOnSettings,
    by: User,
    channel: Channel,
    expected_version: int | None = None,
) -> tuple[SignOn, bool]:
    """Create or change the organisation's provider; returns it and whether anything changed.

    Saving what is already saved changes nothing and audits nothing. A domain no current member
    uses is refused (``unproven_domains``), so no organisation can draw another's staff to its
    provider. The audit names the fields
    changed and says that the secret was replaced, never what it is.
    """
    unproven = unproven_domains(organisation=organisation, domains=settings.email_domains)
    if unproven:
        raise ValidationError(
            {
                "email_domains": _(
                    "No one in your organisation signs in with an address at %(domains)s. List "
                    "only domains your own staff's accounts use."
                )
                % {"domains": ", ".join(unproven)}
            }
        )
    lock_organisation(organisation.pk)
    sign_on = SignOn.objects.select_related("app").filter(organisation=organisation).first()
    current = sign_on.version if sign_on else 0
    check_version(current, expected_version, lambda: _conflict(current))
    new_provider = sign_on is None or (
        sign_on.app.settings.get("server_url"),
        sign_on.app.client_id,
    ) != (settings.server_url, settings.client_id)
    if new_provider and not by.is_superuser:
        # Whoever chooses the provider can have it vouch for any address: set up by someone in
        # the organisation, it would let them sign in as a colleague and read what only that
        # colleague may (a carer's passport). Only the deployment's administrators, who run the
        # whole service, set up or change a provider; HR keeps the domains, the requirement
        # and the secret.
        raise RuleError(
            "sign_on_provider_by_deployment_admins",
            _(
                "Only your deployment's administrators can set up single sign-on or change its "
                "issuer address or client ID. Ask them to do it; you can then choose the "
                "domains and whether staff must use it."
            ),
            field="server_url",
        )
    if sign_on is None:
        if not settings.client_secret:
            raise ValueError("A new provider needs its client secret")
        app = SocialApp.objects.create(
            provider=PROVIDER,
            # Random, not the organisation's short name: it is part of the redirect URI the
            # provider holds, so it must never change, and it names no customer.
            provider_id=f"org-{secrets.token_hex(6)}",
            name=organisation.name,
            client_id=settings.client_id,
            secret=settings.client_secret,
            settings={"server_url": settings.server_url, "oauth_pkce_enabled": True},
        )
        sign_on = SignOn.objects.create(
            organisation=organisation,
            app=app,
            email_domains=_stored_domains(settings.email_domains),
            required=settings.required,
        )
        audit_record(
            actor=by,
            action=Action.CREATE,
            channel=channel,
            target=sign_on,
            organisation_id=organisation.pk,
            summary="Set up single sign-on",
            changes={
                "server_url": settings.server_url,
                "client_id": settings.client_id,
                "email_domains": list(settings.email_domains),
                "required": settings.required,
            },
        )
        return sign_on, True

    app = sign_on.app
    changes: dict[str, Any] = {}
    if app.settings.get("server_url") != settings.server_url:
        changes["server_url"] = [app.settings.get("server_url"), settings.server_url]
        app.settings = {**app.settings, "server_url": settings.server_url}
    if app.client_id != settings.client_id:
        changes["client_id"] = [app.client_id, settings.client_id]
        app.client_id = settings.client_id
    if settings.client_secret and settings.client_secret != app.secret:
        changes["client_secret"] = "replaced"  # noqa: S105 (says that it changed, not what to)
        app.secret = settings.client_secret
    if app.name != organisation.name:
        app.name = organisation.name
    domains = _stored_domains(settings.email_domains)
    if sign_on.email_domains != domains:
        changes["email_domains"] = [sign_on.domains, list(settings.email_domains)]
        sign_on.email_domains = domains
    if sign_on.required != settings.required:
        changes["required"] = [sign_on.required, settings.required]
        sign_on.required = settings.required
    if not changes:
        return sign_on, False
    if "server_url" in changes or "client_id" in changes:
        # Identities met at the old provider mean nothing at a new one: every person links
        # again, by their proven address, at their next sign-in.
        SocialAccount.objects.filter(provider=app.provider_id).delete()
    app.save()
    sign_on.version += 1
    sign_on.save()
    audit_record(
        actor=by,
        action=Action.UPDATE,
        channel=channel,
        target=sign_on,
        organisation_id=organisation.pk,
        summary="Changed single sign-on",
        changes=changes,
    )
    return sign_on, True


def sign_on_linked(*, account: SocialAccount, sign_on: SignOn) -> None:
    """Audit the first sign-in that tied a person's identity at the provider to their account."""
    audit_record(
        actor=account.user,
        action=Action.CREATE,
        channel=Channel.WEB,
        target=account,
        organisation_id=sign_on.organisation_id,
        summary="Linked a sign-in through the organisation's own provider",
    )
