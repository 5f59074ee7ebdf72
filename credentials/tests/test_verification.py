"""Verification: each way a credential can be wrong is refused with its own reason."""

from __future__ import annotations

import json
import random
import string

import pytest
from django.core.exceptions import ValidationError
from jwcrypto.jwk import JWK
from jwcrypto.jws import JWS

from credentials.crypto import decrypt_secret
from credentials.models import SigningKey, TrustedIssuer
from credentials.services import (
    active_key,
    issue_credential,
    issuer_id,
    revoke_key,
    rotate_key,
    sign_payload,
    trusted_issuer_add_by_url,
    trusted_issuer_add_pasted,
    trusted_issuer_refresh,
)
from credentials.tests.helpers import (
    A_YEAR,
    NOW,
    b64,
    credential,
    flip,
    header_of,
    payload_of,
    sign,
    with_header,
)
from credentials.verification import MESSAGES, verify_credential

pytestmark = pytest.mark.django_db


def _issue(org, **kw):
    return issue_credential(
        org,
        {"credentialSubject": {"adjustments": ["Phone on during shifts"]}},
        valid_from=kw.get("valid_from", NOW),
        valid_until=kw.get("valid_until", NOW + A_YEAR),
        actor=None,
    )


def _check(token, world, *, now=NOW, org=None):
    return verify_credential(token, receiving_organisation=org or world.org, now=now)


def test_every_reason_has_a_plain_english_message():
    assert set(MESSAGES) == {
        "ok",
        "malformed",
        "unsupported_algorithm",
        "unknown_key",
        "untrusted_issuer",
        "key_revoked",
        "bad_signature",
        "issuer_mismatch",
        "not_yet_valid",
        "expired",
        "not_a_badge",
    }
    assert all(message.endswith(".") for message in MESSAGES.values())


def test_a_credential_from_another_organisation_on_this_deployment_is_trusted(world):
    token = _issue(world.other_org)

    result = _check(token, world)

    assert result.valid
    assert result.issuer_name == "Other Council"


def test_a_flipped_byte_in_the_payload_is_a_bad_signature(world):
    token = _issue(world.org)
    header, payload, signature = token.split(".")

    result = _check(".".join([header, flip(payload, 30), signature]), world)

    assert (result.valid, result.reason) == (False, "bad_signature")
    assert result.credential is None


def test_a_flipped_byte_in_the_signature_is_a_bad_signature(world):
    token = _issue(world.org)
    header, payload, signature = token.split(".")

    result = _check(".".join([header, payload, flip(signature, 10)]), world)

    assert result.reason == "bad_signature"


def test_a_changed_claim_re_encoded_is_a_bad_signature(world):
    token = _issue(world.org)
    header, _payload, signature = token.split(".")
    changed = payload_of(token)
    changed["validUntil"] = "2099-01-01T00:00:00Z"

    result = _check(".".join([header, b64(json.dumps(changed).encode()), signature]), world)

    assert result.reason == "bad_signature"


def test_a_payload_that_no_longer_decodes_is_still_a_bad_signature(world):
    token = _issue(world.org)
    header, payload, signature = token.split(".")

    result = _check(".".join([header, "A" + payload[1:], signature]), world)

    assert result.reason == "bad_signature"


def test_a_swapped_kid_is_a_bad_signature_because_the_header_is_signed(world):
    token = _issue(world.org)
    other = active_key(world.other_org, actor=None)

    result = _check(with_header(token, kid=other.kid), world)

    assert (result.reason, result.kid) == ("bad_signature", other.kid)


def test_a_genuine_key_naming_another_issuer_is_an_issuer_mismatch(world):
    """Organisation A's key signs a credential that claims to come from organisation B."""
    key = active_key(world.org, actor=None)
    forged = sign_payload(key, credential(issuer_id(world.other_org)))

    result = _check(forged, world)

    assert result.reason == "issuer_mismatch"
    assert result.issuer == issuer_id(world.other_org)
    assert result.issuer_name == "Home Trust"


def test_an_unknown_kid_claiming_this_deployment_is_an_unknown_key(world):
    stranger = JWK.generate(kty="OKP", crv="Ed25519")

    result = _check(sign(credential(issuer_id(world.org)), stranger), world)

    assert result.reason == "unknown_key"
    assert result.kid == stranger.thumbprint()


def test_a_credential_from_an_issuer_nobody_trusts_is_an_untrusted_issuer(world):
    stranger = JWK.generate(kty="OKP", crv="Ed25519")

    result = _check(sign(credential("https://elsewhere.example/issuers/9"), stranger), world)

    assert result.reason == "untrusted_issuer"
    assert result.issuer == "https://elsewhere.example/issuers/9"
    assert "not chosen to trust" in result.message


