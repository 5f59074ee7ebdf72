"""Verifying a credential someone brings us: every failure has its own stable reason code.

The token is untrusted input. Checks run in this order, and the first failure is the answer
(docs/credentials.md, "Reason codes"):

1. ``malformed``: too large, not a compact JWS, header or signature not strict base64url,
   header not JSON, a ``crit`` or ``b64``
   header, no ``kid``, or a ``typ`` that is missing or other than ``vc+jwt``.
2. ``unsupported_algorithm``: ``alg`` other than ``EdDSA`` (``none`` and ``HS256`` included).
3. Finding the key by ``kid``: keys of any organisation on this deployment are always trusted;
   otherwise, unless the credential claims an issuer on this deployment (only our own keys
   speak for those), the receiving organisation's trusted issuers' key sets are searched.
   A key listed as revoked there is ``key_revoked``; a key found nowhere is ``unknown_key``
   when the credential claims to come from this deployment, else ``untrusted_issuer``.
4. ``bad_signature``: the signature does not match the header and payload under that key.
   The header is signed too, so a token whose ``kid`` was swapped for another real key
   always ends here.
5. ``key_revoked``: the key was revoked on this deployment.
6. ``malformed``: the signed payload is not a JSON credential.
7. ``issuer_mismatch``: the key is genuine but belongs to an issuer other than the one the
   credential names (or than its ``iss`` claim, when it has one).
8. ``not_yet_valid`` / ``expired``: ``validFrom`` / ``validUntil`` against ``now``.

An Open Badge (``profile="open-badge"``) is checked the same way with three differences that
Open Badges 3.0's JWT proof format makes: its header's ``typ`` is ``JWT`` (or absent) instead
of ``vc+jwt``, its ``kid`` may be the key's URL, and once the issuer is settled it must be a
badge (``not_a_badge``) whose JWT claims agree with the fields they mirror (``malformed``).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from django.utils import timezone
from jwcrypto.common import JWException
from jwcrypto.jwk import JWK
from jwcrypto.jws import JWS

from credentials.models import Issuer, SigningKey, TrustedIssuer
from credentials.services import (
    JWS_ALG,
    JWS_TYP,
    MAX_TOKEN_BYTES,
    OB_JWS_TYP,
    is_on_this_deployment,
    issuer_id,
    issuer_origin,
    issuer_url,
)
from organisations.models import Organisation

_COMPACT = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")
_TYP_DETAIL = f"Its header does not say it is a verifiable credential (typ {JWS_TYP})."
_BADGE_TYP_DETAIL = f"Its header does not say it is a badge (typ {OB_JWS_TYP})."
_CLAIMS_DETAIL = "Its signed claims do not agree with the badge they carry."

#: Every reason code, with the explanation shown to a person.
MESSAGES: dict[str, str] = {
    "ok": "The credential is genuine, unchanged and in date.",
    "malformed": "This is not a credential we can read. Check it was copied in full.",
    "unsupported_algorithm": "The credential is signed in a way we do not accept.",
    "unknown_key": "The credential was signed with a key this service does not know.",
    "untrusted_issuer": (
        "The credential comes from an issuer your organisation has not chosen to trust."
    ),
    "key_revoked": (
        "The key that signed this credential has been revoked by its issuer, "
        "so the credential can no longer be trusted."
    ),
    "bad_signature": (
        "The signature does not match: the credential has been changed since it was issued."
    ),
    "issuer_mismatch": (
        "The credential names a different issuer from the one whose key signed it."
    ),
    "not_yet_valid": "The credential is not valid yet.",
    "expired": "The credential has expired.",
    "not_a_badge": "This is a genuine credential, but it is not a badge.",
}

#: Which kind of credential is being checked: a VC-JOSE-COSE credential (passports) or an
#: Open Badges 3.0 badge.
Profile = Literal["vc", "open-badge"]
BADGE_TYPES = frozenset({"OpenBadgeCredential", "AchievementCredential"})


@dataclass(frozen=True)
class VerificationResult:
    valid: bool
    #: One of ``MESSAGES``' keys; stable, for programs.
    reason: str
    #: Plain English, for a person.
    message: str
    #: The verified payload when valid; None otherwise.
    credential: dict[str, Any] | None
    #: The issuer id. On a failure it is what the token claims, unverified, if it could be read.
    issuer: str | None
    #: The organisation's name (this deployment) or the trusted issuer's name (another one).
    issuer_name: str | None
    kid: str | None


def _fail(
    reason: str,
    *,
    issuer: str | None = None,
    issuer_name: str | None = None,
    kid: str | None = None,
    detail: str = "",
) -> VerificationResult:
    message = MESSAGES[reason] + (f" {detail}" if detail else "")
    return VerificationResult(
        valid=False,
        reason=reason,
        message=message,
        credential=None,
        issuer=issuer,
        issuer_name=issuer_name,
        kid=kid,
    )


def _b64decode(segment: str) -> bytes:
    """Strict base64url: a segment with stray bits is refused, so one token has one spelling."""
    decoded = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    if base64.urlsafe_b64encode(decoded).rstrip(b"=").decode("ascii") != segment:
        raise ValueError("non-canonical base64url")
    return decoded


def _json_object(raw: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def _issuer_of(payload: dict[str, Any] | None) -> str | None:
    if payload is None:
        return None
    issuer = payload.get("issuer")
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


def _parse_time(value: Any) -> datetime | None:
    """An XML Schema dateTimeStamp; raises ValueError when it is not one."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError("not a string")
    moment = datetime.fromisoformat(value)
    if timezone.is_naive(moment):
        raise ValueError("no time zone")
    return moment


