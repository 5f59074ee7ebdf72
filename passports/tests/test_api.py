"""The carer's own passport through the API: personal tokens only."""

from __future__ import annotations

import pytest
from django.test import Client

from api.services import api_token_create
from audit.models import AuditEvent, Channel
from credentials.holder import holder_code_matches
from credentials.tests.helpers import independently_verified
from passports.tests.helpers import agreed_passport

pytestmark = pytest.mark.filterwarnings("ignore:EdDSA is deprecated:joserfc.errors.SecurityWarning")
API = "/api/v1/passports"


def _token_client(user, organisation, *, personal: bool) -> Client:
    _token, secret = api_token_create(
        user=user, organisation=organisation, name="t", channel=Channel.WEB, personal=personal
    )
    return Client(headers={"Authorization": f"Bearer {secret}"})


def test_the_carer_reads_their_passport_with_a_personal_token(world):
    passport = agreed_passport(world)
    client = _token_client(world.carer, world.org, personal=True)
    response = client.get(f"{API}/mine")
    assert response.status_code == 200
    body = response.json()
    assert body["agreed"] is True
    assert body["adjustments"][0]["status"] == "agreed"
    assert body["agreed_versions"][0]["number"] == 1
    version = client.get(f"{API}/mine/versions/1").json()
    assert version["content"]["plan_b_contacts"] == "My sister, 07700 900000"
    assert (
        AuditEvent.objects.filter(
            object_id=str(passport.pk), channel="api", summary__startswith="Read own"
        ).count()
        == 2
    )


@pytest.mark.parametrize("persona", ["carer", "hr_admin", "org_admin"])
def test_an_organisation_token_never_reads_a_passport(world, persona):
    agreed_passport(world)
    client = _token_client(world.persona(persona), world.org, personal=False)
    response = client.get(f"{API}/mine")
    assert response.status_code == 403
    assert response.json()["code"] == "personal_token_required"
    assert (
        client.post(
            f"{API}/mine/versions/1/credential", {}, content_type="application/json"
        ).status_code
        == 403
    )


def test_a_personal_token_does_no_hr_work(world):
    client = _token_client(world.hr_admin, world.org, personal=True)
    response = client.get("/api/v1/staff")
    assert response.status_code == 403
    assert response.json()["code"] == "organisation_token_required"


def test_someone_without_a_passport_gets_not_found(world):
    client = _token_client(world.manager, world.org, personal=True)
    assert client.get(f"{API}/mine").status_code == 404


def test_the_carer_exports_the_credential_through_the_api(world, client):
    agreed_passport(world)
    api = _token_client(world.carer, world.org, personal=True)
    response = api.post(
        f"{API}/mine/versions/1/credential",
        {"include_plan_b": True},
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["media_type"] == "application/vc+jwt"
    payload = independently_verified(
        body["credential"], client.get("/.well-known/jwks.json").json()
    )
    assert holder_code_matches(body["holder_code"], payload["credentialSubject"]["holderBinding"])
    assert "planB" in payload["credentialSubject"]
    assert "aboutCaringRole" not in payload["credentialSubject"]
    assert (
        api.post(
            f"{API}/mine/versions/9/credential", {}, content_type="application/json"
        ).status_code
        == 404
    )


def test_personal_tokens_page_makes_one_and_hr_does_not_see_it(world):
    carer = Client()
    carer.force_login(world.carer)
    response = carer.post("/o/home-org/my-api-tokens/", {"name": "My phone"})
    assert "Copy it now" in response.text
    hr = Client()
    hr.force_login(world.hr_admin)
    assert "My phone" not in hr.get("/o/home-org/api-tokens/").text
