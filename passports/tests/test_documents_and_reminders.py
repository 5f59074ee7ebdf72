from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from passports.models import Passport
from passports.reminders import passport_review_reminders
from passports.services import passport_set_review
from passports.tests.helpers import agreed_passport, declared


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _pdf_text(data: bytes) -> str:
    from io import BytesIO

    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


def test_the_carer_downloads_an_agreed_version_as_a_readable_pdf(world):
    passport = agreed_passport(world)
    url = reverse(
        "passports:version_pdf", kwargs={"org_slug": "home-org", "pk": passport.pk, "number": 1}
    )
    response = _client(world.carer).get(url)
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    assert "Agreed version 1" in text
    assert "Start between 8 and 9:30" in text
    assert "My sister" in text
    assert _client(world.manager).get(url).status_code == 403


def test_the_data_export_pdf_holds_declaration_versions_and_conversations(world):
    agreed_passport(world)
    response = _client(world.carer).get(
        reverse("passports:carer_export_pdf", kwargs={"org_slug": "home-org"})
    )
    text = _pdf_text(response.content)
    assert "My declaration" in text
    assert "Version 1" in text
    assert "Who has seen my passport" in text


def _set_review(passport: Passport, world, days: int) -> None:
    passport_set_review(
        passport=passport,
        expected_version=None,
        next_review_on=timezone.localdate() + timedelta(days=days),
        by=world.manager,
    )


def test_review_reminder_goes_to_carer_and_shared_manager_once_with_a_calendar_entry(
    world, smtp_sink, settings
):
    settings.PASSPORT_REVIEW_REMINDER_DAYS = 14
    passport = declared(world)
    _set_review(passport, world, 20)
    today = timezone.localdate()
    assert passport_review_reminders(today=today) == 0
    assert passport_review_reminders(today=today + timedelta(days=6)) == 1
    assert passport_review_reminders(today=today + timedelta(days=7)) == 0
    message = smtp_sink[0]
    assert sorted(message["To"].split(", ")) == ["carer@example.org", "manager@example.org"]
    attachment = next(part for part in message.walk() if part.get_content_type() == "text/calendar")
    event = Calendar.from_ical(attachment.get_payload(decode=True)).walk("VEVENT")[0]
    assert event.decoded("dtstart") == today + timedelta(days=20)
    assert "dad" not in attachment.get_payload(decode=True).decode()


def test_review_reminder_skips_a_manager_the_carer_stopped_sharing_with(world, smtp_sink):
    passport = declared(world, share=False)
    passport_set_review(
        passport=passport,
        expected_version=None,
        next_review_on=timezone.localdate() + timedelta(days=3),
        by=world.carer,
    )
    assert passport_review_reminders(today=timezone.localdate()) == 1
    assert smtp_sink[0]["To"] == "carer@example.org"


def test_a_new_review_date_gets_its_own_reminder(world, smtp_sink):
    passport = agreed_passport(world)
    _set_review(passport, world, 5)
    assert passport_review_reminders(today=timezone.localdate()) == 1
    passport.refresh_from_db()
    _set_review(passport, world, 9)
    assert passport_review_reminders(today=timezone.localdate()) == 1


def test_a_review_reminder_that_cannot_be_queued_is_tried_again_on_the_next_run(
    world, smtp_sink, monkeypatch
):
    """The date reminded is recorded in the same transaction as the email is queued: a
    failure rolls the record back, so the reminder is not lost."""
    from django.template import TemplateDoesNotExist

    from passports import reminders
    from shared.emails import send_templated

    passport = declared(world)
    _set_review(passport, world, 5)
    real = send_templated

    def broken(**kwargs):
        raise TemplateDoesNotExist("emails/passport_review_due-subject.txt")

    monkeypatch.setattr(reminders, "send_templated", broken)
    assert passport_review_reminders(today=timezone.localdate()) == 0
    passport.refresh_from_db()
    assert passport.review_reminder_sent_for is None
    assert smtp_sink == []

    monkeypatch.setattr(reminders, "send_templated", real)
    assert passport_review_reminders(today=timezone.localdate()) == 1
    assert len(smtp_sink) == 1
