"""The decision period of a flexible-working request: when it ends, and what follows once it
has ended without a decision (ERA 1996 s.80G(1B) and s.80F(4)-(4B))."""

from __future__ import annotations

import importlib
from datetime import date, timedelta

import pytest
import time_machine
from django.apps import apps

from api.services import api_token_create
from audit.models import AuditEvent, Channel
from leave.flexible.services import (
    consultation_record,
    flexible_extension_record,
    flexible_request_appeal,
    flexible_request_decide,
    flexible_request_submit,
    flexible_request_withdraw,
)
from leave.models import FlexibleStatus, FlexibleWorkingRequest
from leave.services import LeaveRuleError
from organisations.models import Nation
from organisations.tests.factories import StaffRecordFactory


def submit(world, today, staff=None):
    staff = staff or world.carer_record
    return flexible_request_submit(
        staff=staff,
        change_requested="Start at 10am on Tuesdays",
        start_from=today + timedelta(days=42),
        by=staff.user,
        today=today,
    )


@pytest.mark.parametrize(
    ("received_on", "due"),
    [
        (date(2026, 11, 23), date(2027, 1, 22)),
        (date(2026, 12, 29), date(2027, 2, 28)),
        (date(2026, 12, 31), date(2027, 2, 28)),
        (date(2027, 12, 31), date(2028, 2, 29)),
    ],
)
def test_a_request_made_at_a_month_end_is_due_on_the_corresponding_date(world, received_on, due):
    """flexible_working_decision_due with period_of_months_last_day, as stored on the request."""
    assert submit(world, received_on).decision_due == due


def test_the_migration_moves_due_dates_the_old_calculation_gave_at_month_ends(world):
    """Stored dates from before the fix (27 February for 31 December) move to 28 February;
    others, and dates an extension replaced, are left alone."""
    month_end = submit(world, date(2026, 12, 31))
    ordinary = submit(
        world,
        date(2027, 3, 10),
        StaffRecordFactory.create(organisation=world.org, user=world.champion),
    )
    FlexibleWorkingRequest.objects.filter(pk=month_end.pk).update(decision_due=date(2027, 2, 27))
    migration = importlib.import_module("leave.migrations.0008_decision_due_at_month_ends")

    migration.move_month_end_due_dates(apps, None)

    month_end.refresh_from_db()
    ordinary.refresh_from_db()
    assert month_end.decision_due == date(2027, 2, 28)
    assert ordinary.decision_due == date(2027, 5, 9)
    migration.move_back(apps, None)
    month_end.refresh_from_db()
    assert month_end.decision_due == date(2027, 2, 27)


# --- When the decision period ends without a decision (s.80F(4A)-(4B)) ---------------

MADE = date(2026, 11, 23)
DUE = date(2027, 1, 22)


def _refused(world, request, today):
    consultation_record(
        request=request, held_on=today, notes="Talked", by=world.manager, today=today
    )
    return flexible_request_decide(
        request=request,
        outcome=FlexibleStatus.REFUSED,
        by=world.manager,
        today=today,
        refusal_reasons=["costs"],
    )


def test_a_request_blocks_a_new_one_up_to_and_including_its_last_day(world):
    """flexible_working_decision_period_ended: the last day of the period still counts."""
    submit(world, MADE)
    with pytest.raises(LeaveRuleError) as error:
        submit(world, DUE)
    assert error.value.code == "request_pending"
    assert "22 January 2027" in error.value.message


def test_once_the_period_ends_without_a_decision_a_new_request_may_be_made(world):
    first = submit(world, MADE)
    second = submit(world, DUE + timedelta(days=1))
    first.refresh_from_db()
    assert first.status == FlexibleStatus.SUBMITTED  # not decided: it may still be
    assert first.decision_period_ended_on(DUE + timedelta(days=1))
    assert not second.decision_period_ended_on(DUE + timedelta(days=1))


def test_a_lapsed_request_still_counts_towards_two_in_twelve_months(world):
    submit(world, MADE)
    second = submit(world, DUE + timedelta(days=1))
    flexible_request_withdraw(request=second, by=world.carer)
    with pytest.raises(LeaveRuleError) as error:
        submit(world, DUE + timedelta(days=10))
    assert error.value.code == "request_limit_reached"


def test_an_agreed_extension_keeps_the_request_in_progress(world):
    first = submit(world, MADE)
    flexible_extension_record(
        request=first, extended_to=date(2027, 2, 15), by=world.manager, today=MADE
    )
    with pytest.raises(LeaveRuleError) as error:
        submit(world, DUE + timedelta(days=1))
    assert error.value.code == "request_pending"
    submit(world, date(2027, 2, 16))


def test_an_appeal_whose_period_ended_without_a_decision_no_longer_blocks(world):
    first = submit(world, MADE)
    _refused(world, first, MADE)
    flexible_request_appeal(request=first, reason="Please think again", by=world.carer)
    with pytest.raises(LeaveRuleError):
        submit(world, DUE)
    submit(world, DUE + timedelta(days=1))


