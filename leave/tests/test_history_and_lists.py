"""HR's lists of every request, and the flexible-working decision history that an appeal no
longer overwrites (on the page, in the letter, and rebuilt for requests decided before)."""

from __future__ import annotations

import importlib
from datetime import date, timedelta
from io import BytesIO

import pytest
import time_machine
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from audit.models import Action, AuditEvent, Channel
from audit.services import audit_record
from leave import views
from leave.flexible.services import (
    consultation_record,
    flexible_request_appeal,
    flexible_request_decide,
    flexible_request_submit,
)
from leave.models import (
    DecisionStage,
    FlexibleDecision,
    FlexibleStatus,
    FlexibleWorkingRequest,
    RequestStatus,
)
from leave.services import carers_leave_request
from organisations.tests.factories import StaffRecordFactory

TODAY = date(2026, 11, 23)


def submit(world, staff=None):
    staff = staff or world.carer_record
    return flexible_request_submit(
        staff=staff,
        change_requested="Start at 10am",
        start_from=date(2027, 1, 4),
        by=staff.user,
        today=TODAY,
    )


def refuse_then_appeal_then_approve(world):
    item = submit(world)
    consultation_record(request=item, held_on=TODAY, notes="Talked", by=world.manager, today=TODAY)
    flexible_request_decide(
        request=item,
        outcome=FlexibleStatus.REFUSED,
        by=world.manager,
        today=TODAY,
        refusal_reasons=["costs"],
        refusal_explanation="Cover would cost too much.",
    )
    flexible_request_appeal(request=item, reason="Cover is already arranged.", by=world.carer)
    flexible_request_decide(
        request=item,
        outcome=FlexibleStatus.APPROVED_WITH_CHANGES,
        by=world.hr_admin,
        today=TODAY,
        agreed_change="Start at 9.30am",
    )
    return item


# --- Decision history --------------------------------------------------------------------


@time_machine.travel(date(2026, 11, 23))
def test_an_appeal_decision_keeps_the_first_decision_in_the_history(world):
    item = refuse_then_appeal_then_approve(world)
    first, appeal = FlexibleDecision.objects.filter(request=item)
    assert (first.stage, first.outcome, first.decided_by) == (
        DecisionStage.FIRST,
        FlexibleStatus.REFUSED,
        world.manager,
    )
    assert first.refusal_reasons == ["costs"]
    assert first.refusal_explanation == "Cover would cost too much."
    assert (appeal.stage, appeal.outcome, appeal.decided_by) == (
        DecisionStage.APPEAL,
        FlexibleStatus.APPROVED_WITH_CHANGES,
        world.hr_admin,
    )
    assert appeal.agreed_change == "Start at 9.30am"
    item.refresh_from_db()
    assert item.appealed_at is not None


@time_machine.travel(date(2026, 11, 23))
def test_the_request_page_shows_every_decision_and_the_appeal(client, world):
    item = refuse_then_appeal_then_approve(world)
    client.force_login(world.carer)
    html = client.get(f"/o/{world.org.slug}/flexible/{item.pk}/").content.decode()
    assert "Decision: Refused" in html
    assert "The burden of additional costs" in html
    assert "Cover would cost too much." in html
    assert "Cover is already arranged." in html
    assert "Appeal decision: Approved with changes" in html
    assert html.index("Decision: Refused") < html.index("Cover is already arranged.")
    assert html.index("Cover is already arranged.") < html.index("Appeal decision:")


@time_machine.travel(date(2026, 11, 23))
def test_the_letter_after_an_appeal_states_the_first_decision_and_the_outcome(client, world):
    item = refuse_then_appeal_then_approve(world)
    client.force_login(world.carer)
    response = client.get(f"/o/{world.org.slug}/flexible/{item.pk}/letter.pdf")
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    assert "We refused your request on 23 November 2026" in text
    assert "The burden of additional costs" in text
    assert "You appealed on 23 November 2026" in text
    assert "The outcome of your appeal" in text
    assert "Start at 9.30am" in text


@time_machine.travel(date(2026, 11, 23))
def test_the_letter_while_an_appeal_waits_gives_the_reasons_refused(client, world):
    item = submit(world)
    consultation_record(request=item, held_on=TODAY, notes="Talked", by=world.manager, today=TODAY)
    flexible_request_decide(
        request=item,
        outcome=FlexibleStatus.REFUSED,
        by=world.manager,
        today=TODAY,
        refusal_reasons=["quality"],
    )
    flexible_request_appeal(request=item, reason="Please", by=world.carer)
    client.force_login(world.carer)
    response = client.get(f"/o/{world.org.slug}/flexible/{item.pk}/letter.pdf")
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    assert "A detrimental impact on quality" in text
    assert "We will write again with the outcome of the appeal" in text


def _rebuild():
    migration = importlib.import_module("leave.migrations.0006_flexible_decision_history")
    migration.history_from_existing(apps, None)


def _audit(item, actor, summary):
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        channel=Channel.WEB,
        target=item,
        organisation_id=item.organisation_id,
        summary=f"{summary} ({item.pk})",
    )


