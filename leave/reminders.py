"""Daily reminders so statutory deadlines are not missed, with escalation near the end.

Reminders go out on fixed days before the deadline (14, 7, 3 and 1), so a daily run
needs no record of what it sent. From 7 days, the manager's manager and HR are told too.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Q

from accounts.models import User
from carershub.emails import send_templated
from leave.flexible import deciders
from leave.models import FlexibleStatus, FlexibleWorkingRequest
from organisations.models import Role

REMIND_DAYS_BEFORE = (14, 7, 3, 1)
ESCALATE_FROM_DAYS = 7


def _escalation_emails(request: FlexibleWorkingRequest) -> set[str]:
    staff = request.staff
    admins = staff.organisation.memberships.filter(role__in=[Role.HR_ADMIN, Role.ORG_ADMIN])
    if staff.user_id is not None:
        admins = admins.exclude(user_id=staff.user_id)  # never told about their own request
    emails = set(admins.values_list("user__email", flat=True))
    senior = staff.line_manager.line_manager if staff.line_manager else None
    if senior is not None and senior.user_id and senior.user_id != staff.user_id:
        emails.add(senior.user.email)  # type: ignore[union-attr]
    return emails


def flexible_deadline_reminders(*, today: date) -> int:
    """Email whoever must decide, and escalate near the deadline. Returns emails queued."""
    due_dates = [today + timedelta(days=d) for d in REMIND_DAYS_BEFORE]
    requests = (
        FlexibleWorkingRequest.objects.filter(
            status__in=[FlexibleStatus.SUBMITTED, FlexibleStatus.APPEALED]
        )
        .filter(
            Q(extension_agreed_to__in=due_dates)
            | Q(extension_agreed_to__isnull=True, decision_due__in=due_dates)
        )
        .select_related("staff__line_manager__line_manager__user", "staff__organisation")
    )
    sent = 0
    for request in requests:
        days_left = (request.deadline - today).days
        to = set(User.objects.filter(pk__in=deciders(request)).values_list("email", flat=True))
        if days_left <= ESCALATE_FROM_DAYS:
            to |= _escalation_emails(request)
        if not to:
            continue
        send_templated(
            template="flexible_deadline",
            to=sorted(to),
            context={"request": request, "days_left": days_left},
        )
        sent += 1
    return sent
