"""Open Badges 3.0 in its JWT proof format: what the header and claims hold, how a badge is
verified, and the key URL a badge's ``kid`` points at."""

from __future__ import annotations

import json

import pytest
from joserfc import jws
from joserfc.jwk import OKPKey
from jwcrypto.jwk import JWK
from jwcrypto.jws import JWS

from credentials.crypto import decrypt_secret
from credentials.services import (
    OB_V3_CONTEXT,
    VC_V2_CONTEXT,
    active_key,
    issue_credential,
    issue_open_badge,
    issuer_id,
    key_url,
    revoke_key,
)
from credentials.tests.helpers import A_YEAR, NOW, flip, header_of, payload_of
from credentials.verification import verify_credential

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore:EdDSA is deprecated:joserfc.errors.SecurityWarning"),
]


def _badge(**changes):
    return {
        "id": "https://badges.example/1",
        "type": ["OpenBadgeCredential"],
        "name": "Test badge",
        "credentialSubject": {
            "id": "urn:uuid:7c8a4f5e-1b1d-4a8e-9d7e-3f1d2c3b4a5f",
            "type": ["AchievementSubject"],
            "achievement": {"id": "urn:uuid:1", "type": ["Achievement"], "name": "Test"},
        },
        **changes,
    }


def _issue(org, **changes):
    return issue_open_badge(org, _badge(**changes), valid_from=NOW, valid_until=NOW + A_YEAR)


def _check(token, *, org=None, now=NOW, profile="open-badge"):
    return verify_credential(token, receiving_organisation=org, now=now, profile=profile)


def _resign(org, payload, header):
    """``payload`` signed by the organisation's real key: genuine, whatever it says."""
    key = active_key(org, actor=None)
    token = JWS(json.dumps(payload).encode())
    private = JWK.from_json(decrypt_secret(key.private_jwk_encrypted))
    token.add_signature(private, alg=None, protected=json.dumps(header))
    return str(token.serialize(compact=True))


def test_the_header_holds_only_what_open_badges_allows(world):
    token = _issue(world.org)
    key = active_key(world.org, actor=None)

    assert header_of(token) == {"alg": "EdDSA", "kid": key_url(key.kid), "typ": "JWT"}


def test_the_jwt_claims_mirror_the_credential(world):
    payload = payload_of(_issue(world.org))

    assert payload["@context"] == [VC_V2_CONTEXT, OB_V3_CONTEXT]
    assert payload["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert payload["issuer"] == {
        "type": ["Profile"],
        "name": world.org.name,
        "id": issuer_id(world.org),
    }
    assert payload["iss"] == issuer_id(world.org)
    assert payload["jti"] == payload["id"] == "https://badges.example/1"
    assert payload["sub"] == payload["credentialSubject"]["id"]
    assert payload["nbf"] == int(NOW.timestamp())
    assert payload["exp"] == int((NOW + A_YEAR).timestamp())
    assert payload["validFrom"] == "2026-06-01T12:00:00Z"


def test_a_badge_verifies_signed_out_as_a_badge(world):
    result = _check(_issue(world.org))

    assert result.valid, result
    assert result.issuer_name == world.org.name


def test_a_badge_verifies_with_an_independent_library_against_its_key_url(world, client):
    token = _issue(world.org)
    kid_url = header_of(token)["kid"]

    # The kid is an absolute URL on SITE_URL; the test client asks for its path.
    response = client.get("/keys/" + kid_url.rpartition("/keys/")[2])

    assert response.status_code == 200
    key = OKPKey.import_key(response.json())
    verified = jws.deserialize_compact(token, key, algorithms=["EdDSA"])
    assert json.loads(verified.payload)["jti"] == "https://badges.example/1"


def test_a_tampered_badge_fails(world):
    header, payload, signature = _issue(world.org).split(".")

    assert _check(".".join([header, flip(payload, 40), signature])).reason == "bad_signature"


def test_a_passport_style_credential_is_not_read_as_a_badge_nor_a_badge_as_one(world):
    passport = issue_credential(
        world.org, _badge(), valid_from=NOW, valid_until=NOW + A_YEAR, actor=None
    )
    badge = _issue(world.org)

    assert _check(passport).reason == "malformed"
    assert _check(badge, org=world.org, profile="vc").reason == "malformed"


def test_a_genuine_jwt_that_is_not_a_badge_is_not_a_badge(world):
    payload = payload_of(_issue(world.org))
    payload["type"] = ["VerifiableCredential", "ExampleCredential"]
    key = active_key(world.org, actor=None)
    token = _resign(world.org, payload, {"alg": "EdDSA", "kid": key_url(key.kid), "typ": "JWT"})

    assert _check(token).reason == "not_a_badge"


@pytest.mark.parametrize(
    ("claim", "value"),
    [("jti", "https://badges.example/2"), ("sub", "urn:uuid:other"), ("nbf", 5), ("exp", None)],
)
def test_claims_that_disagree_with_the_badge_are_malformed(world, claim, value):
    payload = payload_of(_issue(world.org))
    if value is None:
        del payload[claim]
    else:
        payload[claim] = value
    key = active_key(world.org, actor=None)
    token = _resign(world.org, payload, {"alg": "EdDSA", "kid": key.kid, "typ": "JWT"})

    result = _check(token)

    assert result.reason == "malformed"
    assert "claims" in result.message


def test_an_iss_claim_naming_someone_else_is_an_issuer_mismatch(world):
    payload = payload_of(_issue(world.org))
    payload["iss"] = issuer_id(world.other_org)
    key = active_key(world.org, actor=None)
    token = _resign(world.org, payload, {"alg": "EdDSA", "kid": key.kid, "typ": "JWT"})

    assert _check(token).reason == "issuer_mismatch"


def test_a_badge_from_a_revoked_key_fails_and_its_key_url_is_gone(world, client):
    token = _issue(world.org)
    key = active_key(world.org, actor=None)
    revoke_key(key, actor=None, reason="Lost laptop")

    assert _check(token).reason == "key_revoked"
    response = client.get(f"/keys/{key.kid}")
    assert response.status_code == 410
    assert "x" not in response.json()


def test_an_unknown_key_url_is_not_found(client):
    assert client.get("/keys/not-a-key").status_code == 404


def test_signed_out_verification_trusts_no_organisations_remote_issuers(world, remote):
    from credentials.services import trusted_issuer_add_by_url
    from credentials.tests.helpers import credential, sign

    trusted_issuer_add_by_url(
        organisation=world.org, name="Northern Hub", url=remote.jwks_url, by=world.hr_admin
    )
    token = sign(credential(remote.issuer), remote.key)

    assert verify_credential(token, receiving_organisation=world.org, now=NOW).valid
    assert verify_credential(token, receiving_organisation=None, now=NOW).reason == (
        "untrusted_issuer"
    )


def test_revoking_the_active_key_makes_its_replacement_at_once(world):
    from credentials.models import SigningKey

    key = active_key(world.org, actor=None)
    revoke_key(key, actor=world.org_admin, reason="Lost laptop")

    replacement = SigningKey.objects.get(
        organisation=world.org, retired_at__isnull=True, revoked_at__isnull=True
    )
    assert replacement.pk != key.pk


def test_the_daily_job_gives_every_organisation_a_key_before_it_signs_anything(world):
    from credentials.models import SigningKey
    from credentials.services import keys_ensure
    from credentials.tasks import ensure_signing_keys

    assert not SigningKey.objects.exists()

    assert ensure_signing_keys.call() == 2  # the world's two organisations
    assert keys_ensure() == 0
    assert SigningKey.objects.filter(organisation=world.org).count() == 1
