"""Signing credentials and managing the keys and trust that verification relies on.

Writes go through these functions whatever calls them (pages, API, commands, other apps),
so every key event and every signature is audited the same way.
"""

from __future__ import annotations

import json
import logging
import re
import urllib.parse
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from jwcrypto.jwk import JWK
from jwcrypto.jws import JWS

from accounts.models import User
from audit.models import Action, Channel
from audit.services import audit_record
from credentials.crypto import decrypt_secret, encrypt_secret, reencrypt_secret
from credentials.jwks import JwksError, fetch_jwks, parse_jwks
from credentials.models import Issuer, SigningKey, TrustedIssuer
from organisations.models import Organisation
from organisations.services import lock_organisation

logger = logging.getLogger(__name__)

#: The base context every VC Data Model 2.0 credential starts with.
VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
JWS_ALG = "EdDSA"
#: Media types from "Securing Verifiable Credentials using JOSE and COSE", section 3.1.1.
JWS_TYP = "vc+jwt"
JWS_CTY = "vc"
#: The largest credential we sign or accept; far above any real one, small enough to be safe.
MAX_TOKEN_BYTES = 64 * 1024
#: The context an Open Badges 3.0 credential adds after the VC 2.0 one.
OB_V3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
#: Open Badges 3.0's JWT proof format (section 8.2) allows only ``typ: JWT`` in the header.
OB_JWS_TYP = "JWT"


def _channel(channel: Channel | None, actor: User | None) -> Channel:
    if channel is not None:
        return channel
    return Channel.WEB if actor is not None else Channel.SYSTEM


def issuer_for(organisation: Organisation) -> Issuer:
    issuer, _created = Issuer.objects.get_or_create(organisation=organisation)
    return issuer


def issuer_url(public_id: object) -> str:
    return f"{settings.SITE_URL}/issuers/{public_id}"


def issuer_id(organisation: Organisation) -> str:
    """The organisation's issuer id: an https URL on this deployment that never changes.

    It is built from a random public id, not the slug, because slugs can be edited and
    credentials carry the issuer id for years.
    """
    return issuer_url(issuer_for(organisation).public_id)


def issuer_origin(issuer: str) -> str | None:
    """``scheme://host:port`` of an http(s) issuer id, normalised so spellings cannot differ.

    None for anything else (a DID, garbage), which is never on this deployment.
    """
    try:
        parts = urllib.parse.urlsplit(issuer.strip())
        port = parts.port
    except (ValueError, AttributeError):
        return None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if scheme not in {"https", "http"} or not host:
        return None
    return f"{scheme}://{host}:{port or (443 if scheme == 'https' else 80)}"


def is_on_this_deployment(issuer: str | None) -> bool:
    """True for any issuer id on this deployment's address: only our own keys speak for those."""
    return bool(issuer) and issuer_origin(str(issuer)) == issuer_origin(settings.SITE_URL)


def jwks_url() -> str:
    return f"{settings.SITE_URL}/.well-known/jwks.json"


def key_url(kid: str) -> str:
    """Where one public key can be fetched on its own. Open Badges 3.0 asks for a ``kid`` that
    is a URL dereferencing to the key, so badges name their key this way."""
    return f"{settings.SITE_URL}/keys/{kid}"


def format_timestamp(moment: datetime) -> str:
    """XML Schema dateTimeStamp in UTC to the second, as VC Data Model 2.0 expects."""
    if timezone.is_naive(moment):
        raise ValueError("Credential dates must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _create_key(
    *, organisation: Organisation, actor: User | None, channel: Channel, summary: str
) -> SigningKey:
    issuer_for(organisation)  # the key set names each key's issuer
    jwk = JWK.generate(kty="OKP", crv="Ed25519")
    public = jwk.export_public(as_dict=True)
    key = SigningKey.objects.create(
        organisation=organisation,
        kid=str(jwk.thumbprint()),
        public_jwk={"kty": public["kty"], "crv": public["crv"], "x": public["x"]},
        private_jwk_encrypted=encrypt_secret(str(jwk.export_private())),
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        channel=channel,
        target=key,
        organisation_id=organisation.pk,
        summary=summary,
        changes={"kid": key.kid},
    )
    return key


