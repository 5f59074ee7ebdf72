"""API tokens: create (shown once), revoke, authenticate."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from api.models import ApiToken
from audit.models import Action, Channel
from audit.services import audit_record
from organisations.models import Organisation
from organisations.selectors import has_left, roles_in

TOKEN_PREFIX = "wch_"  # noqa: S105 - a label, not a secret
_TOUCH_EVERY = timedelta(minutes=5)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def api_token_create(
    *,
    user: User,
    organisation: Organisation,
    name: str,
    channel: Channel,
    personal: bool = False,
) -> tuple[ApiToken, str]:
    """Return the token row and the secret, which is never stored or shown again."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        organisation=organisation,
        name=name.strip()[:100] or "API token",
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        key_hash=_hash(secret),
        personal=personal,
    )
    audit_record(
        actor=user,
        action=Action.CREATE,
        channel=channel,
        target=token,
        # A personal token reads its owner's passport, so the organisation's log must not
        # list who made one: that would say who is a carer.
        organisation_id=None if personal else organisation.pk,
        summary=f"Created {'personal ' if personal else ''}API token {token.prefix}…",
    )
    return token, secret


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by: User, channel: Channel) -> None:
    if token.revoked_at is not None:
        return
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(
        actor=by,
        action=Action.UPDATE,
        channel=channel,
        target=token,
        organisation_id=None if token.personal else token.organisation_id,
        summary=f"Revoked API token {token.prefix}…",
    )


def api_token_authenticate(secret: str) -> ApiToken | None:
    """The live token for ``secret`` whose owner still belongs to its organisation."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user", "organisation")
        .filter(key_hash=_hash(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    # An organisation token dies with its owner's roles; a personal token only reads its
    # owner's own records, which stay theirs after they leave.
    if not roles_in(user=token.user, organisation=token.organisation) and not (
        token.personal and has_left(user=token.user, organisation=token.organisation)
    ):
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > _TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def api_token_id(secret: str) -> int | None:
    """The id of the unrevoked token ``secret``, without the owner checks of
    ``api_token_authenticate``: enough to count its requests (``api.rate_limits``)."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    return (
        ApiToken.objects.filter(key_hash=_hash(secret), revoked_at__isnull=True)
        .values_list("pk", flat=True)
        .first()
    )
