"""The carer's leave form asks for a first and a last day; the rules still see a list of days."""

from __future__ import annotations

from datetime import date

import time_machine

from leave.models import CarersLeaveRequest
from leave.preview import carers_leave_days_between, carers_leave_preview

TODAY = date(2026, 11, 23)  # a Monday


def _url(world, name="new"):
    return f"/o/{world.org.slug}/leave/carers/{name}/"


def test_a_range_is_the_working_days_in_it_with_days_off_and_bank_holidays_left_out(world):
    # Thursday 24 December to Tuesday 29 December 2026: Christmas Day (Friday), the weekend
    # and the Boxing Day substitute (Monday 28th) are not working days.
    days = carers_leave_days_between(
        staff=world.carer_record,
        first_day=date(2026, 12, 24),
        last_day=date(2026, 12, 29),
        first_part="pm",
        last_part="am",
    )
    assert days == [(date(2026, 12, 24), "pm"), (date(2026, 12, 29), "am")]


def test_an_irregular_pattern_counts_every_day_of_the_range(world):
    world.carer_record.working_days = ""
    days = carers_leave_days_between(
        staff=world.carer_record, first_day=date(2026, 12, 4), last_day=date(2026, 12, 7)
    )
    assert [d.day for d, _part in days] == [4, 5, 6, 7]


def test_no_last_day_is_one_day_with_the_first_days_part(world):
    days = carers_leave_days_between(
        staff=world.carer_record, first_day=date(2026, 12, 4), last_day=None, first_part="am"
    )
    assert days == [(date(2026, 12, 4), "am")]


def test_one_day_given_as_first_and_last_keeps_a_part_chosen_for_either(world):
    day = date(2026, 12, 4)
    kept = carers_leave_days_between(
        staff=world.carer_record, first_day=day, last_day=day, last_part="pm"
    )
    assert kept == [(day, "pm")]
    first = carers_leave_days_between(
        staff=world.carer_record, first_day=day, last_day=day, first_part="am", last_part="pm"
    )
    assert first == [(day, "am")]


def test_the_preview_gives_the_notice_the_earliest_day_and_the_allowance(world):
    preview = carers_leave_preview(
        staff=world.carer_record,
        days=[(date(2026, 11, 30), "full"), (date(2026, 12, 1), "am")],
        today=TODAY,
    )
    # Two days or part days: notice before the date four days ahead (reg. 7(3)).
    assert preview.notice_days == 5
    assert preview.earliest_first_day == date(2026, 11, 28)
    assert preview.balance.remaining == 5
    assert str(preview.total) == "1.5"
    assert preview.problem == ""


@time_machine.travel(TODAY)
def test_a_range_sends_its_working_days_with_part_days_only_at_the_ends(client, world):
    client.force_login(world.carer)
    response = client.post(
        _url(world),
        {
            "first_day": "2026-12-07",
            "last_day": "2026-12-14",
            "part_days": "yes",
            "first_part": "pm",
            "last_part": "am",
        },
    )
    assert response.status_code == 302
    leave = CarersLeaveRequest.objects.get(staff=world.carer_record)
    assert [(d.day.day, d.part) for d in leave.days.order_by("day")] == [
        (7, "pm"),
        (8, "full"),
        (9, "full"),
        (10, "full"),
        (11, "full"),
        (14, "am"),
    ]


@time_machine.travel(TODAY)
def test_part_days_chosen_and_then_switched_off_are_ignored(client, world):
    client.force_login(world.carer)
    client.post(
        _url(world),
        {
            "first_day": "2026-12-01",
            "last_day": "2026-12-02",
            "part_days": "no",
            "first_part": "pm",
            "last_part": "am",
        },
    )
    leave = CarersLeaveRequest.objects.get(staff=world.carer_record)
    assert {d.part for d in leave.days.all()} == {"full"}


