"""The flexible-working decision is one form: each answer keeps only its own questions."""

from __future__ import annotations

from datetime import date, timedelta

import time_machine

from leave.flexible.services import consultation_record, flexible_request_submit
from leave.models import FlexibleStatus

TODAY = date(2026, 11, 23)

EVERYTHING_TYPED = {
    "trial_until": "2027-03-01",
    "agreed_change": "Tuesdays only",
    "changes_trial_until": "2027-04-01",
    "refusal_reasons": ["costs"],
    "refusal_explanation": "Cover costs too much",
}


def _request(world):
    return flexible_request_submit(
        staff=world.carer_record,
        change_requested="Start at 10am on Tuesdays",
        start_from=TODAY + timedelta(days=42),
        by=world.carer,
        today=TODAY,
    )


def _decide(client, world, item, data):
    client.force_login(world.manager)
    return client.post(f"/o/{world.org.slug}/flexible/{item.pk}/decide/", data)


@time_machine.travel(TODAY)
def test_approving_ignores_what_was_typed_for_the_other_answers(client, world):
    item = _request(world)
    response = _decide(client, world, item, {"outcome": "approved", **EVERYTHING_TYPED})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == FlexibleStatus.APPROVED
    assert item.trial_until == date(2027, 3, 1)
    assert (item.agreed_change, item.refusal_reasons, item.refusal_explanation) == ("", [], "")


@time_machine.travel(TODAY)
def test_approving_with_changes_keeps_the_change_and_its_own_trial_end(client, world):
    item = _request(world)
    _decide(client, world, item, {"outcome": "approved_changes", **EVERYTHING_TYPED})
    item.refresh_from_db()
    assert item.status == FlexibleStatus.APPROVED_WITH_CHANGES
    assert item.agreed_change == "Tuesdays only"
    assert item.trial_until == date(2027, 4, 1)
    assert (item.refusal_reasons, item.refusal_explanation) == ([], "")


@time_machine.travel(TODAY)
def test_refusing_keeps_only_the_reasons_and_explanation(client, world):
    item = _request(world)
    consultation_record(request=item, held_on=TODAY, notes="Talked", by=world.manager, today=TODAY)
    _decide(client, world, item, {"outcome": "refused", **EVERYTHING_TYPED})
    item.refresh_from_db()
    assert item.status == FlexibleStatus.REFUSED
    assert item.refusal_reasons == ["costs"]
    assert item.refusal_explanation == "Cover costs too much"
    assert (item.agreed_change, item.trial_until) == ("", None)


@time_machine.travel(TODAY)
def test_no_answer_is_an_error_in_the_summary(client, world):
    item = _request(world)
    response = _decide(client, world, item, {})
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert 'href="#id_outcome"' in html
    item.refresh_from_db()
    assert item.status == FlexibleStatus.SUBMITTED


@time_machine.travel(TODAY)
def test_a_service_refusal_sits_beside_its_question_and_keeps_what_was_typed(client, world):
    item = _request(world)
    consultation_record(request=item, held_on=TODAY, notes="Talked", by=world.manager, today=TODAY)
    response = _decide(
        client,
        world,
        item,
        {"outcome": "approved_changes", "agreed_change": "", "changes_trial_until": "2027-04-01"},
    )
    html = response.content.decode()
    assert 'href="#id_agreed_change"' in html
    assert 'value="2027-04-01"' in html
    assert 'value="approved_changes" checked' in html


@time_machine.travel(TODAY)
def test_the_page_asks_for_the_conversation_before_the_decision_where_refusing_needs_one(
    client, world
):
    item = _request(world)
    client.force_login(world.manager)
    html = client.get(f"/o/{world.org.slug}/flexible/{item.pk}/").content.decode()
    talk, decide = html.index("Before you decide: talk it through"), html.index("Your decision")
    assert talk < decide
    # The extension is tucked away until needed.
    assert "govuk-details" in html
    consultation_record(request=item, held_on=TODAY, notes="Talked", by=world.manager, today=TODAY)
    html = client.get(f"/o/{world.org.slug}/flexible/{item.pk}/").content.decode()
    assert "Before you decide: talk it through" not in html


@time_machine.travel(TODAY)
def test_invalid_answers_under_another_choice_do_not_block_the_decision(client, world):
    item = _request(world)
    typed = {
        "trial_until": "2027-03-01",
        "agreed_change": "x" * 3001,
        "changes_trial_until": "not a date",
        "refusal_reasons": ["not_a_reason"],
        "refusal_explanation": "y" * 5001,
    }
    response = _decide(client, world, item, {"outcome": "approved", **typed})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == FlexibleStatus.APPROVED
    assert item.trial_until == date(2027, 3, 1)
    assert (item.agreed_change, item.refusal_reasons, item.refusal_explanation) == ("", [], "")


@time_machine.travel(TODAY)
def test_an_invalid_answer_under_the_choice_made_is_still_an_error(client, world):
    item = _request(world)
    response = _decide(
        client, world, item, {"outcome": "approved_changes", "agreed_change": "x" * 3001}
    )
    assert response.status_code == 200
    assert "govuk-error-summary" in response.text
    item.refresh_from_db()
    assert item.status == FlexibleStatus.SUBMITTED
