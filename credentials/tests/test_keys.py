"""Key rotation and revocation: services, the published key set, and the command."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from joserfc.errors import JoseError

from audit.models import AuditEvent
from credentials.crypto import decrypt_secret
from credentials.models import KeyStatus, SigningKey
from credentials.services import (
    active_key,
    issue_credential,
    revoke_key,
    rotate_key,
    trusted_issuer_add_by_url,
    trusted_issuer_add_pasted,
)
from credentials.tasks import refresh_trusted_issuers
from credentials.tests.helpers import A_YEAR, NOW, header_of, independently_verified
from credentials.verification import verify_credential

pytestmark = pytest.mark.django_db


def _issue(org):
    return issue_credential(
        org, {"credentialSubject": {}}, valid_from=NOW, valid_until=NOW + A_YEAR, actor=None
    )


def test_rotation_retires_the_old_key_and_audits_both_events(world):
    old = active_key(world.org, actor=None)

    new = rotate_key(world.org, actor=world.org_admin)

    old.refresh_from_db()
    assert old.status == KeyStatus.RETIRED
    assert new.status == KeyStatus.ACTIVE
    assert active_key(world.org, actor=None) == new
    summaries = set(
        AuditEvent.objects.filter(actor=world.org_admin).values_list("summary", flat=True)
    )
    assert summaries == {
        "Retired a credential signing key (rotation)",
        "Created a credential signing key (rotation)",
    }


def test_an_organisation_never_has_two_active_keys(world):
    active_key(world.org, actor=None)
    rotate_key(world.org, actor=None)

    assert SigningKey.objects.filter(organisation=world.org).count() == 2
    with pytest.raises(IntegrityError), transaction.atomic():
        SigningKey.objects.create(
            organisation=world.org, kid="x", public_jwk={}, private_jwk_encrypted="x"
        )


def test_revocation_needs_a_reason_and_happens_once(world):
    key = active_key(world.org, actor=None)

    with pytest.raises(ValidationError):
        revoke_key(key, actor=world.org_admin, reason="   ")
    revoke_key(key, actor=world.org_admin, reason="Copied to a lost laptop")
    with pytest.raises(ValidationError):
        revoke_key(key, actor=world.org_admin, reason="Again")

    key.refresh_from_db()
    assert key.status == KeyStatus.REVOKED
    assert key.revocation_reason == "Copied to a lost laptop"
    event = AuditEvent.objects.get(summary="Revoked a credential signing key")
    assert event.changes["kid"] == key.kid
    assert event.organisation_id == world.org.pk


def test_after_revoking_the_active_key_the_next_credential_gets_a_new_one(world):
    old_token = _issue(world.org)
    revoked = SigningKey.objects.get(organisation=world.org)
    revoke_key(revoked, actor=None, reason="Compromised")

    new_token = _issue(world.org)

    assert header_of(new_token)["kid"] != revoked.kid
    assert verify_credential(new_token, receiving_organisation=world.org, now=NOW).valid
    result = verify_credential(old_token, receiving_organisation=world.org, now=NOW)
    assert result.reason == "key_revoked"


def test_published_key_set_keeps_retired_keys_and_lists_revoked_ones_apart(world, client):
    first = active_key(world.org, actor=None)
    second = rotate_key(world.org, actor=None)
    third = rotate_key(world.org, actor=None)
    revoke_key(first, actor=None, reason="Test")

    body = client.get("/.well-known/jwks.json").json()

    assert [k["kid"] for k in body["keys"]] == [second.kid, third.kid]
    [revoked] = body["revoked"]
    assert revoked["kid"] == first.kid
    assert revoked["revoked_at"].endswith("Z")
    assert "reason" not in revoked  # the reason is for the audit log, not the world


def test_the_public_key_set_never_reads_private_key_material(world, client):
    active_key(world.org, actor=None)
    rotate_key(world.org, actor=None)

    with CaptureQueriesContext(connection) as queries:
        body = client.get("/.well-known/jwks.json").json()

    assert len(body["keys"]) == 2
    assert not any("private_jwk_encrypted" in query["sql"] for query in queries.captured_queries)


def test_command_rotates_one_organisation(world):
    before = active_key(world.org, actor=None)
    out = StringIO()

    call_command("rotate_signing_key", "home-org", stdout=out)

    after = active_key(world.org, actor=None)
    assert after != before
    assert after.kid in out.getvalue()
    event = AuditEvent.objects.filter(summary__contains="rotation").first()
    assert event is not None
    assert event.channel == "command"


def test_command_rotates_every_organisation(world):
    call_command("rotate_signing_key", "--all", stdout=StringIO())

    assert SigningKey.objects.filter(organisation=world.org).count() == 1
    assert SigningKey.objects.filter(organisation=world.other_org).count() == 1


def test_command_revokes_by_kid_with_a_reason(world):
    key = active_key(world.org, actor=None)

    call_command(
        "rotate_signing_key", f"--revoke={key.kid}", "--reason", "Leaked", stdout=StringIO()
    )

    key.refresh_from_db()
    assert key.status == KeyStatus.REVOKED


@pytest.mark.parametrize(
    "args",
    [
        (),
        ("home-org", "--all"),
        ("no-such-org",),
        ("--revoke", "no-such-kid", "--reason", "x"),
    ],
)
def test_command_refuses_unclear_or_unknown_targets(world, args):
    with pytest.raises(CommandError):
        call_command("rotate_signing_key", *args, stdout=StringIO())


def test_the_reason_given_on_the_command_line_follows_the_text_rule(world):
    key = active_key(world.org, actor=None)

    reason = "Leaked\x1b[2J\nby mistake"
    call_command("rotate_signing_key", f"--revoke={key.kid}", "--reason", reason, stdout=StringIO())

    key.refresh_from_db()
    assert key.revocation_reason == "Leaked[2J by mistake"


def test_command_refuses_to_revoke_without_a_reason(world):
    key = active_key(world.org, actor=None)

    with pytest.raises(CommandError, match="why"):
        call_command("rotate_signing_key", f"--revoke={key.kid}", stdout=StringIO())


def test_reencrypt_moves_keys_to_the_newest_encryption_key(world, settings):
    key = active_key(world.org, actor=None)
    old_secret = settings.CREDENTIALS_ENCRYPTION_KEYS[0]
    new_secret = "B" * 43 + "="
    settings.CREDENTIALS_ENCRYPTION_KEYS = [new_secret, old_secret]

    call_command("rotate_signing_key", "--reencrypt", stdout=StringIO())

    settings.CREDENTIALS_ENCRYPTION_KEYS = [new_secret]
    key.refresh_from_db()
    assert '"d"' in decrypt_secret(key.private_jwk_encrypted)
    assert verify_credential(_issue(world.org), receiving_organisation=world.org, now=NOW).valid


def test_the_daily_job_refreshes_trusted_key_sets_and_survives_a_failing_one(world, remote):
    trusted = trusted_issuer_add_by_url(
        organisation=world.org, name="Hub", url=remote.jwks_url, by=None
    )
    trusted_issuer_add_pasted(
        organisation=world.org,
        name="Pasted",
        jwks_text='{"keys": [], "revoked": [{"kid": "k"}]}',
        issuer="https://island.example/i/1",
        by=None,
    )
    broken = trusted_issuer_add_by_url(
        organisation=world.other_org, name="Hub", url=remote.jwks_url, by=None
    )
    broken.jwks_url = "http://127.0.0.1:1/jwks.json"
    broken.save()
    remote.document = {"keys": [], "revoked": [{"kid": remote.kid, "revoked_at": "x"}]}

    result = refresh_trusted_issuers.call()

    assert result == {"refreshed": 1, "failed": 1}
    trusted.refresh_from_db()
    assert trusted.jwks["revoked"][0]["kid"] == remote.kid
    event = AuditEvent.objects.get(summary="Refreshed the key set of Hub")
    assert (event.channel, event.changes["removed"]) == ("system", [remote.kid])


@pytest.mark.filterwarnings("ignore:EdDSA is deprecated:joserfc.errors.SecurityWarning")
def test_an_independent_library_follows_rotation_and_revocation_through_the_key_set(world, client):
    old_token = _issue(world.org)
    rotate_key(world.org, actor=None)
    new_token = _issue(world.org)

    published = client.get("/.well-known/jwks.json").json()
    assert independently_verified(old_token, published)["issuer"]
    assert independently_verified(new_token, published)["issuer"]

    revoke_key(SigningKey.objects.get(kid=header_of(old_token)["kid"]), actor=None, reason="Copied")
    published = client.get("/.well-known/jwks.json").json()

    with pytest.raises(JoseError):
        independently_verified(old_token, published)
    assert independently_verified(new_token, published)["issuer"]
