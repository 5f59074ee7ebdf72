"""The conversation guide: the passport's own words beside prompts, for the manager it is shared
with, read-only and audited like the passport page."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.models import User
from audit.models import AuditEvent, Channel
from organisations.models import Membership, Role, StaffRecord
from organisations.services import staff_record_mark_left
from organisations.tests.factories import StaffRecordFactory, UserFactory
from passports import guide
from passports.models import (
    Adjustment,
    AdjustmentKind,
    AdjustmentStatus,
    Conversation,
    Passport,
    PassportRevision,
    PassportShare,
)
from passports.services import adjustment_add, adjustment_update, passport_set_review
from passports.tests.helpers import declared, with_adjustment

ORG = {"org_slug": "home-org"}


def _client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _url(name: str, passport: Passport) -> str:
    return reverse(name, kwargs={**ORG, "pk": passport.pk})


def _stored(passport: Passport) -> dict[str, list[Any]]:
    """Everything the passport holds, row by row."""
    return {
        "passport": list(Passport.objects.filter(pk=passport.pk).values()),
        "adjustments": list(Adjustment.objects.filter(passport=passport).values()),
        "conversations": list(Conversation.objects.filter(passport=passport).values()),
        "shares": list(PassportShare.objects.filter(passport=passport).values()),
        "revisions": list(PassportRevision.objects.filter(passport=passport).values()),
    }


def test_the_manager_sees_the_passports_own_words_beside_the_prompts(world):
    passport = declared(world)
    with_adjustment(passport, world)
    declined = adjustment_add(
        passport=passport,
        expected_version=None,
        kind=AdjustmentKind.PARKING,
        details="Zebra-striped bay please",
        review_on=None,
        by=world.carer,
    )
    adjustment_update(
        adjustment=declined,
        expected_version=None,
        details=declined.details,
        status=AdjustmentStatus.DECLINED,
        review_on=None,
        by=world.manager,
    )
    passport_set_review(
        passport=passport,
        expected_version=None,
        next_review_on=date(2030, 3, 14),
        by=world.manager,
    )
    response = _client(world.manager).get(_url("passports:conversation_guide", passport))
    assert response.status_code == 200
    page = response.text
    for words in (
        "I help my dad most mornings.",
        "My sister, 07700 900000",
        "Tell the ward sister; my tasks can wait.",
        "Start between 8 and 9:30",
        "Next review by 14 March 2030.",
    ):
        assert words in page
    for prompt in (*guide.OPENING, *guide.ABOUT_CARING, *guide.REQUESTED, *guide.CLOSING):
        assert escape(str(prompt.text)) in page
    assert "<strong>Do not ask:</strong>" in page
    # Only what was asked for or agreed is talked through; a declined request stays on the page.
    assert "Zebra-striped bay" not in page
    assert _url("passports:conversation_new", passport) in page
    assert "Note this conversation" in page


def test_the_passport_page_offers_the_guide_to_the_manager(world):
    passport = declared(world)
    guide_url = _url("passports:conversation_guide", passport)
    manager_page = _client(world.manager).get(_url("passports:detail", passport)).text
    assert "Open the conversation guide" in manager_page
    assert guide_url in manager_page
    carer_page = _client(world.carer).get(_url("passports:detail", passport)).text
    assert "Open the conversation guide" not in carer_page
    assert "See the prompts your line manager is offered" in carer_page


def _colleague(world) -> User:
    """Someone on the carer's team, managed by the same manager."""
    user = UserFactory.create(email="quillon.teammate@example.org")
    StaffRecordFactory.create(
        organisation=world.org,
        staff_number="C777",
        user=user,
        unit=world.carer_record.unit,
        line_manager=world.manager_record,
    )
    Membership.objects.create(user=user, organisation=world.org, role=Role.EMPLOYEE)
    return user


