"""Daily reminders so statutory deadlines are not missed, with escalation near the end.

Reminders go out on fixed days before the deadline (14, 7, 3 and 1), so a daily run
needs no record of what it sent. From 7 days, the manager's manager and HR are told too.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Min, Q

from accounts.models import User
from carershub.emails import send_templated
from leave.flexible import deciders
from leave.models import (
    CarersLeaveRequest,
    Deputy,
    FlexibleStatus,
    FlexibleWorkingRequest,
    RequestStatus,
)
from organisations.models import Role, StaffStatus

REMIND_DAYS_BEFORE = (14, 7, 3, 1)
ESCALATE_FROM_DAYS = 7


def _escalation_emails(request: FlexibleWorkingRequest) -> set[str]:
    staff = request.staff
    admins = staff.organisation.memberships.with_power().filter(
        role__in=[Role.HR_ADMIN, Role.ORG_ADMIN]
    )
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


#: Days before the first day of leave on which a request still waiting is reminded.
CARERS_LEAVE_REMIND_DAYS_BEFORE = (3, 1)


def _carers_leave_deciders(request: CarersLeaveRequest, today: date) -> set[str]:
    """The line manager in post and any deputy standing in for them today."""
    staff = request.staff
    manager = staff.line_manager
    emails: set[str] = set()
    if manager is None:
        return emails
    if manager.status == StaffStatus.ACTIVE and manager.user is not None:
        emails.add(manager.user.email)
    deputies = Deputy.objects.in_force(today).filter(
        manager=manager, deputy__status=StaffStatus.ACTIVE, deputy__user__isnull=False
    )
    emails |= set(deputies.values_list("deputy__user__email", flat=True))
    if staff.user is not None:
        emails.discard(staff.user.email)  # nobody decides their own request
    return emails


def carers_leave_decision_reminders(*, today: date) -> int:
    """Remind whoever decides a carer's leave request still waiting as its first day nears.

    The employer can only postpone before the first day (Carer's Leave Regulations 2024,
    reg. 8), so an undecided request simply goes ahead: the reminders make sure a
    postponement that is needed is not missed. On the last day HR is told too. The
    manager's own manager is not: unlike HR, they may not see who takes carer's leave
    (docs/trust-rules.md, rule 3). Returns the number of emails queued.
    """
    first_days = [today + timedelta(days=d) for d in CARERS_LEAVE_REMIND_DAYS_BEFORE]
    waiting = (
        CarersLeaveRequest.objects.filter(status=RequestStatus.REQUESTED)
        .annotate(first_day=Min("days__day"))
        .filter(first_day__in=first_days)
        .select_related("staff__user", "staff__line_manager__user", "staff__organisation")
    )
    sent = 0
    for request in waiting:
        days_left = (request.first_day - today).days
        to = _carers_leave_deciders(request, today)
        if days_left <= 1 or not to:
            admins = request.staff.organisation.memberships.with_power().filter(
                role__in=[Role.HR_ADMIN, Role.ORG_ADMIN]
            )
            if request.staff.user_id is not None:
                admins = admins.exclude(user_id=request.staff.user_id)
            to |= set(admins.values_list("user__email", flat=True))
        if not to:
            continue
        send_templated(
            template="carers_leave_waiting",
            to=sorted(to),
            context={"request": request, "staff": request.staff, "days_left": days_left},
        )
        sent += 1
    return sent
