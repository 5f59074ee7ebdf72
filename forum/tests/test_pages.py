"""The forum through its pages: publishing a case study (anonymised or not), talking in a
thread, partnership events; bad input comes back with an error and what was typed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.selectors import display_name
from forum.models import CaseStudy, Event, Reply, Thread
from forum.tests import helpers

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(world, name: str, *args) -> str:
    return reverse(f"forum:{name}", args=[world.partnership.slug, *args])


CASE_STUDY = {
    "title": "Zelqor rota swaps",
    "summary": "Carers swap shifts through a simple board.",
    "body": "We set up a board.\n\nSwaps doubled.",
    "anonymous": "on",
    "consent": "on",
}


def test_an_anonymised_case_study_names_no_organisation_and_no_author_to_other_readers(world):
    response = signed_in(world.hr_admin).post(url(world, "case_study_new"), CASE_STUDY)
    assert response.status_code == 302
    found = CaseStudy.objects.get()
    assert found.anonymous
    page = signed_in(world.outsider).get(url(world, "case_study", found.pk)).content.decode()
    assert "Zelqor rota swaps" in page
    assert "A member organisation" in page
    assert world.org.name not in page
    assert display_name(world.hr_admin) not in page
    listing = signed_in(world.lead).get(url(world, "case_studies")).content.decode()
    assert world.org.name not in listing
    assert "A member organisation" in listing
    own = signed_in(world.org_admin).get(url(world, "case_study", found.pk)).content.decode()
    assert "shared this anonymously" in own


def test_a_named_case_study_shows_the_author_and_the_organisation(world):
    signed_in(world.hr_admin).post(url(world, "case_study_new"), {**CASE_STUDY, "anonymous": ""})
    found = CaseStudy.objects.get()
    page = signed_in(world.sponsor).get(url(world, "case_study", found.pk)).content.decode()
    assert world.org.name in page
    assert display_name(world.hr_admin) in page


def test_without_the_consent_tick_nothing_is_published_and_the_text_is_kept(world):
    response = signed_in(world.hr_admin).post(
        url(world, "case_study_new"), {**CASE_STUDY, "consent": ""}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "Tick to agree to share this" in page
    assert "Swaps doubled." in page
    assert not CaseStudy.objects.exists()


def test_an_overlong_title_keeps_what_was_typed(world):
    response = signed_in(world.hr_admin).post(
        url(world, "case_study_new"), {**CASE_STUDY, "title": "Q" * 151}
    )
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert "Q" * 151 in response.content.decode()


def test_editing_from_an_old_copy_is_caught_and_withdrawing_hides_it(world):
    found = helpers.case_study(world.partnership, world.hr_admin)
    client = signed_in(world.hr_admin)
    edit = url(world, "case_study_edit", found.pk)
    form = {**CASE_STUDY, "version": "1", "title": "New title"}
    assert client.post(edit, form).status_code == 302
    stale = client.post(edit, {**form, "title": "Older copy"})
    assert stale.status_code == 200
    assert "after you opened this page" in stale.content.decode()
    found.refresh_from_db()
    assert found.title == "New title"
    client.post(url(world, "case_study_withdraw", found.pk), {"version": found.version})
    assert signed_in(world.outsider).get(url(world, "case_study", found.pk)).status_code == 404


def test_a_thread_with_replies_names_people_and_their_organisations(world):
    client = signed_in(world.champion)
    response = client.post(url(world, "thread_new"), {"title": "Quiet rooms", "body": "Anyone?"})
    started = Thread.objects.get()
    assert response["Location"] == url(world, "thread", started.pk)
    signed_in(world.outsider).post(url(world, "thread", started.pk), {"body": "We have one."})
    page = client.get(url(world, "thread", started.pk)).content.decode()
    assert "We have one." in page
    assert f"{display_name(world.outsider)}, Other Council" in page
    assert f"{display_name(world.champion)}, Home Trust" in page


def test_an_empty_reply_is_refused_and_a_removed_one_says_so(world):
    started = helpers.thread(world.partnership, world.hr_admin)
    client = signed_in(world.champion)
    empty = client.post(url(world, "thread", started.pk), {"body": "   "})
    assert empty.status_code == 200
    assert "govuk-error-summary" in empty.content.decode()
    said = helpers.reply(started, world.champion, "Regrettable words")
    client.post(url(world, "reply_remove", started.pk, said.pk))
    page = client.get(url(world, "thread", started.pk)).content.decode()
    assert "Regrettable words" not in page
    assert "This reply was removed." in page
    assert Reply.objects.get().removed_by == world.champion


def test_a_closed_thread_shows_no_reply_form_and_refuses_a_reply(world):
    started = helpers.thread(world.partnership, world.hr_admin)
    signed_in(world.hr_admin).post(url(world, "thread_close", started.pk))
    client = signed_in(world.champion)
    page = client.get(url(world, "thread", started.pk)).content.decode()
    assert "takes no more replies" in page
    assert 'name="body"' not in page
    # Closed while they were writing: the reason is shown, and their words are kept.
    refused = client.post(url(world, "thread", started.pk), {"body": "Late but heartfelt"})
    assert refused.status_code == 200
    assert "govuk-error-summary" in refused.content.decode()
    assert "Late but heartfelt" in refused.content.decode()
    assert not Reply.objects.exists()


def test_a_sponsor_reads_a_thread_but_may_not_reply(world):
    started = helpers.thread(world.partnership, world.hr_admin)
    client = signed_in(world.sponsor)
    page = client.get(url(world, "thread", started.pk)).content.decode()
    assert 'name="body"' not in page
    assert client.post(url(world, "thread", started.pk), {"body": "Hi"}).status_code == 403


def _event_form(**overrides) -> dict[str, str]:
    when = timezone.localtime() + timedelta(days=10)
    return {
        "title": "Carer-friendly employers' breakfast",
        "day": when.date().isoformat(),
        "time": "08:30",
        "place": "",
        "link": "https://meet.example.org/breakfast",
        "description": "A talk and questions.",
        **overrides,
    }


def test_a_lead_adds_an_event_and_readers_download_it(world):
    response = signed_in(world.lead).post(url(world, "event_new"), _event_form())
    assert response.status_code == 302
    found = Event.objects.get()
    client = signed_in(world.champion)
    assert "Carer-friendly employers" in client.get(url(world, "events")).content.decode()
    download = client.get(url(world, "event_calendar", found.pk))
    assert download["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VEVENT" in download.content


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"link": "javascript:alert(1)"}, "starting with https://"),
        (
            {"day": (timezone.localdate() - timedelta(days=1)).isoformat()},
            "must start in the future",
        ),
        ({"description": ""}, "govuk-error-summary"),
    ],
)
def test_a_bad_event_keeps_what_was_typed(world, overrides, message):
    form = _event_form(**overrides)
    response = signed_in(world.lead).post(url(world, "event_new"), form)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "Carer-friendly employers" in page
    assert not Event.objects.exists()


def test_events_list_upcoming_first_soonest_first(world):
    now = timezone.now()
    later = helpers.event(
        world.partnership, world.lead, title="Later", starts_at=now + timedelta(days=20)
    )
    helpers.event(world.partnership, world.lead, title="Sooner", starts_at=now + timedelta(days=2))
    gone = helpers.event(
        world.partnership, world.lead, title="Gone by", starts_at=now + timedelta(days=9)
    )
    Event.objects.filter(pk=gone.pk).update(starts_at=now - timedelta(days=5))
    page = signed_in(world.sponsor).get(url(world, "events")).content.decode()
    assert later.title == "Later"
    assert (
        page.index("Sooner")
        < page.index("Later")
        < page.index("Past events")
        < page.index("Gone by")
    )


def test_the_lists_are_a_fixed_number_of_queries(world):
    client = signed_in(world.hr_admin)
    for n in range(3):
        started = helpers.thread(world.partnership, world.hr_admin, title=f"T{n}")
        helpers.reply(started, world.champion)
        helpers.case_study(world.partnership, world.outsider, title=f"C{n}")
    client.get(url(world, "threads"))  # warm: the first request reads settings and the session
    counts = []
    for _round in range(2):
        with CaptureQueriesContext(connection) as queries:
            client.get(url(world, "threads"))
            client.get(url(world, "case_studies"))
        counts.append(len(queries))
        started = helpers.thread(world.partnership, world.outsider, title="One more")
        helpers.case_study(world.partnership, world.hr_admin, title="And another")
    assert counts[0] == counts[1]
