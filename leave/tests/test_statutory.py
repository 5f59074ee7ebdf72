"""Table-driven tests of the statutory rules, each citing the rule it checks."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from leave import statutory
from organisations.models import Nation

ENG, SCT, NIR = Nation.ENGLAND, Nation.SCOTLAND, Nation.NORTHERN_IRELAND
IN_FORCE = date(2026, 11, 23)


class TestCarersLeaveEntitlement:
    """carers_leave_entitlement_days: Carer's Leave Regulations 2024, regs 5-6."""

    @pytest.mark.parametrize(
        ("days_per_week", "expected"),
        [
            (D("5"), D("5")),
            (D("3"), D("3")),
            (D("2.5"), D("2.5")),
            (
                D("4.6"),
                D("4.5"),
            ),  # an irregular pattern averaging 4.6 days rounds down to half days
            (D("0.5"), D("0.5")),
            (D("7"), D("7")),
        ],
    )
    def test_a_week_is_the_employees_normal_working_week(self, days_per_week, expected):
        assert (
            statutory.carers_leave_entitlement_days(
                days_per_week=days_per_week, nation=ENG, on=IN_FORCE
            )
            == expected
        )

    def test_the_right_starts_on_6_april_2024(self):
        assert (
            statutory.carers_leave_entitlement_days(
                days_per_week=D("5"), nation=ENG, on=date(2024, 4, 6)
            )
            == 5
        )
        with pytest.raises(statutory.NotAvailableInNation):
            statutory.carers_leave_entitlement_days(
                days_per_week=D("5"), nation=ENG, on=date(2024, 4, 5)
            )

    @pytest.mark.parametrize("nation", [Nation.ENGLAND, Nation.WALES, Nation.SCOTLAND])
    def test_applies_across_great_britain(self, nation):
        assert statutory.carers_leave_rule(nation=nation, on=IN_FORCE).weeks_per_year == 1

    def test_northern_ireland_has_no_statutory_carers_leave(self):
        with pytest.raises(statutory.NotAvailableInNation):
            statutory.carers_leave_rule(nation=NIR, on=IN_FORCE)


class TestCarersLeaveNotice:
    """carers_leave_notice_days / carers_leave_notice_met: Carer's Leave Regulations 2024, reg. 7."""

    @pytest.mark.parametrize(
        ("days_or_part_days", "notice"),
        # One half day or one day: 3. A morning and a full day are two "days or part days": 4.
        [(1, 3), (2, 4), (3, 6), (5, 10), (7, 14)],
    )
    def test_notice_is_the_greater_of_twice_the_days_or_part_days_or_three(
        self, days_or_part_days, notice
    ):
        assert (
            statutory.carers_leave_notice_days(
                days_or_part_days=days_or_part_days, nation=ENG, on=IN_FORCE
            )
            == notice
        )

    @pytest.mark.parametrize(
        ("given_on", "met"),
        [
            (date(2026, 11, 30), True),  # before the relevant date (1 December)
            (date(2026, 12, 1), False),  # on it: too late, reg. 7(2)(d) says "before"
            (date(2026, 12, 2), False),
        ],
    )
    def test_two_days_need_notice_before_the_date_four_days_ahead(self, given_on, met):
        assert (
            statutory.carers_leave_notice_met(
                given_on=given_on, first_day=date(2026, 12, 5), days_or_part_days=2, nation=ENG
            )
            is met
        )


class TestCarersLeaveRollingYear:
    """carers_leave_windows_within_entitlement: "any period of 12 months", regs 3 and 5."""

    def test_half_days_add_up_to_a_week(self):
        days = {date(2026, 1, 5 + i): D("0.5") for i in range(10)}
        assert (
            statutory.carers_leave_windows_within_entitlement(days=days, entitlement=D("5")) is None
        )
        days[date(2026, 2, 2)] = D("0.5")
        assert statutory.carers_leave_windows_within_entitlement(
            days=days, entitlement=D("5")
        ) == date(2026, 1, 5)

    def test_the_window_is_rolling_not_a_leave_year(self):
        # 5 days in December and 1 in January breach a rolling window, though they span two calendar years.
        days = {date(2025, 12, 1 + i): D("1") for i in range(5)} | {date(2026, 1, 10): D("1")}
        assert statutory.carers_leave_windows_within_entitlement(
            days=days, entitlement=D("5")
        ) == date(2025, 12, 1)

    @pytest.mark.parametrize(
        ("later_day", "breach"),
        [(date(2027, 1, 4), True), (date(2027, 1, 5), False)],  # the edge of the 12 months
    )
    def test_leave_exactly_twelve_months_later_starts_a_new_allowance(self, later_day, breach):
        days = {date(2026, 1, 5 + i): D("1") for i in range(5)} | {later_day: D("1")}
        result = statutory.carers_leave_windows_within_entitlement(days=days, entitlement=D("5"))
        assert (result is not None) is breach

    def test_a_part_time_employee_has_three_days(self):
        entitlement = statutory.carers_leave_entitlement_days(
            days_per_week=D("3"), nation=SCT, on=IN_FORCE
        )
        days = {date(2026, 3, 2): D("1"), date(2026, 3, 3): D("1"), date(2026, 3, 4): D("1")}
        assert (
            statutory.carers_leave_windows_within_entitlement(days=days, entitlement=entitlement)
            is None
        )
        days[date(2026, 6, 1)] = D("0.5")
        assert (
            statutory.carers_leave_windows_within_entitlement(days=days, entitlement=entitlement)
            is not None
        )

    def test_the_balance_on_a_day_counts_the_twelve_months_up_to_it(self):
        days = {date(2025, 12, 1): D("2"), date(2026, 6, 1): D("1")}
        assert statutory.carers_leave_balance_on(
            day=date(2026, 6, 1), days=days, entitlement=D("5")
        ) == D("2")
        assert statutory.carers_leave_balance_on(
            day=date(2026, 12, 1), days=days, entitlement=D("5")
        ) == D("4")


