"""Reminders of network meetings: each member in post is emailed, separately, once a meeting
is a day away. The start reminded is claimed on the meeting (``shared.reminders``), so a run
never sends it twice and a meeting moved to another time is reminded again."""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import F, Q

from networks.calendar import meeting_invitation
from networks.models import Meeting
from networks.selectors import member_emails
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
        emails = member_emails(network=meeting.network)
        if not emails:
            return False
        invitation = meeting_invitation(meeting)
        for address in emails:
            send_templated(
                template="network_meeting_reminder",
                to=[address],
                context={"meeting": meeting, "organisation": meeting.network.organisation},
                attachments=[("meeting.ics", invitation, "text/calendar")],
            )
        return True

    return send_each(due, sent="reminder_sent_for", due="starts_at", send=send)
