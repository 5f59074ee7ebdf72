"""The awareness calendar: announced dates, the rule for other years, and when a prompt
shows (communications/awareness.py)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from communications.awareness import (
    ANNOUNCED,
    PROMPT_LEAD,
    SUGGESTIONS,
    Campaign,
    carers_rights_day_by_rule,
    carers_week_by_rule,
    occurrence,
    prompts_on,
)


@pytest.mark.parametrize(
    ("year", "starts"),
    [
        (2025, date(2025, 6, 9)),
        (2026, date(2026, 6, 8)),
        (2027, date(2027, 6, 14)),
        (2028, date(2028, 6, 12)),
        (2030, date(2030, 6, 10)),
        (2031, date(2031, 6, 9)),
    ],
)
def test_carers_week_by_rule_runs_monday_to_sunday_from_the_second_monday_of_june(year, starts):
    assert carers_week_by_rule(year) == (starts, starts + timedelta(days=6))
    assert starts.weekday() == 0


@pytest.mark.parametrize(
    ("year", "day"),
    [
        (2024, date(2024, 11, 21)),
        (2025, date(2025, 11, 20)),
        (2026, date(2026, 11, 19)),
        (2027, date(2027, 11, 18)),
        (2029, date(2029, 11, 15)),
        (2030, date(2030, 11, 21)),
    ],
)
def test_carers_rights_day_by_rule_is_the_third_thursday_of_november(year, day):
    assert carers_rights_day_by_rule(year) == day
    assert day.weekday() == 3


def test_the_rule_agrees_with_every_announced_date():
    for (campaign, year), (starts, ends) in ANNOUNCED.items():
        if campaign == Campaign.CARERS_WEEK:
            assert carers_week_by_rule(year) == (starts, ends)
        else:
            assert carers_rights_day_by_rule(year) == starts == ends


def test_announced_dates_are_used_and_other_years_are_expected():
    week = occurrence(Campaign.CARERS_WEEK, 2026)
    assert (week.starts, week.ends, week.announced) == (date(2026, 6, 8), date(2026, 6, 14), True)
    day = occurrence(Campaign.CARERS_RIGHTS_DAY, 2026)
    assert (day.starts, day.ends, day.announced) == (date(2026, 11, 19), date(2026, 11, 19), False)


def test_a_prompt_shows_from_six_weeks_before_until_the_day_ends():
    day = occurrence(Campaign.CARERS_RIGHTS_DAY, 2025)
    assert timedelta(weeks=6) == PROMPT_LEAD
    first = date(2025, 11, 20) - timedelta(weeks=6)
    assert prompts_on(first - timedelta(days=1)) == []
    assert prompts_on(first) == [day]
    assert prompts_on(date(2025, 11, 20)) == [day]
    assert prompts_on(date(2025, 11, 21)) == []


def test_a_week_is_prompted_until_its_sunday():
    week = occurrence(Campaign.CARERS_WEEK, 2026)
    assert prompts_on(date(2026, 4, 26)) == []
    assert prompts_on(date(2026, 4, 27)) == [week]
    assert prompts_on(date(2026, 6, 14)) == [week]
    assert prompts_on(date(2026, 6, 15)) == []


def test_next_years_day_is_prompted_across_the_new_year():
    # Carers Week is never within six weeks of January, but the lookup covers next year.
    assert prompts_on(date(2026, 12, 31)) == []
    assert [o.year for o in prompts_on(date(2027, 5, 3))] == [2027]


def test_each_campaign_suggests_three_to_five_distinct_actions():
    for suggestions in SUGGESTIONS.values():
        assert 3 <= len(suggestions) <= 5
        assert len({s.key for s in suggestions}) == len(suggestions)


def test_a_suggestions_reference_is_unique_per_campaign_and_year():
    week = occurrence(Campaign.CARERS_WEEK, 2026)
    later = occurrence(Campaign.CARERS_WEEK, 2027)
    first = week.suggestions[0]
    assert week.ref(first) == f"awareness:carers-week:2026:{first.key}"
    assert week.ref(first) != later.ref(first)