@time_machine.travel(date(2026, 11, 23))
def test_the_migration_rebuilds_history_for_requests_decided_before_it(world):
    """Before the history table, an appeal decision overwrote the first decision's details."""
    decided = submit(world)
    FlexibleWorkingRequest.objects.filter(pk=decided.pk).update(
        status=FlexibleStatus.APPROVED, decided_by=world.manager, decided_at=decided.created_at
    )
    appealed = submit(world, StaffRecordFactory.create(organisation=world.org, user=world.champion))
    _audit(appealed, world.manager, "Decided a flexible-working request: Refused")
    _audit(appealed, world.champion, "Appealed a refused flexible-working request")
    _audit(appealed, world.hr_admin, "Decided a flexible-working request: Approved")
    FlexibleWorkingRequest.objects.filter(pk=appealed.pk).update(
        status=FlexibleStatus.APPROVED,
        appeal_reason="Please",
        decided_by=world.hr_admin,
        decided_at=appealed.created_at + timedelta(days=3),
    )
    waiting = submit(world, StaffRecordFactory.create(organisation=world.org, user=world.sponsor))

    _rebuild()

    (only,) = FlexibleDecision.objects.filter(request=decided)
    assert (only.stage, only.outcome, only.decided_by, only.reconstructed) == (
        DecisionStage.FIRST,
        FlexibleStatus.APPROVED,
        world.manager,
        False,
    )
    first, appeal = FlexibleDecision.objects.filter(request=appealed).order_by("decided_at")
    assert (first.outcome, first.decided_by, first.reconstructed) == (
        FlexibleStatus.REFUSED,
        world.manager,
        True,
    )
    assert (appeal.stage, appeal.outcome, appeal.decided_by) == (
        DecisionStage.APPEAL,
        FlexibleStatus.APPROVED,
        world.hr_admin,
    )
    appealed.refresh_from_db()
    assert appealed.appealed_at is not None
    assert not FlexibleDecision.objects.filter(request=waiting).exists()


# --- HR's lists -------------------------------------------------------------------------


def _leave(world, staff, day):
    return carers_leave_request(
        staff=staff, days=[(day, "full")], note="", by=staff.user or world.hr_admin, today=TODAY
    )


@time_machine.travel(date(2026, 11, 23))
def test_hr_lists_every_carers_leave_request_filtered_by_status_and_audited(client, world):
    mine = _leave(world, world.carer_record, date(2026, 12, 14))
    theirs = _leave(world, world.outsider_record, date(2026, 12, 14))
    client.force_login(world.hr_admin)
    url = f"/o/{world.org.slug}/leave/all/"
    html = client.get(url).content.decode()
    assert f"/leave/carers/{mine.pk}/" in html
    assert f"/leave/carers/{theirs.pk}/" not in html
    assert AuditEvent.objects.filter(
        actor=world.hr_admin,
        action=Action.VIEW,
        object_type="leave.carersleaverequest",
        object_id=str(mine.pk),
    ).exists()
    cancelled = client.get(url, {"status": RequestStatus.CANCELLED}).content.decode()
    assert f"/leave/carers/{mine.pk}/" not in cancelled
    assert "No requests match." in cancelled
    bad = client.get(url, {"status": "lost"}).content.decode()
    assert "govuk-error-summary" in bad


@time_machine.travel(date(2026, 11, 23))
def test_the_hr_list_is_paginated_with_a_constant_number_of_queries(client, world, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    client.force_login(world.hr_admin)
    url = f"/o/{world.org.slug}/leave/all/"
    client.get(url)
    counts = []
    for more in (2, 3):  # two requests, then five: the page makes as many queries
        for _ in range(more):
            person = StaffRecordFactory.create(
                organisation=world.org, line_manager=world.manager_record
            )
            _leave(world, person, date(2026, 12, 14))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    page_two = client.get(url, {"page": 2}).content.decode()
    assert "Page 2 of" in page_two


@time_machine.travel(date(2026, 11, 23))
def test_hr_lists_every_flexible_request_and_others_are_refused(client, world):
    item = submit(world)
    client.force_login(world.org_admin)
    url = f"/o/{world.org.slug}/flexible/all/"
    html = client.get(url, {"status": FlexibleStatus.SUBMITTED}).content.decode()
    assert f"/flexible/{item.pk}/" in html
    assert "22 January 2027" in html  # decide by
    refused = client.get(url, {"status": FlexibleStatus.REFUSED}).content.decode()
    assert f"/flexible/{item.pk}/" not in refused
    for someone in (world.manager, world.carer, world.champion):
        client.force_login(someone)
        assert client.get(url).status_code == 403
    assert client.post(url).status_code == 405


@pytest.mark.parametrize(
    ("path", "link"),
    [("leave/", "/leave/all/"), ("flexible/", "/flexible/all/")],
)
def test_hr_finds_the_lists_from_the_leave_pages_and_others_do_not(client, world, path, link):
    client.force_login(world.hr_admin)
    assert link in client.get(f"/o/{world.org.slug}/{path}").content.decode()
    client.force_login(world.manager)
    assert link not in client.get(f"/o/{world.org.slug}/{path}").content.decode()
