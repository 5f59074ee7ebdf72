"""The trusted-issuer and signing-key pages: happy paths, bad input kept, roles and tenants."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from credentials.models import KeyStatus, SigningKey, TrustedIssuer
from credentials.services import (
    active_key,
    issue_credential,
    issuer_id,
    trusted_issuer_add_by_url,
)
from credentials.tests.helpers import credential, sign
from credentials.verification import verify_credential

pytestmark = pytest.mark.django_db


def _as(client: Client, world, persona: str) -> Client:
    client.force_login(world.persona(persona))
    return client


def _url(name: str, slug: str = "home-org", **kwargs) -> str:
    return reverse(name, kwargs={"org_slug": slug, **kwargs})


# Trusted issuers -----------------------------------------------------------------------------


def test_hr_admin_adds_a_trusted_issuer_by_url_and_it_is_audited(client, world, remote):
    _as(client, world, "hr_admin")

    response = client.post(
        _url("credentials:trusted_issuer_add"),
        {"name": "Northern Hub", "jwks_url": remote.jwks_url},
    )

    assert response.status_code == 302
    trusted = TrustedIssuer.objects.get(organisation=world.org)
    assert (trusted.name, trusted.jwks_url, trusted.added_by) == (
        "Northern Hub",
        remote.jwks_url,
        world.hr_admin,
    )
    assert trusted.jwks["keys"][0]["kid"] == remote.kid
    event = AuditEvent.objects.get(object_type="credentials.trustedissuer")
    assert event.actor == world.hr_admin
    listing = client.get(_url("credentials:trusted_issuer_list")).content.decode()
    assert "Northern Hub" in listing
    assert remote.jwks_url in listing


def test_trusting_this_deployment_served_by_a_live_server(client, world, live_server, settings):
    """Two deployments trusting each other, here played by the live server and itself."""
    settings.CREDENTIALS_FETCH_ALLOW_LOOPBACK = True  # the live server listens on loopback
    now = timezone.now()
    token = issue_credential(
        world.other_org,
        {"credentialSubject": {}},
        valid_from=now,
        valid_until=now + timedelta(days=1),
        actor=None,
    )
    _as(client, world, "hr_admin")

    response = client.post(
        _url("credentials:trusted_issuer_add"),
        {"name": "Ourselves", "jwks_url": f"{live_server.url}/.well-known/jwks.json"},
    )

    assert response.status_code == 302, response.content.decode()
    trusted = TrustedIssuer.objects.get(organisation=world.org)
    assert trusted.key_count == 1
    assert verify_credential(token, receiving_organisation=world.org).valid


ISLAND = "https://island.example/i/1"


def test_hr_admin_pastes_a_key_set_for_an_air_gapped_issuer(client, world, remote):
    _as(client, world, "hr_admin")
    pasted = json.dumps({"keys": [remote.public_jwk()]})

    response = client.post(
        _url("credentials:trusted_issuer_add"),
        {"name": "Island", "jwks_json": pasted, "issuer": ISLAND},
    )

    assert response.status_code == 302
    trusted = TrustedIssuer.objects.get(organisation=world.org)
    assert (trusted.jwks_url, trusted.issuer) == ("", ISLAND)
    token = sign(credential(ISLAND), remote.key)
    assert verify_credential(token, receiving_organisation=world.org).valid
    assert (
        f"Only for {ISLAND}" in client.get(_url("credentials:trusted_issuer_list")).content.decode()
    )


def test_a_pasted_key_set_without_an_issuer_id_is_refused_and_the_paste_kept(client, world, remote):
    _as(client, world, "hr_admin")
    pasted = json.dumps({"keys": [remote.public_jwk()]})

    response = client.post(
        _url("credentials:trusted_issuer_add"), {"name": "Island", "jwks_json": pasted}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_issuer"' in html
    assert "trusted for that one issuer only" in html
    assert remote.kid in html  # what was pasted is still there
    assert not TrustedIssuer.objects.exists()


def test_the_list_tells_hr_their_own_issuer_id_and_flags_an_unbound_paste(client, world, remote):
    TrustedIssuer.objects.create(
        organisation=world.org, name="Old paste", jwks={"keys": [remote.public_jwk()]}
    )
    _as(client, world, "hr_admin")

    html = client.get(_url("credentials:trusted_issuer_list")).content.decode()

    assert issuer_id(world.org) in html
    assert "Trusted for no issuer" in html


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "", "jwks_url": "https://x.example/jwks"}, "name", "Enter"),
        ({"name": "Hub"}, "jwks_url", "Enter the address of their key set"),
        (
            {"name": "Hub", "jwks_url": "https://x.example/j", "jwks_json": '{"keys": []}'},
            "jwks_url",
            "not both",
        ),
        ({"name": "Hub", "jwks_json": "{not json", "issuer": ISLAND}, "jwks_json", "not valid"),
        (
            {"name": "Hub", "jwks_json": '{"a": 1}', "issuer": ISLAND},
            "jwks_json",
            "needs a &#x27;keys&#x27; list",
        ),
        (
            {
                "name": "Hub",
                "jwks_json": '{"keys": [{"kty": "OKP", "crv": "Ed25519", "x": "a", "d": "b", "kid": "k"}]}',
                "issuer": ISLAND,
            },
            "jwks_json",
            "private key",
        ),
        ({"name": "Hub", "jwks_json": '{"keys": []}'}, "issuer", "Enter the issuer id"),
        (
            {"name": "Hub", "jwks_json": '{"keys": []}', "issuer": "island"},
            "issuer",
            "issuer id in full",
        ),
        (
            {
                "name": "Hub",
                "jwks_json": '{"keys": []}',
                "issuer": "http://127.0.0.1:8000/issuers/x",
            },
            "issuer",
            "on this service",
        ),
        (
            {
                "name": "Hub",
                "jwks_json": '{"keys": [{"kty": "OKP", "crv": "Ed25519", "x": "a", "kid": "k", '
                '"issuer": "https://elsewhere.example/i/2"}]}',
                "issuer": ISLAND,
            },
            "jwks_json",
            "None of the keys",
        ),
        ({"name": "Hub", "jwks_url": "ftp://x.example/jwks"}, "jwks_url", "starting with https"),
        ({"name": "Hub", "jwks_url": "not an address"}, "jwks_url", "in the right format"),
        (
            {"name": "Hub", "jwks_url": "http://127.0.0.1:1/jwks"},
            "jwks_url",
            "could not be fetched",
        ),
    ],
)
def test_bad_input_shows_an_error_summary_and_keeps_what_was_typed(
    client, world, data, field, message
):
    _as(client, world, "hr_admin")

    response = client.post(_url("credentials:trusted_issuer_add"), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert f'href="#id_{field}"' in html
    assert message in html
    if data.get("name"):
        assert f'value="{data["name"]}"' in html
    assert not TrustedIssuer.objects.exists()


def test_a_remote_answering_with_an_error_or_a_redirect_gets_the_one_message(client, world, remote):
    """Which failure it was goes to the log: the page must not help map the network."""
    _as(client, world, "hr_admin")
    for status in (500, 302):
        remote.status = status
        response = client.post(
            _url("credentials:trusted_issuer_add"), {"name": "Hub", "jwks_url": remote.jwks_url}
        )
        html = response.content.decode()
        assert "The key set could not be fetched from that address" in html
        assert f"answered {status}" not in html
        assert "redirect" not in html
        assert remote.jwks_url in html  # kept
    assert not TrustedIssuer.objects.exists()


def test_the_same_key_set_cannot_be_trusted_twice(client, world, remote):
    trusted_issuer_add_by_url(organisation=world.org, name="Hub", url=remote.jwks_url, by=None)
    _as(client, world, "hr_admin")

    response = client.post(
        _url("credentials:trusted_issuer_add"), {"name": "Hub", "jwks_url": remote.jwks_url}
    )

    assert "already trusts" in response.content.decode()
    assert TrustedIssuer.objects.count() == 1


def test_https_is_required_in_production(world, settings, remote):
    settings.PRODUCTION = True

    with pytest.raises(ValidationError, match="https"):
        trusted_issuer_add_by_url(organisation=world.org, name="Hub", url=remote.jwks_url, by=None)


def test_refresh_picks_up_new_keys_and_a_failed_refresh_keeps_the_old_copy(client, world, remote):
    trusted = trusted_issuer_add_by_url(
        organisation=world.org, name="Hub", url=remote.jwks_url, by=None
    )
    _as(client, world, "hr_admin")
    remote.document = {"keys": [remote.public_jwk(), {**remote.public_jwk(), "kid": "second"}]}

    response = client.post(_url("credentials:trusted_issuer_refresh", pk=trusted.pk), follow=True)

    assert "refreshed" in response.content.decode()
    trusted.refresh_from_db()
    assert trusted.key_count == 2

    remote.status = 500
    response = client.post(_url("credentials:trusted_issuer_refresh", pk=trusted.pk), follow=True)

    assert "could not be fetched" in response.content.decode()
    trusted.refresh_from_db()
    assert trusted.key_count == 2
    assert AuditEvent.objects.filter(summary="Refreshed the key set of Hub").count() == 1


def test_removing_an_issuer_asks_first_then_stops_trusting_it(client, world, remote):
    trusted = trusted_issuer_add_by_url(
        organisation=world.org, name="Hub", url=remote.jwks_url, by=None
    )
    token = sign(credential(remote.issuer), remote.key)
    _as(client, world, "hr_admin")

    confirm = client.get(_url("credentials:trusted_issuer_remove", pk=trusted.pk))
    assert "Stop trusting" in confirm.content.decode()
    assert TrustedIssuer.objects.exists()

    response = client.post(_url("credentials:trusted_issuer_remove", pk=trusted.pk))

    assert response.status_code == 302
    assert not TrustedIssuer.objects.exists()
    assert AuditEvent.objects.filter(summary="Stopped trusting credential issuer Hub").exists()
    assert verify_credential(token, receiving_organisation=world.org).reason == "untrusted_issuer"


def test_another_organisations_trusted_issuer_is_not_found(client, world, remote):
    theirs = trusted_issuer_add_by_url(
        organisation=world.other_org, name="Hub", url=remote.jwks_url, by=None
    )
    _as(client, world, "hr_admin")

    assert client.post(_url("credentials:trusted_issuer_refresh", pk=theirs.pk)).status_code == 404
    assert client.post(_url("credentials:trusted_issuer_remove", pk=theirs.pk)).status_code == 404
    assert TrustedIssuer.objects.filter(pk=theirs.pk).exists()


@pytest.mark.parametrize("persona", ["carer", "manager", "champion", "sponsor"])
def test_only_hr_manages_trusted_issuers(client, world, persona):
    _as(client, world, persona)

    assert client.get(_url("credentials:trusted_issuer_list")).status_code == 403
    assert client.post(_url("credentials:trusted_issuer_add"), {"name": "x"}).status_code == 403


def test_home_page_links_hr_to_trusted_issuers_and_admins_to_signing_keys(client, world):
    hr = _as(client, world, "hr_admin").get(_url("organisations:home")).content.decode()
    assert _url("credentials:trusted_issuer_list") in hr
    assert _url("credentials:signing_keys") not in hr

    admin = _as(Client(), world, "org_admin").get(_url("organisations:home")).content.decode()
    assert _url("credentials:signing_keys") in admin


# Signing keys --------------------------------------------------------------------------------


def test_org_admin_sees_keys_with_their_status(client, world):
    first = active_key(world.org, actor=None)
    _as(client, world, "org_admin")
    client.post(_url("credentials:signing_key_rotate"))

    html = client.get(_url("credentials:signing_keys")).content.decode()

    second = SigningKey.objects.get(organisation=world.org, retired_at__isnull=True)
    assert first.kid in html
    assert second.kid in html
    assert "Retired" in html
    assert "Active" in html


def test_rotating_asks_first_then_makes_a_new_active_key(client, world):
    first = active_key(world.org, actor=None)
    _as(client, world, "org_admin")

    assert (
        "Rotate the signing key?"
        in client.get(_url("credentials:signing_key_rotate")).content.decode()
    )
    assert SigningKey.objects.filter(organisation=world.org).count() == 1

    response = client.post(_url("credentials:signing_key_rotate"), follow=True)

    first.refresh_from_db()
    assert first.status == KeyStatus.RETIRED
    assert "now signs credentials" in response.content.decode()
    assert (
        AuditEvent.objects.filter(actor=world.org_admin, summary__contains="rotation").count() == 2
    )


def test_revoking_needs_a_reason_and_keeps_the_page_on_error(client, world):
    key = active_key(world.org, actor=None)
    _as(client, world, "org_admin")

    response = client.post(_url("credentials:signing_key_revoke", pk=key.pk), {"reason": "  "})

    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert 'href="#id_reason"' in html
    key.refresh_from_db()
    assert key.status == KeyStatus.ACTIVE

    too_long = "x" * 501
    response = client.post(_url("credentials:signing_key_revoke", pk=key.pk), {"reason": too_long})
    assert too_long in response.content.decode()

    response = client.post(
        _url("credentials:signing_key_revoke", pk=key.pk), {"reason": "Laptop lost"}
    )

    assert response.status_code == 302
    key.refresh_from_db()
    assert (key.status, key.revocation_reason) == (KeyStatus.REVOKED, "Laptop lost")
    again = client.post(
        _url("credentials:signing_key_revoke", pk=key.pk), {"reason": "x"}, follow=True
    )
    assert "already been revoked" in again.content.decode()


def test_another_organisations_key_cannot_be_revoked(client, world):
    theirs = active_key(world.other_org, actor=None)
    _as(client, world, "org_admin")

    response = client.post(
        _url("credentials:signing_key_revoke", pk=theirs.pk), {"reason": "Mine now"}
    )

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == KeyStatus.ACTIVE


@pytest.mark.parametrize("persona", ["hr_admin", "carer", "manager", "champion", "sponsor"])
def test_only_organisation_admins_manage_signing_keys(client, world, persona):
    key = active_key(world.org, actor=None)
    _as(client, world, persona)

    assert client.get(_url("credentials:signing_keys")).status_code == 403
    assert client.post(_url("credentials:signing_key_rotate")).status_code == 403
    assert (
        client.post(_url("credentials:signing_key_revoke", pk=key.pk), {"reason": "x"}).status_code
        == 403
    )


def test_signing_keys_page_takes_constant_queries(client, world):
    _as(client, world, "org_admin")
    active_key(world.org, actor=None)
    client.get(_url("credentials:signing_keys"))
    with CaptureQueriesContext(connection) as few:
        client.get(_url("credentials:signing_keys"))
    for _ in range(5):
        client.post(_url("credentials:signing_key_rotate"))
    with CaptureQueriesContext(connection) as many:
        client.get(_url("credentials:signing_keys"))
    assert len(many) == len(few)
