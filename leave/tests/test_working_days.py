"""Carer's leave falls on the person's working days and not on bank holidays, unless their
pattern is irregular (``statutory.carers_leave_day_problem``), in the services, pages and API."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from api.services import api_token_create
from audit.models import Channel
from leave import statutory
from leave.services import LeaveRuleError, carers_leave_postpone, carers_leave_request
from organisations.models import Nation

TODAY = date(2026, 11, 23)  # a Monday
MON_TO_FRI = "12345"


class TestCarersLeaveDayProblem:
    """carers_leave_day_problem: a day of leave is a day the person would otherwise work."""

    @pytest.mark.parametrize(
        ("day", "working_days", "nation", "expected"),
        [
            (date(2026, 12, 4), MON_TO_FRI, Nation.ENGLAND, None),  # Friday
            (date(2026, 12, 5), MON_TO_FRI, Nation.ENGLAND, ("not_a_working_day", "")),  # Sat
            (date(2026, 12, 6), MON_TO_FRI, Nation.ENGLAND, ("not_a_working_day", "")),  # Sun
            (date(2026, 12, 25), MON_TO_FRI, Nation.ENGLAND, ("bank_holiday", "Christmas Day")),
            # St Andrew's Day is a bank holiday in Scotland only.
            (
                date(2026, 11, 30),
                MON_TO_FRI,
                Nation.SCOTLAND,
                ("bank_holiday", "Saint Andrew's Day"),
            ),
            (date(2026, 11, 30), MON_TO_FRI, Nation.ENGLAND, None),
            # A Tuesday-to-Thursday pattern: Monday is not a working day, Wednesday is.
            (date(2026, 12, 7), "234", Nation.WALES, ("not_a_working_day", "")),
            (date(2026, 12, 9), "234", Nation.WALES, None),
            # Weekend workers may take their Saturday.
            (date(2026, 12, 5), "67", Nation.ENGLAND, None),
            # Irregular: no fixed days, so weekends and bank holidays are allowed.
            (date(2026, 12, 5), "", Nation.ENGLAND, None),
            (date(2026, 12, 25), "", Nation.ENGLAND, None),
        ],
    )
    def test_each_day_is_checked_against_the_pattern_and_the_nations_bank_holidays(
        self, day, working_days, nation, expected
    ):
        assert (
            statutory.carers_leave_day_problem(day=day, working_days=working_days, nation=nation)
            == expected
        )


def ask(world, *days):
    return carers_leave_request(
        staff=world.carer_record, days=list(days), note="", by=world.carer, today=TODAY
    )


@pytest.mark.parametrize(
    ("working_days", "days", "code", "words"),
    [
        (MON_TO_FRI, [(date(2026, 12, 5), "full")], "not_a_working_day", "Saturday 5 December"),
        # One bad day among good ones refuses the whole request.
        (
            MON_TO_FRI,
            [(date(2026, 12, 4), "full"), (date(2026, 12, 6), "am")],
            "not_a_working_day",
            "Sunday 6 December",
        ),
        (MON_TO_FRI, [(date(2026, 12, 28), "pm")], "bank_holiday", "Boxing Day"),
        ("135", [(date(2026, 12, 8), "full")], "not_a_working_day", "Monday, Wednesday and Friday"),
        ("", [(date(2026, 12, 5), "full"), (date(2026, 12, 25), "am")], None, ""),
        ("67", [(date(2026, 12, 5), "full"), (date(2026, 12, 6), "full")], None, ""),
    ],
)
def test_asking_for_leave_on_a_non_working_day_is_refused_with_a_reason(
    world, working_days, days, code, words
):
    world.carer_record.working_days = working_days
    world.carer_record.save()
    if code is None:
        assert ask(world, *days).days.count() == len(days)
        return
    with pytest.raises(LeaveRuleError) as error:
        ask(world, *days)
    assert error.value.code == code
    assert words in error.value.message
    assert not world.carer_record.carers_leave_requests.exists()


@pytest.mark.parametrize(
    ("new_first_day", "code"),
    [
        (date(2027, 1, 9), "not_a_working_day"),  # a Saturday
        (date(2027, 1, 1), "bank_holiday"),  # New Year's Day
        # The first day lands on a Friday, but the second moves to Sunday.
        (date(2027, 1, 8), "not_a_working_day"),
        (date(2027, 1, 11), None),  # Monday and Wednesday: fine
    ],
)
def test_a_postponement_must_move_every_day_onto_a_working_day(world, new_first_day, code):
    leave = ask(world, (date(2026, 12, 14), "full"), (date(2026, 12, 16), "am"))
    with time_machine.travel(date(2026, 12, 1)):
        if code is None:
            carers_leave_postpone(
                request=leave,
                by=world.manager,
                new_first_day=new_first_day,
                reason="Winter pressures",
                today=date(2026, 12, 1),
            )
            return
        with pytest.raises(LeaveRuleError) as error:
            carers_leave_postpone(
                request=leave,
                by=world.manager,
                new_first_day=new_first_day,
                reason="Winter pressures",
                today=date(2026, 12, 1),
            )
    assert error.value.code == code
    assert world.carer_record.full_name in error.value.message or code == "bank_holiday"
    assert leave.days.first().day == date(2026, 12, 14)


def test_the_entitlement_still_follows_the_contracted_days_with_an_irregular_pattern(world):
    world.carer_record.working_days = ""
    world.carer_record.days_per_week = 3
    world.carer_record.save()
    ask(world, *[(date(2026, 12, d), "full") for d in (5, 6, 7)])  # weekend days allowed
    with pytest.raises(LeaveRuleError) as error:
        ask(world, (date(2026, 12, 12), "am"))
    assert error.value.code == "entitlement_exceeded"


@time_machine.travel(date(2026, 11, 23))
def test_the_form_names_the_bank_holiday_and_keeps_what_was_typed(client, world):
    client.force_login(world.carer)
    response = client.post(
        f"/o/{world.org.slug}/leave/carers/new/",
        {"first_day": "2026-12-25", "note": "Hospital visit"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert "Christmas Day" in html
    assert 'value="2026-12-25"' in html
    assert not world.carer_record.carers_leave_requests.exists()


@time_machine.travel(date(2026, 12, 1))
def test_the_postpone_page_puts_a_weekend_date_against_the_new_date_field(client, world):
    leave = ask(world, (date(2026, 12, 14), "full"))
    client.force_login(world.manager)
    response = client.post(
        f"/o/{world.org.slug}/leave/carers/{leave.pk}/decide/",
        {"decision": "postpone", "new_first_day": "2026-12-19", "reason": "Audit week"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_new_first_day"' in html
    assert "not one of" in html
    assert "working days" in html
    assert "Audit week" in html


@pytest.mark.parametrize(
    ("day", "code"), [("2026-12-12", "not_a_working_day"), ("2026-12-25", "bank_holiday")]
)
def test_the_api_refuses_non_working_days_with_stable_codes(client, world, day, code):
    token = api_token_create(
        user=world.carer, organisation=world.org, name="t", channel=Channel.WEB
    )
    with time_machine.travel(date(2026, 11, 23)):
        response = client.post(
            "/api/v1/leave/carers/requests",
            {"days": [{"day": day}]},
            content_type="application/json",
            headers={"Authorization": f"Bearer {token[1]}"},
        )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == code


@pytest.mark.parametrize(
    ("working_days", "words"),
    [("1234", "Monday to Thursday"), ("", "no fixed working days")],
)
def test_the_request_form_says_which_days_can_be_asked_for(client, world, working_days, words):
    world.carer_record.working_days = working_days
    world.carer_record.save()
    client.force_login(world.carer)
    assert words in client.get(f"/o/{world.org.slug}/leave/carers/new/").content.decode()
