"""Encryption at rest for private signing keys.

A database dump or backup alone must not let anyone sign credentials as an employer, so the
private JWK is stored as a Fernet token under keys kept outside the database
(``CREDENTIALS_ENCRYPTION_KEYS``). MultiFernet lets operators add a new key first and
re-encrypt, then drop the old one.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class KeyDecryptionError(RuntimeError):
    """The stored key cannot be decrypted with any configured encryption key."""


def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in settings.CREDENTIALS_ENCRYPTION_KEYS])


def encrypt_secret(plaintext: str) -> str:
    return _fernet().encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt_secret(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken as exc:
        raise KeyDecryptionError(
            "A signing key cannot be decrypted: is CREDENTIALS_ENCRYPTION_KEYS missing an old key?"
        ) from exc


def reencrypt_secret(token: str) -> str:
    """The same secret encrypted under the first (newest) configured key."""
    try:
        return _fernet().rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken as exc:
        raise KeyDecryptionError("A signing key cannot be decrypted for re-encryption") from exc
