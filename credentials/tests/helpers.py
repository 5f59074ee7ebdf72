"""Building tokens by hand, and checking them with a JOSE library that did not sign them."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

from joserfc import jws
from joserfc.jwk import KeySet
from jwcrypto.jwk import JWK
from jwcrypto.jws import JWS

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
A_YEAR = timedelta(days=365)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def sign(payload: dict[str, Any], key: JWK, **header: Any) -> str:
    """A compact JWS over ``payload`` signed by ``key``, with a VC-JOSE-COSE header by default."""
    protected = {"alg": "EdDSA", "typ": "vc+jwt", "cty": "vc", "kid": key.thumbprint(), **header}
    token = JWS(json.dumps(payload).encode())
    token.add_signature(key, alg=None, protected=json.dumps(protected))
    return str(token.serialize(compact=True))


def credential(issuer: str, *, valid_from: datetime = NOW, valid_until: datetime | None = None):
    until = valid_until or valid_from + A_YEAR
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential", "ExampleCredential"],
        "issuer": issuer,
        "validFrom": valid_from.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "validUntil": until.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "credentialSubject": {"adjustments": ["Flexible start time"]},
    }


def header_of(token: str) -> dict[str, Any]:
    return json.loads(unb64(token.split(".")[0]))


def payload_of(token: str) -> dict[str, Any]:
    return json.loads(unb64(token.split(".")[1]))


def with_header(token: str, **changes: Any) -> str:
    """The same payload and signature under a changed protected header."""
    _header, payload, signature = token.split(".")
    header = {**header_of(token), **changes}
    return ".".join([b64(json.dumps(header).encode()), payload, signature])


def flip(segment: str, position: int) -> str:
    """``segment`` with one base64url character changed (so the decoded bytes differ)."""
    char = segment[position]
    replacement = "A" if char != "A" else "B"
    return segment[:position] + replacement + segment[position + 1 :]


def independently_verified(token: str, jwks_document: dict[str, Any]) -> dict[str, Any]:
    """Verify with joserfc (not the library that signed) against a published key set."""
    key_set = KeySet.import_key_set(jwks_document)  # type: ignore[arg-type]
    result = jws.deserialize_compact(token, key_set, algorithms=["EdDSA"])
    payload: dict[str, Any] = json.loads(result.payload)
    return payload
