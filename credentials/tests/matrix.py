"""Credential pages and operations in the permission matrix
(carershub/tests/test_permission_matrix.py)."""

from __future__ import annotations

from typing import Any

from carershub.tests.matrix_kit import EVERYONE, HR, ORG_ADMIN, Spec, Targets, action, api, page
from credentials.models import TrustedIssuer
from credentials.services import active_key, issuer_for


def trusted_issuer(t: Targets) -> dict[str, Any]:
    """A pasted (never fetched) trusted issuer of the organisation that owns ``t.staff``, which is
    the other organisation's in the cross-tenant sweep."""
    owner = t.staff.organisation
    found, _ = TrustedIssuer.objects.get_or_create(
        organisation=owner, name="Matrix issuer", defaults={"jwks": {"keys": []}}
    )
    return {"org_slug": t.org.slug, "pk": found.pk}


def signing_key(t: Targets) -> dict[str, Any]:
    return {"org_slug": t.org.slug, "pk": active_key(t.staff.organisation, actor=None).pk}


MATRIX: dict[str, Spec] = {
    # Credentials: public keys and issuer profiles are for anyone, signed in or not.
    "credentials:jwks": Spec("GET", dict.fromkeys(EVERYONE, 200)),
    "credentials:issuer_profile": Spec(
        "GET", dict.fromkeys(EVERYONE, 200), lambda t: {"public_id": issuer_for(t.org).public_id}
    ),
    "credentials:public_key": Spec(
        "GET",
        dict.fromkeys(EVERYONE, 200),
        lambda t: {"kid": active_key(t.org, actor=None).kid},
    ),
    # Whom to trust is an HR decision; the organisation's own signing keys are its admins'.
    "credentials:trusted_issuer_list": page(HR),
    "credentials:trusted_issuer_add": page(HR),
    "credentials:trusted_issuer_refresh": action(HR, trusted_issuer),
    "credentials:trusted_issuer_remove": page(HR, kwargs=trusted_issuer, cross=True),
    "credentials:signing_keys": page(ORG_ADMIN),
    "credentials:signing_key_rotate": page(ORG_ADMIN),
    "credentials:signing_key_revoke": page(ORG_ADMIN, kwargs=signing_key, cross=True),
    # A failed verification is an answer (200, valid false), not an error.
    "api-v1:credentials_verify": api("POST", HR, 200, data={"credential": "a.b.c"}),
}
