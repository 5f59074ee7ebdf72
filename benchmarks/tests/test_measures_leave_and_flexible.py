"""The leave and flexible-working measures: pinned results for a mix of requests, and
counted in the database so a large organisation's year of requests is never loaded."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from benchmarks.measures import carers_leave_answered_in_time, flexible_decided_in_time
from leave.models import (
    CarersLeaveDay,
    CarersLeaveRequest,
    DecisionKind,
    FlexibleStatus,
    FlexibleWorkingRequest,
    LeaveDecision,
    RequestStatus,
)
from organisations.models import Organisation
from organisations.tests.factories import OrganisationFactory, StaffRecordFactory

pytestmark = pytest.mark.django_db
#: British Summer Time, so a UTC time late in the evening is the next day locally.
TODAY = date(2026, 7, 15)
LONDON = ZoneInfo("Europe/London")


def _local(day: date, hour: int = 12, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


def _leave(
    organisation: Organisation,
    days: list[date],
    *,
    decisions: tuple[tuple[str, datetime], ...] = (),
    status: str = RequestStatus.ACCEPTED,
) -> CarersLeaveRequest:
    request = CarersLeaveRequest.objects.create(
        organisation=organisation,
        staff=StaffRecordFactory.create(organisation=organisation),
        notice_given_on=min(days, default=TODAY) - timedelta(days=7),
        status=status,
    )
    for day in days:
        CarersLeaveDay.objects.create(request=request, day=day)
    for kind, at in decisions:
        decision = LeaveDecision.objects.create(request=request, kind=kind)
        LeaveDecision.objects.filter(pk=decision.pk).update(at=at)
    return request


def _accepted(day: date, hour: int = 12) -> tuple[tuple[str, datetime], ...]:
    return ((DecisionKind.ACCEPTED, _local(day, hour)),)


def test_carers_leave_counts_each_kind_of_request_as_before():
    organisation = OrganisationFactory.create()
    start = TODAY - timedelta(days=20)
    # Answered in time (7).
    for _ in range(3):
        _leave(
            organisation,
            [start, start + timedelta(days=1)],
            decisions=_accepted(start - timedelta(days=2)),
        )
    _leave(
        organisation,
        [start],
        status=RequestStatus.POSTPONED,
        decisions=((DecisionKind.POSTPONED, _local(start - timedelta(days=1))),),
    )
    _leave(  # the earliest agreement or postponement counts
        organisation,
        [start],
        decisions=(
            (DecisionKind.ACCEPTED, _local(start - timedelta(days=3))),
            (DecisionKind.POSTPONED, _local(start + timedelta(days=1))),
        ),
    )
    oldest_counted = TODAY - timedelta(days=364)
    _leave(organisation, [oldest_counted], decisions=_accepted(oldest_counted - timedelta(days=1)))
    _leave(organisation, [TODAY], decisions=_accepted(TODAY - timedelta(days=1)))
    # Not answered in time (5).
    _leave(  # a cancellation is not an answer; agreed only on the first day
        organisation,
        [start],
        decisions=(
            (DecisionKind.CANCELLED, _local(start - timedelta(days=5))),
            (DecisionKind.ACCEPTED, _local(start, 9)),
        ),
    )
    _leave(  # 23:30 UTC the evening before is 00:30 on the first day in London
        organisation,
        [start],
        decisions=(
            (DecisionKind.ACCEPTED, datetime.combine(start - timedelta(days=1), time(23, 30), UTC)),
        ),
    )
    for _ in range(2):
        _leave(organisation, [start], status=RequestStatus.REQUESTED)
    _leave(organisation, [TODAY], status=RequestStatus.REQUESTED)
    # Not counted.
    _leave(
        organisation,
        [start],
        status=RequestStatus.CANCELLED,
        decisions=_accepted(start - timedelta(days=2)),
    )
    too_old = TODAY - timedelta(days=365)
    _leave(organisation, [too_old], decisions=_accepted(too_old - timedelta(days=2)))
    _leave(  # began over a year ago, even though it runs on into the year
        organisation,
        [TODAY - timedelta(days=400), start],
        decisions=_accepted(TODAY - timedelta(days=410)),
    )
    _leave(organisation, [TODAY + timedelta(days=1)], decisions=_accepted(TODAY))
    _leave(organisation, [])  # no days at all
    _leave(OrganisationFactory.create(), [start], decisions=_accepted(start - timedelta(days=2)))

    measurement = carers_leave_answered_in_time(organisation, TODAY)

    assert (measurement.value, measurement.display) == (
        58,
        "58% of 12 requests answered before the leave began",
    )
    assert measurement.measured_on == TODAY


@pytest.mark.parametrize(
    ("good", "bad", "value", "display"),
    [
        (0, 0, None, "None yet"),
        (3, 10, None, "Too few to show (fewer than 5 in a group)"),
        (10, 4, None, "Too few to show (fewer than 5 in a group)"),
        (0, 7, 0, "0% of 7 requests answered before the leave began"),
        (5, 5, 50, "50% of 10 requests answered before the leave began"),
    ],
)
def test_carers_leave_hides_small_groups(good, bad, value, display):
    organisation = OrganisationFactory.create()
    start = TODAY - timedelta(days=10)
    for _ in range(good):
        _leave(organisation, [start], decisions=_accepted(start - timedelta(days=1)))
    for _ in range(bad):
        _leave(organisation, [start], decisions=_accepted(start))
    measurement = carers_leave_answered_in_time(organisation, TODAY)
    assert (measurement.value, measurement.display) == (value, display)


def _flexible(
    organisation: Organisation,
    *,
    status: str,
    received: date = TODAY - timedelta(days=100),
    due: date | None = None,
    extended: date | None = None,
    decided_at: datetime | None = None,
) -> FlexibleWorkingRequest:
    return FlexibleWorkingRequest.objects.create(
        organisation=organisation,
        staff=StaffRecordFactory.create(organisation=organisation),
        received_on=received,
        change_requested="Later starts",
        start_from=received + timedelta(days=60),
        status=status,
        decision_due=due or received + timedelta(days=61),
        extension_agreed_to=extended,
        decided_at=decided_at,
    )


def test_flexible_working_counts_each_status_and_outcome_as_before():
    organisation = OrganisationFactory.create()
    due = TODAY - timedelta(days=30)
    # Decided in time (6).
    for _ in range(3):
        _flexible(organisation, status=FlexibleStatus.APPROVED, due=due, decided_at=_local(due, 17))
    _flexible(
        organisation,
        status=FlexibleStatus.APPROVED_WITH_CHANGES,
        due=due,
        decided_at=_local(due - timedelta(days=10)),
    )
    _flexible(  # late, but within the extension the employee agreed
        organisation,
        status=FlexibleStatus.REFUSED,
        due=due,
        extended=due + timedelta(days=10),
        decided_at=_local(due + timedelta(days=10)),
    )
    oldest_counted = TODAY - timedelta(days=364)
    _flexible(
        organisation,
        status=FlexibleStatus.APPROVED,
        received=oldest_counted,
        decided_at=_local(oldest_counted + timedelta(days=5)),
    )
    # Late (5).
    _flexible(organisation, status=FlexibleStatus.APPEALED, due=TODAY - timedelta(days=1))
    _flexible(
        organisation,
        status=FlexibleStatus.SUBMITTED,
        due=due,
        extended=TODAY - timedelta(days=1),
    )
    _flexible(organisation, status=FlexibleStatus.REFUSED, due=due)  # no decision date kept
    _flexible(  # 23:30 UTC on the due date is 00:30 the next day in London
        organisation,
        status=FlexibleStatus.APPROVED,
        due=due,
        decided_at=datetime.combine(due, time(23, 30), UTC),
    )
    _flexible(
        organisation,
        status=FlexibleStatus.REFUSED,
        due=due,
        extended=due + timedelta(days=3),
        decided_at=_local(due + timedelta(days=4)),
    )
    # Not counted: still within their deadline, withdrawn, too old, another organisation.
    _flexible(organisation, status=FlexibleStatus.APPEALED, due=TODAY)
    _flexible(
        organisation, status=FlexibleStatus.SUBMITTED, due=due, extended=TODAY + timedelta(days=1)
    )
    _flexible(organisation, status=FlexibleStatus.WITHDRAWN, due=due)
    too_old = TODAY - timedelta(days=365)
    _flexible(
        organisation,
        status=FlexibleStatus.APPROVED,
        received=too_old,
        decided_at=_local(too_old + timedelta(days=5)),
    )
    _flexible(
        OrganisationFactory.create(),
        status=FlexibleStatus.APPROVED,
        due=due,
        decided_at=_local(due),
    )

    measurement = flexible_decided_in_time(organisation, TODAY)

    assert (measurement.value, measurement.display) == (
        55,
        "55% of 11 requests decided by the deadline",
    )
    assert measurement.measured_on == TODAY


@pytest.mark.parametrize(
    ("good", "bad", "value", "display"),
    [
        (0, 0, None, "None yet"),
        (4, 6, None, "Too few to show (fewer than 5 in a group)"),
        (7, 0, 100, "100% of 7 requests decided by the deadline"),
        (6, 6, 50, "50% of 12 requests decided by the deadline"),
    ],
)
def test_flexible_working_hides_small_groups(good, bad, value, display):
    organisation = OrganisationFactory.create()
    due = TODAY - timedelta(days=30)
    for _ in range(good):
        _flexible(organisation, status=FlexibleStatus.APPROVED, due=due, decided_at=_local(due))
    for _ in range(bad):
        _flexible(organisation, status=FlexibleStatus.SUBMITTED, due=due)
    measurement = flexible_decided_in_time(organisation, TODAY)
    assert (measurement.value, measurement.display) == (value, display)


def _leave_requests(organisation: Organisation, n: int) -> None:
    start = TODAY - timedelta(days=10)
    for i in range(n):
        answered = start - timedelta(days=1) if i % 2 else start
        _leave(organisation, [start, start + timedelta(days=1)], decisions=_accepted(answered))


def _flexible_requests(organisation: Organisation, n: int) -> None:
    due = TODAY - timedelta(days=30)
    for i in range(n):
        decided = due if i % 2 else due + timedelta(days=1)
        _flexible(organisation, status=FlexibleStatus.APPROVED, due=due, decided_at=_local(decided))


@pytest.mark.parametrize(
    ("measure", "make"),
    [
        (carers_leave_answered_in_time, _leave_requests),
        (flexible_decided_in_time, _flexible_requests),
    ],
)
@pytest.mark.parametrize("n", [3, 30])
def test_measure_is_one_counting_query_however_many_requests(
    measure, make, n, django_assert_max_num_queries
):
    """Counted in the database: one query returning one row, for 3 requests or 30."""
    organisation = OrganisationFactory.create()
    make(organisation, n)
    with django_assert_max_num_queries(1), CaptureQueriesContext(connection) as queries:
        measurement = measure(organisation, TODAY)
    assert "COUNT(" in queries[0]["sql"].upper()
    assert measurement.display != "None yet"
