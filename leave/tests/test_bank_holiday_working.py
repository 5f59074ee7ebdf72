"""Staff who work bank holidays (a rota that includes them) may take carer's leave on one:
``statutory.carers_leave_day_problem`` with ``works_bank_holidays``, from the person's own
setting or else their organisation's default."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from audit.models import AuditEvent
from leave import statutory
from leave.services import LeaveRuleError, carers_leave_postpone, carers_leave_request
from organisations.models import BankHolidayWork, Nation

TODAY = date(2026, 11, 23)  # a Monday
BOXING_DAY = date(2026, 12, 28)  # Boxing Day (substitute day), a Monday
NEW_YEAR = date(2027, 1, 1)  # a Friday


class TestCarersLeaveDayProblem:
    """carers_leave_day_problem: a bank holiday is a working day for someone who works them."""

    @pytest.mark.parametrize(
        ("day", "works", "expected"),
        [
            (date(2026, 12, 25), False, ("bank_holiday", "Christmas Day")),
            (date(2026, 12, 25), True, None),
            # Their weekly pattern still counts: Saturday is not one of their days.
            (date(2026, 12, 26), True, ("not_a_working_day", "")),
        ],
    )
    def test_a_bank_holiday_they_work_is_allowed(self, day, works, expected):
        assert (
            statutory.carers_leave_day_problem(
                day=day, working_days="12345", nation=Nation.ENGLAND, works_bank_holidays=works
            )
            == expected
        )

    def test_st_andrews_day_for_a_scottish_ward_that_works_it(self):
        assert (
            statutory.carers_leave_day_problem(
                day=date(2026, 11, 30),
                working_days="12345",
                nation=Nation.SCOTLAND,
                works_bank_holidays=True,
            )
            is None
        )


def ask(world, *days):
    return carers_leave_request(
        staff=world.carer_record, days=list(days), note="", by=world.carer, today=TODAY
    )


@pytest.mark.parametrize(
    ("organisation_default", "person", "allowed"),
    [
        (False, BankHolidayWork.ORGANISATION_DEFAULT, False),
        (True, BankHolidayWork.ORGANISATION_DEFAULT, True),
        (False, BankHolidayWork.YES, True),
        (True, BankHolidayWork.NO, False),
    ],
)
def test_leave_on_a_bank_holiday_follows_the_person_then_the_organisation(
    world, organisation_default, person, allowed
):
    world.org.staff_work_bank_holidays = organisation_default
    world.org.save()
    world.carer_record.works_bank_holidays = person
    world.carer_record.save()
    if allowed:
        assert ask(world, (BOXING_DAY, "full")).days.get().day == BOXING_DAY
        return
    with pytest.raises(LeaveRuleError) as error:
        ask(world, (BOXING_DAY, "full"))
    assert error.value.code == "bank_holiday"


def test_a_postponement_may_move_leave_onto_a_bank_holiday_they_work(world):
    world.carer_record.works_bank_holidays = BankHolidayWork.YES
    world.carer_record.save()
    leave = ask(world, (date(2026, 12, 14), "full"))
    with time_machine.travel(date(2026, 12, 1)):
        moved = carers_leave_postpone(
            request=leave,
            by=world.manager,
            new_first_day=NEW_YEAR,
            reason="Winter pressures",
            today=date(2026, 12, 1),
        )
    assert moved.days.get().day == NEW_YEAR


def test_hr_sets_the_organisation_default_on_the_leave_policy_page(client, world):
    client.force_login(world.hr_admin)
    url = f"/o/{world.org.slug}/leave/policy/"
    page = client.get(url).content.decode()
    assert "Do your staff normally work bank holidays?" in page
    response = client.post(
        url, {"extra_days": "0", "paid_days": "0", "staff_work_bank_holidays": "yes"}
    )
    assert response.status_code == 302
    world.org.refresh_from_db()
    assert world.org.staff_work_bank_holidays
    event = AuditEvent.objects.get(summary="Changed whether staff normally work bank holidays")
    assert event.changes == {"staff_work_bank_holidays": ["False", "True"]}
    # Left out of a post, it stays as it is.
    client.post(url, {"extra_days": "1", "paid_days": "0"})
    world.org.refresh_from_db()
    assert world.org.staff_work_bank_holidays
