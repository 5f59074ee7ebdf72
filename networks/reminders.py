"""Reminders of network meetings: each member in post is emailed, separately, once a meeting
is a day away. The start reminded is claimed on the meeting (``shared.reminders``), so a run
never sends it twice and a meeting moved to another time is reminded again."""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import F, Q

from networks.calendar import meeting_invitation
from networks.models import Meeting
from networks.selectors import member_recipients
from networks.services import REMIND_BEFORE
from shared.emails import send_templated
from shared.reminders import send_each


def meeting_reminders(*, now: datetime) -> int:
    """Queue reminders of the meetings starting within a day; returns meetings reminded."""
    due = (
        Meeting.objects.filter(
            starts_at__gt=now, starts_at__lte=now + REMIND_BEFORE, cancelled_at__isnull=True
        )
        .filter(Q(reminder_sent_for__isnull=True) | ~Q(reminder_sent_for=F("starts_at")))
        .select_related("network", "network__organisation")
    )

    def send(meeting: Meeting, when: date) -> bool:
        recipients = member_recipients(network=meeting.network)
        if not recipients:
            return False
        invitations: dict[str, str] = {}
        for address, slug in recipients:
            # Each link opens the network from the member's own organisation (a shared
            # network's members are not all where it is run).
            if slug not in invitations:
                invitations[slug] = meeting_invitation(meeting, org_slug=slug)
            send_templated(
                template="network_meeting_reminder",
                to=[address],
                context={"meeting": meeting, "org_slug": slug},
                attachments=[("meeting.ics", invitations[slug], "text/calendar")],
            )
        return True

    return send_each(due, sent="reminder_sent_for", due="starts_at", send=send)
