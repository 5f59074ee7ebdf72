"""Issuing: what the signed token looks like, and how the key behind it is kept."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test import Client
from jwcrypto.jwk import JWK

from audit.models import AuditEvent
from credentials.crypto import KeyDecryptionError, decrypt_secret
from credentials.models import SigningKey
from credentials.services import active_key, issue_credential, issuer_id
from credentials.tests.helpers import (
    A_YEAR,
    NOW,
    header_of,
    independently_verified,
    payload_of,
)
from credentials.verification import verify_credential

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore:EdDSA is deprecated:joserfc.errors.SecurityWarning"),
]

SUBJECT = {"credentialSubject": {"adjustments": ["Flexible start time"]}}


def _issue(org, actor=None, **extra):
    return issue_credential(
        org, {**SUBJECT, **extra}, valid_from=NOW, valid_until=NOW + A_YEAR, actor=actor
    )


def test_signed_credential_verifies_with_our_own_verifier(world):
    token = _issue(world.org, world.hr_admin)

    result = verify_credential(token, receiving_organisation=world.other_org, now=NOW)

    assert result.valid, result
    assert result.reason == "ok"
    assert result.issuer == issuer_id(world.org)
    assert result.issuer_name == "Home Trust"
    assert result.credential is not None
    assert result.credential["credentialSubject"] == SUBJECT["credentialSubject"]


def test_an_independent_jose_library_verifies_it_against_the_published_key_set(world, client):
    token = _issue(world.org)

    published = client.get("/.well-known/jwks.json").json()
    payload = independently_verified(token, published)

    assert payload["issuer"] == issuer_id(world.org)
    assert payload["credentialSubject"] == SUBJECT["credentialSubject"]
    [published_key] = published["keys"]
    assert published_key["kid"] == header_of(token)["kid"]
    assert published_key["issuer"] == issuer_id(world.org)


def test_header_is_the_one_vc_jose_cose_asks_for(world):
    token = _issue(world.org)

    key = SigningKey.objects.get(organisation=world.org)
    assert header_of(token) == {"alg": "EdDSA", "typ": "vc+jwt", "cty": "vc", "kid": key.kid}


def test_kid_is_the_rfc_7638_thumbprint_of_the_public_key(world):
    key = active_key(world.org, actor=None)

    assert key.kid == JWK(**key.public_jwk).thumbprint()
    assert set(key.public_jwk) == {"kty", "crv", "x"}
    assert key.public_jwk["crv"] == "Ed25519"


def test_issuer_dates_context_and_type_are_filled_in(world):
    token = issue_credential(
        world.org,
        {
            "@context": ["https://example.org/passport/v1"],
            "type": "CarerPassportCredential",
            "issuer": "https://impostor.example/",
            **SUBJECT,
        },
        valid_from=NOW,
        valid_until=NOW + timedelta(days=30),
        actor=None,
    )

    payload = payload_of(token)
    assert payload["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://example.org/passport/v1",
    ]
    assert payload["type"] == ["VerifiableCredential", "CarerPassportCredential"]
    assert payload["issuer"] == issuer_id(world.org)
    assert payload["validFrom"] == "2026-06-01T12:00:00Z"
    assert payload["validUntil"] == "2026-07-01T12:00:00Z"


def test_an_issuer_profile_object_keeps_its_fields_but_gets_our_id(world):
    """Open Badges 3.0 puts a profile object in ``issuer``."""
    token = _issue(world.org, issuer={"type": ["Profile"], "name": "Home Trust", "id": "x"})

    issuer = payload_of(token)["issuer"]
    assert issuer == {"type": ["Profile"], "name": "Home Trust", "id": issuer_id(world.org)}
    assert verify_credential(token, receiving_organisation=world.org, now=NOW).valid


def test_issuer_id_is_stable_and_does_not_use_the_slug(world, settings):
    settings.SITE_URL = "https://carers.example.org"
    before = issuer_id(world.org)

    world.org.slug = "renamed-trust"
    world.org.save()

    assert issuer_id(world.org) == before
    assert before.startswith("https://carers.example.org/issuers/")
    assert "home-org" not in before


def test_naive_dates_and_backwards_windows_are_refused(world):
    with pytest.raises(ValueError, match="after"):
        issue_credential(world.org, {}, valid_from=NOW, valid_until=NOW, actor=None)
    with pytest.raises(ValueError, match="timezone"):
        issue_credential(
            world.org,
            {},
            valid_from=datetime(2026, 1, 1),  # noqa: DTZ001
            valid_until=datetime(2027, 1, 1),  # noqa: DTZ001
            actor=None,
        )


def test_first_credential_creates_the_key_and_both_are_audited_without_content(world):
    assert not SigningKey.objects.filter(organisation=world.org).exists()

    _issue(world.org, world.hr_admin, id="urn:uuid:1234")
    _issue(world.org, world.hr_admin)

    key = SigningKey.objects.get(organisation=world.org)  # one key, reused
    events = list(
        AuditEvent.objects.filter(object_type="credentials.signingkey", object_id=str(key.pk))
        .order_by("id")
        .values_list("summary", "actor", "organisation_id", "changes")
    )
    assert [e[0] for e in events] == [
        "Created a credential signing key",
        "Signed a credential",
        "Signed a credential",
    ]
    assert {e[1] for e in events} == {world.hr_admin.pk}
    assert {e[2] for e in events} == {world.org.pk}
    signed = events[1][3]
    assert signed["kid"] == key.kid
    assert signed["id"] == "urn:uuid:1234"
    assert "Flexible start time" not in json.dumps([e[3] for e in events])


def test_private_key_is_encrypted_at_rest(world):
    key = active_key(world.org, actor=None)
    private = JWK.from_json(decrypt_secret(key.private_jwk_encrypted))
    d = private.export_private(as_dict=True)["d"]
    raw = base64.urlsafe_b64decode(d + "=" * (-len(d) % 4))

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT private_jwk_encrypted FROM credentials_signingkey WHERE id = %s", [key.pk]
        )
        [stored] = cursor.fetchone()
    assert d not in stored
    assert raw.hex() not in stored
    assert base64.b64encode(raw).decode().rstrip("=") not in stored
    assert '"d"' not in stored
    assert stored.startswith("gAAAA")  # a Fernet token


def test_a_key_encrypted_under_another_secret_cannot_sign(world, settings):
    active_key(world.org, actor=None)
    settings.CREDENTIALS_ENCRYPTION_KEYS = ["A" * 43 + "="]

    with pytest.raises(KeyDecryptionError):
        _issue(world.org)


def test_jwks_is_public_cacheable_and_cors_open(world, client: Client):
    _issue(world.org)

    response = client.get("/.well-known/jwks.json")

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "max-age=300" in response["Cache-Control"]
    assert "public" in response["Cache-Control"]
    [key] = response.json()["keys"]
    assert set(key) == {"kty", "crv", "x", "kid", "alg", "use", "issuer"}
    assert (key["kty"], key["crv"], key["alg"], key["use"]) == ("OKP", "Ed25519", "EdDSA", "sig")
    assert response.json()["revoked"] == []
    assert client.post("/.well-known/jwks.json").status_code == 405


def test_jwks_lists_every_organisation_and_takes_constant_queries(
    world, client: Client, django_assert_num_queries
):
    _issue(world.org)
    _issue(world.other_org)

    with django_assert_num_queries(1):
        body = client.get("/.well-known/jwks.json").json()

    assert {k["issuer"] for k in body["keys"]} == {
        issuer_id(world.org),
        issuer_id(world.other_org),
    }


def test_issuer_profile_names_the_organisation_and_its_key_set(world, client: Client, settings):
    settings.SITE_URL = "http://testserver"
    url = issuer_id(world.org)

    response = client.get(url.removeprefix("http://testserver"))

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response.json() == {
        "id": url,
        "type": ["Profile"],
        "name": "Home Trust",
        "jwks_uri": "http://testserver/.well-known/jwks.json",
    }
    missing = client.get("/issuers/00000000-0000-0000-0000-000000000000")
    assert missing.status_code == 404