@dataclass(frozen=True)
class _FoundKey:
    jwk: dict[str, Any]
    #: The issuer id the key belongs to, when known.
    issuer: str | None
    #: Another deployment's key is accepted only for issuers on the same host as its key set.
    issuer_origin: str | None
    issuer_name: str
    revoked: bool
    #: Found in a trusted issuer's key set rather than this deployment's database.
    remote: bool = False


def _key_ref(kid: str) -> str:
    """The key id a ``kid`` names. Open Badges write the key's URL (``<site>/keys/<id>``,
    ``credentials.services.key_url``); the header is signed, so reading the id from it lets
    nobody swap keys."""
    head, separator, tail = kid.rpartition("/keys/")
    if separator and tail and "/" not in tail and issuer_origin(head) is not None:
        return tail
    return kid


def _local_key(kid: str) -> _FoundKey | None:
    key = (
        SigningKey.objects.select_related("organisation__credential_issuer").filter(kid=kid).first()
    )
    if key is None:
        return None
    issuer: Issuer | None = getattr(key.organisation, "credential_issuer", None)
    return _FoundKey(
        jwk=key.public_jwk,
        # Every local key has an issuer id, so a local key never vouches for "any issuer".
        issuer=issuer_url(issuer.public_id) if issuer is not None else issuer_id(key.organisation),
        issuer_origin=None,
        issuer_name=key.organisation.name,
        revoked=key.revoked_at is not None,
    )


def _remote_key(kid: str, organisation: Organisation) -> _FoundKey | None:
    for trusted in TrustedIssuer.objects.filter(organisation=organisation).order_by("pk"):
        bound = trusted.issuer or None
        if bound is None and not trusted.jwks_url:
            continue  # pasted before sets were bound to an issuer: vouches for nobody
        jwks = trusted.jwks if isinstance(trusted.jwks, dict) else {}
        origin = issuer_origin(trusted.jwks_url) if trusted.jwks_url else None
        for entry in jwks.get("revoked", []):
            if isinstance(entry, dict) and entry.get("kid") == kid:
                return _FoundKey({}, bound, origin, trusted.name, revoked=True, remote=True)
        for key in jwks.get("keys", []):
            if not isinstance(key, dict) or key.get("kid") != kid:
                continue
            named = key.get("issuer") if isinstance(key.get("issuer"), str) else None
            if bound is not None and named not in (None, bound):
                continue  # the key says it is someone else's: not what HR trusted
            return _FoundKey(
                jwk={"kty": key["kty"], "crv": key["crv"], "x": key["x"]},
                issuer=bound or named,
                issuer_origin=origin,
                issuer_name=trusted.name,
                revoked=False,
                remote=True,
            )
    return None


def _badge_problem(
    payload: dict[str, Any], *, valid_from: datetime | None, valid_until: datetime | None
) -> tuple[str, str] | None:
    """Why a genuine credential is not a well-formed Open Badge, or None.

    Open Badges 3.0 has each JWT claim mirror a credential field; a claim that disagrees would
    let a reader of the claims and a reader of the credential see two different badges."""
    types = payload.get("type")
    if not isinstance(types, list) or not BADGE_TYPES & {t for t in types if isinstance(t, str)}:
        return ("not_a_badge", "")
    subject = payload.get("credentialSubject")
    subject_id = subject.get("id") if isinstance(subject, dict) else None

    def numeric(moment: datetime | None) -> int | None:
        return int(moment.timestamp()) if moment is not None else None

    agree = (
        isinstance(payload.get("iss"), str)
        and isinstance(payload.get("jti"), str)
        and payload.get("jti") == payload.get("id")
        and isinstance(subject_id, str)
        and payload.get("sub") == subject_id
        and valid_from is not None
        and payload.get("nbf") == numeric(valid_from)
        and payload.get("exp") == numeric(valid_until)
    )
    return None if agree else ("malformed", _CLAIMS_DETAIL)


def _signature_ok(token: str, jwk: dict[str, Any]) -> bool:
    try:
        key = JWK(**jwk)
        jws = JWS()
        jws.allowed_algs = [JWS_ALG]
        jws.deserialize(token)
        jws.verify(key, alg=JWS_ALG)
    except (JWException, ValueError, TypeError):
        return False
    return True


