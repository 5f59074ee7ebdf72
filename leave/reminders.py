"""Daily reminders so statutory deadlines are not missed, with escalation near the end.

Flexible-working requests still waiting are reminded 14, 7, 3 and 1 days before their
deadline, and from 7 days the manager's manager and HR are told too. Carer's leave still
waiting is reminded 3 days and 1 day before it starts, with HR on the last day. Each stage
is claimed on the request and its email queued in one transaction (``shared.reminders``):
two runs on one day send it once, a run that missed a day sends the stage then due, one
email that fails does not stop the others (it is tried again on the next run), and a moved
deadline or first day is reminded afresh. Subjects never say what the request is about.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Min
from django.db.models.functions import Coalesce

from accounts.models import User
from leave.flexible.services import deciders
from leave.models import (
    CarersLeaveRequest,
    Deputy,
    FlexibleStatus,
    FlexibleWorkingRequest,
    RequestStatus,
)
from organisations.models import StaffStatus
from shared.emails import send_templated
from shared.reminders import Stages, send_each_stage

#: Days before a flexible-working deadline on which whoever decides is reminded; the day
#: itself still gets a stage missed the day before.
FLEXIBLE_STAGES = Stages(days_before=(14, 7, 3, 1), last_days_left=0)
REMIND_DAYS_BEFORE = FLEXIBLE_STAGES.days_before
ESCALATE_FROM_DAYS = 7


def _escalation_emails(request: FlexibleWorkingRequest) -> set[str]:
    staff = request.staff
    admins = staff.organisation.memberships.with_power().acting_as_hr()
    if staff.user_id is not None:
        admins = admins.exclude(user_id=staff.user_id)  # never told about their own request
    emails = set(admins.values_list("user__email", flat=True))
    senior = staff.line_manager.line_manager if staff.line_manager else None
    if senior is not None and senior.user_id and senior.user_id != staff.user_id:
        emails.add(senior.user.email)  # type: ignore[union-attr]
    return emails


def flexible_deadline_reminders(*, today: date) -> int:
    """Email whoever must decide, and escalate near the deadline. Returns emails queued."""
    horizon = today + timedelta(days=max(FLEXIBLE_STAGES.days_before))
    requests = (
        FlexibleWorkingRequest.objects.filter(
            status__in=[FlexibleStatus.SUBMITTED, FlexibleStatus.APPEALED]
        )
        .annotate(due=Coalesce("extension_agreed_to", "decision_due"))
        .filter(due__gte=today, due__lte=horizon)
        .select_related("staff__line_manager__line_manager__user", "staff__organisation")
        .order_by("due", "pk")
    )

    def send(request: FlexibleWorkingRequest, deadline: date, stage: int) -> bool:
        days_left = (deadline - today).days
        to = set(User.objects.filter(pk__in=deciders(request)).values_list("email", flat=True))
        if stage <= ESCALATE_FROM_DAYS:
            to |= _escalation_emails(request)
        if not to:
            return False
        send_templated(
            template="flexible_deadline",
            to=sorted(to),
            context={"request": request, "days_left": days_left},
        )
        return True

    return send_each_stage(
        requests,
        sent="reminder_sent_for",
        stage="reminder_stage",
        due="deadline",
        stages=FLEXIBLE_STAGES,
        today=today,
        send=send,
    )


#: Days before the first day of leave on which a request still waiting is reminded: never
#: on the day itself, when it can no longer be postponed.
CARERS_LEAVE_STAGES = Stages(days_before=(3, 1), last_days_left=1)
CARERS_LEAVE_REMIND_DAYS_BEFORE = CARERS_LEAVE_STAGES.days_before


def _first_day(request: CarersLeaveRequest) -> date | None:
    """The first day of leave: as the list query annotated it, or read afresh (under the lock,
    so a postponement meanwhile is seen)."""
    annotated: date | None = getattr(request, "first_day", None)
    if annotated is not None:
        return annotated
    first: date | None = request.days.aggregate(first=Min("day"))["first"]
    return first


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
    waiting = (
        CarersLeaveRequest.objects.filter(status=RequestStatus.REQUESTED)
        .annotate(first_day=Min("days__day"))
        .filter(
            first_day__gte=today + timedelta(days=CARERS_LEAVE_STAGES.last_days_left),
            first_day__lte=today + timedelta(days=max(CARERS_LEAVE_STAGES.days_before)),
        )
        .select_related("staff__user", "staff__line_manager__user", "staff__organisation")
        .order_by("first_day", "pk")
    )

    def send(request: CarersLeaveRequest, first_day: date, stage: int) -> bool:
        days_left = (first_day - today).days
        to = _carers_leave_deciders(request, today)
        if stage <= 1 or not to:
            admins = request.staff.organisation.memberships.with_power().acting_as_hr()
            if request.staff.user_id is not None:
                admins = admins.exclude(user_id=request.staff.user_id)
            to |= set(admins.values_list("user__email", flat=True))
        if not to:
            return False
        send_templated(
            template="carers_leave_waiting",
            to=sorted(to),
            context={
                "request": request,
                "staff": request.staff,
                "first_day": first_day,  # as claimed under the lock
                "days_left": days_left,
            },
        )
        return True

    return send_each_stage(
        waiting,
        sent="reminder_sent_for",
        stage="reminder_stage",
        due=_first_day,  # type: ignore[arg-type]
        stages=CARERS_LEAVE_STAGES,
        today=today,
        send=send,
    )
