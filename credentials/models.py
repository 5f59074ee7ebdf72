"""Signing keys, issuer identities and trusted remote issuers for verifiable credentials.

This app signs and verifies credentials; it knows nothing about what they say
(passports, badges). Private keys are only ever stored encrypted (``credentials.crypto``).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from organisations.models import Organisation


class Issuer(models.Model):
    """An organisation's public identity as a credential issuer.

    The issuer id is built from ``public_id`` rather than the slug, because slugs can be
    edited and an issuer id is printed into credentials that live for years.
    """

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="credential_issuer"
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Issuer {self.public_id} ({self.organisation})"


class KeyStatus(models.TextChoices):
    ACTIVE = "active", _("Active: signs new credentials")
    RETIRED = "retired", _("Retired: still verifies what it signed")
    REVOKED = "revoked", _("Revoked: never verifies again")


class SigningKey(models.Model):
    """One Ed25519 key of one organisation.

    At most one key per organisation is active. A retired key no longer signs but is still
    published, so what it signed keeps verifying until it expires; a revoked key is never
    trusted again.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="signing_keys"
    )
    #: The RFC 7638 JWK thumbprint (SHA-256, base64url) of the public key.
    kid = models.CharField(max_length=64, unique=True, editable=False)
    public_jwk = models.JSONField(editable=False)
    #: The private JWK, encrypted with ``CREDENTIALS_ENCRYPTION_KEYS`` (a Fernet token).
    private_jwk_encrypted = models.TextField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    retired_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(retired_at__isnull=True, revoked_at__isnull=True),
                name="one_active_signing_key_per_org",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kid} ({self.organisation})"

    @property
    def status(self) -> KeyStatus:
        if self.revoked_at is not None:
            return KeyStatus.REVOKED
        if self.retired_at is not None:
            return KeyStatus.RETIRED
        return KeyStatus.ACTIVE


class TrustedIssuer(models.Model):
    """Another deployment's key set that one organisation has chosen to trust.

    ``jwks`` is the last copy fetched from ``jwks_url`` (or pasted, when ``jwks_url`` is
    empty); verification only ever reads this copy, never the network. ``issuer`` is the one
    issuer id HR bound the keys to: required for a pasted set, whose origin proves nothing.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="trusted_issuers"
    )
    name = models.CharField(_("name"), max_length=200)
    jwks_url = models.URLField(_("key set address"), max_length=500, blank=True)
    jwks = models.JSONField(default=dict)
    #: The only issuer these keys may vouch for; empty means "as each key says" (fetched sets).
    issuer = models.CharField(_("issuer id"), max_length=500, blank=True)
    fetched_at = models.DateTimeField(null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "jwks_url"],
                condition=~models.Q(jwks_url=""),
                name="trusted_issuer_url_unique_in_org",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def key_count(self) -> int:
        keys = self.jwks.get("keys") if isinstance(self.jwks, dict) else None
        return len(keys) if isinstance(keys, list) else 0


class HolderRefusal(models.Model):
    """Someone tried to bring in a credential as theirs and gave the wrong holder code.

    Kept to audit the attempt and to cap guessing (``credentials.holder``). Private: its
    audit entries stay out of organisation and admin views, because even an attempt says
    who is, or claims to be, a carer. It holds the credential's id and issuer, not its content.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    credential_id = models.CharField(max_length=200, blank=True)
    issuer = models.CharField(max_length=500, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "at"], name="holder_refusal_user_at_idx")]

    def __str__(self) -> str:
        return f"Holder refusal {self.pk}"