def active_key(
    organisation: Organisation, *, actor: User | None, channel: Channel | None = None
) -> SigningKey:
    """The organisation's signing key, made on first use."""
    key = SigningKey.objects.filter(
        organisation=organisation, retired_at__isnull=True, revoked_at__isnull=True
    ).first()
    if key is not None:
        return key
    with transaction.atomic():
        # Key changes are serialised per organisation: two requests never make two active keys.
        lock_organisation(organisation.pk)
        key = SigningKey.objects.filter(
            organisation=organisation, retired_at__isnull=True, revoked_at__isnull=True
        ).first()
        if key is None:
            key = _create_key(
                organisation=organisation,
                actor=actor,
                channel=_channel(channel, actor),
                summary="Created a credential signing key",
            )
        return key


def rotate_key(
    organisation: Organisation, *, actor: User | None, channel: Channel | None = None
) -> SigningKey:
    """Retire the active key (it keeps verifying what it signed) and make a new active one."""
    used = _channel(channel, actor)
    with transaction.atomic():
        lock_organisation(organisation.pk)
        now = timezone.now()
        for old in SigningKey.objects.select_for_update().filter(
            organisation=organisation, retired_at__isnull=True, revoked_at__isnull=True
        ):
            old.retired_at = now
            old.save(update_fields=["retired_at"])
            audit_record(
                actor=actor,
                action=Action.UPDATE,
                channel=used,
                target=old,
                organisation_id=organisation.pk,
                summary="Retired a credential signing key (rotation)",
                changes={"kid": old.kid, "retired_at": now.isoformat()},
            )
        return _create_key(
            organisation=organisation,
            actor=actor,
            channel=used,
            summary="Created a credential signing key (rotation)",
        )


