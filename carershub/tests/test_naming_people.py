"""Naming people (docs/architecture.md, "Naming people"): a person who acted is named by their
name, not their email address; the audit log names people as they are known now without a
query per row, and keeps the copied label once an account is gone; the carer's manager is
called their line manager."""

from __future__ import annotations

from datetime import date, timedelta
from io import BytesIO

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from accounts.selectors import display_name
from audit.models import Action, AuditEvent, Channel
from audit.services import audit_record
from organisations.models import Membership, Role
from organisations.tests.factories import UserFactory
from passports.exports import carer_data_export
from passports.tests.helpers import declared

pytestmark = pytest.mark.django_db


def _render(source: str, **context: object) -> str:
    return Template("{% load people %}" + source).render(Context(context))


# The filters every template uses


def test_a_person_is_named_by_name_and_by_address_only_when_they_have_no_name():
    named = UserFactory.build(first_name="Sam", last_name="Jones", email="sam@example.org")
    nameless = UserFactory.build(first_name="", last_name="", email="pat@example.org")
    assert _render("{{ u|person }}", u=named) == "Sam Jones"
    assert _render("{{ u|person }}", u=nameless) == "pat@example.org"
    assert _render("{{ u|person }}", u=None) == "Someone"
    # A name missing from the context reaches the filter as "": it names nobody, never a 500.
    assert _render("{{ missing|person }}") == "Someone"


def test_a_staff_record_is_named_by_the_name_on_the_record(world):
    assert _render("{{ r|person }}", r=world.manager_record) == world.manager_record.full_name


def test_an_audit_entry_names_the_account_else_the_copied_label_else_the_service(world):
    account = UserFactory.build(pk=1, first_name="Sam", last_name="Jones", email="sam@example.org")
    acted = AuditEvent(actor=account, actor_label="sam@example.org")
    gone = AuditEvent(actor_id=None, actor_label="gone@example.org")
    nobody = AuditEvent(actor_id=None, actor_label="system")
    assert _render("{{ e|actor }}", e=acted) == "Sam Jones"
    assert _render("{{ e|actor }}", e=gone) == "gone@example.org"
    assert _render("{{ e|actor }}", e=nobody) == "Working Carers Hub, automatically"


# The organisation's audit log


def _audit(world, actor, n: int) -> None:
    for _ in range(n):
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            channel=Channel.WEB,
            target=world.carer_record,
            organisation_id=world.org.pk,
            summary="Changed a staff record",
        )


def test_the_audit_log_names_people_and_costs_the_same_queries_for_any_number_of_rows(
    client, world
):
    url = reverse("organisations:audit_log", kwargs={"org_slug": world.org.slug})
    client.force_login(world.org_admin)
    _audit(world, world.hr_admin, 1)
    client.get(url)  # warm the session and second-factor check
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for person in (world.manager, world.new_manager, world.champion):
        _audit(world, person, 10)
    # An account since deleted (the audit keeps no constraint on it) and a scheduled job.
    AuditEvent.objects.create(
        actor_id=987654,
        actor_label="gone@example.org",
        organisation_id=world.org.pk,
        action=Action.UPDATE,
        channel=Channel.COMMAND,
        object_type="organisations.staffrecord",
        object_id="1",
    )
    _audit(world, None, 1)
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).text
    assert len(many) == len(few)
    for person in (world.hr_admin, world.manager, world.champion):
        assert display_name(person) in html
        assert person.email not in html
    assert "gone@example.org" in html
    assert "Working Carers Hub, automatically" in html


def test_the_carers_download_names_who_saw_their_passport(world):
    passport = declared(world)
    audit_record(
        actor=world.manager,
        action=Action.VIEW,
        channel=Channel.WEB,
        target=passport,
        organisation_id=world.org.pk,
        summary="Viewed passport",
    )
    seen = carer_data_export(staff=world.carer_record)["passport"]["seen_by"]
    assert [entry["who"] for entry in seen] == [display_name(world.manager)]


# Pages and letters


def test_removing_a_role_names_the_person_to_screen_readers(client, world):
    client.force_login(world.org_admin)
    html = client.get(reverse("organisations:members", kwargs={"org_slug": world.org.slug})).text
    membership = Membership.objects.get(user=world.hr_admin, role=Role.HR_ADMIN)
    assert f"{membership.get_role_display()} from {display_name(world.hr_admin)}</span>" in html


def test_the_flexible_working_letter_is_signed_with_the_deciders_name(client, world):
    from leave.flexible.services import (
        consultation_record,
        flexible_request_decide,
        flexible_request_submit,
    )
    from leave.models import FlexibleStatus

    today = date(2026, 11, 23)
    request = flexible_request_submit(
        staff=world.carer_record,
        change_requested="Start at 10am on Tuesdays",
        start_from=today + timedelta(days=42),
        by=world.carer,
        today=today,
    )
    consultation_record(
        request=request, held_on=today, notes="Talked", by=world.manager, today=today
    )
    flexible_request_decide(
        request=request, outcome=FlexibleStatus.APPROVED, by=world.manager, today=today
    )
    client.force_login(world.carer)
    url = reverse("flexible:letter", kwargs={"org_slug": world.org.slug, "pk": request.pk})
    pdf = PdfReader(BytesIO(client.get(url).content))
    text = " ".join(page.extract_text() for page in pdf.pages)
    assert display_name(world.manager) in text
    assert world.manager.email not in text


def test_the_carers_manager_is_called_their_line_manager(client, world):
    from leave.forms import CarersLeaveForm

    client.force_login(world.carer)
    url = reverse("leave:dependants_time_off_new", kwargs={"org_slug": world.org.slug})
    assert "tell your line manager as soon as you reasonably can" in client.get(url).text
    assert "line manager" in str(CarersLeaveForm.base_fields["note"].label)


def test_leave_that_has_started_sends_the_carer_to_their_line_manager(world):
    from leave.services import LeaveRuleError, carers_leave_cancel, carers_leave_request

    leave = carers_leave_request(
        staff=world.carer_record,
        days=[(date(2026, 11, 30), "full")],
        note="",
        by=world.carer,
        today=date(2026, 11, 23),
    )
    with pytest.raises(LeaveRuleError, match="talk to your line manager"):
        carers_leave_cancel(request=leave, by=world.carer, today=date(2026, 11, 30))
