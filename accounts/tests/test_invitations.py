"""Invitations: HR sends a link by real SMTP; the link creates the account and joins the organisation."""

from __future__ import annotations

import re
from datetime import timedelta

import time_machine
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from organisations.models import Membership, Role, StaffRecord


def _invite(client, world, smtp_sink, django_capture_on_commit_callbacks, **data):
    client.force_login(world.hr_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/o/{world.org.slug}/invite/", {"role": "employee", **data})
    client.logout()
    return response


def _link(message) -> str:
    text = message.get_payload()[0].get_payload(decode=True).decode()
    match = re.search(r"https?://[^/\s]+(/accounts/invitation/[^/\s]+/)", text)
    assert match is not None, "no invitation link in the email"
    return match.group(1)


def test_hr_invites_by_email_and_the_link_creates_an_account_linked_to_the_staff_record(
    client, world, smtp_sink, django_capture_on_commit_callbacks
):
    record = StaffRecord.objects.create(
        organisation=world.org, staff_number="N100", first_name="Nia", last_name="Evans"
    )
    response = _invite(
        client,
        world,
        smtp_sink,
        django_capture_on_commit_callbacks,
        email="Nia.Evans@Example.org",
        staff_number="N100",
    )
    assert response.status_code == 302
    assert len(smtp_sink) == 1
    assert smtp_sink[0]["To"] == "nia.evans@example.org"
    assert "Home Trust" in smtp_sink[0]["Subject"]

    link = _link(smtp_sink[0])
    assert client.get(link).status_code == 200
    response = client.post(
        link, {"first_name": "Nia", "last_name": "Evans", "password": "a long enough passphrase"}
    )
    assert response.status_code == 302
    user = User.objects.get(email="nia.evans@example.org")
    assert Membership.objects.filter(user=user, organisation=world.org, role=Role.EMPLOYEE).exists()
    record.refresh_from_db()
    assert record.user == user
    # The link works once.
    assert client.get(link).status_code == 404


def test_a_bad_invitation_keeps_what_was_typed_and_sends_nothing(
    client, world, smtp_sink, django_capture_on_commit_callbacks
):
    client.force_login(world.hr_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/o/{world.org.slug}/invite/",
            {"email": "typed@example.org", "role": "employee", "staff_number": "NOPE"},
        )
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert 'value="typed@example.org"' in html
    assert smtp_sink == []


def test_a_weak_password_is_refused_with_a_reason_and_no_account_is_made(
    client, world, smtp_sink, django_capture_on_commit_callbacks
):
    _invite(client, world, smtp_sink, django_capture_on_commit_callbacks, email="weak@example.org")
    response = client.post(
        _link(smtp_sink[0]), {"first_name": "W", "last_name": "K", "password": "password"}
    )
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert not User.objects.filter(email="weak@example.org").exists()


def test_an_expired_link_does_not_work(
    client, world, smtp_sink, django_capture_on_commit_callbacks
):
    _invite(client, world, smtp_sink, django_capture_on_commit_callbacks, email="late@example.org")
    with time_machine.travel(timezone.now() + timedelta(days=15)):
        assert client.get(_link(smtp_sink[0])).status_code == 404


def test_someone_signed_in_as_another_person_cannot_use_the_link(
    client, world, smtp_sink, django_capture_on_commit_callbacks
):
    _invite(
        client,
        world,
        smtp_sink,
        django_capture_on_commit_callbacks,
        email="someone.else@example.org",
    )
    client.force_login(world.carer)
    assert client.post(_link(smtp_sink[0]), {}).status_code == 403
    assert not User.objects.filter(email="someone.else@example.org").exists()


def test_an_existing_user_joins_a_second_organisation_with_one_click(
    client, world, smtp_sink, django_capture_on_commit_callbacks
):
    client.force_login(world.outsider)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/o/{world.other_org.slug}/invite/", {"email": "carer@example.org", "role": "champion"}
        )
    client.force_login(world.carer)
    response = client.post(_link(smtp_sink[0]), {})
    assert response.status_code == 302
    assert set(
        Membership.objects.filter(user=world.carer, organisation=world.other_org).values_list(
            "role", flat=True
        )
    ) == {
        "champion",
        "employee",
    }


def test_hr_admins_cannot_hand_out_the_organisation_admin_role(client, world):
    client.force_login(world.hr_admin)
    response = client.post(
        f"/o/{world.org.slug}/invite/", {"email": "x@example.org", "role": "org_admin"}
    )
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()


def test_invitations_are_audited(client, world, smtp_sink, django_capture_on_commit_callbacks):
    _invite(
        client, world, smtp_sink, django_capture_on_commit_callbacks, email="audited@example.org"
    )
    assert AuditEvent.objects.filter(
        object_type="accounts.invitation", summary__contains="audited@example.org"
    ).exists()


def test_an_invitation_can_be_withdrawn_and_its_link_stops_working(
    client, world, smtp_sink, django_capture_on_commit_callbacks
):
    from organisations.models import Invitation

    _invite(client, world, smtp_sink, django_capture_on_commit_callbacks, email="oops@example.org")
    invitation = Invitation.objects.get(email="oops@example.org")
    client.force_login(world.hr_admin)
    assert client.post(f"/o/{world.org.slug}/invite/{invitation.pk}/withdraw/").status_code == 302
    client.logout()
    assert client.get(_link(smtp_sink[0])).status_code == 404
    assert AuditEvent.objects.filter(
        summary__contains="Withdrew the invitation to oops@example.org"
    ).exists()


def test_an_invitation_dies_with_the_inviters_right_to_grant_it(
    client, world, smtp_sink, django_capture_on_commit_callbacks
):
    _invite(
        client,
        world,
        smtp_sink,
        django_capture_on_commit_callbacks,
        email="late.joiner@example.org",
    )
    Membership.objects.filter(user=world.hr_admin, role=Role.HR_ADMIN).delete()
    response = client.post(
        _link(smtp_sink[0]),
        {"first_name": "L", "last_name": "J", "password": "a long enough passphrase"},
    )
    assert response.status_code == 200
    assert "no longer valid" in response.content.decode()
    assert not User.objects.filter(email="late.joiner@example.org").exists()


def test_a_mail_server_that_is_down_does_not_break_the_page(
    client, world, settings, django_capture_on_commit_callbacks
):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},
        }
    }
    client.force_login(world.hr_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/o/{world.org.slug}/invite/", {"email": "down@example.org", "role": "employee"}
        )
    assert response.status_code == 302


def test_the_invitation_names_who_sent_it_by_name_not_address(
    client, world, smtp_sink, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=world.hr_admin.pk).update(first_name="Sam", last_name="Ng")
    world.hr_admin.refresh_from_db()
    _invite(client, world, smtp_sink, django_capture_on_commit_callbacks, email="new@example.org")
    text = smtp_sink[0].get_payload()[0].get_payload(decode=True).decode()
    assert "Sam Ng has invited you to join Home Trust" in text
    assert world.hr_admin.email not in text
