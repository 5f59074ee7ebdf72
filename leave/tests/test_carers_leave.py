"""Carer's leave requests end to end through the services and pages."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from audit.models import AuditEvent
from leave.models import LeavePolicy, RequestStatus
from leave.selectors import balance_for
from leave.services import (
    LeaveRuleError,
    carers_leave_accept,
    carers_leave_cancel,
    carers_leave_postpone,
    carers_leave_request,
)
from organisations.models import Nation

TODAY = date(2026, 11, 23)  # a Monday


def ask(world, *days, today=TODAY, note=""):
    return carers_leave_request(
        staff=world.carer_record, days=list(days), note=note, by=world.carer, today=today
    )


def test_asking_with_enough_notice_creates_a_request_and_tells_the_manager(
    world, smtp_sink, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        leave = ask(world, (date(2026, 11, 30), "full"), (date(2026, 12, 1), "am"))
    assert leave.status == RequestStatus.REQUESTED
    assert [m["To"] for m in smtp_sink] == ["manager@example.org"]
    # The subject and opening are neutral (trust rule 11); the details follow.
    assert smtp_sink[0]["Subject"] == "A request is waiting for your decision"
    text = smtp_sink[0].get_payload()[0].get_payload(decode=True).decode()
    assert "has asked for 1.5 days of carer's leave" in text
    assert AuditEvent.objects.filter(
        object_type="leave.carersleaverequest", object_id=str(leave.pk)
    ).exists()


@pytest.mark.parametrize(
    ("first_day", "ok"),
    # One day: notice before the date three days ahead (reg. 7(2)(d)), so asking on Monday
    # 23 November is in time for Friday 27th and too late for Thursday 26th.
    [(date(2026, 11, 27), True), (date(2026, 11, 26), False)],
)
def test_notice_is_checked_at_its_edge(world, first_day, ok):
    if ok:
        ask(world, (first_day, "full"))
    else:
        with pytest.raises(LeaveRuleError) as error:
            ask(world, (first_day, "full"))
        assert error.value.code == "insufficient_notice"


def test_a_morning_and_an_afternoon_of_one_day_make_a_full_day(world):
    leave = ask(world, (date(2026, 12, 7), "am"), (date(2026, 12, 7), "pm"))
    assert [(d.day, d.part) for d in leave.days.all()] == [(date(2026, 12, 7), "full")]


def test_the_entitlement_cannot_be_exceeded_and_half_days_count_as_half(world):
    ask(world, *[(date(2026, 12, d), "full") for d in (14, 15, 16, 17)])  # 4 of 5 days
    ask(world, (date(2026, 12, 18), "am"))  # 4.5
    with pytest.raises(LeaveRuleError) as error:
        ask(world, (date(2026, 12, 21), "full"))
    assert error.value.code == "entitlement_exceeded"
    ask(world, (date(2026, 12, 21), "pm"))  # exactly 5


def test_a_part_time_employee_gets_their_own_working_week(world):
    world.carer_record.days_per_week = D("3")
    world.carer_record.save()
    ask(world, *[(date(2026, 12, d), "full") for d in (14, 15, 16)])
    with pytest.raises(LeaveRuleError):
        ask(world, (date(2027, 1, 4), "am"))


def test_an_organisation_may_give_more_days(world):
    LeavePolicy.objects.create(organisation=world.org, extra_days=D("2"))
    ask(world, *[(date(2026, 12, d), "full") for d in (14, 15, 16, 17, 18)])
    ask(world, (date(2026, 12, 21), "full"), (date(2026, 12, 22), "full"))
    assert balance_for(staff=world.carer_record, on=date(2026, 12, 22)).remaining == 0


def test_northern_ireland_has_no_statutory_leave_unless_the_organisation_gives_it(world):
    world.org.nation = Nation.NORTHERN_IRELAND
    world.org.save()
    world.carer_record.refresh_from_db()
    with pytest.raises(LeaveRuleError) as error:
        ask(world, (date(2026, 12, 14), "full"))
    assert error.value.code == "not_available_in_nation"
    LeavePolicy.objects.create(organisation=world.org, extra_days=D("3"))
    world.carer_record.refresh_from_db()
    ask(world, (date(2026, 12, 14), "full"))


def test_only_the_line_manager_decides_and_nobody_decides_their_own(world):
    leave = ask(world, (date(2026, 12, 14), "full"))
    for someone in (world.carer, world.hr_admin, world.new_manager):
        with pytest.raises(PermissionDenied):
            carers_leave_accept(request=leave, by=someone)
    carers_leave_accept(request=leave, by=world.manager)
    leave.refresh_from_db()
    assert leave.status == RequestStatus.ACCEPTED


def test_postponing_moves_every_day_and_keeps_the_first_dates_in_the_history(world):
    leave = ask(world, (date(2026, 12, 14), "full"), (date(2026, 12, 16), "am"))
    with time_machine.travel(date(2026, 12, 1)):
        carers_leave_postpone(
            request=leave,
            by=world.manager,
            new_first_day=date(2027, 1, 11),
            reason="Winter pressures",
            today=date(2026, 12, 1),
        )
    leave.refresh_from_db()
    assert leave.status == RequestStatus.POSTPONED
    assert [(d.day, d.part) for d in leave.days.all()] == [
        (date(2027, 1, 11), "full"),
        (date(2027, 1, 13), "am"),
    ]
    decision = leave.decisions.get()
    assert decision.reason == "Winter pressures"
    assert decision.previous_days == [["2026-12-14", "full"], ["2026-12-16", "am"]]


def test_postponing_beyond_one_month_is_refused(world):
    leave = ask(world, (date(2026, 12, 14), "full"))
    with pytest.raises(LeaveRuleError) as error:
        carers_leave_postpone(
            request=leave,
            by=world.manager,
            new_first_day=date(2027, 1, 15),
            reason="Busy",
            today=date(2026, 12, 1),
        )
    assert error.value.code == "postponement_beyond_one_month"


def test_cancelling_before_it_starts_gives_the_days_back(world):
    leave = ask(world, *[(date(2026, 12, d), "full") for d in (14, 15, 16, 17, 18)])
    assert balance_for(staff=world.carer_record, on=date(2026, 12, 18)).remaining == 0
    carers_leave_cancel(request=leave, by=world.carer, today=TODAY)
    assert balance_for(staff=world.carer_record, on=date(2026, 12, 18)).remaining == 5
    ask(world, (date(2026, 12, 14), "full"))


def test_leave_that_has_started_cannot_be_cancelled(world):
    leave = ask(world, (date(2026, 12, 14), "full"))
    with pytest.raises(LeaveRuleError):
        carers_leave_cancel(request=leave, by=world.carer, today=date(2026, 12, 14))


# --- pages ---------------------------------------------------------------------------


@time_machine.travel(date(2026, 11, 23))
def test_the_request_form_keeps_what_was_typed_when_notice_is_short(client, world):
    client.force_login(world.carer)
    response = client.post(
        f"/o/{world.org.slug}/leave/carers/new/",
        {"first_day": "2026-11-24", "note": "Hospital"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert "at least 4" in html
    assert 'value="2026-11-24"' in html
    assert "Hospital" in html


@time_machine.travel(date(2026, 11, 23))
def test_a_carer_asks_and_the_manager_agrees_through_the_pages(client, world):
    client.force_login(world.carer)
    response = client.post(
        f"/o/{world.org.slug}/leave/carers/new/",
        {
            "first_day": "2026-12-01",
            "last_day": "2026-12-02",
            "part_days": "yes",
            "first_part": "am",
            "last_part": "full",
        },
    )
    assert response.status_code == 302
    detail = response["Location"]
    client.force_login(world.manager)
    assert "Decide" in client.get(f"/o/{world.org.slug}/leave/team/").content.decode()
    page = client.get(detail).content.decode()
    assert "Agree" in page
    assert "Refuse" not in page
    client.post(detail + "decide/", {"decision": "accept"})
    client.force_login(world.carer)
    assert "Agreed" in client.get(detail).content.decode()


@time_machine.travel(date(2026, 11, 23))
def test_colleagues_cannot_see_a_request_but_hr_can(client, world):
    leave = ask(world, (date(2026, 12, 14), "full"))
    url = f"/o/{world.org.slug}/leave/carers/{leave.pk}/"
    for user, status in (
        (world.champion, 403),
        (world.new_manager, 403),
        (world.hr_admin, 200),
        (world.outsider, 404),
    ):
        client.force_login(user)
        assert client.get(url).status_code == status, user


# --- time off for dependants and the policy ---------------------------------------------


def test_time_off_for_dependants_is_recorded_without_approval_or_cap(world):
    from leave.services import dependants_time_off_record

    for _ in range(3):
        dependants_time_off_record(
            staff=world.carer_record,
            first_day=TODAY,
            days=D("2"),
            note="Childminder ill",
            by=world.carer,
            today=TODAY,
        )
    assert world.carer_record.dependants_time_off.count() == 3
    # It never touches the carer's leave balance.
    assert balance_for(staff=world.carer_record, on=TODAY).remaining == 5


def test_the_line_manager_may_record_it_but_nobody_else(world):
    from leave.services import dependants_time_off_record

    dependants_time_off_record(
        staff=world.carer_record,
        first_day=TODAY,
        days=D("1"),
        note="",
        by=world.manager,
        today=TODAY,
    )
    with pytest.raises(PermissionDenied):
        dependants_time_off_record(
            staff=world.carer_record,
            first_day=TODAY,
            days=D("1"),
            note="",
            by=world.hr_admin,
            today=TODAY,
        )


def test_planned_time_is_pointed_to_carers_leave(world):
    from leave.services import dependants_time_off_record

    with pytest.raises(LeaveRuleError) as error:
        dependants_time_off_record(
            staff=world.carer_record,
            first_day=date(2027, 1, 4),
            days=D("1"),
            note="",
            by=world.carer,
            today=TODAY,
        )
    assert error.value.code == "not_an_emergency"


@time_machine.travel(date(2026, 11, 23))
def test_a_manager_records_time_off_for_a_report_through_the_page(client, world):
    client.force_login(world.manager)
    response = client.post(
        f"/o/{world.org.slug}/leave/dependants/new/",
        {"who": str(world.carer_record.pk), "first_day": "2026-11-23", "days": "0.5", "note": ""},
    )
    assert response.status_code == 302
    assert world.carer_record.dependants_time_off.get().days == D("0.5")


def test_a_policy_can_give_more_but_never_less(client, world):
    client.force_login(world.hr_admin)
    url = f"/o/{world.org.slug}/leave/policy/"
    response = client.post(url, {"extra_days": "2", "paid_days": "5", "notice_days": "7"})
    assert (
        "never more than three days" in response.content.decode()
        or "more notice than the law allows" in response.content.decode()
    )
    assert not LeavePolicy.objects.exists()
    assert (
        client.post(url, {"extra_days": "2", "paid_days": "5", "notice_days": "1"}).status_code
        == 302
    )
    policy = LeavePolicy.objects.get(organisation=world.org)
    assert (policy.extra_days, policy.notice_days) == (D("2"), 1)
    response = client.post(url, {"extra_days": "-1", "paid_days": "0", "notice_days": ""})
    assert "govuk-error-summary" in response.content.decode()


@time_machine.travel(date(2026, 11, 23))
def test_shorter_notice_from_the_policy_is_honoured(world):
    LeavePolicy.objects.create(organisation=world.org, notice_days=1)
    ask(world, (date(2026, 11, 24), "full"))


def test_the_same_morning_cannot_be_asked_for_twice_in_two_requests(world):
    ask(world, (date(2026, 12, 14), "am"))
    with pytest.raises(LeaveRuleError) as error:
        ask(world, (date(2026, 12, 14), "am"))
    assert error.value.code == "already_booked"
    ask(world, (date(2026, 12, 14), "pm"))  # the afternoon is still free


def test_a_manager_who_has_left_has_nothing_to_decide(world):
    from leave.selectors import requests_to_decide
    from organisations.models import StaffStatus

    ask(world, (date(2026, 12, 14), "full"))
    assert requests_to_decide(manager=world.manager_record).count() == 1
    world.manager_record.status = StaffStatus.LEFT
    world.manager_record.save()
    assert requests_to_decide(manager=world.manager_record).count() == 0


@time_machine.travel(date(2026, 11, 23))
def test_colleagues_see_none_of_it_but_the_manager_sees_its_kind(client, world):
    from leave.services import dependants_time_off_record
    from organisations.tests.factories import StaffRecordFactory, UserFactory

    leave = ask(world, (date(2026, 11, 30), "full"))
    carers_leave_accept(request=leave, by=world.manager)
    dependants_time_off_record(
        staff=world.carer_record, first_day=TODAY, days=D("1"), note="", by=world.carer, today=TODAY
    )
    colleague = UserFactory.create(email="colleague@example.org")
    from organisations.models import Membership, Role

    Membership.objects.create(user=colleague, organisation=world.org, role=Role.EMPLOYEE)
    StaffRecordFactory.create(
        organisation=world.org, user=colleague, line_manager=world.manager_record
    )

    client.force_login(colleague)
    html = client.get(f"/o/{world.org.slug}/leave/calendar/").content.decode()
    # Even an unlabelled "Leave" would tell a colleague who is a carer, so they see none.
    assert "<table" not in html
    assert world.carer_record.full_name not in html.split("<main")[1]

    client.force_login(world.manager)
    table = (
        client.get(f"/o/{world.org.slug}/leave/calendar/")
        .content.decode()
        .split("<table")[1]
        .split("</table>")[0]
    )
    assert "Carer&#x27;s leave" in table
    assert "Time off for dependants" in table


def test_a_deputy_decides_while_the_manager_is_away_and_it_is_recorded(world):
    from leave.deputies import deputy_appoint

    leave = ask(world, (date(2026, 12, 14), "full"))
    with pytest.raises(PermissionDenied):
        carers_leave_accept(request=leave, by=world.new_manager)
    with time_machine.travel(date(2026, 11, 23)):
        deputy_appoint(
            manager=world.manager_record,
            deputy_number="M002",
            from_date=date(2026, 11, 23),
            to_date=date(2026, 11, 30),
            by=world.manager,
            today=date(2026, 11, 23),
        )
        carers_leave_accept(request=leave, by=world.new_manager)
    decision = leave.decisions.get()
    assert decision.by == world.new_manager
    assert decision.acting_for == world.manager_record


def test_a_deputy_is_not_a_deputy_after_the_dates(world):
    from leave.deputies import deputy_appoint

    leave = ask(world, (date(2026, 12, 14), "full"))
    deputy_appoint(
        manager=world.manager_record,
        deputy_number="M002",
        from_date=date(2026, 11, 23),
        to_date=date(2026, 11, 24),
        by=world.manager,
        today=date(2026, 11, 23),
    )
    with time_machine.travel(date(2026, 11, 25)), pytest.raises(PermissionDenied):
        carers_leave_accept(request=leave, by=world.new_manager)


def test_a_deputy_cannot_decide_their_own_request(world):
    from leave.deputies import deputy_appoint

    leave = ask(world, (date(2026, 12, 14), "full"))
    with time_machine.travel(date(2026, 11, 23)):
        deputy_appoint(
            manager=world.manager_record,
            deputy_number="C001",
            from_date=date(2026, 11, 23),
            to_date=date(2026, 11, 30),
            by=world.manager,
            today=date(2026, 11, 23),
        )
        with pytest.raises(PermissionDenied):
            carers_leave_accept(request=leave, by=world.carer)


@time_machine.travel(date(2026, 11, 23))
def test_a_deputy_agrees_through_the_pages_and_flexible_requests_stay_visible(client, world):
    from leave.deputies import deputy_appoint
    from leave.flexible.services import flexible_request_submit

    deputy_appoint(
        manager=world.manager_record,
        deputy_number="M002",
        from_date=TODAY,
        to_date=date(2026, 11, 30),
        by=world.manager,
        today=TODAY,
    )
    leave = ask(world, (date(2026, 12, 14), "full"))
    client.force_login(world.new_manager)
    assert (
        world.carer_record.full_name
        in client.get(f"/o/{world.org.slug}/leave/team/").content.decode()
    )
    detail = f"/o/{world.org.slug}/leave/carers/{leave.pk}/"
    assert client.get(detail).status_code == 200
    assert client.post(detail + "decide/", {"decision": "accept"}).status_code == 302
    assert leave.decisions.get().acting_for == world.manager_record

    flexible = flexible_request_submit(
        staff=world.carer_record,
        change_requested="Later starts",
        start_from=date(2027, 1, 4),
        by=world.carer,
        today=TODAY,
    )
    assert "Open" in client.get(f"/o/{world.org.slug}/flexible/").content.decode()
    url = f"/o/{world.org.slug}/flexible/{flexible.pk}/"
    assert client.post(url + "decide/", {"outcome": "approved"}).status_code == 302
    assert client.get(url).status_code == 200


def test_waiting_requests_are_reminded_before_they_start_and_hr_is_told_on_the_last_day(
    world, smtp_sink
):
    from leave.reminders import carers_leave_decision_reminders
    from leave.services import carers_leave_accept

    request = ask(world, (date(2026, 12, 7), "full"))  # a Monday, two weeks ahead
    assert carers_leave_decision_reminders(today=date(2026, 12, 3)) == 0  # 4 days before
    assert carers_leave_decision_reminders(today=date(2026, 12, 4)) == 1  # 3 days before
    assert [m["To"] for m in smtp_sink] == ["manager@example.org"]
    smtp_sink.clear()
    assert carers_leave_decision_reminders(today=date(2026, 12, 6)) == 1  # the day before
    recipients = {a.strip() for m in smtp_sink for a in m["To"].split(",")}
    assert recipients == {"manager@example.org", "hr@example.org", "admin@example.org"}
    assert "starts tomorrow" in smtp_sink[0]["Subject"]
    carers_leave_accept(request=request, by=world.manager)
    assert carers_leave_decision_reminders(today=date(2026, 12, 6)) == 0
