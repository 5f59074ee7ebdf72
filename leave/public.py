"""What other feature apps may use from leave; nothing else in the app is theirs to import.

Benchmarks' live evidence asks how well the organisation answers carer's leave and
flexible-working requests and what its leave policy gives. It gets numbers, never rows, so
no other app depends on leave's tables. Each count is one query.

Search asks whose teams someone stands in for as a deputy today, so a deputy finds the
people whose requests they may decide (``teams_deputised``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, F, Min, Q, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils.translation import gettext as _

from leave import statutory
from leave.deputies import managers_deputised
from leave.models import (
    CarersLeaveDay,
    CarersLeaveRequest,
    DayPart,
    DecisionKind,
    DependantsTimeOff,
    FlexibleStatus,
    FlexibleWorkingRequest,
    LeavePolicy,
    RequestStatus,
)
from organisations.models import Organisation, StaffRecord


@dataclass(frozen=True)
class LeaveAnswered:
    """Carer's leave that began in a period, and how much of it was answered in time."""

    #: Requests agreed or postponed before their first day.
    before_it_began: int
    #: Every request that began in the period, cancelled ones left out.
    total: int


def carers_leave_answered(
    *, organisation: Organisation, began_after: date, began_by: date
) -> LeaveAnswered:
    """Carer's leave whose first day is after ``began_after`` and on or before ``began_by``:
    was it agreed or postponed before that first day?

    An employer can only postpone before the leave begins (Carer's Leave Regulations 2024,
    reg. 8), so a request left unanswered until then goes ahead unplanned. A decision's
    date is the local date, as ``timezone.localdate`` gives it.
    """
    counts = (
        CarersLeaveRequest.objects.filter(organisation=organisation)
        .exclude(status=RequestStatus.CANCELLED)
        .annotate(
            first_day=Min("days__day"),
            answered_at=Min(
                "decisions__at",
                filter=Q(decisions__kind__in=[DecisionKind.ACCEPTED, DecisionKind.POSTPONED]),
            ),
        )
        .filter(first_day__lte=began_by, first_day__gt=began_after)
        # A request never answered has no date, so it is never counted as in time.
        .annotate(answered_on=TruncDate("answered_at"))
        .aggregate(
            total=Count("pk"),
            good=Count("pk", filter=Q(answered_on__lt=F("first_day"))),
        )
    )
    return LeaveAnswered(before_it_began=counts["good"], total=counts["total"])


@dataclass(frozen=True)
class FlexibleDeadlines:
    """Flexible-working requests received in a period, against their decision deadline."""

    #: Decided (with any appeal), withdrawn ones left out.
    decided: int
    #: Of those, decided on or before the deadline or the later date the employee agreed.
    decided_in_time: int
    #: Still waiting for a decision or an appeal after the deadline has passed.
    overdue: int


def flexible_deadlines(
    *, organisation: Organisation, received_after: date, today: date
) -> FlexibleDeadlines:
    """Requests received after ``received_after``, decided by the statutory deadline or the
    later date the employee agreed (Employment Rights Act 1996, s.80G(1B)).

    A request still within its deadline is in none of the counts; a decision with no date
    kept is decided but not in time. Dates are local, as ``timezone.localdate`` gives them.
    """
    waiting = Q(status__in=[FlexibleStatus.SUBMITTED, FlexibleStatus.APPEALED])
    counts = (
        FlexibleWorkingRequest.objects.filter(
            organisation=organisation, received_on__gt=received_after
        )
        .exclude(status=FlexibleStatus.WITHDRAWN)
        .annotate(
            due_by=Coalesce("extension_agreed_to", "decision_due"),
            decided_on=TruncDate("decided_at"),
        )
        .aggregate(
            decided=Count("pk", filter=~waiting),
            in_time=Count("pk", filter=~waiting & Q(decided_on__lte=F("due_by"))),
            overdue=Count("pk", filter=waiting & Q(due_by__lt=today)),
        )
    )
    return FlexibleDeadlines(
        decided=counts["decided"], decided_in_time=counts["in_time"], overdue=counts["overdue"]
    )


@dataclass(frozen=True)
class LeaveBeyondMinimum:
    """What the organisation's leave policy adds to the statutory week, in days a year."""

    extra_days: Decimal
    paid_days: Decimal


def leave_beyond_minimum(*, organisation: Organisation) -> LeaveBeyondMinimum | None:
    """The policy's extra and paid carer's leave days, or ``None`` when it has none."""
    policy = LeavePolicy.objects.filter(organisation=organisation).first()
    if policy is None:
        return None
    return LeaveBeyondMinimum(extra_days=policy.extra_days, paid_days=policy.paid_days)