def test_an_expired_credential_is_refused_as_expired(world):
    token = _issue(world.org)

    assert _check(token, world, now=NOW + A_YEAR).reason == "expired"
    assert _check(token, world, now=NOW + A_YEAR - A_YEAR / 365).valid


def test_a_credential_before_its_valid_from_is_not_yet_valid(world):
    token = _issue(world.org, valid_from=NOW + A_YEAR, valid_until=NOW + 2 * A_YEAR)

    assert _check(token, world).reason == "not_yet_valid"


def test_a_revoked_key_is_refused_even_for_an_unexpired_credential(world):
    token = _issue(world.org)
    revoke_key(SigningKey.objects.get(organisation=world.org), actor=None, reason="Leaked")

    result = _check(token, world)

    assert (result.valid, result.reason) == (False, "key_revoked")


def test_a_retired_key_still_verifies_and_new_credentials_use_the_new_key(world):
    old_token = _issue(world.org)
    old_kid = header_of(old_token)["kid"]

    new_key = rotate_key(world.org, actor=None)
    new_token = _issue(world.org)

    assert _check(old_token, world).valid
    assert header_of(new_token)["kid"] == new_key.kid != old_kid
    assert _check(new_token, world).valid


@pytest.mark.parametrize("alg", ["none", "HS256", "RS256", "ES256", "Ed25519", None])
def test_algorithms_other_than_eddsa_are_refused(world, alg):
    token = _issue(world.org)
    header = {**header_of(token), "alg": alg}
    if alg is None:
        del header["alg"]
    _header, payload, signature = token.split(".")

    result = _check(".".join([b64(json.dumps(header).encode()), payload, signature]), world)

    assert result.reason == "unsupported_algorithm"


def test_an_unsigned_alg_none_token_is_refused(world):
    header = b64(json.dumps({"alg": "none", "typ": "vc+jwt"}).encode())
    payload = b64(json.dumps(credential(issuer_id(world.org))).encode())

    assert _check(f"{header}.{payload}.", world).reason == "malformed"  # empty signature
    assert _check(f"{header}.{payload}.AAAA", world).reason == "unsupported_algorithm"


def test_an_hs256_token_keyed_with_the_public_key_is_refused(world):
    """The classic confusion attack: HMAC with the public key as the secret."""
    key = active_key(world.org, actor=None)
    secret = JWK(kty="oct", k=key.public_jwk["x"])
    token = JWS(json.dumps(credential(issuer_id(world.org))).encode())
    token.add_signature(secret, alg=None, protected=json.dumps({"alg": "HS256", "kid": key.kid}))

    result = _check(token.serialize(compact=True), world)

    assert result.reason == "unsupported_algorithm"


@pytest.mark.parametrize(
    "token",
    [
        "",
        "not a token",
        "a.b",
        "a.b.c.d",
        "!!!.b.c",
        "e30.e30.e30",  # {} header: no alg
        '{"payload": "x", "signature": "y"}',
    ],
)
def test_garbage_is_malformed_or_unsupported(world, token):
    assert _check(token, world).reason in {"malformed", "unsupported_algorithm"}


def test_headers_we_do_not_understand_are_malformed(world):
    token = _issue(world.org)

    assert _check(with_header(token, crit=["exp"]), world).reason == "malformed"
    assert _check(with_header(token, b64=False), world).reason == "malformed"
    assert _check(with_header(token, typ="JWT"), world).reason == "malformed"
    assert _check(with_header(token, kid=""), world).reason == "malformed"
    assert _check(with_header(token, kid=7), world).reason == "malformed"


def _signed_by(key, payload, header):
    token = JWS(json.dumps(payload).encode())
    private = JWK.from_json(decrypt_secret(key.private_jwk_encrypted))
    token.add_signature(private, alg=None, protected=json.dumps(header))
    return token.serialize(compact=True)


@pytest.mark.parametrize("typ", [None, "JWT", "at+jwt", "vc-ld+jwt", "application/json"])
def test_a_genuine_signature_without_the_credential_typ_is_refused(world, typ):
    """A key signs other JWTs too, in principle: only one that says it is a credential counts."""
    key = active_key(world.org, actor=None)
    header = {"alg": "EdDSA", "kid": key.kid} | ({"typ": typ} if typ else {})

    result = _check(_signed_by(key, credential(issuer_id(world.org)), header), world)

    assert (result.valid, result.reason) == (False, "malformed")
    assert "typ vc+jwt" in result.message


def test_the_full_media_type_is_the_same_typ(world):
    key = active_key(world.org, actor=None)
    header = {"alg": "EdDSA", "kid": key.kid, "typ": "application/vc+jwt"}

    assert _check(_signed_by(key, credential(issuer_id(world.org)), header), world).valid


