"""Badges: issued on a pass as Open Badges 3.0 credentials, checked by an independent JOSE
library and against the standard's schema, shared only as the holder chooses, and withdrawn
with their module version."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from joserfc import jws
from joserfc.jwk import KeySet

from audit.models import AuditEvent
from audit.selectors import events_for_organisation
from carershub.tests.pdfs import pdf_text
from credentials.tests.helpers import flip, header_of, payload_of
from learning import badges as badges_module
from learning.badges import badge_check_file
from learning.content import modules
from learning.models import Badge, ModuleProgress
from learning.selectors import has_passed
from learning.services import attempt_start, attempt_submit
from learning.tests.test_services import right_answers, wrong_answers

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore:EdDSA is deprecated:joserfc.errors.SecurityWarning"),
]

MODULE = modules()["carer-aware"]
SCHEMA = json.loads(
    (Path(__file__).parent / "schema" / "open-badges-3.0-credential.schema.json").read_text()
)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def pass_module(world, user=None, module=MODULE):
    user = user or world.carer
    attempt = attempt_start(organisation=world.org, user=user, module=module)
    return attempt_submit(attempt=attempt, module=module, answers=right_answers(attempt), by=user)


def earned(world, user=None) -> Badge:
    pass_module(world, user)
    return Badge.objects.get(user=user or world.carer)


def test_passing_issues_one_badge_and_failing_none(world):
    attempt = attempt_start(organisation=world.org, user=world.carer, module=MODULE)
    attempt_submit(attempt=attempt, module=MODULE, answers=wrong_answers(attempt), by=world.carer)
    assert not Badge.objects.exists()

    badge = earned(world)

    assert (badge.module, badge.module_version, badge.organisation) == (
        MODULE.slug,
        MODULE.version,
        world.org,
    )
    # Passing again while the badge stands issues no second one.
    pass_module(world)
    assert Badge.objects.count() == 1


def test_the_badge_validates_against_the_open_badges_schema(world):
    payload = payload_of(earned(world).token)

    validator = jsonschema.Draft201909Validator(
        SCHEMA, format_checker=jsonschema.Draft201909Validator.FORMAT_CHECKER
    )
    assert list(validator.iter_errors(payload)) == []
    achievement = payload["credentialSubject"]["achievement"]
    assert achievement["name"] == MODULE.title
    assert achievement["criteria"]["narrative"].startswith("Read the 3 lessons")


def test_the_schema_check_can_fail():
    """The schema is strict enough to refuse a badge missing what the standard requires."""
    validator = jsonschema.Draft201909Validator(SCHEMA)
    broken = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "x",
        "type": ["VerifiableCredential"],
        "issuer": {"id": "x", "type": ["Profile"]},
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"type": ["AchievementSubject"], "achievement": {"id": "y"}},
    }
    messages = {error.message for error in validator.iter_errors(broken)}
    assert any("is too short" in m for m in messages)  # the Open Badges context is missing
    assert len(list(validator.iter_errors(broken))) >= 3


def test_the_badge_names_the_learner_only_by_a_salted_hash(world):
    payload = payload_of(earned(world).token)
    text = json.dumps(payload)

    assert world.carer.email not in text
    assert world.carer.first_name not in text
    identity = payload["credentialSubject"]["identifier"][0]
    import hashlib

    expected = hashlib.sha256((world.carer.email.lower() + identity["salt"]).encode()).hexdigest()
    assert identity["identityHash"] == f"sha256${expected}"


def test_the_badge_verifies_with_an_independent_library_against_the_published_keys(world):
    token = earned(world).token
    published = Client().get("/.well-known/jwks.json").json()
    thumbprint = header_of(token)["kid"].rpartition("/keys/")[2]
    key_set = KeySet.import_key_set(
        {"keys": [k for k in published["keys"] if k["kid"] == thumbprint]}
    )

    verified = jws.deserialize_compact(token, key_set.keys[0], algorithms=["EdDSA"])

    assert json.loads(verified.payload)["name"] == MODULE.title


def test_a_tampered_badge_fails_the_check(world):
    header, payload, signature = earned(world).token.split(".")

    check = badge_check_file(".".join([header, flip(payload, 60), signature]))

    assert not check.valid
    assert check.verification.reason == "bad_signature"


def test_the_signing_is_private_to_the_learner(world):
    earned(world)

    badge_events = AuditEvent.objects.filter(object_type="learning.badge")
    assert badge_events.count() == 1
    assert (
        not events_for_organisation(organisation_id=world.org.pk)
        .filter(object_type="learning.badge")
        .exists()
    )
    # No public "signed a credential" entry names the learner either.
    assert (
        not events_for_organisation(organisation_id=world.org.pk)
        .filter(summary="Signed a credential")
        .exists()
    )


def test_a_withdrawn_version_invalidates_the_badge_and_the_learner_takes_it_again(
    world, monkeypatch
):
    badge = earned(world)
    newer = replace(
        MODULE, version=MODULE.version + 1, withdrawn={MODULE.version: "it gave a wrong date."}
    )
    monkeypatch.setattr(badges_module, "find_module", lambda **kw: newer)

    check = badge_check_file(badge.token)

    assert not check.valid
    assert check.message == "This badge has been withdrawn: it gave a wrong date."
    progress = ModuleProgress.objects.get(user=world.carer)
    assert not has_passed(progress, newer)

    pass_module(world, module=newer)

    progress.refresh_from_db()
    assert progress.module_version == newer.version
    assert has_passed(progress, newer)
    assert Badge.objects.filter(user=world.carer, module_version=newer.version).count() == 1


def test_an_expired_badge_can_be_earned_again(world):
    badge = earned(world)
    Badge.objects.filter(pk=badge.pk).update(valid_until=timezone.now())

    pass_module(world)

    assert Badge.objects.filter(user=world.carer).count() == 2


# Pages ------------------------------------------------------------------------------------


def org_url(world, name, **kw):
    return reverse(f"learning:{name}", kwargs={"org_slug": world.org.slug, **kw})


def test_the_result_page_leads_to_the_badge_and_it_downloads_exactly_as_signed(world):
    badge = earned(world)
    client = signed_in(world.carer)

    result = client.get(org_url(world, "result", module=MODULE.slug)).content.decode()
    assert org_url(world, "badge", public_id=badge.public_id) in result
    page = client.get(org_url(world, "badge", public_id=badge.public_id)).content.decode()
    assert "Valid" in page
    assert "Download your badge" in page

    download = client.get(reverse("learning:badge_download", args=[badge.public_id]))

    assert download.status_code == 200
    assert download.content.decode().strip() == badge.token
    assert download["Content-Disposition"] == 'attachment; filename="carer-aware-badge.jws"'
    assert "no-store" in download["Cache-Control"]


def test_only_the_holder_can_download_even_after_leaving(world):
    badge = earned(world)
    path = reverse("learning:badge_download", args=[badge.public_id])

    assert signed_in(world.manager).get(path).status_code == 404
    assert signed_in(world.hr_admin).get(path).status_code == 404
    assert Client().get(path).status_code == 302
    world.carer_record.status = "left"
    world.carer_record.left_on = timezone.localdate()
    world.carer_record.save()
    assert signed_in(world.carer).get(path).status_code == 200


def test_the_public_page_shows_the_name_only_when_the_holder_chooses(world):
    badge = earned(world)
    public = reverse("learning:badge_public", args=[badge.public_id])
    name = f"{world.carer.first_name} {world.carer.last_name}"

    page = Client().get(public).content.decode()
    assert "genuine" in page
    assert MODULE.title in page
    assert world.org.name in page
    assert name not in page

    client = signed_in(world.carer)
    response = client.post(
        org_url(world, "badge", public_id=badge.public_id), {"shared": "yes", "show_name": "yes"}
    )
    assert response.status_code == 302
    assert name in Client().get(public).content.decode()

    client.post(
        org_url(world, "badge", public_id=badge.public_id), {"shared": "no", "show_name": "yes"}
    )
    assert Client().get(public).status_code == 404


def test_sending_the_sharing_form_back_unchanged_writes_nothing(world):
    badge = earned(world)
    client = signed_in(world.carer)
    before = AuditEvent.objects.count()

    client.post(
        org_url(world, "badge", public_id=badge.public_id), {"shared": "yes", "show_name": "no"}
    )

    assert AuditEvent.objects.count() == before


def test_the_sharing_form_refuses_a_missing_answer_and_keeps_the_other(world):
    badge = earned(world)

    response = signed_in(world.carer).post(
        org_url(world, "badge", public_id=badge.public_id), {"show_name": "yes"}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert 'value="yes" checked' in page or 'checked value="yes"' in page or "checked" in page


def test_someone_elses_badge_page_is_not_found(world):
    badge = earned(world)

    response = signed_in(world.manager).get(org_url(world, "badge", public_id=badge.public_id))

    assert response.status_code == 404


def test_the_check_page_takes_the_downloaded_file_signed_out(world):
    badge = earned(world)
    upload = SimpleUploadedFile("carer-aware-badge.jws", f"{badge.token}\n".encode())

    page = Client().post(reverse("learning:badge_verify"), {"file": upload}).content.decode()

    assert "The badge is genuine" in page
    assert MODULE.title in page
    assert world.org.name in page


def test_the_check_page_reports_a_tampered_badge_and_an_empty_form(world):
    header, payload, signature = earned(world).token.split(".")
    tampered = ".".join([header, flip(payload, 60), signature])

    page = Client().post(reverse("learning:badge_verify"), {"token": tampered}).content.decode()
    assert "did not pass the check" in page
    assert "has been changed" in page

    empty = Client().post(reverse("learning:badge_verify"), {}).content.decode()
    assert "Upload the badge file or paste the badge" in empty


def test_the_badge_image_is_served_at_the_address_the_credential_names(world):
    payload = payload_of(earned(world).token)
    image = payload["credentialSubject"]["achievement"]["image"]["id"]

    response = Client().get(image.split("://", 1)[1].partition("/")[2].join(["/", ""]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"


def test_the_account_page_lists_badges_from_every_organisation(world):
    badge = earned(world)

    page = signed_in(world.carer).get(reverse("accounts:settings")).content.decode()

    assert "Your badges" in page
    assert reverse("learning:badge_download", args=[badge.public_id]) in page
    assert (
        "Your badges"
        not in signed_in(world.manager).get(reverse("accounts:settings")).content.decode()
    )


# Champions ---------------------------------------------------------------------------------


def test_a_champion_is_asked_to_take_carer_aware_until_they_pass(world):
    home = reverse("organisations:home", args=[world.org.slug])
    wanted = "Take Carer Aware: every carer champion is asked to"

    assert wanted in signed_in(world.champion).get(home).content.decode()
    assert wanted not in signed_in(world.carer).get(home).content.decode()
    assert wanted not in signed_in(world.leaver).get(home).content.decode()

    pass_module(world, world.champion)

    assert wanted not in signed_in(world.champion).get(home).content.decode()


def test_the_download_everything_about_me_files_carry_the_learners_own_learning(world):
    badge = earned(world)
    client = signed_in(world.carer)

    data = client.get(reverse("passports:carer_export_json", args=[world.org.slug])).json()

    learned = data["learning"]
    assert [row["module"] for row in learned["modules"]] == [MODULE.slug]
    assert learned["modules"][0]["passed_at"] is not None
    assert [a["passed"] for a in learned["quiz_attempts"]] == [True]
    assert learned["badges"][0]["credential"] == badge.token
    pdf = client.get(reverse("passports:carer_export_pdf", args=[world.org.slug])).content
    assert "My learning" in pdf_text(pdf)
    # The manager's own download holds only their own learning, which is none.
    theirs = signed_in(world.manager).get(
        reverse("passports:carer_export_json", args=[world.org.slug])
    )
    assert theirs.json()["learning"] == {"modules": [], "quiz_attempts": [], "badges": []}


def test_after_the_signing_key_is_revoked_a_new_pass_earns_a_badge_that_verifies(world):
    from credentials.services import active_key, revoke_key

    first = earned(world)
    revoke_key(active_key(world.org, actor=None), actor=None, reason="Laptop lost")
    assert not badge_check_file(first.token).valid

    pass_module(world)

    newest = Badge.objects.filter(user=world.carer).order_by("-issued_at", "-pk").first()
    assert newest is not None
    assert newest.pk != first.pk
    assert badge_check_file(newest.token).valid


def test_someone_who_has_left_still_decides_what_their_badges_page_shows(world):
    badge = earned(world)
    world.carer_record.status = "left"
    world.carer_record.left_on = timezone.localdate()
    world.carer_record.save()
    client = signed_in(world.carer)

    response = client.post(
        org_url(world, "badge", public_id=badge.public_id), {"shared": "no", "show_name": "no"}
    )

    assert response.status_code == 302
    badge.refresh_from_db()
    assert not badge.shared
    # Learning itself is closed to them.
    assert client.get(org_url(world, "home")).status_code == 403


def test_a_learner_with_a_badge_can_still_be_deleted(world):
    earned(world)

    world.carer.delete()

    assert not Badge.objects.exists()


def test_the_badges_list_leads_someone_who_has_left_back_to_their_account(world):
    earned(world)
    world.carer_record.status = "left"
    world.carer_record.left_on = timezone.localdate()
    world.carer_record.save()

    page = signed_in(world.carer).get(org_url(world, "badges")).content.decode()

    assert f'href="{reverse("accounts:settings")}" class="govuk-back-link"' in page
    assert f'href="{org_url(world, "home")}"' not in page