class TestPostponement:
    """carers_leave_postponement_allowed: reg. 8, postpone (never refuse) within one month."""

    FIRST = date(2026, 12, 7)

    @pytest.mark.parametrize(
        ("given_on", "new_first_day", "reason", "problem"),
        [
            (
                date(2026, 12, 1),
                date(2027, 1, 7),
                "Ward short-staffed",
                None,
            ),  # exactly one month later
            (
                date(2026, 12, 1),
                date(2027, 1, 8),
                "Ward short-staffed",
                "postponement_beyond_one_month",
            ),
            (date(2026, 12, 7), date(2026, 12, 14), "Ward short-staffed", "postponement_too_late"),
            (date(2026, 12, 1), date(2026, 12, 7), "Ward short-staffed", "postponement_not_later"),
            (date(2026, 12, 1), date(2026, 12, 14), "  ", "reason_required"),
        ],
    )
    def test_conditions(self, given_on, new_first_day, reason, problem):
        assert (
            statutory.carers_leave_postponement_allowed(
                given_on=given_on,
                first_day=self.FIRST,
                new_first_day=new_first_day,
                reason=reason,
                nation=ENG,
            )
            == problem
        )


class TestFlexibleWorking:
    """flexible_working_*: ERA 1996 ss.80F-80G as amended from 6 April 2024."""

    def test_two_requests_in_any_twelve_months(self):
        earlier = [date(2026, 1, 10), date(2026, 6, 1)]
        assert not statutory.flexible_working_requests_allowed(
            earlier_requests=earlier, on=date(2026, 11, 23), nation=ENG
        )
        assert statutory.flexible_working_requests_allowed(
            earlier_requests=earlier, on=date(2027, 1, 10), nation=ENG
        )

    def test_decision_within_two_months_in_great_britain_and_three_in_northern_ireland(self):
        assert statutory.flexible_working_decision_due(
            received_on=date(2026, 11, 23), nation=ENG
        ) == date(2027, 1, 22)
        assert statutory.flexible_working_decision_due(
            received_on=date(2026, 12, 31), nation=ENG
        ) == date(2027, 2, 28)
        assert statutory.flexible_working_decision_due(
            received_on=date(2026, 12, 31), nation=NIR
        ) == date(2027, 3, 30)

    def test_a_request_spanning_a_rule_change_uses_the_rule_on_the_day_it_was_made(self):
        before = statutory.flexible_working_rule(nation=ENG, on=date(2024, 4, 5))
        after = statutory.flexible_working_rule(nation=ENG, on=date(2024, 4, 6))
        assert (before.requests_per_year, before.decision_months, before.qualifying_weeks) == (
            1,
            3,
            26,
        )
        assert (after.requests_per_year, after.decision_months, after.qualifying_weeks) == (2, 2, 0)
        # A request received the day before the change keeps the three-month clock.
        assert statutory.flexible_working_decision_due(
            received_on=date(2024, 4, 5), nation=ENG
        ) == date(2024, 7, 4)

    def test_the_2025_act_reasonableness_test_is_a_future_dated_row(self):
        assert not statutory.flexible_working_rule(
            nation=ENG, on=IN_FORCE
        ).refusal_must_be_reasonable
        future = statutory.flexible_working_rule(nation=ENG, on=date(2028, 1, 1))
        assert future.refusal_must_be_reasonable
        assert future.to_verify

    def test_there_are_exactly_eight_refusal_reasons(self):
        assert len(statutory.FLEXIBLE_WORKING_REFUSAL_REASONS) == 8


