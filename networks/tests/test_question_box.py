"""The network's anonymous question box and the champions' contact listing.

The box must not be able to say who asked: no person, no time of day, no audit entry and no
one-time token is written with a question, and it never reaches a log through an error
report. Champions answer (rewording the question if it would give someone away) and the
answer is published to the members. Champions are listed as contacts only by their own
choice, and only while they are champions in post.
"""

from __future__ import annotations

import contextlib
import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from networks.models import ChampionContact, Network, Question
from networks.selectors import champion_contacts, questions_answered
from networks.services import (
    WAITING_MAX,
    ContactDetails,
    contact_set,
    network_join,
    network_start,
    question_answer,
    question_ask,
    question_remove,
)
from organisations.hooks import HomeViewer
from organisations.models import Membership, Role
from shared.models import FormSubmission
from shared.writes import EditConflict, RuleError

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(world, name: str, **kwargs) -> str:
    return reverse(f"networks:{name}", kwargs={"org_slug": world.org.slug, **kwargs})


@pytest.fixture
def network(world) -> Network:
    found = network_start(
        organisation=world.org, user=world.champion, name="Carers together", about="Join us."
    )
    network_join(network=found, user=world.carer)
    return found


def asked(world, network: Network, text: str = "Can I swap shifts for appointments?") -> Question:
    assert question_ask(network=network, user=world.carer, text=text)
    return Question.objects.get(network=network, text=text)


# Asking ------------------------------------------------------------------------------------


def test_a_question_stores_nothing_about_who_asked(world, network):
    before = AuditEvent.objects.count()
    question = asked(world, network)
    stored = {field.name for field in Question._meta.get_fields()}
    assert stored == {"id", "network", "text", "asked_on", "answer", "answered_at", "version"}
    assert question.answered_at is None
    assert AuditEvent.objects.count() == before


def test_the_page_asks_without_a_token_that_would_name_the_asker(world, network):
    client = signed_in(world.carer)
    page = client.get(url(world, "question_ask"))
    assert b'name="form_token"' not in page.content
    response = client.post(url(world, "question_ask"), {"text": "Is there a quiet room?"})
    assert response.status_code == 302
    assert Question.objects.filter(text="Is there a quiet room?").exists()
    assert not FormSubmission.objects.exists()


def test_a_resent_question_is_added_once_and_says_the_same(world, network):
    """The same message either way: another would tell someone the question was waiting."""
    client = signed_in(world.carer)
    said = []
    for _ in range(2):
        response = client.post(
            url(world, "question_ask"), {"text": "Is there a quiet room?"}, follow=True
        )
        said.append([str(m) for m in response.context["messages"]])
    assert Question.objects.filter(network=network).count() == 1
    assert said[0] == said[1] != []


def test_question_ids_say_nothing_of_the_order_asked(world, network):
    first, second = asked(world, network, "B first"), asked(world, network, "A second")
    assert isinstance(first.pk, uuid.UUID)
    waiting = signed_in(world.champion).get(url(world, "questions")).content.decode()
    # Listed by day, then by the words: "A second" before "B first".
    assert waiting.index("A second") < waiting.index("B first")
    assert second.pk != first.pk


def test_an_empty_question_is_refused_and_what_was_typed_is_kept(world, network):
    client = signed_in(world.carer)
    response = client.post(url(world, "question_ask"), {"text": "   "})
    assert response.status_code == 200
    assert b"govuk-error-summary" in response.content
    assert not Question.objects.exists()
    too_long = "x" * 2001
    response = client.post(url(world, "question_ask"), {"text": too_long})
    assert b"govuk-error-summary" in response.content
    assert too_long.encode() in response.content


