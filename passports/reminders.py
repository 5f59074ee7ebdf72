"""Emails before a passport review is due, to the carer and the manager they shared with.

One reminder per review date (``review_reminder_sent_for`` remembers it), sent
``PASSPORT_REVIEW_REMINDER_DAYS`` days ahead, or at once if the date was set closer
than that. Each email carries an iCalendar invitation for the review day.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from organisations.models import StaffStatus
from passports.models import Passport
from passports.rules import is_sharing_manager
from shared.calendars import all_day_event, calendar_bytes, new_calendar
from shared.emails import send_templated
from shared.reminders import send_each


def review_event(passport: Passport, *, organisation_name: str) -> str:
    """An all-day event on the review date.

    It lands in a work calendar that colleagues often see, so it says only that a review is
    due, never what is reviewed or for whom (docs/trust-rules.md, rule 11).
    """
    calendar = new_calendar(product="Review", method="PUBLISH")
    assert passport.next_review_on is not None
    calendar.add_component(
        all_day_event(
            uid=f"review-{passport.pk}-{passport.next_review_on:%Y%m%d}@carershub",
            summary="Review (Working Carers Hub)",
            first_day=passport.next_review_on,
            stamp=timezone.now(),
            description=(
                f"A review date set in Working Carers Hub at {organisation_name}. "
                "Sign in to see what it is about."
            ),
        )
    )
    return calendar_bytes(calendar).decode()


def passport_review_reminders(*, today: date) -> int:
    """Queue reminders for reviews due within the notice period. Returns emails queued.

    The date is claimed and the email queued in one transaction (``shared.reminders``):
    a reminder that cannot be queued is tried again on the next run.
    """
    horizon = today + timedelta(days=settings.PASSPORT_REVIEW_REMINDER_DAYS)
    due = (
        Passport.objects.filter(next_review_on__gte=today, next_review_on__lte=horizon)
        .filter(staff__status=StaffStatus.ACTIVE)  # nobody reviews a leaver's passport
        .exclude(review_reminder_sent_for=F("next_review_on"))
        .select_related("staff", "staff__user", "staff__organisation", "staff__line_manager__user")
    )

    def send(passport: Passport, review_on: date) -> bool:
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
        passport.next_review_on = review_on  # the date as claimed
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
                    review_event(passport, organisation_name=passport.staff.organisation.name),
                    "text/calendar",
                )
            ],
        )
        return True

    return send_each(due, sent="review_reminder_sent_for", due="next_review_on", send=send)
