"""Live-evidence measures: each one counted from the data, small numbers hidden (rule 4)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from benchmarks.measures import (
    carers_declared,
    carers_leave_answered_in_time,
    carers_policy_uploaded,
    flexible_decided_in_time,
    leave_policy_enhanced,
    measure_all,
    measure_names,
    passport_reviews_on_time,
    passports_agreed,
    self_identification_route,
)
from benchmarks.models import Assessment, EvidenceFile
from leave.models import (
    CarersLeaveDay,
    CarersLeaveRequest,
    DecisionKind,
    FlexibleStatus,
    FlexibleWorkingRequest,
    LeaveDecision,
    LeavePolicy,
    RequestStatus,
)
from organisations.models import StaffStatus
from organisations.tests.factories import OrganisationFactory, StaffRecordFactory, UserFactory
from passports.models import AgreedVersion, CarerDeclaration, Passport

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 2)


def carers(organisation, n, *, counted=True, status=StaffStatus.ACTIVE):
    records = []
    for _ in range(n):
        record = StaffRecordFactory.create(organisation=organisation, status=status)
        CarerDeclaration.objects.create(staff=record, include_in_counts=counted)
        records.append(record)
    return records


def agreed(records, *, review_on=None):
    for record in records:
        passport = Passport.objects.create(staff=record, next_review_on=review_on)
        now = timezone.now()
        AgreedVersion.objects.create(
            passport=passport,
            number=1,
            draft_version=1,
            agreed_at=now,
            carer_signed_at=now,
            manager_signed_at=now,
            manager_name="A manager",
            content={},
        )


def test_every_measure_answers_for_an_empty_organisation_with_todays_date():
    organisation = OrganisationFactory.create()
    taken = measure_all(organisation=organisation, names=sorted(measure_names()), today=TODAY)
    assert set(taken) == measure_names()
    assert all(m.measured_on == TODAY and m.display for m in taken.values())


def test_self_identification_route_exists_once_staff_in_post_can_sign_in():
    organisation = OrganisationFactory.create()
    StaffRecordFactory.create(organisation=organisation)
    assert self_identification_route(organisation, TODAY).value is False
    StaffRecordFactory.create(
        organisation=organisation, user=UserFactory.create(), status=StaffStatus.LEFT
    )
    assert self_identification_route(organisation, TODAY).value is False
    StaffRecordFactory.create(organisation=organisation, user=UserFactory.create())
    assert self_identification_route(organisation, TODAY).value is True


def test_carers_declared_hides_small_counts_and_leaves_out_who_asked_not_to_be_counted():
    organisation = OrganisationFactory.create()
    carers(organisation, 4)
    carers(organisation, 3, counted=False)
    carers(organisation, 2, status=StaffStatus.LEFT)
    carers(OrganisationFactory.create(), 6)
    small = carers_declared(organisation, TODAY)
    assert small.value is None
    assert small.display == "fewer than 5"
    carers(organisation, 1)
    assert carers_declared(organisation, TODAY).value == 5
    assert carers_declared(organisation, TODAY).display == "5"


def test_no_carers_is_zero_not_hidden():
    measurement = carers_declared(OrganisationFactory.create(), TODAY)
    assert (measurement.value, measurement.display) == (0, "0")


def test_passports_agreed_counts_passports_signed_at_least_once():
    organisation = OrganisationFactory.create()
    agreed(carers(organisation, 5))
    for record in carers(organisation, 2):
        Passport.objects.create(staff=record)  # never agreed
    agreed(carers(organisation, 1, counted=False))
    assert passports_agreed(organisation, TODAY).value == 5
    agreed(carers(OrganisationFactory.create(), 3))
    assert passports_agreed(organisation, TODAY).value == 5


@pytest.mark.parametrize(
    ("on_time", "overdue", "value", "display"),
    [
        (10, 5, 67, "67% of 15 agreed passports not overdue for review"),
        (5, 0, 100, "100% of 5 agreed passports not overdue for review"),
        # Three overdue would be recoverable from a percentage: the share is not shown.
        (10, 3, None, "Too few to show (fewer than 5 in a group)"),
        (2, 0, None, "Too few to show (fewer than 5 in a group)"),
        (0, 0, None, "None yet"),
    ],
)
def test_passport_reviews_on_time_is_a_share_shown_only_when_no_part_is_small(
    on_time, overdue, value, display
):
    organisation = OrganisationFactory.create()
    agreed(carers(organisation, on_time), review_on=TODAY)
    agreed(carers(organisation, overdue), review_on=TODAY - timedelta(days=1))
    agreed(carers(organisation, 2))  # no review date: not counted
    measurement = passport_reviews_on_time(organisation, TODAY)
    assert (measurement.value, measurement.display) == (value, display)


def _leave(organisation, first_day, *, answered_on=None, status=RequestStatus.ACCEPTED):
    record = StaffRecordFactory.create(organisation=organisation)
    request = CarersLeaveRequest.objects.create(
        organisation=organisation,
        staff=record,
        notice_given_on=first_day - timedelta(days=7),
        status=status,
    )
    CarersLeaveDay.objects.create(request=request, day=first_day)
    CarersLeaveDay.objects.create(request=request, day=first_day + timedelta(days=1))
    if answered_on is not None:
        decision = LeaveDecision.objects.create(request=request, kind=DecisionKind.ACCEPTED)
        at = timezone.make_aware(
            datetime.combine(answered_on, datetime.min.time()).replace(hour=12)
        )
        LeaveDecision.objects.filter(pk=decision.pk).update(at=at)
    return request


def test_carers_leave_answered_before_it_began():
    organisation = OrganisationFactory.create()
    start = TODAY - timedelta(days=30)
    for _ in range(6):
        _leave(organisation, start, answered_on=start - timedelta(days=2))
    for _ in range(5):
        _leave(organisation, start, answered_on=start)  # on the day: too late to postpone
    _leave(organisation, start, status=RequestStatus.CANCELLED)
    _leave(organisation, TODAY + timedelta(days=10))  # not begun yet
    _leave(organisation, TODAY - timedelta(days=400), answered_on=TODAY - timedelta(days=500))
    measurement = carers_leave_answered_in_time(organisation, TODAY)
    assert measurement.value == 55
    assert measurement.display == "55% of 11 requests answered before the leave began"


def test_carers_leave_still_waiting_when_it_began_counts_as_not_answered():
    organisation = OrganisationFactory.create()
    start = TODAY - timedelta(days=3)
    for _ in range(5):
        _leave(organisation, start, answered_on=start - timedelta(days=1))
    for _ in range(5):
        _leave(organisation, start, status=RequestStatus.REQUESTED)
    assert carers_leave_answered_in_time(organisation, TODAY).value == 50


def _flexible(organisation, *, received, status, decided=None, due=None, extended=None):
    return FlexibleWorkingRequest.objects.create(
        organisation=organisation,
        staff=StaffRecordFactory.create(organisation=organisation),
        received_on=received,
        change_requested="Later starts",
        start_from=received + timedelta(days=60),
        status=status,
        decision_due=due or received + timedelta(days=61),
        extension_agreed_to=extended,
        decided_at=timezone.make_aware(datetime.combine(decided, datetime.min.time()))
        if decided
        else None,
    )


def test_flexible_working_decided_by_the_deadline_or_the_agreed_extension():
    organisation = OrganisationFactory.create()
    received = TODAY - timedelta(days=100)
    due = received + timedelta(days=61)
    for _ in range(5):
        _flexible(
            organisation, received=received, status=FlexibleStatus.APPROVED, decided=due, due=due
        )
    for _ in range(5):  # late, but within an extension the employee agreed
        _flexible(
            organisation,
            received=received,
            status=FlexibleStatus.REFUSED,
            decided=due + timedelta(days=5),
            due=due,
            extended=due + timedelta(days=10),
        )
    for _ in range(4):  # decided late
        _flexible(
            organisation,
            received=received,
            status=FlexibleStatus.APPROVED,
            decided=due + timedelta(days=1),
            due=due,
        )
    # Waiting past the deadline: late. Waiting within it, or withdrawn: not counted.
    _flexible(organisation, received=received, status=FlexibleStatus.SUBMITTED, due=due)
    _flexible(organisation, received=TODAY - timedelta(days=5), status=FlexibleStatus.SUBMITTED)
    _flexible(organisation, received=received, status=FlexibleStatus.WITHDRAWN, due=due)
    measurement = flexible_decided_in_time(organisation, TODAY)
    assert measurement.value == 67
    assert measurement.display == "67% of 15 requests decided by the deadline"


def test_leave_policy_enhanced_when_extra_or_paid_days_are_given():
    organisation = OrganisationFactory.create()
    assert leave_policy_enhanced(organisation, TODAY).value is False
    policy = LeavePolicy.objects.create(organisation=organisation)
    assert leave_policy_enhanced(organisation, TODAY).value is False
    policy.paid_days = Decimal("5")
    policy.save()
    measurement = leave_policy_enhanced(organisation, TODAY)
    assert measurement.value is True
    assert measurement.display == "Yes: 0 extra and 5 paid days a year"


def test_carers_policy_uploaded_looks_at_each_frameworks_latest_assessment():
    organisation = OrganisationFactory.create()
    assert carers_policy_uploaded(organisation, TODAY).value is False

    def assessment(number, status="signed_off"):
        return Assessment.objects.create(
            organisation=organisation,
            framework_slug="carer-positive",
            number=number,
            status=status,
            started_by_name="HR",
            framework_data={},
            framework_hash="x",
        )

    def upload(to, *, policy, name):
        return EvidenceFile.objects.create(
            assessment=to,
            criterion_key="policy",
            stored_name=f"benchmarks/evidence/{name}",
            label=name,
            content_type="application/pdf",
            extension="pdf",
            size=10,
            is_carers_policy=policy,
            uploaded_by_name="HR",
            uploaded_at=datetime(2026, 2, 1, 10, tzinfo=UTC),
        )

    first = assessment(1)
    upload(first, policy=True, name="Old policy")
    assert carers_policy_uploaded(organisation, TODAY).display.startswith("Yes: “Old policy.pdf”")
    # A newer version without the policy: the old version's file no longer counts.
    second = assessment(2, status="draft")
    upload(second, policy=False, name="Minutes")
    assert carers_policy_uploaded(organisation, TODAY).value is False
    upload(second, policy=True, name="Carers policy 2026")
    measurement = carers_policy_uploaded(organisation, TODAY)
    assert measurement.value is True
    assert measurement.display == "Yes: “Carers policy 2026.pdf”, uploaded on 1 February 2026"


def test_leadership_commitment_published_names_who_signed_and_when(world):
    from benchmarks.measures import leadership_commitment_published
    from commitments.services import (
        commitment_adopt_template,
        draft_mark_ready,
        version_publish,
        version_sign,
    )

    today = timezone.localdate()
    assert leadership_commitment_published(world.org, today).value is False
    draft = commitment_adopt_template(organisation=world.org, by=world.hr_admin)
    draft = draft_mark_ready(version=draft, expected_revision=None, by=world.hr_admin)
    signed = version_sign(
        version=draft,
        expected_revision=None,
        name="Sam Okafor",
        role="Chief Executive",
        signed_on=today,
        authority_confirmed=True,
        by=world.sponsor,
    )
    # Signed but not yet published does not count.
    assert leadership_commitment_published(world.org, today).value is False
    version_publish(version=signed, by=world.hr_admin)
    measurement = leadership_commitment_published(world.org, today)
    assert measurement.value is True
    assert measurement.display == (
        f"Yes: signed by Sam Okafor, Chief Executive, on {today:%-d %B %Y}"
    )
    assert leadership_commitment_published(world.other_org, today).value is False


def test_figures_shared_by_measures_are_taken_once_a_call_and_never_kept_between_calls() -> None:
    """Issue 19: the directory's coverage fed four measures with four identical queries. It
    is now taken once per ``measure_all``, and taken again by the next call."""
    from benchmarks import measures
    from organisations.models import Organisation

    taken: list[int] = []
    organisation = Organisation(pk=7)  # never saved: only its key is read
    today = date(2026, 12, 7)

    def compute() -> int:
        taken.append(1)
        return len(taken)

    assert measures._once("x", organisation, today, compute) == 1  # outside a call: not kept
    assert measures._once("x", organisation, today, compute) == 2
    token = measures._taking.set({})
    try:
        assert measures._once("x", organisation, today, compute) == 3
        assert measures._once("x", organisation, today, compute) == 3
        assert measures._once("y", organisation, today, compute) == 4
    finally:
        measures._taking.reset(token)
    assert measures._once("x", organisation, today, compute) == 5
