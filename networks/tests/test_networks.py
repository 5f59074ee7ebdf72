"""The staff carer network: champions start it and arrange meetings; anyone in post joins or
leaves, privately; members are invited and reminded over real SMTP, each separately; the
calendar files parse; nobody but a champion sees who belongs."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import icalendar
import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from networks.models import Meeting, MeetingKind, Network, NetworkMember
from networks.reminders import meeting_reminders
from networks.services import (
    AnnouncementDetails,
    MeetingDetails,
    announcement_post,
    meeting_cancel,
    meeting_create,
    meeting_update,
    network_edit,
    network_join,
    network_leave,
    network_start,
)
from networks.tasks import network_meeting_reminders
from organisations.models import StaffRecord, StaffStatus
from shared.writes import RuleError

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(world, name: str, **kwargs) -> str:
    return reverse(f"networks:{name}", kwargs={"org_slug": world.org.slug, **kwargs})


def started(world) -> Network:
    return network_start(
        organisation=world.org,
        user=world.champion,
        name="Carers together",
        about="A lunchtime chat once a month. Only the champions see who belongs.",
    )


def details(**overrides: Any) -> MeetingDetails:
    base = MeetingDetails(
        title="Coffee and a chat",
        kind=MeetingKind.COFFEE,
        starts_at=(timezone.now() + timedelta(days=3)).replace(second=0, microsecond=0),
        minutes=20,
        place="The Quorvath canteen",
        link="",
        agenda="Introductions; what helps at work.",
    )
    return replace(base, **overrides)


def arranged(world, network: Network, **overrides) -> Meeting:
    return meeting_create(network=network, user=world.champion, details=details(**overrides))


# Starting and running -----------------------------------------------------------------------


def test_a_champion_starts_the_network_once(world):
    network = started(world)

    with pytest.raises(RuleError) as again:
        started(world)

    assert network.name == "Carers together"
    assert again.value.code == "network_exists"
    assert Network.objects.count() == 1


@pytest.mark.parametrize("who", ["carer", "manager", "hr_admin", "org_admin", "sponsor"])
def test_only_champions_start_and_run_the_network(world, who):
    user = getattr(world, who)
    with pytest.raises(PermissionDenied):
        network_start(organisation=world.org, user=user, name="Ours", about="Join us.")
    network = started(world)
    with pytest.raises(PermissionDenied):
        meeting_create(network=network, user=user, details=details())
    with pytest.raises(PermissionDenied):
        network_edit(network=network, user=user, name="Mine", about="x", expected_version=1)


def test_a_champion_who_has_left_runs_nothing(world):
    network = started(world)
    StaffRecord.objects.create(
        organisation=world.org, staff_number="CH1", user=world.champion, status=StaffStatus.LEFT
    )

    # A fresh account object: roles are read once per request and kept on it.
    champion = User.objects.get(pk=world.champion.pk)

    with pytest.raises(PermissionDenied):
        meeting_create(network=network, user=champion, details=details())


def test_an_unchanged_page_writes_nothing(world):
    network = started(world)
    before = AuditEvent.objects.count()

    changed = network_edit(
        network=network,
        user=world.champion,
        name=network.name,
        about=network.about,
        expected_version=network.version,
    )

    assert changed is False
    assert AuditEvent.objects.count() == before


# Membership is private ----------------------------------------------------------------------


def test_joining_and_leaving_leave_no_trace(world):
    network = started(world)
    before = AuditEvent.objects.count()

    assert network_join(network=network, user=world.carer) is True
    assert network_join(network=network, user=world.carer) is False
    assert network_leave(network=network, user=world.carer) is True

    assert not NetworkMember.objects.exists()
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("who", ["carer", "manager", "hr_admin", "org_admin", "sponsor"])
def test_nobody_but_a_champion_sees_who_belongs(world, who):
    network = started(world)
    network_join(network=network, user=world.carer)

    response = signed_in(getattr(world, who)).get(url(world, "members"))

    assert response.status_code == 403


def test_a_champion_sees_the_members_in_post_only(world):
    network = started(world)
    network_join(network=network, user=world.carer)
    network_join(network=network, user=world.manager)
    StaffRecord.objects.filter(user=world.manager).update(status=StaffStatus.LEFT)

    html = signed_in(world.champion).get(url(world, "members")).content.decode()

    assert world.carer.email in html or world.carer.get_full_name() in html
    assert world.manager.get_full_name() not in html


def test_membership_never_shows_on_the_staff_record(world):
    network = started(world)
    network_join(network=network, user=world.carer)
    record = StaffRecord.objects.get(organisation=world.org, user=world.carer)

    html = (
        signed_in(world.hr_admin)
        .get(reverse("organisations:staff_detail", args=[world.org.slug, record.pk]))
        .content.decode()
    )

    assert "Carers together" not in html
    assert "network" not in html.lower()


def test_a_page_joins_and_leaves(world):
    started(world)
    carer = signed_in(world.carer)

    carer.post(url(world, "join"))
    joined = carer.get(url(world, "home")).content.decode()
    carer.post(url(world, "leave"))

    assert "You belong to this network" in joined
    assert not NetworkMember.objects.exists()


# Meetings -----------------------------------------------------------------------------------


def test_a_meeting_in_the_past_is_refused(world):
    network = started(world)

    with pytest.raises(RuleError) as refused:
        arranged(world, network, starts_at=timezone.now() - timedelta(hours=1))

    assert refused.value.field == "starts_at"
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(
    "link", ["javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,hi", "ftp://x.org"]
)
def test_only_web_links_are_taken(world, link):
    network = started(world)

    with pytest.raises(RuleError) as refused:
        arranged(world, network, link=link, place="")

    assert refused.value.code == "unsafe_link"


def test_the_meeting_form_refuses_the_past_and_keeps_what_was_typed(world):
    started(world)
    champion = signed_in(world.champion)
    page = champion.get(url(world, "meeting_new")).content.decode()
    token = re.search(r'name="form_token" value="([^"]+)"', page)
    assert token is not None
    yesterday = timezone.localdate() - timedelta(days=1)

    response = champion.post(
        url(world, "meeting_new"),
        {
            "form_token": token[1],
            "title": "Zyxandra's coffee",
            "kind": "coffee",
            "day": yesterday.isoformat(),
            "time": "12:30",
            "minutes": "20",
            "place": "Canteen",
        },
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert "The meeting must start in the future" in html
    assert "Zyxandra&#x27;s coffee" in html
    assert not Meeting.objects.exists()


def test_members_are_invited_each_separately_with_a_calendar_entry(
    world, smtp_sink, django_capture_on_commit_callbacks
):
    network = started(world)
    network_join(network=network, user=world.carer)
    network_join(network=network, user=world.manager)

    with django_capture_on_commit_callbacks(execute=True):
        meeting = arranged(world, network)

    assert sorted(m["To"] for m in smtp_sink) == sorted([world.carer.email, world.manager.email])
    for message in smtp_sink:
        assert "carer" not in message["Subject"].lower()
        parts = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
        assert len(parts) == 1
        calendar = icalendar.Calendar.from_ical(parts[0].get_payload(decode=True))
        event = calendar.walk("VEVENT")[0]
        assert str(event["summary"]) == "Coffee and a chat"
        assert event.decoded("dtstart") == meeting.starts_at
        assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(minutes=20)


def test_members_are_reminded_a_day_before_once(world, smtp_sink):
    network = started(world)
    network_join(network=network, user=world.carer)
    meeting = arranged(world, network)
    smtp_sink.clear()
    before = meeting.starts_at - timedelta(hours=30)
    on_the_day = meeting.starts_at - timedelta(hours=20)

    assert meeting_reminders(now=before) == 0
    assert meeting_reminders(now=on_the_day) == 1
    assert meeting_reminders(now=on_the_day) == 0

    assert [m["To"] for m in smtp_sink] == [world.carer.email]
    assert smtp_sink[0]["Subject"].startswith("Reminder: a meeting on ")


def test_a_moved_meeting_is_reminded_again_and_members_who_left_are_not(world, smtp_sink):
    network = started(world)
    network_join(network=network, user=world.carer)
    network_join(network=network, user=world.manager)
    StaffRecord.objects.filter(user=world.manager).update(status=StaffStatus.LEFT)
    meeting = arranged(world, network)
    meeting_reminders(now=meeting.starts_at - timedelta(hours=2))
    moved = meeting.starts_at + timedelta(hours=1)
    meeting_update(
        meeting=meeting,
        user=world.champion,
        details=details(starts_at=moved),
        expected_version=meeting.version,
    )
    smtp_sink.clear()

    assert meeting_reminders(now=moved - timedelta(hours=2)) == 1
    assert [m["To"] for m in smtp_sink] == [world.carer.email]


def test_the_reminder_job_runs(world, smtp_sink):
    network = started(world)
    network_join(network=network, user=world.carer)
    Meeting.objects.create(
        network=network,
        title="Soon",
        kind=MeetingKind.ONLINE,
        starts_at=timezone.now() + timedelta(hours=3),
        minutes=30,
        link="https://meet.example.org/x",
    )

    assert network_meeting_reminders.call() == 1


def test_notes_can_be_added_after_a_meeting(world):
    network = started(world)
    meeting = arranged(world, network)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(days=1))
    meeting.refresh_from_db()
    start: datetime = meeting.starts_at

    changed = meeting_update(
        meeting=meeting,
        user=world.champion,
        details=details(starts_at=start, notes="We agreed a monthly lunch."),
        expected_version=meeting.version,
    )

    meeting.refresh_from_db()
    assert changed is True
    assert meeting.notes == "We agreed a monthly lunch."


@pytest.mark.parametrize("who", ["manager", "hr_admin", "org_admin", "sponsor"])
def test_a_meeting_is_for_members_and_champions_only(world, who):
    network = started(world)
    network_join(network=network, user=world.carer)
    meeting = arranged(world, network)

    assert signed_in(world.carer).get(url(world, "meeting", pk=meeting.pk)).status_code == 200
    assert signed_in(world.champion).get(url(world, "meeting", pk=meeting.pk)).status_code == 200
    assert (
        signed_in(getattr(world, who)).get(url(world, "meeting", pk=meeting.pk)).status_code == 404
    )


def test_the_calendar_file_parses(world):
    network = started(world)
    network_join(network=network, user=world.carer)
    meeting = arranged(world, network, link="https://meet.example.org/x?a=1,b;c")

    response = signed_in(world.carer).get(url(world, "meeting_calendar", pk=meeting.pk))

    assert response["Content-Type"].startswith("text/calendar")
    event = icalendar.Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert str(event["uid"]).startswith(f"network-meeting-{meeting.pk}@")
    assert "https://meet.example.org/x?a=1,b;c" in str(event["description"])


def test_the_home_page_offers_the_network(world):
    started(world)

    html = signed_in(world.carer).get(reverse("organisations:home", args=[world.org.slug]))

    assert "Carers together" in html.content.decode()


def test_starting_the_network_sent_twice_starts_one(world):
    champion = signed_in(world.champion)
    page = champion.get(url(world, "start")).content.decode()
    token = re.search(r'name="form_token" value="([^"]+)"', page)
    assert token is not None
    data = {"form_token": token[1], "name": "Carers together", "about": "Join us."}

    first = champion.post(url(world, "start"), data)
    second = champion.post(url(world, "start"), data)

    assert first.status_code == 302
    assert second.status_code == 302
    assert Network.objects.count() == 1


def test_someone_who_has_left_can_take_themselves_off_the_network(world):
    network = started(world)
    network_join(network=network, user=world.carer)
    StaffRecord.objects.filter(user=world.carer).update(status=StaffStatus.LEFT)
    carer = signed_in(world.carer)

    home = carer.get(reverse("organisations:home", args=[world.org.slug])).content.decode()
    page = carer.get(url(world, "home"))
    carer.post(url(world, "leave"))

    assert url(world, "home") in home
    assert "You still belong to the network here" in page.content.decode()
    assert "Carers together" not in page.content.decode()
    assert not NetworkMember.objects.exists()


# Calling off and news ---------------------------------------------------------------------------


def test_calling_a_meeting_off_tells_each_member_and_stops_the_reminder(
    world, smtp_sink, django_capture_on_commit_callbacks
):
    network = started(world)
    network_join(network=network, user=world.carer)
    meeting = arranged(world, network)
    smtp_sink.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert meeting_cancel(meeting=meeting, user=world.champion, expected_version=1) is True
    again = meeting_cancel(meeting=meeting, user=world.champion, expected_version=2)

    assert again is False
    assert [m["To"] for m in smtp_sink] == [world.carer.email]
    assert "called off" in smtp_sink[0]["Subject"]
    part = next(p for p in smtp_sink[0].walk() if p.get_content_type() == "text/calendar")
    event = icalendar.Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT")[0]
    assert str(event["status"]) == "CANCELLED"
    assert event.decoded("sequence") == 1
    assert meeting_reminders(now=meeting.starts_at - timedelta(hours=2)) == 0


def test_a_meeting_that_has_started_is_not_called_off(world):
    network = started(world)
    meeting = arranged(world, network)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(minutes=5))
    meeting.refresh_from_db()

    with pytest.raises(RuleError) as refused:
        meeting_cancel(meeting=meeting, user=world.champion, expected_version=meeting.version)

    assert refused.value.code == "meeting_over"


def test_news_is_shown_to_members_and_emailed_to_each(
    world, smtp_sink, django_capture_on_commit_callbacks
):
    network = started(world)
    network_join(network=network, user=world.carer)
    network_join(network=network, user=world.manager)

    with django_capture_on_commit_callbacks(execute=True):
        announcement_post(
            network=network,
            user=world.champion,
            details=AnnouncementDetails(title="Lunch on Friday", body="Bring a friend."),
        )

    member = signed_in(world.carer).get(url(world, "home")).content.decode()
    stranger = signed_in(world.hr_admin).get(url(world, "home")).content.decode()
    assert "Lunch on Friday" in member
    assert "Lunch on Friday" not in stranger
    assert sorted(m["To"] for m in smtp_sink) == sorted([world.carer.email, world.manager.email])
    assert smtp_sink[0]["Subject"] == "News from a group you belong to"


def test_only_champions_post_news(world):
    network = started(world)

    with pytest.raises(PermissionDenied):
        announcement_post(
            network=network,
            user=world.hr_admin,
            details=AnnouncementDetails(title="Hello", body="Hi."),
        )
