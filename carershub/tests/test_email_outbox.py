"""No email is lost: failed sends are tried again, failed emails can be sent again, the queue
being down breaks no page, and what is sent is wiped (shared.outbox).

Against a real SMTP server on localhost (carershub/tests/smtp.py) that can refuse.
"""

from __future__ import annotations

import socket
from collections.abc import Sequence
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from carershub.tasks import daily_housekeeping
from organisations.tests.factories import UserFactory
from shared.models import OutboundEmail
from shared.outbox import (
    outbox_add,
    outbox_deliver,
    outbox_prune,
    outbox_recover,
    retry_delay,
)

Status = OutboundEmail.Status
TRY_LATER = "451 4.3.0 Try again later"


def queue_one(
    *, subject: str = "Something to look at", to: Sequence[str] = ("person@example.org",)
) -> OutboundEmail:
    email = outbox_add(
        subject=subject,
        text="Open the link.",
        html="<p>Open the link.</p>",
        to=list(to),
        template="test",
    )
    email.refresh_from_db()
    return email


def test_the_wait_between_attempts_doubles_up_to_an_hour(settings):
    settings.EMAIL_RETRY_SECONDS = 60
    waits = [retry_delay(n).total_seconds() for n in range(1, 9)]
    assert waits == [60, 120, 240, 480, 960, 1920, 3600, 3600]


def test_a_send_the_server_turns_away_for_now_is_tried_again_and_delivered(db, smtp_server):
    smtp_server.data_answers = [TRY_LATER]
    email = queue_one()
    assert email.status == Status.QUEUED
    assert email.attempts == 1
    assert email.last_error == "SMTPDataError 451"
    assert "person@example.org" not in email.last_error
    assert timedelta(seconds=55) < email.due_at - timezone.now() <= timedelta(seconds=60)
    assert smtp_server.messages == []

    # The immediate queue cannot wait, so the sweep sends it once it is due.
    assert outbox_recover() == 0
    with time_machine.travel(timezone.now() + timedelta(minutes=4)):
        assert outbox_recover() == 1
    email.refresh_from_db()
    assert email.status == Status.SENT
    assert email.attempts == 2
    (received,) = smtp_server.messages
    assert received["Message-ID"] == email.message_id
    assert received["Subject"] == "Something to look at"
    # What was personal went with the send.
    assert (email.to, email.subject, email.text, email.html) == ([], "", "", "")


def test_on_the_database_queue_a_retry_is_queued_to_run_when_it_is_due(db, settings, smtp_server):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}
    }
    smtp_server.data_answers = [TRY_LATER]
    email = queue_one()
    first = DBTaskResult.objects.get()
    assert first.args_kwargs == {"args": [], "kwargs": {"email_id": email.pk}}  # no personal text
    assert outbox_deliver(email_id=email.pk, task_id=str(first.id)) == "retrying"
    email.refresh_from_db()
    retry = DBTaskResult.objects.exclude(pk=first.pk).get()
    assert retry.run_after == email.due_at


def test_healthz_says_email_is_delayed_while_the_mail_server_keeps_refusing(
    client, db, smtp_server
):
    """Each refusal moves the email's next attempt on, so its time to try next never falls
    ten minutes behind; how long ago it was queued does."""
    smtp_server.data_answers = [TRY_LATER] * 3
    email = queue_one()
    start = timezone.now()
    for minutes in (4, 9):  # attempts 2 and 3, refused; the next is due at minute 13
        with time_machine.travel(start + timedelta(minutes=minutes)):
            assert outbox_recover() == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Status.QUEUED, 3)
    with time_machine.travel(start + timedelta(minutes=9, seconds=30)):
        assert client.get("/healthz").json()["email"] == "ok"
    with time_machine.travel(start + timedelta(minutes=10, seconds=30)):
        assert email.due_at > timezone.now()
        assert client.get("/healthz").json()["email"] == "delayed"
    with time_machine.travel(start + timedelta(minutes=16)):
        assert outbox_recover() == 1  # the server takes it at last
        assert client.get("/healthz").json()["email"] == "ok"
    email.refresh_from_db()
    assert email.status == Status.SENT


def test_a_refusal_for_good_fails_at_once_and_keeps_the_text_for_sending_again(db, smtp_server):
    smtp_server.rcpt_answer = "550 5.1.1 <person@example.org>: no such user"
    email = queue_one()
    assert email.status == Status.FAILED
    assert email.attempts == 1
    assert email.last_error == "SMTPRecipientsRefused 550"
    assert email.to == ["person@example.org"]


