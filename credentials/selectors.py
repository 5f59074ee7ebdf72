"""Reads of credentials' records for pages: issuers, trusted issuers and signing keys.

Signing keys are listed without their encrypted private part.
"""

from __future__ import annotations

from uuid import UUID

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from credentials.models import Issuer, SigningKey, TrustedIssuer
from organisations.models import Organisation


def public_issuer(*, public_id: UUID) -> Issuer:
    """The issuer an id names, on its public profile; an unknown id is a 404."""
    return get_object_or_404(Issuer.objects.select_related("organisation"), public_id=public_id)


def trusted_issuers_of(*, organisation: Organisation) -> QuerySet[TrustedIssuer]:
    return TrustedIssuer.objects.filter(organisation=organisation).select_related("added_by")


def access_trusted_issuer(*, organisation: Organisation, pk: int) -> TrustedIssuer:
    """One issuer the organisation trusts; another organisation's is a 404."""
    return get_object_or_404(TrustedIssuer, organisation=organisation, pk=pk)


def signing_keys_of(*, organisation: Organisation) -> QuerySet[SigningKey]:
    return SigningKey.objects.filter(organisation=organisation).only(
        "pk", "kid", "created_at", "retired_at", "revoked_at", "revocation_reason"
    )


def access_signing_key(*, organisation: Organisation, pk: int) -> SigningKey:
    """One of the organisation's signing keys; another organisation's is a 404."""
    return get_object_or_404(SigningKey, organisation=organisation, pk=pk)