def revoke_key(
    key: SigningKey, *, actor: User | None, reason: str, channel: Channel | None = None
) -> SigningKey:
    """Stop trusting a key for good: everything it signed fails verification from now on.

    Meant for a key that may be compromised. Revoking the active key makes its replacement at
    once, as part of the same action: a key made later, by the next credential signed, would
    date that signing in the organisation's audit log (a badge says who passed a module).
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the key is being revoked."})
    if len(reason) > 500:
        raise ValidationError({"reason": "The reason must be 500 characters or fewer."})
    with transaction.atomic():
        locked = SigningKey.objects.select_for_update().get(pk=key.pk)
        if locked.revoked_at is not None:
            raise ValidationError({"reason": "This key has already been revoked."})
        locked.revoked_at = timezone.now()
        locked.revocation_reason = reason
        locked.save(update_fields=["revoked_at", "revocation_reason"])
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            channel=_channel(channel, actor),
            target=locked,
            organisation_id=locked.organisation_id,
            summary="Revoked a credential signing key",
            changes={
                "kid": locked.kid,
                "revoked_at": locked.revoked_at.isoformat(),
                "reason": reason,
            },
        )
        if locked.retired_at is None:
            lock_organisation(locked.organisation_id)
            _create_key(
                organisation=locked.organisation,
                actor=actor,
                channel=_channel(channel, actor),
                summary="Created a credential signing key (replacing a revoked one)",
            )
    key.revoked_at, key.revocation_reason = locked.revoked_at, locked.revocation_reason
    return key


def keys_ensure() -> int:
    """Give every organisation without an active key one; returns how many were made.

    Run daily, so an organisation's first key is made by this job rather than by the first
    credential it signs, whose time the key's audit entry would otherwise record.
    """
    made = 0
    active = SigningKey.objects.filter(
        organisation=OuterRef("pk"), retired_at__isnull=True, revoked_at__isnull=True
    )
    missing = Organisation.objects.filter(~Exists(active)).only("pk")
    for organisation in missing.iterator():
        with transaction.atomic():
            lock_organisation(organisation.pk)
            if not SigningKey.objects.filter(
                organisation=organisation, retired_at__isnull=True, revoked_at__isnull=True
            ).exists():
                _create_key(
                    organisation=organisation,
                    actor=None,
                    channel=Channel.SYSTEM,
                    summary="Created a credential signing key",
                )
                made += 1
    return made


def reencrypt_keys() -> int:
    """Re-encrypt every private key under the first ``CREDENTIALS_ENCRYPTION_KEYS`` entry."""
    count = 0
    with transaction.atomic():
        for key in SigningKey.objects.select_for_update().only("pk", "private_jwk_encrypted"):
            key.private_jwk_encrypted = reencrypt_secret(key.private_jwk_encrypted)
            key.save(update_fields=["private_jwk_encrypted"])
            count += 1
    return count


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _complete(
    credential: dict[str, Any], *, issuer: str, valid_from: datetime, valid_until: datetime
) -> dict[str, Any]:
    # A JSON round trip copies the caller's dict and refuses what JSON cannot carry.
    payload: dict[str, Any] = json.loads(json.dumps(credential))
    contexts = _as_list(payload.get("@context"))
    if VC_V2_CONTEXT in contexts:
        contexts.remove(VC_V2_CONTEXT)
    payload["@context"] = [VC_V2_CONTEXT, *contexts]
    types = _as_list(payload.get("type"))
    if "VerifiableCredential" in types:
        types.remove("VerifiableCredential")
    payload["type"] = ["VerifiableCredential", *types]
    if isinstance(payload.get("issuer"), dict):
        # Open Badges put a profile object here; only its id is ours to set.
        payload["issuer"] = {**payload["issuer"], "id": issuer}
    else:
        payload["issuer"] = issuer
    payload["validFrom"] = format_timestamp(valid_from)
    payload["validUntil"] = format_timestamp(valid_until)
    return payload


def sign_payload(
    key: SigningKey, payload: dict[str, Any], *, header: dict[str, str] | None = None
) -> str:
    """A compact JWS of ``payload``, by default with the header VC-JOSE-COSE asks for."""
    private = JWK.from_json(decrypt_secret(key.private_jwk_encrypted))
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    jws = JWS(body)
    if header is None:
        header = {"alg": JWS_ALG, "typ": JWS_TYP, "cty": JWS_CTY, "kid": key.kid}
    jws.add_signature(private, alg=None, protected=json.dumps(header))
    return str(jws.serialize(compact=True))


def _numeric_date(moment: datetime) -> int:
    return int(moment.timestamp())


def issue_open_badge(
    organisation: Organisation,
    credential: dict[str, Any],
    *,
    valid_from: datetime,
    valid_until: datetime,
) -> str:
    """Sign an Open Badges 3.0 ``OpenBadgeCredential`` in the standard's JWT proof format.

    The payload is the credential plus the JWT claims Open Badges requires (``iss``, ``jti``,
    ``nbf``, ``sub`` and ``exp``, each equal to the credential field it mirrors), and the header
    holds only ``alg``, ``typ: JWT`` and a ``kid`` that is the key's own URL. That header is not
    the ``vc+jwt`` one passports carry, so neither kind can be passed off as the other.

    Nothing is audited here: whether someone passed a module is theirs to share, so the caller
    records the badge privately; a key made on the way is made by the system.
    """
    if valid_until <= valid_from:
        raise ValueError("validUntil must be after validFrom")
    name = organisation.name
    issuer = credential.get("issuer")
    payload = _complete(
        {**credential, "issuer": issuer if isinstance(issuer, dict) else {"name": name}},
        issuer=issuer_id(organisation),
        valid_from=valid_from,
        valid_until=valid_until,
    )
    payload["issuer"] = {"type": ["Profile"], **payload["issuer"]}
    contexts = payload["@context"]
    if OB_V3_CONTEXT not in contexts:
        contexts.insert(1, OB_V3_CONTEXT)
    subject = payload.get("credentialSubject")
    if not isinstance(payload.get("id"), str) or not isinstance(subject, dict):
        raise ValueError("An Open Badge needs an id and a credentialSubject")
    if not isinstance(subject.get("id"), str):
        raise ValueError("An Open Badge's credentialSubject needs an id")
    payload.update(
        iss=payload["issuer"]["id"],
        jti=payload["id"],
        sub=subject["id"],
        nbf=_numeric_date(valid_from),
        exp=_numeric_date(valid_until),
    )
    with transaction.atomic():
        key = active_key(organisation, actor=None, channel=Channel.SYSTEM)
        token = sign_payload(
            key, payload, header={"alg": JWS_ALG, "kid": key_url(key.kid), "typ": OB_JWS_TYP}
        )
    if len(token) > MAX_TOKEN_BYTES:
        raise ValueError(f"The signed credential is larger than {MAX_TOKEN_BYTES} bytes")
    return token


def issue_credential(
    organisation: Organisation,
    credential: dict[str, Any],
    *,
    valid_from: datetime,
    valid_until: datetime,
    actor: User | None,
    channel: Channel | None = None,
    private: bool = False,
) -> str:
    """Fill in issuer/validFrom/validUntil (and @context/type defaults), sign, return the JWS.

    The audit entry names the key, the credential's types and dates, never its content:
    the content may be a carer's passport, which the audit log's readers must not see.
    With ``private`` the caller audits the signing against its own private record instead,
    because even "this person signed a passport credential" says who is a carer; a key
    made on the way is then recorded as made by the system.
    """
    if valid_until <= valid_from:
        raise ValueError("validUntil must be after validFrom")
    payload = _complete(
        credential,
        issuer=issuer_id(organisation),
        valid_from=valid_from,
        valid_until=valid_until,
    )
    with transaction.atomic():
        if private:
            key = active_key(organisation, actor=None, channel=Channel.SYSTEM)
        else:
            key = active_key(organisation, actor=actor, channel=channel)
        token = sign_payload(key, payload)
        if len(token) > MAX_TOKEN_BYTES:
            raise ValueError(f"The signed credential is larger than {MAX_TOKEN_BYTES} bytes")
        if private:
            return token
        audit_record(
            actor=actor,
            action=Action.CREATE,
            channel=_channel(channel, actor),
            target=key,
            organisation_id=organisation.pk,
            summary="Signed a credential",
            changes={
                "kid": key.kid,
                "type": payload["type"],
                "id": payload.get("id", ""),
                "validFrom": payload["validFrom"],
                "validUntil": payload["validUntil"],
            },
        )
    return token


# Trusted issuers ---------------------------------------------------------------------------


def _check_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Enter a name for this issuer."})
    return name


_DID = re.compile(r"did:[a-z0-9]+:[A-Za-z0-9._:%-]+")


def _check_issuer(issuer: str, *, required: bool) -> str:
    """The issuer id HR binds a key set to: another service's http(s) URL or a DID."""
    issuer = issuer.strip()
    if not issuer:
        if required:
            raise ValidationError(
                {
                    "issuer": "Enter the issuer id their credentials name. "
                    "A pasted key set is trusted for that one issuer only."
                }
            )
        return ""
    if len(issuer) > 500:
        raise ValidationError({"issuer": "The issuer id must be 500 characters or fewer."})
    if issuer_origin(issuer) is None and not _DID.fullmatch(issuer):
        raise ValidationError(
            {
                "issuer": "Enter the issuer id in full, like "
                "https://carers.example.org/issuers/3f0c6f1e-9a55-4d2b-8b7e-0c1d2e3f4a5b"
            }
        )
    if is_on_this_deployment(issuer):
        raise ValidationError(
            {
                "issuer": "That issuer is on this service, whose own keys are trusted already. "
                "Enter the issuer id of the other service."
            }
        )
    return issuer


