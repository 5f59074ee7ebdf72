"""The passport as a portable credential: issued by the carer, checked and brought in elsewhere."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from audit.selectors import events_for_organisation
from credentials.holder import MAX_REFUSALS, holder_binding, holder_code_matches
from credentials.models import HolderRefusal, SigningKey
from credentials.services import issue_credential, revoke_key
from credentials.tests.helpers import flip, independently_verified, payload_of
from passports.credential import (
    CREDENTIAL_TYPE,
    ImportRefused,
    holder_offer_sign,
    passport_credential_check,
    passport_credential_import,
    passport_credential_issue,
    passport_credential_payload,
)
from passports.models import Adjustment, AgreedVersion, Passport
from passports.tests.helpers import agreed_passport

pytestmark = pytest.mark.filterwarnings("ignore:EdDSA is deprecated:joserfc.errors.SecurityWarning")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


#: The code the carer was shown; tests that issue directly bind credentials to it.
CODE = "K7QM-2XHD-9RWP"


def _issue(world, code: str = CODE, **options) -> str:
    passport = agreed_passport(world)
    version = AgreedVersion.objects.get(passport=passport)
    return passport_credential_issue(
        passport=passport, version=version, by=world.carer, holder=holder_binding(code), **options
    )


def _group(pattern: str, text: str) -> str:
    """The first group of ``pattern``, which the page must contain."""
    found = re.search(pattern, text)
    assert found is not None, pattern
    return found.group(1)


def _download(client: Client, url: str, data: dict[str, str] | None = None) -> tuple[str, str]:
    """Both steps of taking a copy: the code page, then the file. Returns (token, code)."""
    page = client.post(url, data or {})
    assert page.status_code == 200
    code = _group(r"<code data-holder-code>([0-9A-Z-]+)</code>", page.text)
    holder = _group(r'name="holder" value="([^"]+)"', page.text)
    response = client.post(url, {"holder": holder})
    assert response["Content-Type"] == "application/vc+jwt"
    return response.content.decode(), code


def _credential_url(passport) -> str:
    return reverse(
        "passports:credential", kwargs={"org_slug": "home-org", "pk": passport.pk, "number": 1}
    )


def test_the_carer_downloads_a_credential_that_an_independent_library_verifies(world, client):
    passport = agreed_passport(world)
    carer = _client(world.carer)
    page = carer.post(_credential_url(passport), {})
    assert "Your holder code" in page.text
    assert "cannot show it again" in page.text
    holder = _group(r'name="holder" value="([^"]+)"', page.text)
    response = carer.post(_credential_url(passport), {"holder": holder})
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


def test_the_ticks_survive_the_code_page(world):
    passport = agreed_passport(world)
    token, _code = _download(
        _client(world.carer), _credential_url(passport), {"include_plan_b": "on"}
    )
    subject = payload_of(token)["credentialSubject"]
    assert "planB" in subject
    assert "aboutCaringRole" not in subject


# Holder binding ---------------------------------------------------------------------------


def test_the_credential_is_bound_to_the_code_shown_and_carries_nothing_else_of_the_carer(world):
    passport = agreed_passport(world)
    token, code = _download(_client(world.carer), _credential_url(passport))

    subject = payload_of(token)["credentialSubject"]
    binding = subject["holderBinding"]
    assert set(binding) == {"type", "salt", "digest"}
    assert binding["type"] == "HolderCodeScrypt"
    assert holder_code_matches(code, binding)
    assert not holder_code_matches("K7QM-2XHD-9RWQ", binding)
    text = json.dumps(payload_of(token))
    assert code not in text
    assert code.replace("-", "") not in text
    for address in (world.carer.email, world.carer_record.work_email):
        assert not address or address not in text  # no email, in clear or otherwise


def test_each_copy_gets_its_own_code(world):
    passport = agreed_passport(world)
    carer = _client(world.carer)
    first = _download(carer, _credential_url(passport))
    second = _download(carer, _credential_url(passport))
    assert first[1] != second[1]
    assert not holder_code_matches(
        first[1], payload_of(second[0])["credentialSubject"]["holderBinding"]
    )


def test_the_carer_cannot_bind_a_copy_to_a_code_of_their_own(world):
    """Only a binding signed by the code page downloads: a guessable code of one's choosing,
    or an offer made for someone else, gets a fresh code page instead."""
    passport = agreed_passport(world)
    carer = _client(world.carer)
    own = holder_binding("AAAA-AAAA-AAAA")
    forged = [
        json.dumps(own),
        signing.dumps(
            {"holder": own, "passport": passport.pk, "number": 1, "user": world.carer.pk}
        ),
        holder_offer_sign(
            own,
            passport=passport,
            number=1,
            by=world.manager,
            include_about=False,
            include_plan_b=False,
        ),
    ]
    for holder in forged:
        response = carer.post(_credential_url(passport), {"holder": holder})
        assert "Your holder code" in response.text
        assert response["Content-Type"].startswith("text/html")


def test_someone_else_with_the_file_but_not_the_code_is_refused_and_audited_privately(world):
    token = _issue(world)
    with pytest.raises(ImportRefused) as refusal:
        passport_credential_check(token, staff=world.outsider_record, holder_code="AAAA-BBBB-CCCC")

    assert (refusal.value.reason, refusal.value.field) == ("not_holder", "holder_code")
    assert "only be brought in by the person it was issued to" in refusal.value.message
    attempt = HolderRefusal.objects.get()
    assert (attempt.user, attempt.organisation) == (world.outsider, world.other_org)
    assert attempt.credential_id == payload_of(token)["id"]
    event = AuditEvent.objects.get(object_type="credentials.holderrefusal")
    assert (event.actor, event.organisation_id) == (world.outsider, world.other_org.pk)
    # Even an attempt says who is, or claims to be, a carer: not in the organisation's log.
    assert not events_for_organisation(organisation_id=world.other_org.pk).filter(
        object_type="credentials.holderrefusal"
    )
    assert not Passport.objects.filter(staff=world.outsider_record).exists()


def test_a_wrong_code_on_the_import_page_is_explained_and_what_was_typed_kept(world):
    token = _issue(world)
    client = _client(world.outsider)
    response = client.post(
        reverse("passports:import", kwargs={"org_slug": "other-org"}),
        {"pasted": token, "holder_code": "AAAA-BBBB-CCCC"},
    )
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert 'href="#id_holder_code"' in response.text
    assert "not_holder" in response.text
    assert token in response.text
    assert "AAAA-BBBB-CCCC" in response.text
    assert "This passport is genuine" not in response.text
    assert HolderRefusal.objects.count() == 1


def test_the_code_is_required_on_the_import_page(world):
    token = _issue(world)
    response = _client(world.outsider).post(
        reverse("passports:import", kwargs={"org_slug": "other-org"}), {"pasted": token}
    )
    assert 'href="#id_holder_code"' in response.text
    assert "Enter the holder code" in response.text
    assert not HolderRefusal.objects.exists()


def test_the_code_is_forgiving_of_case_spaces_and_lookalike_letters(world):
    token = _issue(world, code="K7Q0-2XHD-91WP")
    for typed in ("k7q0 2xhd 91wp", "K7QO-2XHD-9IWP", "k7qo2xhd9lwp"):
        offer = passport_credential_check(token, staff=world.outsider_record, holder_code=typed)
        assert offer.adjustments


def test_the_confirm_step_checks_the_code_again(world):
    token = _issue(world)
    client = _client(world.outsider)
    confirm = reverse("passports:import_confirm", kwargs={"org_slug": "other-org"})
    response = client.post(
        confirm, {"token": token, "holder_code": "AAAA-BBBB-CCCC", "chosen": ["0"]}, follow=True
    )
    assert "not_holder" in response.text
    assert not Adjustment.objects.filter(passport__staff=world.outsider_record).exists()
    assert HolderRefusal.objects.count() == 1


def test_wrong_codes_are_capped_for_a_day(world, time_machine):
    """Guessing online is hopeless at 60 bits; the cap also stops the slow hash being abused."""
    token = _issue(world)
    for _attempt in range(MAX_REFUSALS):
        with pytest.raises(ImportRefused):
            passport_credential_check(
                token, staff=world.outsider_record, holder_code="AAAABBBBCCCC"
            )

    with pytest.raises(ImportRefused) as refusal:
        passport_credential_check(token, staff=world.outsider_record, holder_code=CODE)
    assert refusal.value.reason == "too_many_attempts"
    assert HolderRefusal.objects.count() == MAX_REFUSALS

    time_machine.move_to(timezone.now() + timedelta(hours=25))
    assert passport_credential_check(token, staff=world.outsider_record, holder_code=CODE)


def test_a_credential_signed_before_holder_codes_is_refused_as_not_bound(world):
    """It cannot show whose it is; the carer is told how to get one that can."""
    passport = agreed_passport(world)
    version = AgreedVersion.objects.get(passport=passport)
    payload = passport_credential_payload(version, holder=holder_binding(CODE))
    del payload["credentialSubject"]["holderBinding"]
    now = timezone.now()
    token = issue_credential(
        world.org, payload, valid_from=now, valid_until=now + timedelta(days=30), actor=None
    )
    with pytest.raises(ImportRefused) as refusal:
        passport_credential_check(token, staff=world.outsider_record, holder_code=CODE)
    assert refusal.value.reason == "not_bound"
    assert "download a fresh copy" in refusal.value.message
    assert not HolderRefusal.objects.exists()


def test_only_the_carer_can_take_a_credential(world):
    passport = agreed_passport(world)
    url = _credential_url(passport)
    assert _client(world.manager).post(url, {}).status_code == 403
    assert _client(world.hr_admin).post(url, {}).status_code == 404


def test_the_signing_does_not_tell_the_organisation_audit_log_who_is_a_carer(world):
    _issue(world)
    response = _client(world.org_admin).get(
        reverse("organisations:audit_log", kwargs={"org_slug": "home-org"})
    )
    assert world.carer.email not in response.text
    assert "Passport" not in response.text


def test_another_organisation_on_this_deployment_checks_and_brings_it_in(world):
    token = _issue(world)
    offer = passport_credential_check(token, staff=world.outsider_record, holder_code=CODE)
    assert offer.issuer_name == world.org.name
    assert [a.kind for a in offer.adjustments] == ["flexible_hours"]
    passport = passport_credential_import(
        staff=world.outsider_record, token=token, holder_code=CODE, chosen=[0], by=world.outsider
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
        passport_credential_check(token, staff=world.outsider_record, holder_code=CODE)
    assert refusal.value.reason == reason


def test_an_expired_credential_is_refused(world, time_machine):
    token = _issue(world)
    time_machine.move_to(timezone.now() + timedelta(days=366))
    with pytest.raises(ImportRefused) as refusal:
        passport_credential_check(token, staff=world.outsider_record, holder_code=CODE)
    assert refusal.value.reason == "expired"


def test_a_credential_from_a_revoked_key_is_refused(world):
    token = _issue(world)
    revoke_key(SigningKey.objects.get(organisation=world.org), actor=None, reason="Lost laptop")
    with pytest.raises(ImportRefused) as refusal:
        passport_credential_check(token, staff=world.outsider_record, holder_code=CODE)
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
        passport_credential_check(token, staff=world.outsider_record, holder_code=CODE)
    assert refusal.value.reason == "not_a_passport"


def test_import_pages_refuse_a_tampered_paste_and_keep_it(world):
    token = _issue(world)
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    client = _client(world.carer)
    response = client.post(
        reverse("passports:import", kwargs={"org_slug": "home-org"}),
        {"pasted": tampered, "holder_code": CODE},
    )
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "bad_signature" in response.text
    assert tampered in response.text


def test_import_pages_verify_then_bring_the_chosen_adjustments(world):
    token = _issue(world)
    client = _client(world.outsider)
    url = reverse("passports:import", kwargs={"org_slug": "other-org"})
    response = client.post(url, {"pasted": token, "holder_code": CODE.lower()})
    assert "This passport is genuine" in response.text
    holder = _group(r'name="holder_code" value="([^"]+)"', response.text)
    confirm = reverse("passports:import_confirm", kwargs={"org_slug": "other-org"})
    nothing = client.post(confirm, {"token": token, "holder_code": holder})
    assert "Choose at least one adjustment" in nothing.text
    done = client.post(confirm, {"token": token, "holder_code": holder, "chosen": ["0"]})
    assert done.status_code == 302
    assert Adjustment.objects.filter(passport__staff=world.outsider_record).count() == 1