def test_the_question_is_hidden_from_error_reports(world, network, rf):
    """An error report (a log, an admin's email) shows stars in place of the question."""
    from django.http import Http404
    from django.views.debug import SafeExceptionReporterFilter

    from networks import views

    request = rf.post("/o/nowhere/network/questions/ask/", {"text": "my secret"})
    request.user = world.carer
    with contextlib.suppress(Http404):
        views.question_ask_view(request, org_slug="nowhere")
    shown = SafeExceptionReporterFilter().get_post_parameters(request)
    assert shown["text"] != "my secret"
    assert "my secret" not in str(shown)


def test_only_members_and_champions_may_ask(world, network):
    with pytest.raises(PermissionDenied):
        question_ask(network=network, user=world.hr_admin, text="Who belongs?")
    with pytest.raises(PermissionDenied):
        question_ask(network=network, user=world.leaver, text="Still here?")
    assert question_ask(network=network, user=world.champion, text="A champion may ask too")


def test_a_full_box_takes_no_more(world, network):
    Question.objects.bulk_create(
        Question(network=network, text=f"Question {n}", asked_on="2026-01-01")
        for n in range(WAITING_MAX)
    )
    with pytest.raises(RuleError) as refused:
        question_ask(network=network, user=world.carer, text="One more")
    assert refused.value.code == "box_full"


# Answering ---------------------------------------------------------------------------------


def test_an_answer_publishes_the_reworded_question_to_the_members(world, network):
    question = asked(world, network, "My mum Edna on Ward 4 needs me at 3pm, can I leave?")
    assert not questions_answered(network=network, page=None).object_list
    assert question_answer(
        question=question,
        user=world.champion,
        text="Can I leave early for a hospital visit?",
        answer="Yes: ask your manager, or take carer's leave.",
        expected_version=question.version,
    )
    shown = signed_in(world.carer).get(url(world, "questions"))
    assert b"Can I leave early for a hospital visit?" in shown.content
    assert b"Edna" not in shown.content
    entry = AuditEvent.objects.filter(summary__contains="question box").get()
    assert "Edna" not in entry.summary
    assert "hospital" not in entry.summary


def test_an_unchanged_answer_writes_nothing_and_a_stale_one_is_refused(world, network):
    question = asked(world, network)
    question_answer(
        question=question,
        user=world.champion,
        text=question.text,
        answer="Yes.",
        expected_version=1,
    )
    before = AuditEvent.objects.count()
    assert not question_answer(
        question=question,
        user=world.champion,
        text=question.text,
        answer="Yes.",
        expected_version=2,
    )
    assert AuditEvent.objects.count() == before
    with pytest.raises(EditConflict):
        question_answer(
            question=question,
            user=world.champion,
            text=question.text,
            answer="No.",
            expected_version=1,
        )


def test_only_champions_answer_or_remove_and_others_cannot_open_the_waiting_ones(world, network):
    question = asked(world, network)
    for who in (world.carer, world.hr_admin, world.leaver):
        with pytest.raises(PermissionDenied):
            question_answer(
                question=question, user=who, text="x", answer="y", expected_version=None
            )
        with pytest.raises(PermissionDenied):
            question_remove(question=question, user=who, expected_version=None)
    member_view = signed_in(world.carer).get(url(world, "questions"))
    assert question.text.encode() not in member_view.content
    champion_view = signed_in(world.champion).get(url(world, "questions"))
    assert question.text.encode() in champion_view.content


def test_removing_takes_a_question_away(world, network):
    question = asked(world, network)
    assert question_remove(question=question, user=world.champion, expected_version=1)
    assert not Question.objects.exists()
    assert not question_remove(question=question, user=world.champion, expected_version=1)


def test_questions_waiting_reach_the_champions_list_as_a_count(world, network):
    from networks.hooks import waiting_for

    asked(world, network, "One")
    asked(world, network, "Two")
    viewer = HomeViewer(
        user=world.champion,
        organisation=world.org,
        record=None,
        today=timezone.localdate(),
        report_count=0,
    )
    items = waiting_for(viewer=viewer)
    assert [item.count for item in items] == [2]
    assert "One" not in items[0].title
    carer = HomeViewer(
        user=world.carer,
        organisation=world.org,
        record=None,
        today=timezone.localdate(),
        report_count=0,
    )
    assert waiting_for(viewer=carer) == []