def _bind(jwks: dict[str, Any], issuer: str, *, field: str) -> dict[str, Any]:
    """Keep only the keys that may speak for ``issuer``; the rest of the set is not trusted.

    A published set often holds every organisation of a deployment; HR trusts one of them.
    """
    if not issuer:
        return jwks
    keys = [k for k in jwks["keys"] if k.get("issuer") in (None, issuer)]
    if jwks["keys"] and not keys:
        raise ValidationError({field: f"None of the keys in this key set are for {issuer}."})
    return {**jwks, "keys": keys}


def trusted_issuer_add_by_url(
    *,
    organisation: Organisation,
    name: str,
    url: str,
    by: User | None,
    issuer: str = "",
    channel: Channel = Channel.WEB,
) -> TrustedIssuer:
    """Fetch another deployment's key set and trust it for this organisation.

    With ``issuer``, its keys vouch for that one issuer; without, for what each key names
    (or issuers on the key set's own host).
    """
    name = _check_name(name)
    issuer = _check_issuer(issuer, required=False)
    url = url.strip()
    if TrustedIssuer.objects.filter(organisation=organisation, jwks_url=url).exists():
        raise ValidationError({"jwks_url": "Your organisation already trusts this key set."})
    try:
        jwks = fetch_jwks(url)
    except JwksError as error:
        raise ValidationError({"jwks_url": str(error)}) from error
    jwks = _bind(jwks, issuer, field="jwks_url")
    with transaction.atomic():
        trusted = TrustedIssuer.objects.create(
            organisation=organisation,
            name=name,
            jwks_url=url,
            jwks=jwks,
            issuer=issuer,
            fetched_at=timezone.now(),
            added_by=by,
        )
        audit_record(
            actor=by,
            action=Action.CREATE,
            channel=channel,
            target=trusted,
            organisation_id=organisation.pk,
            summary=f"Trusted credential issuer {name}",
            changes={"jwks_url": url, "issuer": issuer, "kids": _kids(jwks)},
        )
    return trusted


