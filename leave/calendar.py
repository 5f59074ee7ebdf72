"""iCalendar feeds of a person's own leave (RFC 5545, through the ``icalendar`` package)."""

from __future__ import annotations

import hashlib
import math
import secrets

from django.db import transaction

from accounts.models import User
from audit.models import Action, Channel
from audit.services import audit_record
from leave.models import CalendarFeed, CarersLeaveDay, DependantsTimeOff, RequestStatus
from organisations.models import StaffRecord
from shared.calendars import (
    all_day_event,
    calendar_bytes,
    feed_first_read_today,
    feed_stamp,
    new_calendar,
)

_SHOWN = {
    RequestStatus.REQUESTED: "asked for",
    RequestStatus.ACCEPTED: "agreed",
    RequestStatus.POSTPONED: "moved and agreed",
}


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def calendar_feed_renew(*, staff: StaffRecord, by: User) -> str:
    """Make a new secret link (the old one stops working) and return its token. Audited,
    because the link opens the person's leave to whoever holds it."""
    token = secrets.token_urlsafe(32)
    feed, created = CalendarFeed.objects.update_or_create(
        staff=staff, defaults={"token_hash": _hash(token), "last_read_on": None}
    )
    audit_record(
        actor=by,
        action=Action.CREATE if created else Action.UPDATE,
        channel=Channel.WEB,
        target=feed,
        organisation_id=staff.organisation_id,
        summary="Made a calendar link"
        if created
        else "Made a new calendar link; the old one stopped",
    )
    return token


def calendar_feed_for(token: str) -> CalendarFeed | None:
    return CalendarFeed.objects.select_related("staff").filter(token_hash=_hash(token)).first()


def calendar_feed_read(*, feed: CalendarFeed) -> bytes:
    """The feed for a calendar app. The first read of each day is audited (a calendar app
    polls every few minutes: ``shared.calendars.feed_first_read_today``): nobody signs in, so
    the entry says the private link was used, not who used it."""
    with transaction.atomic():
        if feed_first_read_today(feed):
            audit_record(
                actor=None,
                action=Action.VIEW,
                channel=Channel.WEB,
                target=feed,
                organisation_id=feed.staff.organisation_id,
                summary=f"Calendar feed of {feed.staff.full_name} read through its private "
                "link (the first read today; a calendar app polls all day)",
            )
    return calendar_for(staff=feed.staff)


def calendar_for(*, staff: StaffRecord) -> bytes:
    calendar = new_calendar(product="Leave", name="My leave")
    stamp = feed_stamp()
    days = CarersLeaveDay.objects.filter(
        request__staff=staff, request__status__in=list(_SHOWN)
    ).select_related("request")
    for row in days:
        part = "" if row.part == "full" else f" ({row.get_part_display().lower()})"
        # Work calendars are often shared, so the entry says "Leave", never what kind.
        calendar.add_component(
            all_day_event(
                uid=f"carers-leave-{row.pk}@working-carers-hub",
                summary=f"Leave{part}: {_SHOWN[RequestStatus(row.request.status)]}",
                first_day=row.day,
                stamp=stamp,
                transparent=False,
            )
        )
    for item in DependantsTimeOff.objects.filter(staff=staff):
        calendar.add_component(
            all_day_event(
                uid=f"dependants-{item.pk}@working-carers-hub",
                summary="Leave",
                first_day=item.first_day,
                days=math.ceil(item.days),
                stamp=stamp,
            )
        )
    return calendar_bytes(calendar)