def test_after_the_last_attempt_an_email_fails_and_the_command_sends_it_again(
    db, settings, smtp_server
):
    settings.EMAIL_MAX_ATTEMPTS = 2
    smtp_server.data_answers = [TRY_LATER, TRY_LATER]
    email = queue_one()
    with time_machine.travel(timezone.now() + timedelta(minutes=4)):
        outbox_recover()
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Status.FAILED, 2)
    assert smtp_server.messages == []

    call_command("requeue_failed_emails")
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Status.SENT, 1)
    assert len(smtp_server.messages) == 1


def test_an_admin_sends_failed_emails_again_without_seeing_who_to_or_what_they_say(
    client, world, smtp_server
):
    from allauth.mfa.totp.internal.auth import TOTP

    from carershub.tests.personas import TOTP_SECRET

    smtp_server.rcpt_answer = "550 5.1.1 no such user"
    failed = queue_one(subject="Secret subject", to=["hidden@example.org"])
    admin = UserFactory.create(email="root@example.org", is_superuser=True, is_staff=True)
    TOTP.activate(admin, TOTP_SECRET)
    client.force_login(admin)

    page = client.get("/admin/carershub/outboundemail/").content.decode()
    assert "test" in page
    assert "hidden@example.org" not in page
    assert "Secret subject" not in page
    detail = client.get(f"/admin/carershub/outboundemail/{failed.pk}/change/").content.decode()
    assert "hidden@example.org" not in detail
    assert "Secret subject" not in detail

    smtp_server.rcpt_answer = None
    response = client.post(
        "/admin/carershub/outboundemail/",
        {"action": "send_again", "_selected_action": [failed.pk]},
        follow=True,
    )
    assert "1 failed email queued again." in response.content.decode()
    failed.refresh_from_db()
    assert failed.status == Status.SENT
    assert [m["To"] for m in smtp_server.messages] == ["hidden@example.org"]


def test_a_task_queue_that_cannot_be_reached_loses_no_email_and_breaks_no_page(
    client, world, settings, smtp_server, django_capture_on_commit_callbacks
):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = probe.getsockname()[1]
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_rq.backend.RQBackend", "QUEUES": settings.TASK_QUEUES}
    }
    settings.RQ_QUEUES = {
        name: {"URL": f"redis://127.0.0.1:{dead}/0?socket_timeout=0.2"}
        for name in settings.TASK_QUEUES
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/reset/", {"email": "carer@example.org"})
    assert response.status_code == 302
    email = OutboundEmail.objects.get()
    assert email.status == Status.QUEUED
    assert smtp_server.messages == []

    # The queue is back: the sweep finds the email its task never carried.
    settings.TASKS = {
        "default": {
            "BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
            "QUEUES": settings.TASK_QUEUES,
        }
    }
    with time_machine.travel(timezone.now() + timedelta(minutes=3)):
        assert outbox_recover() == 1
    assert [m["To"] for m in smtp_server.messages] == ["carer@example.org"]


def test_emails_queued_before_the_outbox_are_still_sent_through_it(db, smtp_server):
    from shared.emails import send_rendered_email

    send_rendered_email.call(subject="Old", text="Body", html="<p>Body</p>", to=["a@example.org"])
    email = OutboundEmail.objects.get()
    assert (email.status, email.text) == (Status.SENT, "")
    assert [m["To"] for m in smtp_server.messages] == ["a@example.org"]


def test_housekeeping_deletes_finished_emails_after_a_fortnight_and_keeps_waiting_ones(
    db, smtp_server
):
    sent = queue_one()
    smtp_server.rcpt_answer = "550 no"
    failed = queue_one()
    smtp_server.data_answers = [TRY_LATER]
    smtp_server.rcpt_answer = None
    waiting = queue_one()
    assert (sent.status, failed.status, waiting.status) == (
        Status.SENT,
        Status.FAILED,
        Status.QUEUED,
    )

    assert outbox_prune() == 0
    with time_machine.travel(timezone.now() + timedelta(days=15)):
        result = daily_housekeeping.call()
    assert result["emails"] == 2
    assert list(OutboundEmail.objects.values_list("pk", flat=True)) == [waiting.pk]


@pytest.mark.parametrize("answer", [TRY_LATER, None])
def test_no_recipient_subject_or_text_is_logged(db, smtp_server, caplog, answer):
    smtp_server.data_answers = [answer] if answer else []
    smtp_server.rcpt_answer = None if answer else "550 5.1.1 <person@example.org> unknown"
    with caplog.at_level("DEBUG"):
        queue_one()
    # Everything the application logs, at any level; not the test's own SMTP server.
    logged = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("mail.log"))
    assert logged  # the failure is logged
    assert "person@example.org" not in logged
    assert "Something to look at" not in logged
    assert "Open the link" not in logged