def test_a_lapsed_request_can_still_be_decided_and_the_record_says_it_was_late(world):
    first = submit(world, MADE)
    later = date(2027, 2, 3)
    with time_machine.travel(later):
        decided = flexible_request_decide(
            request=first, outcome=FlexibleStatus.APPROVED, by=world.manager, today=later
        )
    assert decided.status == FlexibleStatus.APPROVED
    event = AuditEvent.objects.filter(
        object_type="leave.flexibleworkingrequest", summary__startswith="Decided"
    ).get()
    assert "after the decision period ended on 2027-01-22" in event.summary


def test_more_time_agreed_after_the_period_ended_makes_it_proceed_again(world):
    """flexible_working_latest_retrospective_extension: s.80G(1C)(b) and s.80F(4A)(c)."""
    first = submit(world, MADE)
    agreed_on = date(2027, 3, 1)
    flexible_extension_record(
        request=first, extended_to=date(2027, 3, 20), by=world.manager, today=agreed_on
    )
    with pytest.raises(LeaveRuleError) as error:
        submit(world, agreed_on)
    assert error.value.code == "request_pending"


@pytest.mark.parametrize(
    ("agreed_on", "allowed"),
    [
        # Three months beginning with 23 January 2027 end on 22 April 2027.
        (date(2027, 4, 22), True),
        (date(2027, 4, 23), False),
    ],
)
def test_more_time_can_be_agreed_only_within_three_months_after_the_period(
    world, agreed_on, allowed
):
    first = submit(world, MADE)
    record = lambda: flexible_extension_record(  # noqa: E731
        request=first, extended_to=agreed_on + timedelta(days=7), by=world.manager, today=agreed_on
    )
    if allowed:
        assert record().deadline == agreed_on + timedelta(days=7)
    else:
        with pytest.raises(LeaveRuleError) as error:
            record()
        assert error.value.code == "extension_too_late"


def test_an_extension_that_has_already_run_out_is_refused(world):
    first = submit(world, MADE)
    with pytest.raises(LeaveRuleError) as error:
        flexible_extension_record(
            request=first, extended_to=date(2027, 2, 1), by=world.manager, today=date(2027, 2, 10)
        )
    assert error.value.code == "extension_invalid"


def test_northern_ireland_keeps_one_request_a_year_whatever_happens_to_the_first(world):
    """The NI row (to verify) allows one request in 12 months; a request undecided after its
    period blocks through that limit, and no longer once the 12 months have passed."""
    world.org.nation = Nation.NORTHERN_IRELAND
    world.org.save()
    world.carer_record.start_date = date(2025, 1, 1)
    world.carer_record.save()
    submit(world, MADE)  # due 22 February 2027
    with pytest.raises(LeaveRuleError) as error:
        submit(world, date(2027, 3, 1))
    assert error.value.code == "request_limit_reached"
    submit(world, date(2027, 11, 23))


@time_machine.travel(date(2027, 2, 3))
def test_the_pages_say_the_period_ended_without_a_decision(client, world):
    with time_machine.travel(MADE):
        first = submit(world, MADE)
    detail = f"/o/{world.org.slug}/flexible/{first.pk}/"
    client.force_login(world.carer)
    page = client.get(detail).content.decode()
    assert "Decision period ended without a decision" in page
    assert "The decision period ended on 22 January 2027 without a decision." in page
    assert "You may also make a new request now" in page
    assert (
        "Decision period ended without a decision"
        in client.get(f"/o/{world.org.slug}/flexible/").content.decode()
    )

    client.force_login(world.manager)
    page = client.get(detail).content.decode()
    assert "You can still decide" in page
    assert "you can record it until 22 April 2027" in page
    assert "days left" not in page
    assert (
        "Decision period ended without a decision"
        in client.get(f"/o/{world.org.slug}/flexible/").content.decode()
    )

    client.force_login(world.hr_admin)
    assert (
        "Decision period ended without a decision"
        in client.get(f"/o/{world.org.slug}/flexible/all/").content.decode()
    )

    client.force_login(world.manager)
    response = client.post(f"{detail}decide/", {"outcome": "approved"})
    assert response.status_code == 302
    page = client.get(detail).content.decode()
    assert "After the decision period" in page
    assert "Decision period ended without a decision" not in page


@time_machine.travel(date(2027, 2, 3))
def test_the_api_says_the_period_ended_and_takes_a_new_request(client, world):
    with time_machine.travel(MADE):
        first = submit(world, MADE)
    token = api_token_create(
        user=world.carer, organisation=world.org, name="t", channel=Channel.WEB
    )
    carer = {"Authorization": f"Bearer {token[1]}"}
    body = client.get(f"/api/v1/leave/flexible/requests/{first.pk}", headers=carer).json()
    assert (body["status"], body["decision_period_ended"]) == ("submitted", True)
    response = client.post(
        "/api/v1/leave/flexible/requests",
        {"change_requested": "Compressed hours", "start_from": "2027-03-01"},
        content_type="application/json",
        headers=carer,
    )
    assert response.status_code == 201, response.content
    assert response.json()["decision_period_ended"] is False
