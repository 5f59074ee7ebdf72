"""The deployment admin's page for setting up organisations from a file
(docs/organisation-setup.md): who may, the error summary, preview then confirm, once only."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.models import User
from audit.models import AuditEvent
from carershub.tests.personas import TOTP_SECRET
from carershub.tests.roundtrip import differences, forms_on, snapshot
from carershub.tests.test_once_forms import _check_forms_on
from organisations.models import Organisation, Unit
from organisations.tests.factories import OrganisationFactory, PartnershipFactory, UserFactory

pytestmark = pytest.mark.django_db

EXAMPLE = (Path(settings.BASE_DIR) / "docs" / "examples" / "organisation-setup.csv").read_bytes()
UPLOAD = reverse("organisations:setup_import")
CONFIRM = reverse("organisations:setup_confirm")


def _admin(*, second_factor: bool = True, superuser: bool = True) -> tuple[Client, User]:
    user = UserFactory.create(
        email="deploy@example.org", is_staff=superuser, is_superuser=superuser
    )
    TOTP.activate(user, TOTP_SECRET)
    client = Client()
    client.force_login(user)
    if second_factor:
        # What allauth records when the second factor is given at sign-in.
        session = client.session
        session["account_authentication_methods"] = [
            {"method": "password", "at": time.time(), "email": user.email},
            {"method": "mfa", "at": time.time(), "type": "totp"},
        ]
        session["account_authentication_methods_user"] = str(user.pk)
        session.save()
    return client, user


def _check(client: Client, partnership, content: bytes = EXAMPLE, name: str = "setup.csv"):
    return client.post(
        UPLOAD,
        {"partnership": partnership.slug, "file": SimpleUploadedFile(name, content)},
    )


def _confirm_data(response) -> dict[str, list[str]]:
    (form,) = [f for f in forms_on(response.content.decode()) if f.action == CONFIRM]
    ((_button, data),) = form.presses()
    return data


def test_a_deployment_admin_signed_in_with_a_second_factor_opens_the_page():
    client, _user = _admin()
    response = client.get(UPLOAD)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_a_deployment_admin_who_has_not_given_a_second_factor_is_asked_for_it():
    client, _user = _admin(second_factor=False)
    response = client.get(UPLOAD)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))
    assert "next=%2Fsetup%2Forganisations%2F" in response["Location"]


def test_a_confirmation_without_a_second_factor_is_not_acted_on():
    client, _user = _admin(second_factor=False)
    response = client.post(
        CONFIRM, {"plan": "x"}, headers={"referer": "http://testserver" + UPLOAD}
    )
    assert response.status_code == 302
    assert response["Location"].endswith("?next=%2Fsetup%2Forganisations%2F")
    elsewhere = client.post(CONFIRM, {"plan": "x"}, headers={"referer": "https://evil.example/"})
    assert elsewhere["Location"].endswith("?next=%2F")


def test_django_admin_staff_who_are_not_superusers_are_refused():
    client, user = _admin()
    type(user).objects.filter(pk=user.pk).update(is_superuser=False)
    assert client.get(UPLOAD).status_code == 403
    assert client.post(CONFIRM, {}).status_code == 403


def test_a_deactivated_superuser_is_refused():
    client, user = _admin()
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    response = client.get(UPLOAD)
    assert response.status_code in (302, 403)
    assert not Organisation.objects.exists()


def test_a_bad_file_gets_an_error_summary_and_its_problems_by_line():
    client, _user = _admin()
    partnership = PartnershipFactory.create()
    bad = (
        b"Organisation Short Name,Organisation Name,Nation,Sector,Size,Unit Code,Unit Name\n"
        b"a,A,Atlantis,NHS,Large,W1,Ward\n"
    )
    response = _check(client, partnership, bad)
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert "The file has 1 problem. Nothing was imported." in page
    assert "“Atlantis” is not one we know" in page
    # What was chosen is kept.
    assert f'value="{partnership.slug}" selected' in page
    assert not Organisation.objects.exists()


def test_a_missing_file_and_partnership_get_an_error_summary():
    client, _user = _admin()
    response = client.post(UPLOAD, {})
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "Choose the partnership the organisations belong to" in page
    assert "Choose a CSV file to check" in page


def test_the_preview_shows_what_will_be_created_and_nothing_is_written_until_confirmed():
    client, _user = _admin()
    partnership = PartnershipFactory.create()
    response = _check(client, partnership)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-count="organisations_created">3<' in page
    assert 'data-count="units_created">8<' in page
    assert "Northfield Hospitals NHS Foundation Trust" in page
    assert "NHS and health" in page
    assert not Organisation.objects.exists()

    done = client.post(CONFIRM, _confirm_data(response))
    assert done.status_code == 302
    assert Organisation.objects.filter(partnership=partnership).count() == 3
    assert Unit.objects.filter(organisation__partnership=partnership).count() == 8
    summary = AuditEvent.objects.get(object_type="organisations.partnership")
    assert summary.changes["file_name"] == "setup.csv"
    assert summary.channel == "web"


def test_the_confirmation_is_sent_once_even_if_sent_twice():
    client, _user = _admin()
    partnership = PartnershipFactory.create()
    data = _confirm_data(_check(client, partnership))
    first = client.post(CONFIRM, data)
    second = client.post(CONFIRM, data)
    assert first.status_code == second.status_code == 302
    assert Organisation.objects.filter(partnership=partnership).count() == 3
    assert AuditEvent.objects.filter(object_type="organisations.partnership").count() == 1


def test_the_same_plan_confirmed_again_without_its_token_creates_nothing_more():
    client, _user = _admin()
    partnership = PartnershipFactory.create()
    data = _confirm_data(_check(client, partnership))
    client.post(CONFIRM, data)
    data.pop("form_token")
    again = client.post(CONFIRM, data)
    assert again.status_code == 200
    assert "changed after the file was checked" in again.content.decode()
    assert "govuk-error-summary" in again.content.decode()
    assert Organisation.objects.filter(partnership=partnership).count() == 3


def test_a_plan_that_no_longer_holds_is_refused_with_a_clear_message():
    client, _user = _admin()
    partnership = PartnershipFactory.create()
    data = _confirm_data(_check(client, partnership))
    OrganisationFactory.create(slug="northfield-council", partnership=PartnershipFactory.create())
    response = client.post(CONFIRM, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Nothing has been set up" in page
    assert "Upload the file again" in page
    assert not Organisation.objects.filter(partnership=partnership).exists()


def test_a_plan_altered_in_the_browser_is_refused():
    client, _user = _admin()
    partnership = PartnershipFactory.create()
    data = _confirm_data(_check(client, partnership))
    data["plan"] = [data["plan"][0][:-3] + "abc"]
    response = client.post(CONFIRM, data)
    assert response.status_code == 302
    assert response["Location"] == UPLOAD
    assert not Organisation.objects.exists()


def test_another_admins_plan_is_refused():
    client, _user = _admin()
    partnership = PartnershipFactory.create()
    data = _confirm_data(_check(client, partnership))
    other = UserFactory.create(email="other@example.org", is_staff=True, is_superuser=True)
    TOTP.activate(other, TOTP_SECRET)
    client.force_login(other)
    session = client.session
    session["account_authentication_methods"] = [{"method": "mfa", "at": time.time()}]
    session["account_authentication_methods_user"] = str(other.pk)
    session.save()
    client.post(CONFIRM, data)
    assert not Organisation.objects.exists()


def test_a_file_already_applied_says_there_is_nothing_to_do():
    client, _user = _admin()
    partnership = PartnershipFactory.create()
    client.post(CONFIRM, _confirm_data(_check(client, partnership)))
    response = _check(client, partnership)
    page = response.content.decode()
    assert "data-nothing-to-do" in page
    assert CONFIRM not in page


def test_the_confirmation_carries_a_token_and_ignores_a_double_click():
    client, _user = _admin()
    partnership = PartnershipFactory.create()
    response = _check(client, partnership)
    # The preview answers the upload, so the check opens it from a saved copy.
    seen = set()
    from carershub.tests.test_once_forms import _Parser

    parser = _Parser()
    parser.feed(response.content.decode())
    (form,) = [f for f in parser.forms if f.action == CONFIRM]
    assert [i.get("type") for i in form.inputs if i.get("name") == "form_token"] == ["hidden"]
    assert all(b.get("data-prevent-double-click") == "true" for b in form.buttons)
    seen |= _check_forms_on(client, UPLOAD, "deployment admin")
    assert seen == set()  # the upload form itself adds nothing


def test_every_form_submitted_unchanged_changes_nothing():
    """The round trip (carershub/tests/test_round_trip.py) for the pages no persona opens:
    the upload form sent back as shown (no file) writes nothing."""
    client, _user = _admin()
    PartnershipFactory.create()
    page = client.get(UPLOAD).content.decode()
    forms = [form for form in forms_on(page) if form.action in ("", UPLOAD)]
    assert forms
    for form in forms:
        for _button, data in form.presses():
            before = snapshot()
            events = AuditEvent.objects.count()
            assert client.post(form.action or UPLOAD, data).status_code == 200
            assert not differences(before, snapshot())
            assert AuditEvent.objects.count() == events
