"""Holder codes: showing that the person bringing a credential in is the one it was issued to.

A credential is a file. It can be forwarded, left on a shared drive or kept by someone who
once saw it, and its signature only proves who issued it. So when one is issued, its holder
is shown a random code, once; the credential carries a salted, deliberately slow hash of
that code and nothing else about them. Whoever brings the credential in types the code.
Why this design, and what it does not protect against: docs/passport-credential.md.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import secrets
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from audit.models import Action, Channel
from audit.services import audit_record
from credentials.models import HolderRefusal
from organisations.models import Organisation

#: The ``type`` of the binding a credential carries; it fixes every parameter below, so a
#: credential cannot ask a verifier for a costlier hash than we chose.
BINDING_TYPE = "HolderCodeScrypt"
#: Crockford's base 32: no I, L, O or U, so a code read aloud or copied by hand survives.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
#: 12 characters of 5 bits: 60 bits, far beyond guessing online, and with scrypt offline too.
CODE_LENGTH = 12
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32, "maxmem": 64 * 1024 * 1024}
_SALT_BYTES = 16
#: Wrong codes a person may give in a day before checks stop for them (docs/passport-credential.md).
MAX_REFUSALS = 10
REFUSAL_WINDOW = timedelta(hours=24)
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015._]")
_LOOKALIKES = str.maketrans("OIL", "011")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def holder_code_new() -> str:
    """A fresh random code, grouped for reading: ``K7QM-2XHD-9RWP``."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def holder_code_normalise(code: str) -> str:
    """What the hash is taken of: upper case, no spaces or dashes, O/I/L read as 0/1/1."""
    return _SEPARATORS.sub("", code).upper().translate(_LOOKALIKES)


def _digest(normalised: str, salt: bytes) -> bytes:
    return hashlib.scrypt(normalised.encode("ascii"), salt=salt, **_SCRYPT)


def holder_binding(code: str) -> dict[str, str]:
    """What a credential carries about its holder: a salt and a slow hash of their code."""
    normalised = holder_code_normalise(code)
    if len(normalised) != CODE_LENGTH or set(normalised) - set(ALPHABET):
        raise ValueError("not a holder code")
    salt = secrets.token_bytes(_SALT_BYTES)
    return {"type": BINDING_TYPE, "salt": _b64(salt), "digest": _b64(_digest(normalised, salt))}


def holder_binding_of(value: Any) -> dict[str, str] | None:
    """The binding if ``value`` is one we can check, else None (absent, or another kind)."""
    if not isinstance(value, dict) or value.get("type") != BINDING_TYPE:
        return None
    salt, digest = value.get("salt"), value.get("digest")
    if not isinstance(salt, str) or not isinstance(digest, str):
        return None
    try:
        if len(_unb64(salt)) < _SALT_BYTES or len(_unb64(digest)) != _SCRYPT["dklen"]:
            return None
    except (binascii.Error, ValueError):
        return None
    return {"type": BINDING_TYPE, "salt": salt, "digest": digest}


def holder_code_matches(code: str, binding: dict[str, str]) -> bool:
    """True when ``code`` is the one the binding was made from (compared in constant time)."""
    normalised = holder_code_normalise(code)
    if len(normalised) != CODE_LENGTH or set(normalised) - set(ALPHABET):
        return False  # cannot be a code: not worth the slow hash
    expected = _unb64(binding["digest"])
    return hmac.compare_digest(_digest(normalised, _unb64(binding["salt"])), expected)


def holder_refusals_recent(*, user: User) -> int:
    """Wrong codes this person gave in the last day, anywhere: the cap on guessing."""
    since = timezone.now() - REFUSAL_WINDOW
    return HolderRefusal.objects.filter(user=user, at__gte=since).count()


def holder_refusal_record(
    *,
    organisation: Organisation,
    user: User,
    credential_id: str,
    issuer: str,
    channel: Channel = Channel.WEB,
) -> HolderRefusal:
    """Keep and audit a refused attempt to bring in someone else's credential.

    Call it outside any transaction that the refusal then rolls back, or the record goes
    with it. The record type is private to the audit log's readers (credentials/apps.py):
    even "this person tried to bring in a passport" says who is, or claims to be, a carer.
    """
    with transaction.atomic():
        refusal = HolderRefusal.objects.create(
            organisation=organisation,
            user=user,
            credential_id=credential_id[:200],
            issuer=issuer[:500],
        )
        audit_record(
            actor=user,
            action=Action.CREATE,
            channel=channel,
            target=refusal,
            organisation_id=organisation.pk,
            summary="Refused a credential: the holder code given was not the one it was issued with",
            changes={"credential_id": refusal.credential_id, "issuer": refusal.issuer},
        )
    return refusal