@pytest.mark.parametrize(
    "who", ["hr_admin", "org_admin", "new_manager", "colleague", "leaver", "outsider", "anonymous"]
)
def test_everyone_else_is_refused_exactly_as_on_noting_a_conversation(world, who):
    passport = declared(world)
    user = {"colleague": _colleague, "anonymous": lambda w: None}.get(
        who, lambda w: getattr(w, who)
    )(world)
    client = _client(user)
    before = AuditEvent.objects.count()
    guide_response = client.get(_url("passports:conversation_guide", passport))
    assert guide_response.status_code in (302, 403, 404)
    assert AuditEvent.objects.count() == before
    note_response = client.get(_url("passports:conversation_new", passport))
    assert guide_response.status_code == note_response.status_code
    if who != "anonymous":
        assert "I help my dad" not in guide_response.content.decode()


def test_a_manager_who_has_left_is_refused(world):
    passport = declared(world)
    client = _client(world.manager)
    assert client.get(_url("passports:conversation_guide", passport)).status_code == 200
    staff_record_mark_left(
        record=StaffRecord.objects.get(pk=world.manager_record.pk),
        left_on=None,
        by=world.hr_admin,
        channel=Channel.WEB,
    )
    refused = client.get(_url("passports:conversation_guide", passport)).status_code
    assert refused in (403, 404)
    assert refused == client.get(_url("passports:conversation_new", passport)).status_code


def test_not_shared_means_not_seen(world):
    passport = declared(world, share=False)
    assert (
        _client(world.manager).get(_url("passports:conversation_guide", passport)).status_code
        == 404
    )


def test_opening_the_guide_writes_nothing_but_the_audited_read(world):
    passport = declared(world)
    with_adjustment(passport, world, agreed=True)
    before = _stored(passport)
    events = AuditEvent.objects.count()
    assert (
        _client(world.manager).get(_url("passports:conversation_guide", passport)).status_code
        == 200
    )
    assert _stored(passport) == before
    assert AuditEvent.objects.count() == events + 1
    read = AuditEvent.objects.latest("pk")
    assert read.action == "view"
    assert read.actor == world.manager
    assert read.object_id == str(passport.pk)
    assert read.summary == "Opened passport with the conversation guide"
    # Only a read: posting to it is refused and still stores nothing.
    client = _client(world.manager)
    assert client.post(_url("passports:conversation_guide", passport)).status_code == 405
    assert _stored(passport) == before


def test_the_guide_costs_the_same_queries_however_many_adjustments(world):
    passport = declared(world)
    client = _client(world.manager)
    url = _url("passports:conversation_guide", passport)
    client.get(url)  # the first request of a session loads more
    kinds = [k for k in AdjustmentKind.values if k != AdjustmentKind.OTHER]
    counts = []
    for number in (1, 6):
        while Adjustment.objects.filter(passport=passport).count() < number:
            adjustment_add(
                passport=passport,
                expected_version=None,
                kind=kinds[Adjustment.objects.filter(passport=passport).count()],
                details="",
                review_on=timezone.localdate() + timedelta(days=90),
                by=world.carer,
            )
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url)
        assert page.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_each_section_has_two_to_four_prompts_and_the_law_is_mentioned_where_it_applies(world):
    passport = declared(world)
    with_adjustment(passport, world)
    adjustment_add(
        passport=passport,
        expected_version=None,
        kind=AdjustmentKind.SHORT_NOTICE_LEAVE,
        details="",
        review_on=None,
        by=world.carer,
    )
    passport = Passport.objects.get(pk=passport.pk)
    built = guide.conversation_guide(
        passport=passport, adjustments=passport.adjustments.all(), today=timezone.localdate()
    )
    headings = [str(s.heading) for s in built.sections]
    assert headings == [
        "About their caring role",
        "Plan B: who to contact",
        "Plan B: what happens at work",
        "Flexible start and finish times",
        "Leave at short notice",
        "Review",
    ]
    assert all(2 <= len(s.prompts) <= 4 for s in built.sections)
    assert guide.BY_KIND[AdjustmentKind.SHORT_NOTICE_LEAVE] in built.sections[4].prompts
    assert built.sections[0].words == "I help my dad most mornings."


def test_a_passport_with_nothing_asked_for_still_gets_a_section_for_what_helps(world):
    passport = declared(world)
    built = guide.conversation_guide(passport=passport, adjustments=[], today=timezone.localdate())
    assert [str(s.heading) for s in built.sections][3] == "What helps"
    assert built.sections[3].prompts == guide.NO_ADJUSTMENTS