def teams_deputised(*, deputy: StaffRecord, on: date) -> list[int]:
    """Staff ids of the managers ``deputy`` stands in for on ``on``: only appointments in
    force that day, so a deputyship that has ended or been ended early gives nothing. One
    query. The caller checks that the deputy is still in post."""
    return managers_deputised(deputy=deputy, on=on)


@dataclass(frozen=True)
class LeaveTaken:
    """Carer's leave and time off for dependants taken in a period, for insight's figures."""

    #: People with at least one day of agreed or postponed carer's leave in the period.
    carers_leave_people: int
    #: Those days, a half day counting as a half.
    carers_leave_days: Decimal
    #: People with time off for dependants that began in the period.
    dependants_people: int
    #: How many times it was taken, and for how many working days in all.
    dependants_occasions: int
    dependants_days: Decimal


def leave_taken(*, organisation: Organisation, since: date, until: date) -> LeaveTaken:
    """Leave taken on days after ``since`` and on or before ``until``: two queries. Leave
    still waiting for an answer or cancelled is not taken."""
    taken = CarersLeaveDay.objects.filter(
        request__organisation=organisation,
        request__status__in=[RequestStatus.ACCEPTED, RequestStatus.POSTPONED],
        day__gt=since,
        day__lte=until,
    ).aggregate(
        people=Count("request__staff_id", distinct=True),
        full=Count("pk", filter=Q(part=DayPart.FULL)),
        halves=Count("pk", filter=~Q(part=DayPart.FULL)),
    )
    dependants = DependantsTimeOff.objects.filter(
        organisation=organisation, first_day__gt=since, first_day__lte=until
    ).aggregate(people=Count("staff_id", distinct=True), occasions=Count("pk"), days=Sum("days"))
    return LeaveTaken(
        carers_leave_people=taken["people"],
        carers_leave_days=Decimal(taken["full"]) + Decimal(taken["halves"]) / 2,
        dependants_people=dependants["people"],
        dependants_occasions=dependants["occasions"],
        dependants_days=Decimal(dependants["days"] or 0),
    )


@dataclass(frozen=True)
class FlexibleOutcomes:
    """Flexible-working requests received in a period and what became of them."""

    #: Requests by their status now (``FlexibleStatus`` values), every status present.
    by_status: dict[str, int]
    #: Of the refused ones, how many gave each statutory reason (a refusal may give several).
    refusal_reasons: dict[str, int]
    #: Decided, and whether on or before the deadline (with any extension agreed).
    decided_in_time: int
    decided_late: int
    #: Days from receiving each decided request to its decision, for a median.
    days_to_decide: list[int]


def flexible_outcomes(
    *, organisation: Organisation, received_after: date, received_by: date
) -> FlexibleOutcomes:
    """Requests received after ``received_after`` and on or before ``received_by``: three
    queries. The refused and decided rows are read for their reasons and dates only, never
    who made them."""
    requests = FlexibleWorkingRequest.objects.filter(
        organisation=organisation, received_on__gt=received_after, received_on__lte=received_by
    )
    by_status = dict.fromkeys(FlexibleStatus.values, 0)
    for row in requests.order_by().values("status").annotate(n=Count("pk")):
        by_status[row["status"]] = row["n"]
    reasons = dict.fromkeys((key for key, _label in statutory.FLEXIBLE_WORKING_REFUSAL_REASONS), 0)
    for given in requests.filter(status=FlexibleStatus.REFUSED).values_list(
        "refusal_reasons", flat=True
    ):
        for reason in set(given or ()):
            if reason in reasons:
                reasons[reason] += 1
    decided = requests.filter(
        status__in=[
            FlexibleStatus.APPROVED,
            FlexibleStatus.APPROVED_WITH_CHANGES,
            FlexibleStatus.REFUSED,
        ],
        decided_at__isnull=False,
    ).annotate(
        due_by=Coalesce("extension_agreed_to", "decision_due"), decided_on=TruncDate("decided_at")
    )
    in_time = late = 0
    days: list[int] = []
    for received_on, decided_on, due_by in decided.values_list(
        "received_on", "decided_on", "due_by"
    ):
        days.append(max(0, (decided_on - received_on).days))
        if decided_on <= due_by:
            in_time += 1
        else:
            late += 1
    return FlexibleOutcomes(
        by_status=by_status,
        refusal_reasons=reasons,
        decided_in_time=in_time,
        decided_late=late,
        days_to_decide=sorted(days),
    )


def flexible_status_labels() -> dict[str, str]:
    """What each flexible-working status is called, for figures by outcome."""
    return {value: str(label) for value, label in FlexibleStatus.choices}


def refusal_reason_labels() -> dict[str, str]:
    """The statutory business reasons for refusing flexible working, as people read them."""
    return {key: _(label) for key, label in statutory.FLEXIBLE_WORKING_REFUSAL_REASONS}
