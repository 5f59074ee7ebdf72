"""Inviting everyone in post: counted first, sent in steps by a background task, one email
each, never twice, resumable after a worker dies or HR stops it, and bounces are listed."""

from __future__ import annotations

import io
import logging
import re
import tracemalloc
from email.message import EmailMessage

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from audit.models import AuditEvent
from organisations.bulk_invitations import _step as batch_step
from organisations.bulk_invitations import (
    invitation_batch_preview,
    invitation_batch_run,
    invitation_batch_start,
    invitation_batches_take_over,
)
from organisations.invitations import invitation_send
from organisations.models import (
    Invitation,
    InvitationBatch,
    InvitationBatchStatus,
    InvitationBatchStop,
    Role,
    StaffRecord,
    StaffStatus,
)
from organisations.tests.factories import StaffRecordFactory, UnitFactory
from shared.models import OutboundEmail, WorkerHeartbeat


@pytest.fixture
def wards(world):
    """A directorate with a ward under it, a ward outside it, and staff of every kind."""
    directorate = UnitFactory.create(organisation=world.org, code="DIR", name="Surgery")
    ward = UnitFactory.create(organisation=world.org, code="W2", name="Ward 2", parent=directorate)
    elsewhere = UnitFactory.create(organisation=world.org, code="W3", name="Ward 3")
    make = StaffRecordFactory.create
    make(organisation=world.org, staff_number="A1", unit=directorate, work_email="Ann@Example.org")
    make(organisation=world.org, staff_number="A2", unit=ward)
    make(organisation=world.org, staff_number="A3", unit=ward, work_email="")
    make(organisation=world.org, staff_number="A4", unit=ward, status=StaffStatus.LEFT)
    # Two records with one address (a shared mailbox): one invitation.
    make(organisation=world.org, staff_number="A5", unit=ward, work_email="ward2@example.org")
    make(organisation=world.org, staff_number="A6", unit=ward, work_email="ward2@example.org")
    make(organisation=world.org, staff_number="B1", unit=elsewhere)
    return directorate


def _run(django_capture_on_commit_callbacks, action):
    with django_capture_on_commit_callbacks(execute=True):
        return action()


def _addresses(smtp_sink) -> list[str]:
    return sorted(message["To"] for message in smtp_sink)


def test_the_counts_come_before_anything_is_sent(client, world, wards, smtp_sink):
    invitation_send(
        organisation=world.org,
        email="a2@example.org",
        role=Role.EMPLOYEE,
        staff_record=None,
        by=world.hr_admin,
    )
    preview = invitation_batch_preview(organisation=world.org, unit=wards)
    # A1, A2, A3, A5, A6 are in post under Surgery; A4 has left; B1 is elsewhere.
    assert (preview.in_post, preview.joined, preview.invited, preview.no_email) == (5, 0, 1, 1)
    assert preview.to_invite == 3

    client.force_login(world.hr_admin)
    response = client.get(f"/o/{world.org.slug}/invite/everyone/", {"unit": "DIR"})
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r"data-to-invite>\s*3\s*<", html)
    assert "Send the invitations" in html
    assert not InvitationBatch.objects.exists()


def test_an_unknown_unit_is_refused_with_an_error_summary_keeping_what_was_typed(client, world):
    client.force_login(world.hr_admin)
    response = client.get(f"/o/{world.org.slug}/invite/everyone/", {"unit": "NOPE"})
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert 'value="NOPE"' in html
    assert "Send the invitations" not in html


def test_a_unit_and_the_units_under_it_are_invited_once_each(
    client, world, wards, smtp_sink, django_capture_on_commit_callbacks
):
    client.force_login(world.hr_admin)
    response = _run(
        django_capture_on_commit_callbacks,
        lambda: client.post(f"/o/{world.org.slug}/invite/everyone/", {"unit": "DIR"}),
    )
    batch = InvitationBatch.objects.get()
    assert response["Location"] == f"/o/{world.org.slug}/invite/batches/{batch.pk}/"
    assert batch.status == InvitationBatchStatus.FINISHED
    assert _addresses(smtp_sink) == ["a2@example.org", "ann@example.org", "ward2@example.org"]
    assert (batch.invited, batch.no_email, batch.shared_email, batch.examined) == (3, 1, 1, 5)
    invitations = Invitation.objects.filter(batch=batch)
    assert {i.staff_record.staff_number for i in invitations if i.staff_record} == {
        "A1",
        "A2",
        "A5",
    }
    assert all(i.role == Role.EMPLOYEE and i.message_id for i in invitations)
    assert AuditEvent.objects.filter(object_type="accounts.invitation").count() == 3

    page = client.get(response["Location"]).content.decode()
    assert "Invitations sent" in page
    assert re.search(r"data-invited>\s*3\s*<", page)

    # Everyone again, the whole organisation: only B1 is new.
    smtp_sink.clear()
    _run(
        django_capture_on_commit_callbacks,
        lambda: client.post(f"/o/{world.org.slug}/invite/everyone/", {"unit": ""}),
    )
    second = InvitationBatch.objects.exclude(pk=batch.pk).get()
    assert _addresses(smtp_sink) == ["b1@example.org"]
    # A1, A2, A5 and A6 (A5's address) have open invitations; the world's manager, new
    # manager and carer have accounts linked to their records.
    assert (second.invited, second.already_invited, second.already_joined) == (1, 4, 3)


