"""iCalendar files (RFC 5545) through the ``icalendar`` package: the private feeds and the
review invitation all build their entries here, so every stored text in them is cleaned.

``icalendar`` escapes commas, semicolons, backslashes and line breaks and folds long lines
at 75 octets without splitting a character, but it passes control characters through (RFC
5545 allows none in a text value, and strict calendar apps reject the file) and fails on a
lone surrogate. Every text value therefore goes through ``shared.printable`` first.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta

from django.db.models import Model
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils import timezone
from django.utils.cache import get_conditional_response
from icalendar import Calendar, Event

from shared.printable import printable


def new_calendar(*, product: str, name: str = "", method: str = "") -> Calendar:
    """A calendar; ``product`` names what made it (PRODID), ``name`` is shown by calendar
    apps that read X-WR-CALNAME."""
    calendar = Calendar()
    calendar.add("prodid", f"-//Working Carers Hub//{product}//EN")
    calendar.add("version", "2.0")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", printable(name))
    return calendar


def all_day_event(
    *,
    uid: str,
    summary: str,
    first_day: date,
    stamp: datetime,
    days: int = 1,
    description: str = "",
    transparent: bool | None = None,
) -> Event:
    """An entry over whole days. ``transparent`` says whether it leaves the time free (a due
    date) or not (time away); ``None`` leaves it to the calendar app (busy)."""
    event = Event()
    event.add("uid", uid)
    event.add("summary", printable(summary))
    event.add("dtstart", first_day)
    event.add("dtend", first_day + timedelta(days=max(days, 1)))
    event.add("dtstamp", stamp)
    if description:
        event.add("description", printable(description))
    if transparent is not None:
        event.add("transp", "TRANSPARENT" if transparent else "OPAQUE")
    return event


def calendar_bytes(calendar: Calendar) -> bytes:
    return bytes(calendar.to_ical())


def feed_stamp() -> datetime:
    """The DTSTAMP of a subscribed feed's entries: the start of the day (UTC), not the moment
    of the request, so the same entries make the same file all day and a calendar app that
    polls every few minutes is answered 304 until something changes (``feed_response``)."""
    return timezone.now().astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def feed_first_read_today(feed: Model) -> bool:
    """Mark ``feed`` (a model with a ``last_read_on`` date) as read today; ``True`` only for
    the first read of the day, which the caller audits. A calendar app polls every few
    minutes, and an audit entry per poll would bury the log and grow it for ever. One
    conditional update decides, so of two polls racing exactly one is first."""
    today = timezone.localdate()
    return bool(
        type(feed)
        ._default_manager.filter(pk=feed.pk)
        .exclude(last_read_on=today)
        .update(last_read_on=today)
    )


def feed_response(request: HttpRequest, body: bytes) -> HttpResponseBase:
    """A feed with a strong ETag of its bytes; a poller that sends it back in If-None-Match
    gets 304 Not Modified and no body. The response stays ``no-store`` (shared.middleware),
    so a client that obeys it keeps nothing and asks in full; the calendar services that keep
    a subscribed feed's entries anyway (that is what subscribing means) can revalidate."""
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["ETag"] = etag
    return get_conditional_response(request, etag=etag, response=response) or response