def test_an_oversized_token_is_refused_before_any_work(world, django_assert_num_queries):
    token = _issue(world.org)
    huge = token + "A" * (64 * 1024)

    with django_assert_num_queries(0):
        result = _check(huge, world)

    assert result.reason == "malformed"


def test_a_signed_payload_that_is_not_a_credential_is_malformed(world):
    key = active_key(world.org, actor=None)
    for payload in ([1, 2, 3], {"no": "issuer"}, {"issuer": issuer_id(world.org), "validFrom": 5}):
        token = JWS(json.dumps(payload).encode())
        private = JWK.from_json(decrypt_secret(key.private_jwk_encrypted))
        header = {"alg": "EdDSA", "typ": "vc+jwt", "kid": key.kid}
        token.add_signature(private, alg=None, protected=json.dumps(header))
        assert _check(token.serialize(compact=True), world).reason == "malformed"


# Another deployment -------------------------------------------------------------------------


def test_a_remote_issuer_trusted_by_url_verifies(world, remote):
    trusted_issuer_add_by_url(
        organisation=world.org, name="Northern Hub", url=remote.jwks_url, by=world.hr_admin
    )
    token = sign(credential(remote.issuer), remote.key)

    result = _check(token, world)

    assert result.valid, result
    assert (result.issuer, result.issuer_name, result.kid) == (
        remote.issuer,
        "Northern Hub",
        remote.kid,
    )


def test_trust_belongs_to_the_organisation_that_added_it(world, remote):
    trusted_issuer_add_by_url(
        organisation=world.org, name="Northern Hub", url=remote.jwks_url, by=world.hr_admin
    )
    token = sign(credential(remote.issuer), remote.key)

    assert _check(token, world, org=world.other_org).reason == "untrusted_issuer"


def test_a_remote_key_cannot_vouch_for_an_issuer_it_does_not_name(world, remote):
    trusted_issuer_add_by_url(
        organisation=world.org, name="Northern Hub", url=remote.jwks_url, by=world.hr_admin
    )

    claims_home = sign(credential(issuer_id(world.org)), remote.key)
    claims_other = sign(credential(f"{remote.base_url}/issuers/someone-else"), remote.key)

    # Only this deployment's own keys are looked at for its issuers.
    assert _check(claims_home, world).reason == "unknown_key"
    assert _check(claims_other, world).reason == "issuer_mismatch"


def test_a_fetched_key_claiming_an_issuer_on_this_deployment_never_speaks_for_it(world, remote):
    """Another deployment cannot publish a key "for" one of our organisations and be believed."""
    home = issuer_id(world.org)
    remote.document = {"keys": [remote.public_jwk(issuer=home)]}
    trusted_issuer_add_by_url(
        organisation=world.org, name="Northern Hub", url=remote.jwks_url, by=world.hr_admin
    )

    result = _check(sign(credential(home), remote.key), world)

    assert (result.valid, result.reason) == (False, "unknown_key")


def test_an_iss_claim_naming_someone_else_is_an_issuer_mismatch(world, remote):
    trusted_issuer_add_by_url(
        organisation=world.org, name="Northern Hub", url=remote.jwks_url, by=world.hr_admin
    )
    payload = {**credential(remote.issuer), "iss": "https://elsewhere.example/i/3"}

    assert _check(sign(payload, remote.key), world).reason == "issuer_mismatch"
    assert _check(sign({**payload, "iss": remote.issuer}, remote.key), world).valid


def test_without_issuer_members_a_remote_key_covers_issuers_on_its_own_host(world, remote):
    remote.document = {"keys": [remote.public_jwk()]}
    trusted_issuer_add_by_url(
        organisation=world.org, name="Northern Hub", url=remote.jwks_url, by=world.hr_admin
    )

    assert _check(sign(credential(remote.issuer), remote.key), world).valid
    foreign = sign(credential("https://elsewhere.example/issuers/1"), remote.key)
    assert _check(foreign, world).reason == "issuer_mismatch"


ISLAND = "https://island.example/i/1"


def _paste(world, keys, issuer=ISLAND, org=None):
    return trusted_issuer_add_pasted(
        organisation=org or world.org,
        name="Air-gapped Trust",
        jwks_text=json.dumps({"keys": keys}),
        issuer=issuer,
        by=world.hr_admin,
    )


def test_a_pasted_key_set_verifies_its_bound_issuer_without_any_network(world, remote):
    _paste(world, [remote.public_jwk()])

    result = _check(sign(credential(ISLAND), remote.key), world)

    assert (result.valid, result.issuer, result.issuer_name) == (True, ISLAND, "Air-gapped Trust")


@pytest.mark.parametrize(
    "claimed",
    [
        "https://anywhere.example/i/1",
        "https://island.example/i/2",
        "did:web:island.example",
        "island",
    ],
)
def test_a_pasted_key_set_never_vouches_for_another_issuer(world, remote, claimed):
    _paste(world, [remote.public_jwk()])

    result = _check(sign(credential(claimed), remote.key), world)

    assert (result.valid, result.reason) == (False, "issuer_mismatch")


