"""The flexible-working decision letter prints any stored text: control characters, markup,
any script, a 10,000-letter word. The text is written straight to the database, as rows kept
before the input rule or changed in the admin would hold it."""

from __future__ import annotations

from datetime import date, timedelta

from carershub.tests.awkward_text import (
    CONTROLS,
    EVERYTHING,
    MARKUP,
    POLISH,
    VIETNAMESE,
    WELSH,
)
from carershub.tests.pdfs import assert_accessible, assert_prints_every_name, pdf_text
from leave.flexible.services import (
    consultation_record,
    flexible_request_decide,
    flexible_request_submit,
)
from leave.models import FlexibleStatus, FlexibleWorkingRequest
from organisations.models import Organisation, StaffRecord

TODAY = date(2026, 11, 23)


def test_the_decision_letter_prints_any_stored_text(client, world):
    request = flexible_request_submit(
        staff=world.carer_record,
        change_requested="Start at 10am",
        start_from=TODAY + timedelta(days=42),
        by=world.carer,
        today=TODAY,
    )
    consultation_record(
        request=request, held_on=TODAY, notes="Talked", by=world.manager, today=TODAY
    )
    flexible_request_decide(
        request=request,
        outcome=FlexibleStatus.REFUSED,
        by=world.manager,
        today=TODAY,
        refusal_reasons=["costs"],
        refusal_explanation="A restructure.",
    )
    Organisation.objects.filter(pk=world.org.pk).update(name=f"{POLISH}{CONTROLS}")
    StaffRecord.objects.filter(pk=world.carer_record.pk).update(
        first_name=WELSH, last_name=VIETNAMESE + "\x1b"
    )
    FlexibleWorkingRequest.objects.filter(pk=request.pk).update(
        change_requested=EVERYTHING, refusal_explanation=MARKUP
    )
    client.force_login(world.carer)
    response = client.get(f"/o/{world.org.slug}/flexible/{request.pk}/letter.pdf")
    assert response.status_code == 200
    assert_accessible(response.content)
    assert_prints_every_name(response.content)
    text = " ".join(pdf_text(response.content).split())
    for expected in (
        f"{POLISH}ab cd",
        f"Dear {WELSH} {VIETNAMESE},",
        "<b>bold</b> <i>unclosed &",
        "The burden of additional costs",
    ):
        assert expected in text, expected