def trusted_issuer_add_pasted(
    *,
    organisation: Organisation,
    name: str,
    jwks_text: str,
    issuer: str,
    by: User | None,
    channel: Channel = Channel.WEB,
) -> TrustedIssuer:
    """Trust a key set pasted by hand, for deployments that cannot reach each other.

    Nothing about pasted text says whose keys they are, so HR names the one issuer they
    may vouch for; never an issuer on this deployment.
    """
    name = _check_name(name)
    issuer = _check_issuer(issuer, required=True)
    try:
        jwks = parse_jwks(jwks_text)
    except JwksError as error:
        raise ValidationError({"jwks_json": str(error)}) from error
    jwks = _bind(jwks, issuer, field="jwks_json")
    with transaction.atomic():
        trusted = TrustedIssuer.objects.create(
            organisation=organisation,
            name=name,
            jwks=jwks,
            issuer=issuer,
            fetched_at=timezone.now(),
            added_by=by,
        )
        audit_record(
            actor=by,
            action=Action.CREATE,
            channel=channel,
            target=trusted,
            organisation_id=organisation.pk,
            summary=f"Trusted credential issuer {name} (pasted key set)",
            changes={"issuer": issuer, "kids": _kids(jwks)},
        )
    return trusted


def trusted_issuer_refresh(
    *, trusted_issuer: TrustedIssuer, by: User | None, channel: Channel = Channel.WEB
) -> TrustedIssuer:
    """Fetch the key set again: picks up new keys and newly revoked ones.

    A failed fetch keeps the previous copy, so a remote outage does not stop verification.
    """
    if not trusted_issuer.jwks_url:
        raise ValidationError("This key set was pasted, so it cannot be fetched again.")
    try:
        jwks = _bind(fetch_jwks(trusted_issuer.jwks_url), trusted_issuer.issuer, field="jwks_url")
    except JwksError as error:
        raise ValidationError(str(error)) from error
    before = set(_kids(trusted_issuer.jwks))
    changed = jwks != trusted_issuer.jwks
    with transaction.atomic():
        trusted_issuer.jwks = jwks
        trusted_issuer.fetched_at = timezone.now()
        trusted_issuer.save(update_fields=["jwks", "fetched_at"])
        after = set(_kids(jwks))
        if by is None and not changed:
            return trusted_issuer  # the daily refresh found nothing new: not worth an entry
        audit_record(
            actor=by,
            action=Action.UPDATE,
            channel=channel,
            target=trusted_issuer,
            organisation_id=trusted_issuer.organisation_id,
            summary=f"Refreshed the key set of {trusted_issuer.name}",
            changes={
                "added": sorted(after - before),
                "removed": sorted(before - after),
                "revoked": sorted(_revoked_kids(jwks)),
            },
        )
    return trusted_issuer


def trusted_issuers_refresh_all() -> dict[str, int]:
    """Refetch every trusted key set, so another deployment's revocations reach us within a day."""
    counts = {"refreshed": 0, "failed": 0}
    for trusted in TrustedIssuer.objects.exclude(jwks_url="").order_by("pk"):
        try:
            trusted_issuer_refresh(trusted_issuer=trusted, by=None, channel=Channel.SYSTEM)
        except ValidationError as error:
            logger.warning(
                "Could not refresh the key set of trusted issuer %s (%s): %s",
                trusted.pk,
                trusted.jwks_url,
                " ".join(error.messages),
            )
            counts["failed"] += 1
        else:
            counts["refreshed"] += 1
    return counts


def trusted_issuer_remove(
    *, trusted_issuer: TrustedIssuer, by: User | None, channel: Channel = Channel.WEB
) -> None:
    with transaction.atomic():
        audit_record(
            actor=by,
            action=Action.DELETE,
            channel=channel,
            target=trusted_issuer,
            organisation_id=trusted_issuer.organisation_id,
            summary=f"Stopped trusting credential issuer {trusted_issuer.name}",
            changes={"jwks_url": trusted_issuer.jwks_url},
        )
        trusted_issuer.delete()


def _kids(jwks: Any) -> list[str]:
    keys = jwks.get("keys", []) if isinstance(jwks, dict) else []
    return [str(k.get("kid")) for k in keys if isinstance(k, dict)]


def _revoked_kids(jwks: Any) -> list[str]:
    revoked = jwks.get("revoked", []) if isinstance(jwks, dict) else []
    return [str(r.get("kid")) for r in revoked if isinstance(r, dict)]