def _corresponding_date_oracle(first_day: date, months: int) -> date:
    """The corresponding-date rule restated without dateutil, to check the code against."""
    month_index = first_day.month - 1 + months
    year, month = first_day.year + month_index // 12, month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    if first_day.day > last:
        return date(year, month, last)  # no corresponding date: the month's last day
    return date(year, month, first_day.day) - timedelta(days=1)


def _month_ends() -> list[date]:
    """The first day and the last four days of every month of a non-leap year (2026), the
    year before a leap February (2027) and a leap year (2028)."""
    days = []
    for year in (2026, 2027, 2028):
        for month in range(1, 13):
            last = calendar.monthrange(year, month)[1]
            days.append(date(year, month, 1))
            days.extend(date(year, month, d) for d in range(last - 3, last + 1))
    return days


class TestPeriodOfMonths:
    """period_of_months_last_day: the corresponding-date rule (Dodds v Walker [1981] HL) for a
    period *beginning with* a day, as ERA 1996 s.80G(1B) sets the decision period."""

    @pytest.mark.parametrize(
        ("received_on", "months", "last_day"),
        [
            (date(2026, 11, 23), 2, date(2027, 1, 22)),
            (date(2026, 12, 28), 2, date(2027, 2, 27)),
            # The later month has no 29th, 30th or 31st: the period runs to its last day.
            (date(2026, 12, 29), 2, date(2027, 2, 28)),
            (date(2026, 12, 30), 2, date(2027, 2, 28)),
            (date(2026, 12, 31), 2, date(2027, 2, 28)),
            (date(2027, 1, 1), 2, date(2027, 2, 28)),
            # A leap February has a 29th: the day before it, then its last day.
            (date(2027, 12, 29), 2, date(2028, 2, 28)),
            (date(2027, 12, 30), 2, date(2028, 2, 29)),
            (date(2027, 12, 31), 2, date(2028, 2, 29)),
            (date(2028, 1, 1), 2, date(2028, 2, 29)),
            (date(2028, 2, 29), 2, date(2028, 4, 28)),
            (date(2027, 2, 28), 2, date(2027, 4, 27)),
            (date(2027, 1, 31), 2, date(2027, 3, 30)),
            (date(2027, 7, 31), 2, date(2027, 9, 30)),
            (date(2027, 8, 30), 2, date(2027, 10, 29)),
            (date(2027, 8, 31), 2, date(2027, 10, 30)),
            (date(2026, 10, 31), 2, date(2026, 12, 30)),
            # Three months (the older rows, and a retrospective extension).
            (date(2026, 11, 30), 3, date(2027, 2, 28)),
            (date(2027, 11, 29), 3, date(2028, 2, 28)),
            (date(2027, 11, 30), 3, date(2028, 2, 29)),
            (date(2026, 12, 31), 3, date(2027, 3, 30)),
        ],
    )
    def test_named_month_ends(self, received_on, months, last_day):
        assert (
            statutory.period_of_months_last_day(beginning_with=received_on, months=months)
            == last_day
        )

    @pytest.mark.parametrize("months", [1, 2, 3])
    @pytest.mark.parametrize("received_on", _month_ends(), ids=str)
    def test_every_month_end_in_a_leap_and_a_non_leap_year(self, received_on, months):
        assert statutory.period_of_months_last_day(
            beginning_with=received_on, months=months
        ) == _corresponding_date_oracle(received_on, months)

    @pytest.mark.parametrize("received_on", _month_ends(), ids=str)
    def test_the_period_never_ends_before_the_day_before_a_later_start_ends(self, received_on):
        """A request made a day later is never due earlier (the old code gave 27 February for
        29, 30 and 31 December, and 28 February for 1 January)."""
        nxt = received_on + timedelta(days=1)
        assert statutory.period_of_months_last_day(
            beginning_with=received_on, months=2
        ) <= statutory.period_of_months_last_day(beginning_with=nxt, months=2)

    def test_the_decision_period_uses_it(self):
        """flexible_working_decision_due: a request received on 31 December is due on 28
        February, and on 29 February in a leap year."""
        assert statutory.flexible_working_decision_due(
            received_on=date(2026, 12, 31), nation=ENG
        ) == date(2027, 2, 28)
        assert statutory.flexible_working_decision_due(
            received_on=date(2027, 12, 31), nation=SCT
        ) == date(2028, 2, 29)


class TestBankHolidays:
    """bank_holidays: the maintained `holidays` package, per nation."""

    def test_st_andrews_day_is_a_holiday_in_scotland_only(self):
        assert statutory.is_bank_holiday(date(2026, 11, 30), SCT)
        assert not statutory.is_bank_holiday(date(2026, 11, 30), ENG)

    def test_st_patricks_day_in_northern_ireland(self):
        assert statutory.is_bank_holiday(date(2026, 3, 17), NIR)
