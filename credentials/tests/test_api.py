"""POST /api/v1/credentials/verify: an answer for every credential, a problem for a bad body."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from api.tests.helpers import API, assert_problem
from credentials.models import SigningKey
from credentials.services import issue_credential, issuer_id, revoke_key, trusted_issuer_add_by_url
from credentials.tests.helpers import credential, flip, sign

pytestmark = pytest.mark.django_db
URL = f"{API}/credentials/verify"


def _issue(org, *, days: int = 30):
    now = timezone.now()
    return issue_credential(
        org,
        {"credentialSubject": {"adjustments": ["Quiet room"]}},
        valid_from=now - timedelta(days=1),
        valid_until=now + timedelta(days=days),
        actor=None,
    )


def _verify(client, token):
    return client.post(URL, {"credential": token}, content_type="application/json")


def test_a_genuine_credential_is_valid_with_its_content(api_client, world):
    token = _issue(world.other_org)

    response = _verify(api_client(world.hr_admin), token)

    assert response.status_code == 200
    body = response.json()
    assert body["valid"] is True
    assert body["reason"] == "ok"
    assert body["issuer"] == issuer_id(world.other_org)
    assert body["issuer_name"] == "Other Council"
    assert body["credential"]["credentialSubject"] == {"adjustments": ["Quiet room"]}
    assert body["kid"]


def test_a_tampered_credential_is_an_answer_not_an_error(api_client, world):
    header, payload, signature = _issue(world.org).split(".")

    response = _verify(api_client(world.hr_admin), f"{header}.{flip(payload, 25)}.{signature}")

    assert response.status_code == 200
    body = response.json()
    assert (body["valid"], body["reason"], body["credential"]) == (False, "bad_signature", None)
    assert body["message"]


def test_revoked_and_garbage_credentials_have_their_own_reasons(api_client, world):
    token = _issue(world.org)
    revoke_key(SigningKey.objects.get(organisation=world.org), actor=None, reason="Leaked")
    client = api_client(world.hr_admin)

    assert _verify(client, token).json()["reason"] == "key_revoked"
    assert _verify(client, "x" * 70_000).json()["reason"] == "malformed"


def test_trust_is_the_tokens_organisations(api_client, world, remote):
    trusted_issuer_add_by_url(organisation=world.org, name="Hub", url=remote.jwks_url, by=None)
    now = timezone.now()
    token = sign(credential(remote.issuer, valid_from=now - timedelta(days=1)), remote.key)

    ours = _verify(api_client(world.hr_admin), token).json()
    theirs = _verify(api_client(world.outsider, world.other_org), token).json()

    assert (ours["valid"], ours["issuer_name"]) == (True, "Hub")
    assert (theirs["valid"], theirs["reason"]) == (False, "untrusted_issuer")


@pytest.mark.parametrize(
    "body", [{}, {"credential": ""}, {"credential": 5}, {"token": "a.b.c"}, {"credential": None}]
)
def test_a_body_without_a_credential_string_is_a_422_problem(api_client, world, body):
    response = api_client(world.hr_admin).post(URL, body, content_type="application/json")

    assert_problem(response, 422, "invalid_request")


def test_a_body_that_is_not_json_is_a_400_problem(api_client, world):
    response = api_client(world.hr_admin).post(URL, "{nope", content_type="application/json")

    assert_problem(response, 400, "invalid_request")


@pytest.mark.parametrize("persona", ["carer", "manager", "champion", "sponsor"])
def test_only_hr_tokens_may_verify(api_client, world, persona):
    response = _verify(api_client(world.persona(persona)), "a.b.c")

    assert_problem(response, 403, "forbidden")


def test_no_token_is_a_401_problem(client, db):
    assert_problem(_verify(client, "a.b.c"), 401, "not_authenticated")