def test_the_answered_list_is_one_query_however_many(world, network):
    for n in range(30):
        Question.objects.create(
            network=network,
            text=f"Q{n}",
            answer="A",
            asked_on="2026-01-01",
            answered_at="2026-01-02T10:00:00Z",
        )
    with CaptureQueriesContext(connection) as queries:
        page = questions_answered(network=network, page="2")
    assert len(queries) == 1
    assert len(page.object_list) == 10
    assert not page.has_next


# Champions as contacts ---------------------------------------------------------------------


def listed(world, *, listed: bool = True, show_email: bool = False) -> bool:
    return contact_set(
        organisation=world.org,
        user=world.champion,
        details=ContactDetails(
            listed=listed, how_to_reach="Extension 4021, Tuesdays", show_email=show_email
        ),
        expected_version=None,
    )


def test_a_champion_is_listed_only_with_their_consent(world, network):
    assert champion_contacts(organisation=world.org) == []
    assert listed(world)
    contacts = champion_contacts(organisation=world.org)
    assert [c.user for c in contacts] == [world.champion]
    assert contacts[0].email == ""
    page = signed_in(world.manager).get(url(world, "home"))
    assert b"Extension 4021" in page.content


def test_the_email_is_shown_only_when_the_champion_says_so(world, network):
    listed(world, show_email=True)
    assert champion_contacts(organisation=world.org)[0].email == world.champion.email


def test_a_champion_who_steps_down_drops_off_the_list_at_once(world, network):
    listed(world)
    Membership.objects.filter(
        user=world.champion, organisation=world.org, role=Role.CHAMPION
    ).delete()
    assert champion_contacts(organisation=world.org) == []


def test_not_listing_deletes_the_listing_and_unchanged_writes_nothing(world, network):
    listed(world)
    before = AuditEvent.objects.count()
    assert not listed(world)
    assert AuditEvent.objects.count() == before
    assert listed(world, listed=False)
    assert not ChampionContact.objects.exists()


def test_only_a_champion_lists_themselves(world, network):
    with pytest.raises(PermissionDenied):
        contact_set(
            organisation=world.org,
            user=world.hr_admin,
            details=ContactDetails(listed=True, how_to_reach="", show_email=True),
            expected_version=0,
        )


def test_the_contact_page_saves_and_a_stale_copy_is_refused(world, network):
    client = signed_in(world.champion)
    form = {"version": "0", "listed": "yes", "how_to_reach": "Desk 12", "show_email": "no"}
    assert client.post(url(world, "contact"), form).status_code == 302
    assert ChampionContact.objects.get().how_to_reach == "Desk 12"
    stale = client.post(url(world, "contact"), {**form, "how_to_reach": "Desk 14"})
    assert stale.status_code == 200
    assert b"govuk-error-summary" in stale.content
    assert b"Desk 14" in stale.content
    assert ChampionContact.objects.get().how_to_reach == "Desk 12"


def test_members_do_not_see_the_champions_figures_but_champions_do(world, network):
    asked(world, network)
    champion_page = signed_in(world.champion).get(url(world, "home"))
    assert b"Questions waiting" in champion_page.content
    assert b"Meetings held in the last year" in champion_page.content
    carer_page = signed_in(world.carer).get(url(world, "home"))
    assert b"Questions waiting" not in carer_page.content
    assert b"Meetings held in the last year" not in carer_page.content
    assert b"See who belongs" not in carer_page.content


def test_support_for_you_lists_the_champions_who_agreed(world, network):
    path = reverse("signposting:for_you", kwargs={"org_slug": world.org.slug})
    assert b"Someone to talk to here" not in signed_in(world.carer).get(path).content
    listed(world, show_email=True)
    shown = signed_in(world.carer).get(path).content
    assert b"Extension 4021, Tuesdays" in shown
    assert world.champion.email.encode() in shown
