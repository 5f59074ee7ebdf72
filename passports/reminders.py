"""Emails before a passport review is due, to the carer and the manager they shared with.

One reminder per review date (``review_reminder_sent_for`` remembers it), sent
``PASSPORT_REVIEW_REMINDER_DAYS`` days ahead, or at once if the date was set closer
than that. Each email carries an iCalendar invitation for the review day.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from icalendar import Calendar, Event

from carershub.emails import send_templated
from organisations.models import StaffStatus
from passports.models import Passport
from passports.rules import is_sharing_manager

logger = logging.getLogger(__name__)


def review_event(passport: Passport, *, organisation_name: str) -> str:
    """An all-day event on the review date. No content of the passport goes in it."""
    calendar = Calendar()
    calendar.add("prodid", "-//Working Carers Hub//Passport review//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    assert passport.next_review_on is not None
    event.add("uid", f"passport-review-{passport.pk}-{passport.next_review_on:%Y%m%d}@carershub")
    event.add("summary", "Carer's passport review")
    event.add("dtstart", passport.next_review_on)
    event.add("dtend", passport.next_review_on + timedelta(days=1))
    event.add("description", f"Review the Working Carer's Passport agreed at {organisation_name}.")
    calendar.add_component(event)
    return str(calendar.to_ical().decode())


def passport_review_reminders(*, today: date) -> int:
    """Queue reminders for reviews due within the notice period. Returns emails queued.

    Recording the date reminded and queueing the email happen in one transaction, as for
    plan reminders: if the email cannot be rendered or queued, the record is rolled back
    and the next run tries again, and the other reminders still go.
    """
    horizon = today + timedelta(days=settings.PASSPORT_REVIEW_REMINDER_DAYS)
    due = (
        Passport.objects.filter(next_review_on__gte=today, next_review_on__lte=horizon)
        .filter(staff__status=StaffStatus.ACTIVE)  # nobody reviews a leaver's passport
        .exclude(review_reminder_sent_for=F("next_review_on"))
        .select_related("staff", "staff__user", "staff__organisation", "staff__line_manager__user")
    )
    sent = 0
    for passport in due:
        try:
            with transaction.atomic():
                if _claim_and_queue(passport, today=today):
                    sent += 1
        except Exception:
            logger.exception("Passport review reminder for passport %s not queued", passport.pk)
    return sent


def _claim_and_queue(passport: Passport, *, today: date) -> bool:
    """Record, under a row lock, that this review date's reminder is going out, and queue it.

    False if another run already sent it, the date moved meanwhile, or nobody can be told
    (the date is still recorded: there is nobody to remind later either).
    """
    locked = Passport.objects.select_for_update().filter(pk=passport.pk).first()
    if (
        locked is None
        or locked.next_review_on is None
        or locked.review_reminder_sent_for == locked.next_review_on
    ):
        return False
    Passport.objects.filter(pk=passport.pk).update(review_reminder_sent_for=locked.next_review_on)
    to = []
    if passport.staff.user is not None:
        to.append(passport.staff.user.email)
    manager = passport.staff.line_manager
    if (
        manager is not None
        and manager.user is not None
        and is_sharing_manager(manager.user, passport)
    ):
        to.append(manager.user.email)
    if not to:
        return False
    organisation = passport.staff.organisation.name
    passport.next_review_on = review_on = locked.next_review_on  # the date as locked
    send_templated(
        template="passport_review_due",
        to=to,
        context={
            "passport": passport,
            "carer": passport.staff,
            "days_left": (review_on - today).days,
        },
        attachments=[
            (
                "review.ics",
                review_event(passport, organisation_name=organisation),
                "text/calendar",
            )
        ],
    )
    return True
