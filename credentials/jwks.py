"""JWK Sets: the one this deployment publishes, and reading the ones others publish.

Our document is an RFC 7517 JWK Set with two additions a JWK Set may carry:
each key names the ``issuer`` it belongs to, and a top-level ``revoked`` list names keys
that must never be trusted again (docs/credentials.md, "The key set").
"""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

from django.conf import settings

from credentials.models import SigningKey
from credentials.outbound import FetchRefused, fetch, log_refusal

#: A key set bigger than this is not a key set (ours is about 250 bytes a key).
MAX_JWKS_BYTES = 256 * 1024
MAX_JWKS_KEYS = 1000
FETCH_TIMEOUT_SECONDS = 5


class JwksError(Exception):
    """A key set that cannot be fetched or read; the message is meant for a person."""


def published_jwks() -> dict[str, Any]:
    """Every organisation's keys on this deployment: active and retired ones, and revocations."""
    from credentials.services import issuer_url  # services imports this module

    keys: list[dict[str, Any]] = []
    revoked: list[dict[str, Any]] = []
    # The public endpoint has no business reading private key material, even encrypted.
    rows = (
        SigningKey.objects.select_related("organisation__credential_issuer")
        .defer("private_jwk_encrypted")
        .order_by("created_at", "id")
    )
    for key in rows:
        issuer = getattr(key.organisation, "credential_issuer", None)
        issuer_id = issuer_url(issuer.public_id) if issuer is not None else None
        if key.revoked_at is not None:
            revoked.append(
                {
                    "kid": key.kid,
                    "revoked_at": key.revoked_at.isoformat().replace("+00:00", "Z"),
                    "issuer": issuer_id,
                }
            )
            continue
        keys.append(
            {
                **key.public_jwk,
                "kid": key.kid,
                "alg": "EdDSA",
                "use": "sig",
                "issuer": issuer_id,
            }
        )
    return {"keys": keys, "revoked": revoked}


def public_key_of(*, kid: str) -> dict[str, Any] | None:
    """One key of this deployment as the key set shows it, or its revocation; None if unknown."""
    from credentials.services import issuer_url

    key = (
        SigningKey.objects.select_related("organisation__credential_issuer")
        .defer("private_jwk_encrypted")
        .filter(kid=kid)
        .first()
    )
    if key is None:
        return None
    issuer = getattr(key.organisation, "credential_issuer", None)
    issuer_id = issuer_url(issuer.public_id) if issuer is not None else None
    if key.revoked_at is not None:
        revoked_at = key.revoked_at.isoformat().replace("+00:00", "Z")
        return {"kid": key.kid, "revoked_at": revoked_at, "issuer": issuer_id}
    return {**key.public_jwk, "kid": key.kid, "alg": "EdDSA", "use": "sig", "issuer": issuer_id}


def _clean_key(key: Any, index: int) -> dict[str, Any] | None:
    """A public Ed25519 signing key from a remote set, or None for keys we cannot use."""
    if not isinstance(key, dict):
        raise JwksError(f"Key {index + 1} in the key set is not a JSON object.")
    if "d" in key:
        raise JwksError(
            "The key set contains a private key. Only public keys may be shared: "
            "ask the issuer for their published key set."
        )
    if key.get("kty") != "OKP" or key.get("crv") != "Ed25519":
        return None  # another kind of key: we only verify EdDSA with Ed25519
    if key.get("use", "sig") != "sig" or key.get("alg", "EdDSA") != "EdDSA":
        return None
    x, kid = key.get("x"), key.get("kid")
    if not isinstance(x, str) or not x or not isinstance(kid, str) or not kid:
        raise JwksError(f"Key {index + 1} in the key set has no 'x' or no 'kid'.")
    clean = {"kty": "OKP", "crv": "Ed25519", "x": x, "kid": kid, "alg": "EdDSA", "use": "sig"}
    if isinstance(key.get("issuer"), str):
        clean["issuer"] = key["issuer"]
    return clean


def parse_jwks(data: str | bytes | dict[str, Any]) -> dict[str, Any]:
    """Check a JWK Set and keep only what verification uses.

    Raises ``JwksError`` with a message for the person who supplied it.
    """
    if isinstance(data, str | bytes):
        if len(data) > MAX_JWKS_BYTES:
            raise JwksError("The key set is too large to be a real one.")
        try:
            data = json.loads(data)
        except (ValueError, UnicodeDecodeError) as exc:
            raise JwksError("This is not valid JSON.") from exc
    if not isinstance(data, dict) or not isinstance(data.get("keys"), list):
        raise JwksError("This is not a JWK Set: it needs a 'keys' list.")
    if len(data["keys"]) > MAX_JWKS_KEYS:
        raise JwksError("The key set has too many keys to be a real one.")
    cleaned = (_clean_key(raw, index) for index, raw in enumerate(data["keys"]))
    keys = [key for key in cleaned if key is not None]
    revoked: list[dict[str, Any]] = []
    raw_revoked = data.get("revoked", [])
    if isinstance(raw_revoked, list):
        for entry in raw_revoked[:MAX_JWKS_KEYS]:
            if isinstance(entry, dict) and isinstance(entry.get("kid"), str):
                revoked.append(
                    {
                        "kid": entry["kid"],
                        "revoked_at": str(entry.get("revoked_at", "")),
                    }
                )
    revoked_kids = {r["kid"] for r in revoked}
    # A key listed as revoked is never used, even if it is still listed as a key.
    keys = [k for k in keys if k["kid"] not in revoked_kids]
    if data["keys"] and not keys and not revoked:
        raise JwksError("The key set has no Ed25519 signing keys we could use.")
    return {"keys": keys, "revoked": revoked}


def http_allowed() -> bool:
    """Plain http is only for development and tests, where two local servers trust each other."""
    return not settings.PRODUCTION


#: The one thing a person is told when a key set cannot be fetched, whatever went wrong:
#: a different answer per failure would let the form map what the server can reach.
FETCH_FAILED = (
    "The key set could not be fetched from that address. Check the address with the other "
    "employer and try again, or paste their key set instead."
)


def fetch_jwks(url: str) -> dict[str, Any]:
    """Fetch and check a JWK Set, refusing our own and private networks (``credentials.outbound``).

    Redirects are not followed, so the address that is trusted is the one that was typed.
    Every failure, from a refused address to a document that is not a key set, raises
    ``JwksError(FETCH_FAILED)``; the detail goes to the log.
    """
    schemes = frozenset({"https", "http"} if http_allowed() else {"https"})
    if urllib.parse.urlsplit(url).scheme not in schemes:
        # About what was typed, before any network: safe to say plainly.
        raise JwksError("Enter the full address of the key set, starting with https://.")
    try:
        body = fetch(
            url,
            schemes=schemes,
            max_bytes=MAX_JWKS_BYTES,
            timeout=FETCH_TIMEOUT_SECONDS,
            headers={"Accept": "application/json", "User-Agent": "WorkingCarersHub/1"},
        )
        return parse_jwks(body)
    except (FetchRefused, JwksError) as error:
        log_refusal(url, error)
        raise JwksError(FETCH_FAILED) from error
