"""Stored text never reaches an email header as more than one line, and plain-text parts
print it as typed (``shared.emails``, ``shared.outbox``).

A line break in a subject would end the header: the mail library refuses it (the email
would fail on every attempt) or, without that check, a "Bcc:" after it would add a header.
"""

from __future__ import annotations

from datetime import date, timedelta
from email.header import decode_header, make_header
from types import SimpleNamespace

from django.utils import timezone

from carershub.tests.awkward_text import VIETNAMESE, WELSH
from organisations.models import Organisation
from plans.models import ActionPoint, OrgPlan
from plans.reminders import action_due_reminders
from plans.tests.helpers import strategy_plan
from shared.emails import render_templated, send_templated
from shared.models import OutboundEmail
from shared.outbox import outbox_deliver

INJECTION = "\r\nBcc: x@example.org"


def _subject(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def _text(message) -> str:
    return message.get_payload()[0].get_payload(decode=True).decode()


def test_an_organisation_name_with_a_line_break_stays_in_the_subject_line(world, smtp_sink):
    Organisation.objects.filter(pk=world.org.pk).update(
        name=f"Smith & Sons {WELSH}{INJECTION}\x01\x1b"
    )
    world.org.refresh_from_db()
    send_templated(
        template="invitation",
        to=["new.person@example.org"],
        context={
            "organisation": world.org,
            "role": "Employee",
            "inviter": world.hr_admin,
            "path": "/invitations/abc/",
            "expires_at": timezone.now() + timedelta(days=14),
        },
    )
    [message] = smtp_sink
    assert _subject(message) == (
        f"You are invited to join Smith & Sons {WELSH} Bcc: x@example.org on Working Carers Hub"
    )
    assert message["Bcc"] is None
    assert message.get_all("To") == ["new.person@example.org"]
    assert "has invited you to join Smith & Sons" in _text(message)  # not &amp;


def test_an_action_point_reminder_with_a_line_break_in_the_number_and_title(
    world, smtp_sink, settings
):
    settings.PLAN_ACTION_REMINDER_DAYS = 7
    plan, action = strategy_plan(world)
    ActionPoint.objects.filter(pk=action.pk).update(number=f"2.1{INJECTION}")
    OrgPlan.objects.filter(pk=plan.pk).update(title=f"{VIETNAMESE} & co{INJECTION}")
    assert action_due_reminders(today=date(2026, 9, 23)) == 1
    [message] = smtp_sink
    assert _subject(message) == "Action point 2.1 Bcc: x@example.org is due soon"
    assert message["Bcc"] is None
    assert f"in “{VIETNAMESE} & co" in _text(message)


def test_every_subject_is_one_line_without_control_characters(world):
    rendered = render_templated(
        template="commitment_ready",
        context={
            "organisation": Organisation(name=f"A\x0bB\u2028C\x85D{INJECTION}\x7f", slug="a"),
            "version": SimpleNamespace(number=2),
        },
    )
    assert rendered.subject == (
        "The leadership commitment of A B C D Bcc: x@example.org is ready for your signature"
    )


def test_a_subject_kept_with_a_line_break_before_this_rule_is_still_sent(db, smtp_sink):
    email = OutboundEmail.objects.create(
        template="test",
        to=["person@example.org"],
        subject=f"Kept earlier{INJECTION}",
        text="Body",
        html="",
        message_id="<kept@example.org>",
    )
    assert outbox_deliver(email_id=email.pk, task_id="") == "sent"
    [message] = smtp_sink
    assert _subject(message) == "Kept earlier Bcc: x@example.org"
    assert message["Bcc"] is None
