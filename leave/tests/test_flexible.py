"""Flexible-working requests: ERA 1996 ss.80F-80I as amended from 6 April 2024."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from leave.flexible.services import (
    consultation_record,
    flexible_request_appeal,
    flexible_request_decide,
    flexible_request_submit,
    flexible_request_withdraw,
)
from leave.models import FlexibleStatus
from leave.services import LeaveRuleError
from organisations.models import Membership, Nation, Role

TODAY = date(2026, 11, 23)


def submit(world, today=TODAY):
    return flexible_request_submit(
        staff=world.carer_record,
        change_requested="Start at 10am on Tuesdays",
        start_from=today + timedelta(days=42),
        by=world.carer,
        today=today,
    )


def test_the_decision_is_due_two_months_after_the_request(world):
    request = submit(world)
    assert request.decision_due == date(2027, 1, 22)


def test_a_third_request_within_twelve_months_is_refused_even_after_a_withdrawal(world):
    first = submit(world, today=date(2026, 1, 10))
    flexible_request_withdraw(request=first, by=world.carer)
    second = submit(world, today=date(2026, 6, 1))
    flexible_request_withdraw(request=second, by=world.carer)
    with pytest.raises(LeaveRuleError) as error:
        submit(world, today=TODAY)
    assert error.value.code == "request_limit_reached"
    submit(world, today=date(2027, 1, 10))  # the first has dropped out of the 12 months


def test_refusal_needs_a_consultation_first(world):
    request = submit(world)
    with pytest.raises(LeaveRuleError) as error:
        flexible_request_decide(
            request=request,
            outcome=FlexibleStatus.REFUSED,
            by=world.manager,
            today=TODAY,
            refusal_reasons=["costs"],
        )
    assert error.value.code == "consultation_required"
    consultation_record(
        request=request, held_on=TODAY, notes="Discussed cover", by=world.manager, today=TODAY
    )
    decided = flexible_request_decide(
        request=request,
        outcome=FlexibleStatus.REFUSED,
        by=world.manager,
        today=TODAY,
        refusal_reasons=["costs"],
    )
    assert decided.status == FlexibleStatus.REFUSED


@pytest.mark.parametrize("reasons", [[], ["we_do_not_like_it"], ["costs", "not_a_reason"]])
def test_refusal_only_for_the_eight_business_reasons(world, reasons):
    request = submit(world)
    consultation_record(
        request=request, held_on=TODAY, notes="Talked", by=world.manager, today=TODAY
    )
    with pytest.raises(LeaveRuleError) as error:
        flexible_request_decide(
            request=request,
            outcome=FlexibleStatus.REFUSED,
            by=world.manager,
            today=TODAY,
            refusal_reasons=reasons,
        )
    assert error.value.code == "refusal_not_allowed"


def test_approval_with_changes_and_a_trial_period(world):
    request = submit(world)
    decided = flexible_request_decide(
        request=request,
        outcome=FlexibleStatus.APPROVED_WITH_CHANGES,
        by=world.manager,
        today=TODAY,
        agreed_change="10am starts on Tuesdays only",
        trial_until=date(2027, 4, 1),
    )
    assert (decided.status, decided.trial_until) == (
        FlexibleStatus.APPROVED_WITH_CHANGES,
        date(2027, 4, 1),
    )


def test_nobody_else_decides_and_nobody_decides_their_own(world):
    request = submit(world)
    for someone in (world.carer, world.hr_admin, world.new_manager):
        with pytest.raises(PermissionDenied):
            flexible_request_decide(
                request=request, outcome=FlexibleStatus.APPROVED, by=someone, today=TODAY
            )


def test_an_appeal_is_heard_by_hr_not_the_manager_who_refused(world):
    request = submit(world)
    consultation_record(
        request=request, held_on=TODAY, notes="Talked", by=world.manager, today=TODAY
    )
    flexible_request_decide(
        request=request,
        outcome=FlexibleStatus.REFUSED,
        by=world.manager,
        today=TODAY,
        refusal_reasons=["quality"],
    )
    flexible_request_appeal(request=request, reason="Cover is available", by=world.carer)
    with pytest.raises(PermissionDenied):
        flexible_request_decide(
            request=request, outcome=FlexibleStatus.APPROVED, by=world.manager, today=TODAY
        )
    decided = flexible_request_decide(
        request=request, outcome=FlexibleStatus.APPROVED, by=world.hr_admin, today=TODAY
    )
    assert decided.status == FlexibleStatus.APPROVED


def test_northern_ireland_keeps_the_older_rules(world):
    world.org.nation = Nation.NORTHERN_IRELAND
    world.org.save()
    world.carer_record.refresh_from_db()
    world.carer_record.start_date = date(2026, 9, 1)
    world.carer_record.save()
    with pytest.raises(LeaveRuleError) as error:
        submit(world)
    assert error.value.code == "not_eligible_yet"
    world.carer_record.start_date = date(2025, 1, 1)
    world.carer_record.save()
    assert submit(world).decision_due == date(2027, 2, 22)  # three months


def test_the_reasonableness_test_applies_to_requests_made_after_it_starts(world):
    with time_machine.travel(date(2027, 11, 1)):
        request = submit(world, today=date(2027, 11, 1))
        consultation_record(
            request=request,
            held_on=date(2027, 11, 1),
            notes="Talked",
            by=world.manager,
            today=date(2027, 11, 1),
        )
        with pytest.raises(LeaveRuleError) as error:
            flexible_request_decide(
                request=request,
                outcome=FlexibleStatus.REFUSED,
                by=world.manager,
                today=date(2027, 11, 1),
                refusal_reasons=["costs"],
            )
    assert error.value.code == "explanation_required"


@time_machine.travel(date(2026, 11, 23))
def test_the_pages_show_the_deadline_to_both_sides_and_refusal_needs_consultation(client, world):
    client.force_login(world.carer)
    response = client.post(
        f"/o/{world.org.slug}/flexible/new/",
        {"change_requested": "Compressed hours", "start_from": "2027-01-04"},
    )
    assert response.status_code == 302
    detail = response["Location"]
    assert "22 January 2027" in client.get(detail).content.decode()
    client.force_login(world.manager)
    page = client.get(detail).content.decode()
    assert "22 January 2027" in page
    assert "60 days left" in page
    response = client.post(detail + "decide/", {"outcome": "refused", "refusal_reasons": ["costs"]})
    assert response.status_code == 200
    assert "record the consultation before refusing" in response.content.decode()
    assert Membership.objects.filter(role=Role.HR_ADMIN).exists()


def test_reminders_go_to_the_manager_and_escalate_in_the_last_week(world, smtp_sink):
    from leave.reminders import flexible_deadline_reminders

    request = submit(world)  # due 22 January 2027
    assert flexible_deadline_reminders(today=date(2027, 1, 7)) == 0  # 15 days before: nothing
    assert flexible_deadline_reminders(today=date(2027, 1, 8)) == 1  # 14 days before
    assert {m["To"] for m in smtp_sink} == {"manager@example.org"}
    smtp_sink.clear()
    flexible_deadline_reminders(today=date(2027, 1, 15))  # 7 days: HR and admins are told too
    recipients = {a.strip() for m in smtp_sink for a in m["To"].split(",")}
    assert {"manager@example.org", "hr@example.org", "admin@example.org"} <= recipients
    assert "carer@example.org" not in recipients
    flexible_request_withdraw(request=request, by=world.carer)
    smtp_sink.clear()
    assert flexible_deadline_reminders(today=date(2027, 1, 21)) == 0


def test_a_refused_appeal_cannot_be_appealed_again(world):
    request = submit(world)
    consultation_record(
        request=request, held_on=TODAY, notes="Talked", by=world.manager, today=TODAY
    )
    flexible_request_decide(
        request=request,
        outcome=FlexibleStatus.REFUSED,
        by=world.manager,
        today=TODAY,
        refusal_reasons=["quality"],
    )
    flexible_request_appeal(request=request, reason="Please think again", by=world.carer)
    flexible_request_decide(
        request=request,
        outcome=FlexibleStatus.REFUSED,
        by=world.hr_admin,
        today=TODAY,
        refusal_reasons=["quality"],
    )
    with pytest.raises(LeaveRuleError) as error:
        flexible_request_appeal(request=request, reason="Again", by=world.carer)
    assert error.value.code == "appeal_not_open"


def test_a_start_date_in_the_past_is_refused(world):
    with pytest.raises(LeaveRuleError) as error:
        flexible_request_submit(
            staff=world.carer_record,
            change_requested="x",
            start_from=date(2026, 1, 1),
            by=world.carer,
            today=TODAY,
        )
    assert error.value.code == "start_in_past"


@time_machine.travel(date(2026, 11, 23))
def test_the_decision_letter_states_the_reasons_and_the_appeal_right(client, world):
    from io import BytesIO

    from pypdf import PdfReader

    request = submit(world)
    consultation_record(
        request=request, held_on=TODAY, notes="Talked", by=world.manager, today=TODAY
    )
    flexible_request_decide(
        request=request,
        outcome=FlexibleStatus.REFUSED,
        by=world.manager,
        today=TODAY,
        refusal_reasons=["costs", "structural_changes"],
        refusal_explanation="A restructure is under way.",
    )
    client.force_login(world.carer)
    response = client.get(f"/o/{world.org.slug}/flexible/{request.pk}/letter.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    assert world.carer_record.full_name in text
    assert "The burden of additional costs" in text
    assert "Planned structural changes" in text
    assert "A restructure is under way." in text
    assert "appeal" in text
    client.force_login(world.champion)
    assert client.get(f"/o/{world.org.slug}/flexible/{request.pk}/letter.pdf").status_code == 403


def test_northern_ireland_pages_describe_the_northern_ireland_rules(client, world):
    world.org.nation = Nation.NORTHERN_IRELAND
    world.org.save()
    client.force_login(world.carer)
    form = client.get(f"/o/{world.org.slug}/flexible/new/").content.decode()
    assert "You can make 1 in any 12 months" in form
    assert "26 weeks" in form
    home = client.get(f"/o/{world.org.slug}/flexible/").content.decode()
    assert "within 3 months" in home
    assert "talk it through with you before saying no" not in home


def test_a_second_request_waits_until_the_first_is_decided(world):
    submit(world)
    with pytest.raises(LeaveRuleError) as error:
        submit(world)
    assert error.value.code == "request_pending"


def test_a_consultation_cannot_predate_the_request(world):
    request = submit(world)
    with pytest.raises(LeaveRuleError) as error:
        consultation_record(
            request=request, held_on=date(2020, 1, 1), notes="x", by=world.manager, today=TODAY
        )
    assert error.value.code == "consultation_before_request"


def test_hr_decides_when_nobody_manages_the_employee(world):
    world.carer_record.line_manager = None
    world.carer_record.save()
    request = submit(world)
    decided = flexible_request_decide(
        request=request, outcome=FlexibleStatus.APPROVED, by=world.hr_admin, today=TODAY
    )
    assert decided.status == FlexibleStatus.APPROVED


def test_hr_deciding_for_an_unmanaged_employee_is_not_acting_for_anyone_and_sees_it_listed(
    client, world
):
    from organisations.models import StaffStatus

    world.manager_record.status = StaffStatus.LEFT
    world.manager_record.save()
    request = submit(world)
    client.force_login(world.hr_admin)
    page = client.get(f"/o/{world.org.slug}/flexible/").content.decode()
    assert world.carer_record.full_name in page.split("Waiting for your decision")[1]
    decided = flexible_request_decide(
        request=request, outcome=FlexibleStatus.APPROVED, by=world.hr_admin, today=TODAY
    )
    assert decided.decided_acting_for is None


def test_an_agreed_extension_moves_the_deadline_and_the_reminders(world, smtp_sink):
    from leave.flexible.services import flexible_extension_record
    from leave.reminders import flexible_deadline_reminders

    request = submit(world)  # due 22 January 2027
    with pytest.raises(LeaveRuleError) as error:
        flexible_extension_record(
            request=request, extended_to=date(2027, 1, 10), by=world.manager, today=TODAY
        )
    assert error.value.code == "extension_invalid"
    with pytest.raises(PermissionDenied):
        flexible_extension_record(
            request=request, extended_to=date(2027, 2, 15), by=world.carer, today=TODAY
        )
    flexible_extension_record(
        request=request, extended_to=date(2027, 2, 15), by=world.manager, today=TODAY
    )
    request.refresh_from_db()
    assert request.deadline == date(2027, 2, 15)
    assert flexible_deadline_reminders(today=date(2027, 1, 8)) == 0
    assert flexible_deadline_reminders(today=date(2027, 2, 1)) == 1  # 14 days before the new date


@time_machine.travel(date(2026, 11, 23))
def test_the_extension_form_reports_a_bad_date_with_an_error_summary(client, world):
    request = submit(world)
    client.force_login(world.manager)
    response = client.post(
        f"/o/{world.org.slug}/flexible/{request.pk}/extend/", {"extended_to": "2027-01-01"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert "after the current deadline" in html
