"""The passport as a portable credential: issued by the carer, checked and brought in elsewhere."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from credentials.models import SigningKey
from credentials.services import issue_credential, revoke_key
from credentials.tests.helpers import flip, independently_verified
from passports.credential import (
    CREDENTIAL_TYPE,
    ImportRefused,
    passport_credential_check,
    passport_credential_import,
    passport_credential_issue,
)
from passports.models import Adjustment, AgreedVersion, Passport
from passports.tests.helpers import agreed_passport

pytestmark = pytest.mark.filterwarnings("ignore:EdDSA is deprecated:joserfc.errors.SecurityWarning")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _issue(world, **options) -> str:
    passport = agreed_passport(world)
    version = AgreedVersion.objects.get(passport=passport)
    return passport_credential_issue(passport=passport, version=version, by=world.carer, **options)


def test_the_carer_downloads_a_credential_that_an_independent_library_verifies(world, client):
    passport = agreed_passport(world)
    url = reverse(
        "passport_credential", kwargs={"org_slug": "home-org", "pk": passport.pk, "number": 1}
    )
    response = _client(world.carer).post(url, {})
    assert response["Content-Type"] == "application/vc+jwt"
    assert response["Content-Disposition"].endswith('.jwt"')
    payload = independently_verified(
        response.content.decode(), client.get("/.well-known/jwks.json").json()
    )
    assert CREDENTIAL_TYPE in payload["type"]
    subject = payload["credentialSubject"]
    assert [a["kind"] for a in subject["adjustments"]] == ["flexible_hours"]
    # By default only the agreed adjustments and dates (trust rule 9).
    assert "aboutCaringRole" not in subject
    assert "planB" not in subject
    assert AuditEvent.objects.filter(object_id=str(passport.pk), action="export").exists()


def test_more_goes_in_only_when_the_carer_ticks_it(world):
    token = _issue(world, include_about=True, include_plan_b=True)
    offer_payload = independently_verified(token, Client().get("/.well-known/jwks.json").json())
    subject = offer_payload["credentialSubject"]
    assert subject["aboutCaringRole"] == "I help my dad most mornings."
    assert subject["planB"]["whoToContact"] == "My sister, 07700 900000"


def test_only_the_carer_can_take_a_credential(world):
    passport = agreed_passport(world)
    url = reverse(
        "passport_credential", kwargs={"org_slug": "home-org", "pk": passport.pk, "number": 1}
    )
    assert _client(world.manager).post(url, {}).status_code == 403
    assert _client(world.hr_admin).post(url, {}).status_code == 404


def test_the_signing_does_not_tell_the_organisation_audit_log_who_is_a_carer(world):
    _issue(world)
    response = _client(world.org_admin).get(reverse("audit_log", kwargs={"org_slug": "home-org"}))
    assert world.carer.email not in response.text
    assert "Passport" not in response.text


def test_another_organisation_on_this_deployment_checks_and_brings_it_in(world):
    token = _issue(world)
    offer = passport_credential_check(token, staff=world.outsider_record)
    assert offer.issuer_name == world.org.name
    assert [a.kind for a in offer.adjustments] == ["flexible_hours"]
    passport = passport_credential_import(
        staff=world.outsider_record, token=token, chosen=[0], by=world.outsider
    )
    adjustment = Adjustment.objects.get(passport=passport)
    assert adjustment.status == "requested"
    assert adjustment.carried_from.startswith(f"Agreed at {world.org.name}")
    assert Passport.objects.get(staff=world.outsider_record).version > 1


@pytest.mark.parametrize(
    ("spoil", "reason"),
    [
        (lambda t, w: ".".join([*t.split(".")[:2], flip(t.split(".")[2], 5)]), "bad_signature"),
        (lambda t, w: "not-a-credential", "malformed"),
    ],
)
def test_an_altered_credential_is_refused_with_its_reason(world, spoil, reason):
    token = spoil(_issue(world), world)
    with pytest.raises(ImportRefused) as refusal:
        passport_credential_check(token, staff=world.outsider_record)
    assert refusal.value.reason == reason


def test_an_expired_credential_is_refused(world, time_machine):
    token = _issue(world)
    time_machine.move_to(timezone.now() + timedelta(days=366))
    with pytest.raises(ImportRefused) as refusal:
        passport_credential_check(token, staff=world.outsider_record)
    assert refusal.value.reason == "expired"


def test_a_credential_from_a_revoked_key_is_refused(world):
    token = _issue(world)
    revoke_key(SigningKey.objects.get(organisation=world.org), actor=None, reason="Lost laptop")
    with pytest.raises(ImportRefused) as refusal:
        passport_credential_check(token, staff=world.outsider_record)
    assert refusal.value.reason == "key_revoked"


def test_a_genuine_credential_of_another_kind_is_not_a_passport(world):
    now = timezone.now()
    token = issue_credential(
        world.org,
        {"type": ["SomeBadge"], "credentialSubject": {"name": "x"}},
        valid_from=now,
        valid_until=now + timedelta(days=1),
        actor=None,
    )
    with pytest.raises(ImportRefused) as refusal:
        passport_credential_check(token, staff=world.outsider_record)
    assert refusal.value.reason == "not_a_passport"


def test_import_pages_refuse_a_tampered_paste_and_keep_it(world):
    token = _issue(world)
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    client = _client(world.carer)
    response = client.post(
        reverse("passport_import", kwargs={"org_slug": "home-org"}), {"pasted": tampered}
    )
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "bad_signature" in response.text
    assert tampered in response.text


def test_import_pages_verify_then_bring_the_chosen_adjustments(world):
    token = _issue(world)
    client = _client(world.outsider)
    url = reverse("passport_import", kwargs={"org_slug": "other-org"})
    response = client.post(url, {"pasted": token})
    assert "This passport is genuine" in response.text
    confirm = reverse("passport_import_confirm", kwargs={"org_slug": "other-org"})
    nothing = client.post(confirm, {"token": token})
    assert "Choose at least one adjustment" in nothing.text
    done = client.post(confirm, {"token": token, "chosen": ["0"]})
    assert done.status_code == 302
    assert Adjustment.objects.filter(passport__staff=world.outsider_record).count() == 1