@time_machine.travel(TODAY)
def test_a_last_day_before_the_first_is_an_error_that_keeps_what_was_typed(client, world):
    client.force_login(world.carer)
    response = client.post(
        _url(world), {"first_day": "2026-12-04", "last_day": "2026-12-01", "note": "Clinic"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert "The last day must be the same as or after the first day" in html
    assert 'value="2026-12-04"' in html
    assert 'value="2026-12-01"' in html
    assert "Clinic" in html
    assert not CarersLeaveRequest.objects.exists()


@time_machine.travel(TODAY)
def test_check_shows_what_the_days_mean_and_sends_nothing(client, world):
    client.force_login(world.carer)
    response = client.post(
        _url(world), {"first_day": "2026-11-30", "last_day": "2026-12-01", "check": "1"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" not in html
    assert "Monday 30 November 2026" in html
    assert "Tuesday 1 December 2026" in html
    assert "Ask at least 5 days before the first day" in html
    assert "Saturday 28 November 2026" in html  # the earliest first day
    assert "5 of 5 working days" in html
    assert not CarersLeaveRequest.objects.exists()


@time_machine.travel(TODAY)
def test_check_reports_a_rule_the_days_break_in_the_error_summary(client, world):
    client.force_login(world.carer)
    response = client.post(
        _url(world), {"first_day": "2026-11-25", "last_day": "2026-11-27", "check": "1"}
    )
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "at least 7" in html
    assert not CarersLeaveRequest.objects.exists()


@time_machine.travel(TODAY)
def test_the_summary_fragment_follows_the_days_in_the_query(client, world):
    client.force_login(world.carer)
    response = client.get(
        _url(world, "new/check"),
        {"first_day": "2026-12-24", "last_day": "2026-12-29"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "Thursday 24 December 2026" in html
    assert "Tuesday 29 December 2026" in html
    assert "Friday 25 December" not in html


# --- the manager's decision -------------------------------------------------------------


def _asked(world):
    from leave.services import carers_leave_request

    return carers_leave_request(
        staff=world.carer_record,
        days=[(date(2026, 12, 14), "full")],
        note="",
        by=world.carer,
        today=TODAY,
    )


@time_machine.travel(TODAY)
def test_the_decision_needs_an_answer_and_shows_the_error_summary(client, world):
    leave = _asked(world)
    client.force_login(world.manager)
    response = client.post(f"/o/{world.org.slug}/leave/carers/{leave.pk}/decide/", {})
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert 'href="#id_decision"' in html
    leave.refresh_from_db()
    assert leave.status == "requested"


@time_machine.travel(TODAY)
def test_postponing_needs_a_date_and_a_reason_and_keeps_what_was_typed(client, world):
    leave = _asked(world)
    client.force_login(world.manager)
    response = client.post(
        f"/o/{world.org.slug}/leave/carers/{leave.pk}/decide/",
        {"decision": "postpone", "reason": "Inspection week"},
    )
    html = response.content.decode()
    assert "Enter the new first day" in html
    assert "Inspection week" in html
    # The postpone answer stays chosen, its questions shown.
    assert 'value="postpone" checked' in html
    assert "govuk-radios__conditional--hidden" not in html


@time_machine.travel(TODAY)
def test_agreeing_ignores_a_date_and_reason_typed_for_postponing(client, world):
    leave = _asked(world)
    client.force_login(world.manager)
    response = client.post(
        f"/o/{world.org.slug}/leave/carers/{leave.pk}/decide/",
        {"decision": "accept", "new_first_day": "2026-12-21", "reason": "Busy"},
    )
    assert response.status_code == 302
    leave.refresh_from_db()
    assert leave.status == "accepted"
    assert [d.day for d in leave.days.all()] == [date(2026, 12, 14)]
    assert leave.decisions.get().reason == ""


@time_machine.travel(TODAY)
def test_postponing_through_the_page_moves_the_days_and_keeps_the_reason(client, world):
    leave = _asked(world)
    client.force_login(world.manager)
    response = client.post(
        f"/o/{world.org.slug}/leave/carers/{leave.pk}/decide/",
        {"decision": "postpone", "new_first_day": "2026-12-21", "reason": "Inspection week"},
    )
    assert response.status_code == 302
    leave.refresh_from_db()
    assert leave.status == "postponed"
    assert [d.day for d in leave.days.all()] == [date(2026, 12, 21)]
    assert leave.decisions.get().reason == "Inspection week"


@time_machine.travel(TODAY)
def test_agreeing_ignores_even_invalid_postponing_answers(client, world):
    """Hidden under "postpone", a bad date or an over-long reason must not stop agreeing."""
    leave = _asked(world)
    client.force_login(world.manager)
    response = client.post(
        f"/o/{world.org.slug}/leave/carers/{leave.pk}/decide/",
        {"decision": "accept", "new_first_day": "not a date", "reason": "x" * 2001},
    )
    assert response.status_code == 302
    leave.refresh_from_db()
    assert leave.status == "accepted"
    assert leave.decisions.get().reason == ""


@time_machine.travel(TODAY)
def test_each_error_message_is_tied_to_its_question(client, world):
    """A screen reader hears the error with the question: the message's id is in the
    field's aria-describedby, as GOV.UK's own components do."""
    leave = _asked(world)
    client.force_login(world.manager)
    html = client.post(
        f"/o/{world.org.slug}/leave/carers/{leave.pk}/decide/", {"decision": "postpone"}
    ).text
    assert 'id="id_new_first_day-error"' in html
    assert 'aria-describedby="id_new_first_day-hint id_new_first_day-error"' in html
    assert 'id="id_reason-error"' in html
    client.force_login(world.carer)
    html = client.post(_url(world), {"first_day": "", "note": "x" * 501}).text
    assert 'id="id_note-error"' in html
    assert 'aria-describedby="id_note-hint id_note-error"' in html
