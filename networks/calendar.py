"""A meeting as an iCalendar entry (RFC 5545), on ``shared.calendars``: the file members
download and the invitation their emails carry. The same UID for every copy, and SEQUENCE
from the meeting's version, so a calendar app replaces an earlier copy of a moved meeting."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from icalendar import Event

from networks.models import Meeting
from shared.calendars import calendar_bytes, new_calendar
from shared.printable import printable


def meeting_event(meeting: Meeting, *, org_slug: str | None = None) -> Event:
    """``org_slug``: the organisation whose pages the reader opens the network from (their own,
    for a shared network); the one that runs it when not given."""
    event = Event()
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0] or "workingcarershub"
    event.add("uid", f"network-meeting-{meeting.pk}@{host}")
    event.add("sequence", meeting.version - 1)
    event.add("summary", printable(meeting.title))
    if meeting.cancelled_at is not None:
        event.add("status", "CANCELLED")
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.starts_at + timedelta(minutes=meeting.minutes))
    event.add("dtstamp", meeting.updated_at)
    if meeting.place:
        event.add("location", printable(meeting.place))
    elif meeting.link:
        event.add("location", printable(meeting.link))
    page = reverse(
        "networks:meeting", args=[org_slug or meeting.network.organisation.slug, meeting.pk]
    )
    event.add("url", f"{settings.SITE_URL}{page}")
    description = "\n\n".join(
        part for part in (meeting.agenda, meeting.link, f"{settings.SITE_URL}{page}") if part
    )
    event.add("description", printable(description))
    return event


def meeting_invitation(meeting: Meeting, *, org_slug: str | None = None) -> str:
    """The meeting as a one-entry calendar, as text (an email attachment or a download)."""
    calendar = new_calendar(product="Network meeting", method="PUBLISH")
    calendar.add_component(meeting_event(meeting, org_slug=org_slug))
    return calendar_bytes(calendar).decode("utf-8")