def verify_credential(
    token: str,
    *,
    receiving_organisation: Organisation | None,
    now: datetime | None = None,
    profile: Profile = "vc",
) -> VerificationResult:
    """Check a compact-JWS credential for ``receiving_organisation``, which decides whom to trust.

    Without one (a public page, signed out) only this deployment's own keys are trusted.
    Never raises for bad input: every outcome is a ``VerificationResult``.
    """
    now = now or timezone.now()
    if not isinstance(token, str):
        return _fail("malformed")
    token = token.strip()
    if len(token) > MAX_TOKEN_BYTES:
        return _fail("malformed", detail="It is larger than any credential we accept.")
    if not _COMPACT.match(token):
        return _fail("malformed")
    header_segment, payload_segment, signature_segment = token.split(".")
    try:
        header = _json_object(_b64decode(header_segment))
        _b64decode(signature_segment)
    except (binascii.Error, ValueError):
        return _fail("malformed")
    try:
        # Not trusted until the signature is checked; a payload that does not decode is
        # left for the signature check to refuse as tampered.
        unverified_payload = _json_object(_b64decode(payload_segment))
    except (binascii.Error, ValueError):
        unverified_payload = None
    if header is None:
        return _fail("malformed")
    claimed_issuer = _issuer_of(unverified_payload)

    if header.get("alg") != JWS_ALG:
        return _fail("unsupported_algorithm", issuer=claimed_issuer)
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid or len(kid) > 200 or "crit" in header or "b64" in header:
        return _fail("malformed", issuer=claimed_issuer)
    if profile == "vc" and header.get("typ") not in {JWS_TYP, f"application/{JWS_TYP}"}:
        # Without it, any other JWT signed by a trusted key (a sign-in token, say) could be
        # passed off as a credential.
        return _fail("malformed", issuer=claimed_issuer, kid=kid, detail=_TYP_DETAIL)
    if profile == "open-badge" and header.get("typ", OB_JWS_TYP) != OB_JWS_TYP:
        return _fail("malformed", issuer=claimed_issuer, kid=kid, detail=_BADGE_TYP_DETAIL)

    claims_local = is_on_this_deployment(claimed_issuer)
    found = _local_key(_key_ref(kid))
    if found is None and not claims_local and receiving_organisation is not None:
        found = _remote_key(kid, receiving_organisation) or _remote_key(
            _key_ref(kid), receiving_organisation
        )
    if found is None:
        reason = "unknown_key" if claims_local else "untrusted_issuer"
        return _fail(reason, issuer=claimed_issuer, kid=kid)
    if found.revoked and not found.jwk:
        # Another deployment lists the key as revoked and no longer publishes it.
        return _fail("key_revoked", issuer=claimed_issuer, issuer_name=found.issuer_name, kid=kid)

    if not _signature_ok(token, found.jwk):
        return _fail("bad_signature", issuer=claimed_issuer, kid=kid)
    if found.revoked:
        return _fail("key_revoked", issuer=claimed_issuer, issuer_name=found.issuer_name, kid=kid)

    payload = unverified_payload  # the signature covers exactly these bytes
    if payload is None:
        return _fail("malformed", kid=kid, detail="The signed content is not a credential.")
    issuer = _issuer_of(payload)
    if issuer is None:
        return _fail("malformed", kid=kid, detail="It does not name its issuer.")
    iss = payload.get("iss")
    if found.remote and is_on_this_deployment(issuer):
        matches = False  # only this deployment's own keys speak for its issuers
    elif iss is not None and iss != issuer:
        matches = False  # a JWT claim naming someone else
    elif found.issuer is not None:
        matches = issuer == found.issuer
    elif found.issuer_origin is not None:
        matches = issuer_origin(issuer) == found.issuer_origin
    else:
        matches = False  # a key that says nothing of whom it speaks for speaks for nobody
    if not matches:
        return _fail("issuer_mismatch", issuer=issuer, issuer_name=found.issuer_name, kid=kid)

    try:
        valid_from = _parse_time(payload.get("validFrom"))
        valid_until = _parse_time(payload.get("validUntil"))
    except ValueError:
        return _fail(
            "malformed",
            issuer=issuer,
            issuer_name=found.issuer_name,
            kid=kid,
            detail="Its validity dates cannot be read.",
        )
    if profile == "open-badge":
        problem = _badge_problem(payload, valid_from=valid_from, valid_until=valid_until)
        if problem is not None:
            return _fail(
                problem[0], issuer=issuer, issuer_name=found.issuer_name, kid=kid, detail=problem[1]
            )
    if valid_from is not None and now < valid_from:
        return _fail("not_yet_valid", issuer=issuer, issuer_name=found.issuer_name, kid=kid)
    if valid_until is not None and now >= valid_until:
        return _fail("expired", issuer=issuer, issuer_name=found.issuer_name, kid=kid)
    return VerificationResult(
        valid=True,
        reason="ok",
        message=MESSAGES["ok"],
        credential=payload,
        issuer=issuer,
        issuer_name=found.issuer_name,
        kid=kid,
    )
