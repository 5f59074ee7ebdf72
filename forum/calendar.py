"""A partnership event as an iCalendar file (RFC 5545), on ``shared.calendars``. The same UID
for every copy and SEQUENCE from the event's version, so a calendar app replaces an earlier
copy of a moved event."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from icalendar import Event as CalendarEvent

from forum.models import Event
from shared.calendars import calendar_bytes, new_calendar
from shared.printable import printable

#: The file gives no end time of its own: an hour, which calendar apps show and let people
#: change.
LENGTH = timedelta(hours=1)


def event_entry(event: Event) -> CalendarEvent:
    entry = CalendarEvent()
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0] or "workingcarershub"
    entry.add("uid", f"partnership-event-{event.pk}@{host}")
    entry.add("sequence", event.version - 1)
    entry.add("summary", printable(event.title))
    entry.add("dtstart", event.starts_at)
    entry.add("dtend", event.starts_at + LENGTH)
    entry.add("dtstamp", event.updated_at)
    if event.place:
        entry.add("location", printable(event.place))
    elif event.link:
        entry.add("location", printable(event.link))
    page = reverse("forum:event", args=[event.partnership.slug, event.pk])
    entry.add("url", f"{settings.SITE_URL}{page}")
    description = "\n\n".join(
        part for part in (event.description, event.link, f"{settings.SITE_URL}{page}") if part
    )
    entry.add("description", printable(description))
    return entry


def event_calendar(event: Event) -> str:
    """The event as a one-entry calendar, as text."""
    calendar = new_calendar(product="Partnership event", method="PUBLISH")
    calendar.add_component(event_entry(event))
    return calendar_bytes(calendar).decode("utf-8")