def test_a_pasted_key_set_never_vouches_for_an_issuer_on_this_deployment(world, remote):
    _paste(world, [remote.public_jwk()])
    spellings = [
        issuer_id(world.org),
        issuer_id(world.org).upper().replace("/ISSUERS/", "/issuers/"),
        issuer_id(world.other_org).replace("127.0.0.1:8000", "127.0.0.1.:8000"),
        "http://127.0.0.1:8000/anything",
    ]

    for claimed in spellings:
        result = _check(sign(credential(claimed), remote.key), world)
        assert (result.valid, result.reason) == (False, "unknown_key"), claimed


def test_a_pasted_key_set_cannot_be_bound_to_an_issuer_on_this_deployment(world, remote):
    with pytest.raises(ValidationError, match="on this service"):
        _paste(world, [remote.public_jwk()], issuer=issuer_id(world.other_org))
    with pytest.raises(ValidationError, match="Enter the issuer id"):
        _paste(world, [remote.public_jwk()], issuer="  ")


def test_a_pasted_set_keeps_only_the_keys_for_its_bound_issuer(world, remote):
    """A whole deployment's published set holds every organisation's key; HR trusts one."""
    stranger = JWK.generate(kty="OKP", crv="Ed25519")
    other = {**remote.public_jwk(issuer="https://island.example/i/2")}
    other.update(stranger.export_public(as_dict=True), kid=stranger.thumbprint())
    trusted = _paste(world, [remote.public_jwk(issuer=ISLAND), other])

    assert [k["kid"] for k in trusted.jwks["keys"]] == [remote.kid]
    result = _check(sign(credential("https://island.example/i/2"), stranger), world)
    assert result.reason == "untrusted_issuer"


def test_a_key_set_pasted_before_binding_vouches_for_nobody(world, remote):
    """Rows saved without an issuer id: nothing says whose keys they are, so none are used."""
    TrustedIssuer.objects.create(
        organisation=world.org, name="Old paste", jwks={"keys": [remote.public_jwk()]}
    )

    result = _check(sign(credential(ISLAND), remote.key), world)

    assert (result.valid, result.reason) == (False, "untrusted_issuer")


def test_a_key_the_remote_deployment_revokes_is_refused_after_a_refresh(world, remote):
    trusted = trusted_issuer_add_by_url(
        organisation=world.org, name="Northern Hub", url=remote.jwks_url, by=world.hr_admin
    )
    token = sign(credential(remote.issuer), remote.key)
    assert _check(token, world).valid

    remote.document = {"keys": [], "revoked": [{"kid": remote.kid, "revoked_at": "2026-05-01"}]}
    trusted_issuer_refresh(trusted_issuer=trusted, by=world.hr_admin)

    result = _check(token, world)
    assert (result.reason, result.issuer_name) == ("key_revoked", "Northern Hub")


def test_a_tampered_remote_credential_is_a_bad_signature(world, remote):
    trusted_issuer_add_by_url(
        organisation=world.org, name="Northern Hub", url=remote.jwks_url, by=world.hr_admin
    )
    header, payload, signature = sign(credential(remote.issuer), remote.key).split(".")

    assert _check(f"{header}.{flip(payload, 20)}.{signature}", world).reason == "bad_signature"


def test_random_damage_never_raises_and_never_verifies(world):
    """A small deterministic fuzz: every damaged token gets a known reason, none is valid."""
    token = _issue(world.org)
    rng = random.Random(20261123)
    alphabet = string.ascii_letters + string.digits + '-_.=+/ \\"{}\x00é'
    for _ in range(300):
        chars = list(token)
        for _ in range(rng.randint(1, 4)):
            choice = rng.random()
            position = rng.randrange(len(chars))
            if choice < 0.6:
                chars[position] = rng.choice(alphabet)
            elif choice < 0.8:
                del chars[position]
            else:
                chars.insert(position, rng.choice(alphabet))
        damaged = "".join(chars)
        if damaged == token:
            continue
        result = _check(damaged, world)
        assert result.reason in MESSAGES
        assert not result.valid, damaged


def test_a_signature_spelled_with_stray_padding_bits_is_malformed(world):
    """86 base64url characters carry 64 bytes and 4 spare bits; those bits must be zero."""
    token = _issue(world.org)
    header, payload, signature = token.split(".")
    last = string.ascii_uppercase + string.ascii_lowercase + string.digits + "-_"
    index = last.index(signature[-1])
    same_bytes = last[index ^ 1]  # differs only in a spare bit

    result = _check(f"{header}.{payload}.{signature[:-1]}{same_bytes}", world)

    assert result.reason == "malformed"
