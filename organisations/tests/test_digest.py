"""The email of what is waiting: chosen on the account page, sent over real SMTP only when
something waits, once a day at most, and as discreet in an inbox preview as every email."""

from __future__ import annotations

from datetime import date, timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import DigestFrequency, User
from audit.models import AuditEvent, Channel
from carershub.tests.matrix_kit import LEAVE_START
from carershub.tests.personas import World
from leave.models import CarersLeaveRequest
from leave.services import carers_leave_request
from organisations.digest import send_waiting_digests
from organisations.tasks import waiting_digests

MONDAY = date(2026, 12, 7)
TUESDAY = MONDAY + timedelta(days=1)


def _choose(user: User, frequency: DigestFrequency) -> None:
    User.objects.filter(pk=user.pk).update(waiting_digest=frequency)


def _leave(world: World) -> CarersLeaveRequest:
    return carers_leave_request(
        staff=world.carer_record,
        days=[(LEAVE_START, "full")],
        note="",
        by=world.carer,
        today=timezone.localdate(),
    )


def _text(message) -> str:
    return message.get_payload()[0].get_payload(decode=True).decode()


def test_a_manager_who_asked_gets_one_email_a_day_listing_what_waits(world, smtp_sink):
    _choose(world.manager, DigestFrequency.DAILY)
    leave = _leave(world)
    assert send_waiting_digests(today=TUESDAY) == 1
    assert send_waiting_digests(today=TUESDAY) == 0  # a second run the same day
    assert [m["To"] for m in smtp_sink] == [world.manager.email]
    message = smtp_sink[0]
    assert message["Subject"] == "Things waiting for you in Working Carers Hub"
    text = _text(message)
    assert "There is 1 thing waiting for you" in text
    assert "Home Trust" in text
    assert f"Agree or postpone {world.carer_record.full_name}'s carer's leave" in text
    assert reverse("leave:carers_leave_detail", args=["home-org", leave.pk]) in text
    # Listing the request is a read of it, audited as on the home page, by the system.
    seen = AuditEvent.objects.get(
        actor=world.manager, object_type="leave.carersleaverequest", object_id=str(leave.pk)
    )
    assert seen.channel == Channel.SYSTEM
    assert "email" in seen.summary
    assert send_waiting_digests(today=TUESDAY + timedelta(days=1)) == 1  # and the next day


def test_weekly_goes_on_mondays_only(world, smtp_sink):
    _choose(world.manager, DigestFrequency.WEEKLY)
    _leave(world)
    assert send_waiting_digests(today=TUESDAY) == 0
    assert send_waiting_digests(today=MONDAY) == 1


def test_nothing_waiting_nothing_sent_and_never_means_never(world, smtp_sink):
    _choose(world.carer, DigestFrequency.DAILY)  # nothing waits for the carer
    _leave(world)  # waits for the manager, who did not ask
    assert send_waiting_digests(today=TUESDAY) == 0
    assert smtp_sink == []


def test_someone_who_has_left_is_sent_nothing(world, smtp_sink):
    _choose(world.leaver, DigestFrequency.DAILY)
    _leave(world)  # the leaver deputised for the manager, but holds no power now
    assert send_waiting_digests(today=TUESDAY) == 0


def test_the_morning_task_sends_them(world, smtp_sink):
    _choose(world.manager, DigestFrequency.DAILY)
    _leave(world)
    assert waiting_digests.call() == {"emails": 1}


def test_the_choice_is_made_on_the_account_page_and_saving_it_unchanged_writes_nothing(world):
    client = Client()
    client.force_login(world.carer)
    page = client.get(reverse("accounts:settings")).text
    assert "Email me what is waiting for me" in page
    response = client.post(reverse("accounts:settings"), {"waiting_digest": "weekly"})
    assert response.status_code == 302
    world.carer.refresh_from_db()
    assert world.carer.waiting_digest == DigestFrequency.WEEKLY
    events = AuditEvent.objects.filter(actor=world.carer).count()
    client.post(reverse("accounts:settings"), {"waiting_digest": "weekly"})
    assert AuditEvent.objects.filter(actor=world.carer).count() == events
    refused = client.post(reverse("accounts:settings"), {"waiting_digest": "hourly"})
    assert refused.status_code == 200
    assert "There is a problem" in refused.text
    world.carer.refresh_from_db()
    assert world.carer.waiting_digest == DigestFrequency.WEEKLY


def test_a_welsh_reader_gets_the_whole_digest_in_welsh(world, smtp_sink):
    from django.utils import translation

    User.objects.filter(pk=world.manager.pk).update(
        waiting_digest=DigestFrequency.DAILY, language="cy"
    )
    _leave(world)
    assert send_waiting_digests(today=TUESDAY) == 1
    text = _text(smtp_sink[0])
    with translation.override("cy"):
        item = translation.gettext("Agree or postpone %(name)s's carer's leave") % {
            "name": world.carer_record.full_name
        }
    assert item in text
    assert "Agree or postpone" not in text