def test_an_invitation_link_from_a_batch_creates_the_account(
    client, world, wards, smtp_sink, django_capture_on_commit_callbacks
):
    batch = _run(
        django_capture_on_commit_callbacks,
        lambda: invitation_batch_start(organisation=world.org, unit=wards, by=world.hr_admin),
    )
    message = next(m for m in smtp_sink if m["To"] == "ann@example.org")
    text = message.get_payload()[0].get_payload(decode=True).decode()
    found = re.search(r"(/accounts/invitation/[^/\s]+/)", text)
    assert found is not None
    link = found.group(1)
    response = client.post(
        link, {"first_name": "Ann", "last_name": "Ng", "password": "a long enough passphrase"}
    )
    assert response.status_code == 302
    assert StaffRecord.objects.get(organisation=world.org, staff_number="A1").user is not None
    assert Invitation.objects.get(batch=batch, email="ann@example.org").accepted_at is not None


def test_one_batch_at_a_time(client, world, wards, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        invitation_batch_start(organisation=world.org, unit=wards, by=world.hr_admin)
    client.force_login(world.org_admin)
    response = client.post(f"/o/{world.org.slug}/invite/everyone/", {"unit": ""}, follow=True)
    assert "already being sent" in response.content.decode()
    assert InvitationBatch.objects.count() == 1


def test_a_worker_killed_part_way_is_taken_over_and_nobody_is_invited_twice(
    world, wards, smtp_sink, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        batch = invitation_batch_start(organisation=world.org, unit=None, by=world.hr_admin)
    # A worker claims it and commits one step, then dies (its next step would have rolled
    # back, leaving nothing). The first five in post: three with accounts, then A1 and A2.
    InvitationBatch.objects.filter(pk=batch.pk).update(
        status=InvitationBatchStatus.RUNNING, worker="dead-worker"
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert batch_step(batch_id=batch.pk, worker="dead-worker", size=5)
    assert len(smtp_sink) == 2
    WorkerHeartbeat.objects.create(
        name="live-worker", started_at=timezone.now(), seen_at=timezone.now()
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert invitation_batches_take_over() == 1
    batch.refresh_from_db()
    assert batch.status == InvitationBatchStatus.FINISHED
    addresses = _addresses(smtp_sink)
    assert addresses == sorted(set(addresses))
    assert addresses == ["a2@example.org", "ann@example.org", "b1@example.org", "ward2@example.org"]
    assert batch.invited == 4


def test_a_live_step_is_not_taken_over(world, wards, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        batch = invitation_batch_start(organisation=world.org, unit=None, by=world.hr_admin)
    now = timezone.now()
    WorkerHeartbeat.objects.create(name="busy", started_at=now, seen_at=now)
    InvitationBatch.objects.filter(pk=batch.pk).update(
        status=InvitationBatchStatus.RUNNING, worker="busy", stepped_at=now
    )
    assert invitation_batches_take_over() == 0


def test_hr_stops_a_batch_and_another_hr_admin_continues_it(
    client, world, wards, smtp_sink, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        batch = invitation_batch_start(organisation=world.org, unit=None, by=world.hr_admin)
    client.force_login(world.hr_admin)
    page = client.get(f"/o/{world.org.slug}/invite/batches/{batch.pk}/").content.decode()
    assert "Stop sending" in page
    client.post(f"/o/{world.org.slug}/invite/batches/{batch.pk}/stop/")
    batch.refresh_from_db()
    assert (batch.status, batch.stopped_reason) == ("stopped", InvitationBatchStop.BY_HR)
    # The task queued at the start finds it stopped and sends nothing.
    assert invitation_batch_run(batch_id=batch.pk) == {}
    assert smtp_sink == []

    client.force_login(world.org_admin)
    page = client.get(f"/o/{world.org.slug}/invite/batches/{batch.pk}/").content.decode()
    assert "Continue from where it stopped" in page
    _run(
        django_capture_on_commit_callbacks,
        lambda: client.post(f"/o/{world.org.slug}/invite/batches/{batch.pk}/continue/"),
    )
    batch.refresh_from_db()
    assert batch.status == InvitationBatchStatus.FINISHED
    assert batch.requested_by == world.org_admin
    assert len(smtp_sink) == 4
    # Continuing or stopping a finished batch does nothing.
    client.post(f"/o/{world.org.slug}/invite/batches/{batch.pk}/continue/")
    client.post(f"/o/{world.org.slug}/invite/batches/{batch.pk}/stop/")
    batch.refresh_from_db()
    assert batch.status == InvitationBatchStatus.FINISHED
    assert len(smtp_sink) == 4


def test_a_batch_stops_when_whoever_started_it_leaves(
    world, wards, smtp_sink, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        batch = invitation_batch_start(organisation=world.org, unit=None, by=world.hr_admin)
    StaffRecordFactory.create(
        organisation=world.org, staff_number="HR1", user=world.hr_admin, status=StaffStatus.LEFT
    )
    invitation_batch_run(batch_id=batch.pk)
    batch.refresh_from_db()
    assert (batch.status, batch.stopped_reason) == ("stopped", InvitationBatchStop.POWER_LOST)
    assert batch.invited == 0
    assert smtp_sink == []


def test_a_leaver_cannot_start_stop_or_continue(client, world, wards):
    client.force_login(world.leaver)
    assert client.post(f"/o/{world.org.slug}/invite/everyone/", {"unit": ""}).status_code == 403
    assert not InvitationBatch.objects.exists()


def test_an_address_the_mail_server_refuses_is_listed_as_not_delivered(
    client, world, smtp_server, django_capture_on_commit_callbacks
):
    StaffRecordFactory.create(
        organisation=world.org, staff_number="Z1", work_email="z1@nowhere.test"
    )
    smtp_server.rcpt_answer = "550 5.1.1 No such user"
    batch = _run(
        django_capture_on_commit_callbacks,
        lambda: invitation_batch_start(organisation=world.org, unit=None, by=world.hr_admin),
    )
    invitation = Invitation.objects.get(batch=batch)
    assert invitation.bounced_at is not None
    assert OutboundEmail.objects.get(message_id=invitation.message_id).status == "failed"
    client.force_login(world.hr_admin)
    page = client.get(f"/o/{world.org.slug}/invite/batches/{batch.pk}/").content.decode()
    assert "Invitations that were not delivered" in page
    assert "z1@nowhere.test" in page
    assert re.search(r"data-bounced>\s*1\s*<", page)
    invite_page = client.get(f"/o/{world.org.slug}/invite/").content.decode()
    assert "Not delivered" in invite_page

    # HR corrects the address and invites everyone again: only the corrected one is sent.
    smtp_server.rcpt_answer = None
    StaffRecord.objects.filter(staff_number="Z1").update(work_email="z1@example.org")
    second = _run(
        django_capture_on_commit_callbacks,
        lambda: invitation_batch_start(organisation=world.org, unit=None, by=world.hr_admin),
    )
    assert [message["To"] for message in smtp_server.messages] == ["z1@example.org"]
    assert second.__class__.objects.get(pk=second.pk).invited == 1


def _bounce_report(message_id: str, *, action: str = "failed") -> bytes:
    """A delivery status notification (RFC 3464) as a mail server writes one."""
    return (
        "From: MAILER-DAEMON@mx.example.org\n"
        "Subject: Undelivered Mail Returned to Sender\n"
        "MIME-Version: 1.0\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"\n\n'
        "--b1\nContent-Type: text/plain\n\nYour message could not be delivered.\n\n"
        "--b1\nContent-Type: message/delivery-status\n\n"
        "Reporting-MTA: dns; mx.example.org\n\n"
        f"Final-Recipient: rfc822; gone@example.org\nAction: {action}\nStatus: 5.1.1\n\n"
        "--b1\nContent-Type: text/rfc822-headers\n\n"
        f"Message-ID: {message_id}\nSubject: An invitation\n\n"
        "--b1--\n"
    ).encode()


def test_a_bounce_report_read_later_marks_the_invitation(
    world, smtp_sink, tmp_path, django_capture_on_commit_callbacks
):
    invitation = _run(
        django_capture_on_commit_callbacks,
        lambda: invitation_send(
            organisation=world.org,
            email="gone@example.org",
            role=Role.EMPLOYEE,
            staff_record=None,
            by=world.hr_admin,
        ),
    )
    assert smtp_sink[0]["Message-ID"] == invitation.message_id
    delayed = tmp_path / "delayed.eml"
    delayed.write_bytes(_bounce_report(invitation.message_id, action="delayed"))
    out = io.StringIO()
    call_command("record_email_bounces", str(delayed), stdout=out)
    invitation.refresh_from_db()
    assert invitation.bounced_at is None  # a delay is not a bounce

    mbox = tmp_path / "bounces.mbox"
    other = _bounce_report("<someone-else@elsewhere.example>")
    mbox.write_bytes(
        b"From MAILER-DAEMON Mon Dec  7 10:00:00 2026\n"
        + _bounce_report(invitation.message_id)
        + b"\nFrom MAILER-DAEMON Mon Dec  7 10:01:00 2026\n"
        + other
        + b"\n"
    )
    call_command("record_email_bounces", str(mbox), stdout=out)
    invitation.refresh_from_db()
    assert invitation.bounced_at is not None
    assert "2 bounce reports read" in out.getvalue()


def test_a_message_that_is_not_a_report_is_ignored(world, tmp_path):
    plain = EmailMessage()
    plain["Message-ID"] = "<x@example.org>"
    plain.set_content("Out of office")
    path = tmp_path / "reply.eml"
    path.write_bytes(plain.as_bytes())
    out = io.StringIO()
    call_command("record_email_bounces", str(path), stdout=out)
    assert "0 bounce reports read" in out.getvalue()


def _peak_while_inviting(organisation, by, *, people: int, start: int) -> int:
    StaffRecord.objects.bulk_create(
        StaffRecord(
            organisation=organisation,
            staff_number=f"P{start + n:06d}",
            first_name="Pat",
            last_name="Lee",
            work_email=f"p{start + n}@example.org",
        )
        for n in range(people)
    )
    with transaction.atomic():
        batch = InvitationBatch.objects.create(
            organisation=organisation,
            whole_organisation=True,
            scope_label=organisation.name,
            requested_by=by,
            total=people,
        )
    # pytest keeps every log record it captures: the tasks' own "started" lines would grow.
    logging.disable(logging.WARNING)
    tracemalloc.start()
    try:
        invitation_batch_run(batch_id=batch.pk, step=50)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        logging.disable(logging.NOTSET)
        StaffRecord.objects.filter(organisation=organisation).update(status=StaffStatus.LEFT)


def test_memory_is_flat_whatever_the_number_of_people(world, settings):
    """Four times the people must not take more memory: each step holds its own rows only."""
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}
    _peak_while_inviting(world.org, world.hr_admin, people=60, start=0)  # warm caches
    small = _peak_while_inviting(world.org, world.hr_admin, people=100, start=1_000)
    large = _peak_while_inviting(world.org, world.hr_admin, people=400, start=10_000)
    assert Invitation.objects.filter(organisation=world.org).count() == 560
    assert large < small * 1.5 + 256 * 1024, (small, large)


def test_the_command_invites_everyone_on_an_hr_admins_authority(world, wards, smtp_sink):
    out = io.StringIO()
    call_command("invite_everyone", world.org.slug, "--as", "HR@example.org", "--here", stdout=out)
    assert "to invite: about 5" in out.getvalue()  # the shared address counts twice here
    assert "Finished; invited 4 of 9 in post" in out.getvalue()
    batch = InvitationBatch.objects.get()
    assert batch.requested_by == world.hr_admin
    assert len(smtp_sink) == 4


@pytest.mark.parametrize(
    ("who", "said"),
    [
        ("carer@example.org", "may not invite"),
        ("leaver@example.org", "may not invite"),
        ("nobody@example.org", "No account"),
    ],
)
def test_the_command_refuses_who_may_not_invite(world, who, said):
    with pytest.raises(CommandError, match=said):
        call_command("invite_everyone", world.org.slug, "--as", who, stdout=io.StringIO())
    assert not InvitationBatch.objects.exists()


def test_an_invitation_whose_sender_lost_power_does_not_hold_anyone_back(
    world, wards, smtp_sink, django_capture_on_commit_callbacks
):
    """Such a link can no longer be accepted, so the next batch invites the person again."""
    with django_capture_on_commit_callbacks(execute=True):
        invitation_send(
            organisation=world.org,
            email="b1@example.org",
            role=Role.EMPLOYEE,
            staff_record=None,
            by=world.hr_admin,
        )
    StaffRecordFactory.create(
        organisation=world.org, staff_number="HR1", user=world.hr_admin, status=StaffStatus.LEFT
    )
    smtp_sink.clear()
    batch = _run(
        django_capture_on_commit_callbacks,
        lambda: invitation_batch_start(organisation=world.org, unit=None, by=world.org_admin),
    )
    assert "b1@example.org" in _addresses(smtp_sink)
    assert InvitationBatch.objects.get(pk=batch.pk).already_invited == 0


def test_a_batch_run_by_the_command_is_not_taken_over_while_it_steps(
    world, wards, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        batch = invitation_batch_start(organisation=world.org, unit=None, by=world.hr_admin)
    now = timezone.now()
    WorkerHeartbeat.objects.create(name="some-worker", started_at=now, seen_at=now)
    InvitationBatch.objects.filter(pk=batch.pk).update(
        status=InvitationBatchStatus.RUNNING, worker="", stepped_at=now
    )
    assert invitation_batches_take_over() == 0
