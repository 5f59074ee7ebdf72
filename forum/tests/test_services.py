"""The forum's rules, at the services: who may write what, what each refuses, and that an
unchanged save writes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from icalendar import Calendar

from audit.models import Action, AuditEvent
from forum.calendar import event_calendar
from forum.models import CaseStudy, Reply, Thread
from forum.services import (
    case_study_update,
    case_study_withdraw,
    event_update,
    link_problem,
    reply_remove,
    thread_close,
)
from forum.tests import helpers
from shared.writes import EditConflict, RuleError

pytestmark = pytest.mark.django_db


def test_an_hr_admin_publishes_for_their_organisation_and_the_publication_is_audited(world):
    found = helpers.case_study(world.partnership, world.hr_admin, anonymous=True)
    assert found.organisation == world.org
    assert found.author == world.hr_admin
    assert found.consent_at is not None
    event = AuditEvent.objects.get(object_id=str(found.pk), action=Action.CREATE)
    assert event.organisation_id == world.org.pk


def test_a_case_study_without_the_consent_tick_is_refused(world):
    with pytest.raises(RuleError) as refused:
        helpers.case_study(world.partnership, world.hr_admin, consent=False)
    assert refused.value.code == "no_consent"
    assert refused.value.field == "consent"
    assert not CaseStudy.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("title", "  ", "title_missing"),
        ("summary", "", "summary_missing"),
        ("body", "\n\n", "body_missing"),
        ("title", "T" * 151, "title_too_long"),
        ("body", "B" * 10_001, "body_too_long"),
    ],
)
def test_empty_or_overlong_text_is_refused_beside_its_field(world, field, value, code):
    with pytest.raises(RuleError) as refused:
        helpers.case_study(world.partnership, world.hr_admin, **{field: value})
    assert (refused.value.code, refused.value.field) == (code, field)


@pytest.mark.parametrize("persona", ["champion", "sponsor", "carer", "manager", "leaver"])
def test_only_hr_and_leads_publish_case_studies(world, persona):
    with pytest.raises(PermissionDenied):
        helpers.case_study(world.partnership, getattr(world, persona))


def test_a_lead_publishes_for_the_partnership_itself(world):
    found = helpers.case_study(world.partnership, world.lead)
    assert found.organisation is None


def test_an_unchanged_save_writes_nothing_and_a_change_moves_the_version_on(world):
    found = helpers.case_study(world.partnership, world.hr_admin)
    writes = AuditEvent.objects.count()
    assert not case_study_update(
        case_study=found, by=world.org_admin, details=helpers.details(), expected_version=1
    )
    assert AuditEvent.objects.count() == writes
    assert case_study_update(
        case_study=found,
        by=world.org_admin,
        details=helpers.details(anonymous=True),
        expected_version=1,
    )
    found.refresh_from_db()
    assert (found.version, found.anonymous) == (2, True)
    with pytest.raises(EditConflict):
        case_study_update(
            case_study=found, by=world.hr_admin, details=helpers.details(), expected_version=1
        )


def test_hr_of_another_member_organisation_cannot_change_or_withdraw_it(world):
    found = helpers.case_study(world.partnership, world.hr_admin)
    with pytest.raises(PermissionDenied):
        case_study_update(
            case_study=found, by=world.outsider, details=helpers.details(), expected_version=1
        )
    with pytest.raises(PermissionDenied):
        case_study_withdraw(case_study=found, by=world.outsider, expected_version=1)


def test_withdrawing_is_audited_and_done_once(world):
    found = helpers.case_study(world.partnership, world.hr_admin)
    assert case_study_withdraw(case_study=found, by=world.hr_admin, expected_version=1)
    assert not case_study_withdraw(case_study=found, by=world.hr_admin, expected_version=2)
    assert AuditEvent.objects.filter(object_id=str(found.pk), action=Action.DELETE).count() == 1


def test_a_closed_thread_takes_no_more_replies(world):
    started = helpers.thread(world.partnership, world.champion)
    assert started.organisation == world.org
    with pytest.raises(PermissionDenied):
        thread_close(thread=started, by=world.hr_admin)  # not the starter, not a lead
    assert thread_close(thread=started, by=world.champion)
    assert not thread_close(thread=started, by=world.lead)
    with pytest.raises(RuleError) as refused:
        helpers.reply(started, world.outsider)
    assert refused.value.code == "thread_closed"


def test_a_sponsor_reads_but_does_not_talk(world):
    with pytest.raises(PermissionDenied):
        helpers.thread(world.partnership, world.sponsor)


def test_a_reply_is_removed_by_its_writer_or_a_lead_and_its_words_go(world):
    started = helpers.thread(world.partnership, world.hr_admin)
    said = helpers.reply(started, world.outsider, "Something regrettable")
    with pytest.raises(PermissionDenied):
        reply_remove(reply=said, by=world.hr_admin)
    assert reply_remove(reply=said, by=world.lead)
    said.refresh_from_db()
    assert said.body == ""
    assert said.removed_at is not None
    assert not reply_remove(reply=said, by=world.outsider)


def test_a_reply_names_the_organisation_it_was_written_for(world):
    started = helpers.thread(world.partnership, world.lead)
    assert started.organisation is None
    said = helpers.reply(started, world.outsider)
    assert said.organisation == world.other_org
    assert Reply.objects.get().written_by == world.outsider
    assert Thread.objects.get().started_by == world.lead


def test_only_leads_add_events(world):
    with pytest.raises(PermissionDenied):
        helpers.event(world.partnership, world.hr_admin)
    assert helpers.event(world.partnership, world.lead).partnership == world.partnership


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"starts_at": timezone.now() - timedelta(hours=1)}, "event_in_the_past"),
        ({"link": "javascript:alert(1)", "place": ""}, "unsafe_link"),
        ({"link": "ftp://files.example.org", "place": ""}, "unsafe_link"),
        ({"link": "https://", "place": ""}, "unsafe_link"),
        ({"place": "", "link": ""}, "nowhere"),
        ({"description": " "}, "description_missing"),
    ],
)
def test_bad_events_are_refused(world, overrides, code):
    with pytest.raises(RuleError) as refused:
        helpers.event(world.partnership, world.lead, **overrides)
    assert refused.value.code == code


def test_an_event_is_kept_to_the_minute_and_an_unchanged_save_writes_nothing(world):
    start = timezone.now() + timedelta(days=3, seconds=17)
    found = helpers.event(world.partnership, world.lead, starts_at=start)
    assert found.starts_at.second == 0
    same = helpers.event_details(starts_at=found.starts_at)
    assert not event_update(event=found, by=world.lead, details=same, expected_version=1)
    moved = helpers.event_details(starts_at=found.starts_at + timedelta(hours=1))
    assert event_update(event=found, by=world.lead, details=moved, expected_version=1)


def test_the_calendar_file_carries_the_event_and_moves_its_sequence_on(world):
    found = helpers.event(world.partnership, world.lead, link="https://meet.example.org/x")
    entry = Calendar.from_ical(event_calendar(found)).walk("VEVENT")[0]
    assert str(entry["SUMMARY"]) == "Employers' breakfast"
    assert str(entry["UID"]).startswith(f"partnership-event-{found.pk}@")
    assert str(entry["SEQUENCE"]) == "0"
    assert entry.decoded("DTSTART") == found.starts_at


@pytest.mark.parametrize(
    ("link", "safe"),
    [
        ("https://example.org/a", True),
        ("HTTP://example.org", True),
        ("javascript:alert(1)", False),
        ("data:text/html,hi", False),
        ("//example.org", False),
        ("https://exa mple.org", False),
    ],
)
def test_only_http_and_https_links_with_a_host_are_safe(link, safe):
    assert (link_problem(link) == "") is safe


def test_only_the_author_lifts_anonymity_and_doing_so_is_a_new_agreement(world):
    found = helpers.case_study(world.partnership, world.hr_admin, anonymous=True)
    first_agreed = found.consent_at
    for someone_else in (world.lead, world.org_admin):
        with pytest.raises(RuleError) as refused:
            case_study_update(
                case_study=found,
                by=someone_else,
                details=helpers.details(anonymous=False),
                expected_version=1,
            )
        assert refused.value.code == "only_the_author_reveals"
    found.refresh_from_db()
    assert found.anonymous
    # Others may still change the rest, keeping it anonymous.
    assert case_study_update(
        case_study=found,
        by=world.lead,
        details=helpers.details(anonymous=True, title="Rotas that fit"),
        expected_version=1,
    )
    assert case_study_update(
        case_study=found,
        by=world.hr_admin,
        details=helpers.details(anonymous=False, title="Rotas that fit"),
        expected_version=2,
    )
    found.refresh_from_db()
    assert not found.anonymous
    assert found.consent_at > first_agreed
