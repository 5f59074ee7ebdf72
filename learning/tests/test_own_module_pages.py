"""HR's pages for an organisation's own module, through the pages a person uses: add it, write
lessons with a preview, write questions, see what stops publishing, publish, and a learner
takes it; bad input keeps what was typed; another organisation's module is never found."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from learning.catalogue import find_module
from learning.models import Badge, OwnModule, OwnModuleVersion, QuizAttempt
from learning.tests.learners import pass_, people
from learning.tests.test_api import token_client

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore:EdDSA is deprecated:joserfc.errors.SecurityWarning"),
]


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(world, name: str, **kwargs) -> str:
    return reverse(f"learning:{name}", kwargs={"org_slug": world.org.slug, **kwargs})


DETAILS = {
    "title": "Caring at Quorvath",
    "summary": "Who to ask at Quorvath when work and caring clash.",
    "audience": "everyone",
    "pass_mark": "100",
    "questions_per_attempt": "1",
}
LESSON = {
    "title": "Who to ask",
    "minutes": "3",
    "markdown": "## The people team\r\n\r\nTalk to Zyxandra Plimbrook, or [read about carer's leave](product:carers-leave).",
}


def question_data(version: int, **overrides: str) -> dict[str, str]:
    data = {
        "version": str(version),
        "kind": "single",
        "scenario": "",
        "prompt": "Who do you talk to first?",
        "option_1_text": "Zyxandra Plimbrook",
        "option_1_correct": "on",
        "option_1_feedback": "She runs the carers' network.",
        "option_2_text": "Nobody",
        "option_2_feedback": "There is always someone to ask.",
    }
    for n in range(3, 7):
        data |= {f"option_{n}_text": "", f"option_{n}_feedback": ""}
    return data | overrides


def added(world) -> tuple[Client, OwnModule]:
    client = signed_in(world.hr_admin)
    response = client.post(url(world, "own_module_new"), DETAILS)
    own = OwnModule.objects.get(organisation=world.org)
    assert response.status_code == 302
    assert response["Location"] == url(world, "own_module", module=own.slug)
    return client, own


def ready(world) -> tuple[Client, OwnModule]:
    client, own = added(world)
    client.post(
        url(world, "own_lesson_new", module=own.slug),
        {**LESSON, "version": own.version, "save": "1"},
    )
    own.refresh_from_db()
    client.post(url(world, "own_question_new", module=own.slug), question_data(own.version))
    own.refresh_from_db()
    return client, own


def test_hr_writes_a_module_through_pages_and_a_learner_takes_it_and_earns_a_badge(world):
    client, own = ready(world)
    editor = client.get(url(world, "own_module", module=own.slug)).content.decode()
    assert "Who to ask" in editor
    assert "Who do you talk to first?" in editor
    assert "Draft" in editor

    response = client.post(
        url(world, "own_module_publish", module=own.slug), {"version": own.version}
    )

    assert response.status_code == 302
    own.refresh_from_db()
    assert own.published_version == 1
    carer = signed_in(world.carer)
    home = carer.get(url(world, "home")).content.decode()
    assert "Caring at Quorvath" in home
    lesson = carer.get(url(world, "lesson", module=own.slug, lesson="who-to-ask")).content.decode()
    assert "Zyxandra Plimbrook" in lesson
    assert reverse("leave:home", kwargs={"org_slug": world.org.slug}) in lesson
    carer.post(url(world, "quiz_start", module=own.slug))
    quiz = carer.get(url(world, "quiz", module=own.slug)).content.decode()
    attempt = re.search(r'name="attempt" value="(\d+)"', quiz)
    assert attempt is not None
    answered = carer.post(url(world, "quiz", module=own.slug), {"attempt": attempt[1], "q_q1": "a"})
    assert answered.status_code == 302
    badge = Badge.objects.get(user=world.carer, module=own.slug)
    assert badge.module_version == 1
    image = Client().get(reverse("learning:badge_image_own", args=[world.org.slug, own.slug]))
    assert image.status_code == 200
    assert b"Caring at Quorvath" in image.content


def test_a_draft_is_not_offered_to_learners(world):
    _, own = ready(world)

    carer = signed_in(world.carer)

    assert "Caring at Quorvath" not in carer.get(url(world, "home")).content.decode()
    assert carer.get(url(world, "module", module=own.slug)).status_code == 404


def test_a_lesson_preview_shows_the_lesson_and_saves_nothing(world):
    client, own = added(world)

    response = client.post(
        url(world, "own_lesson_new", module=own.slug),
        {**LESSON, "version": own.version, "preview": "1"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Preview: the lesson as learners will see it" in html
    assert '<h2 class="govuk-heading-m">The people team</h2>' in html
    own.refresh_from_db()
    assert own.draft["lessons"] == []


def test_a_lesson_with_a_broken_link_is_refused_and_keeps_what_was_typed(world):
    client, own = added(world)
    typed = "Read [the rota](product:rota-planner) and ask Zyxandra Plimbrook."

    response = client.post(
        url(world, "own_lesson_new", module=own.slug),
        {**LESSON, "markdown": typed, "version": own.version, "save": "1"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert "leads nowhere" in html
    assert typed in html
    own.refresh_from_db()
    assert own.draft["lessons"] == []


def test_a_question_without_a_right_answer_is_refused_and_keeps_what_was_typed(world):
    client, own = added(world)

    response = client.post(
        url(world, "own_question_new", module=own.slug),
        question_data(own.version, option_1_correct="", option_3_text="Quentin Vorbask"),
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert "Quentin Vorbask" in html
    own.refresh_from_db()
    assert own.draft["questions"] == []


def test_a_lesson_saved_from_an_older_page_is_refused(world):
    client, own = ready(world)
    older = own.version - 1

    response = client.post(
        url(world, "own_lesson", module=own.slug, lesson="who-to-ask"),
        {**LESSON, "title": "Someone else's change", "version": older, "save": "1"},
    )

    assert response.status_code == 200
    assert "after you opened this page" in response.content.decode()
    own.refresh_from_db()
    assert own.draft["lessons"][0]["title"] == "Who to ask"


def test_publishing_says_what_is_missing_and_publishes_nothing(world):
    client, own = added(world)

    page = client.get(url(world, "own_module", module=own.slug)).content.decode()
    response = client.post(
        url(world, "own_module_publish", module=own.slug), {"version": own.version}
    )

    assert "Add at least one lesson" in page
    assert 'action="' + url(world, "own_module_publish", module=own.slug) not in page
    assert response.status_code == 200
    assert "Add at least one lesson" in response.content.decode()
    assert not OwnModuleVersion.objects.exists()


def test_a_corrected_version_can_withdraw_the_badges_of_the_earlier_one(world):
    client, own = ready(world)
    client.post(url(world, "own_module_publish", module=own.slug), {"version": own.version})
    own.refresh_from_db()
    client.post(
        url(world, "own_lesson", module=own.slug, lesson="who-to-ask"),
        {**LESSON, "markdown": "Talk to Quentin Vorbask.", "version": own.version, "save": "1"},
    )
    own.refresh_from_db()

    missing = client.post(
        url(world, "own_module_publish", module=own.slug),
        {"version": own.version, "earlier": "withdraw", "reason": ""},
    )
    done = client.post(
        url(world, "own_module_publish", module=own.slug),
        {"version": own.version, "earlier": "withdraw", "reason": "It named the wrong person."},
    )

    assert "Enter why the earlier versions are withdrawn" in missing.content.decode()
    assert done.status_code == 302
    found = find_module(organisation_id=world.org.pk, slug=own.slug)
    assert found is not None
    assert found.version == 2
    assert found.withdrawn_reason(1) == "It named the wrong person."


def test_another_organisations_module_is_not_found_through_this_one(world):
    own = OwnModule.objects.create(
        organisation=world.other_org,
        slug="our-elsewhere",
        draft={"title": "Elsewhere", "lessons": [], "questions": []},
    )
    client = signed_in(world.hr_admin)

    for name in ("own_module", "own_module_details", "own_module_preview", "own_lesson_new"):
        assert client.get(url(world, name, module=own.slug)).status_code == 404, name
    assert (
        client.post(url(world, "own_module_retire", module=own.slug), {"version": 1}).status_code
        == 404
    )
    assert OwnModule.objects.filter(pk=own.pk).exists()


def test_taking_a_module_away_hides_it_and_publishing_brings_it_back(world):
    client, own = ready(world)
    client.post(url(world, "own_module_publish", module=own.slug), {"version": own.version})
    own.refresh_from_db()

    client.post(url(world, "own_module_retire", module=own.slug), {"version": own.version})
    carer = signed_in(world.carer)
    hidden = carer.get(url(world, "module", module=own.slug)).status_code
    client.post(url(world, "own_module_publish", module=own.slug), {"version": own.version})

    assert hidden == 404
    assert carer.get(url(world, "module", module=own.slug)).status_code == 200
    assert OwnModuleVersion.objects.filter(module=own).count() == 1


def published(world) -> tuple[Client, OwnModule]:
    client, own = ready(world)
    client.post(url(world, "own_module_publish", module=own.slug), {"version": own.version})
    own.refresh_from_db()
    return client, own


def test_the_completion_figures_count_an_own_module(world):
    client, own = published(world)
    pass_(people(world.org, 6), own.slug)
    people(world.org, 4)

    html = client.get(url(world, "figures")).content.decode()
    api = token_client(world.hr_admin, world.org, personal=False).get("/api/v1/learning/figures")

    assert "Caring at Quorvath" in html
    assert api.status_code == 200
    assert own.slug in api.content.decode()


def test_an_own_modules_badge_shows_its_picture(world):
    _, own = published(world)
    carer = signed_in(world.carer)
    carer.post(url(world, "quiz_start", module=own.slug))
    attempt = QuizAttempt.objects.get(user=world.carer, module=own.slug)
    carer.post(url(world, "quiz", module=own.slug), {"attempt": attempt.pk, "q_q1": "a"})
    badge = Badge.objects.get(user=world.carer, module=own.slug)
    badge.shared = True
    badge.save()

    for page in (
        carer.get(url(world, "badge", public_id=badge.public_id)),
        Client().get(reverse("learning:badge_public", args=[badge.public_id])),
    ):
        image = re.search(r'<img[^>]*src="([^"]+)"', page.content.decode())
        assert image is not None
        assert Client().get(image[1]).status_code == 200


def test_a_lesson_title_with_an_underscore_still_publishes(world):
    client, own = ready(world)
    client.post(
        url(world, "own_lesson_new", module=own.slug),
        {**LESSON, "title": "Step_one", "version": own.version, "save": "1"},
    )
    own.refresh_from_db()

    response = client.post(
        url(world, "own_module_publish", module=own.slug), {"version": own.version}
    )

    assert [e["slug"] for e in own.draft["lessons"]] == ["who-to-ask", "step-one"]
    assert response.status_code == 302
    assert OwnModuleVersion.objects.filter(module=own).count() == 1


def test_saving_a_lesson_removed_meanwhile_says_so_and_keeps_the_words(world):
    client, own = ready(world)
    page_version = own.version
    client.post(
        url(world, "own_lesson_remove", module=own.slug, lesson="who-to-ask"),
        {"version": own.version},
    )

    response = client.post(
        url(world, "own_lesson", module=own.slug, lesson="who-to-ask"),
        {**LESSON, "markdown": "Words of Quentin Vorbask", "version": page_version, "save": "1"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert "Words of Quentin Vorbask" in html


def test_adding_a_module_sent_twice_adds_one(world):
    client = signed_in(world.hr_admin)
    page = client.get(url(world, "own_module_new")).content.decode()
    token = re.search(r'name="form_token" value="([^"]+)"', page)
    assert token is not None

    for _ in range(2):
        client.post(url(world, "own_module_new"), {**DETAILS, "form_token": token[1]})

    assert OwnModule.objects.filter(organisation=world.org).count() == 1


def test_the_api_reads_own_modules_once_however_many_badges(world):
    def earn(n: int) -> None:
        first = OwnModuleVersion.objects.get()
        mine = Badge.objects.get()
        for index in range(n):
            own = OwnModule.objects.create(
                organisation=world.org,
                slug=f"our-extra-{index}",
                draft={},
                published_version=1,
            )
            OwnModuleVersion.objects.create(module=own, version=1, content=first.content)
            Badge.objects.create(
                organisation=world.org,
                user=world.carer,
                module=own.slug,
                module_version=1,
                attempt=QuizAttempt.objects.create(
                    organisation=world.org,
                    user=world.carer,
                    module=own.slug,
                    module_version=1,
                    questions=["q1"],
                ),
                issued_at=mine.issued_at,
                valid_until=mine.valid_until,
                token=mine.token,
            )

    _, own = published(world)
    carer = signed_in(world.carer)
    carer.post(url(world, "quiz_start", module=own.slug))
    attempt = QuizAttempt.objects.get(user=world.carer, module=own.slug)
    carer.post(url(world, "quiz", module=own.slug), {"attempt": attempt.pk, "q_q1": "a"})
    client = token_client(world.carer, world.org)
    earn(4)
    with CaptureQueriesContext(connection) as queries:
        assert len(client.get("/api/v1/learning/badges").json()) == 5

    # (Each badge's signature is still checked against its key: a query each, as before.)
    reads = [q for q in queries.captured_queries if "learning_ownmoduleversion" in q["sql"]]
    assert len(reads) == 1


def test_a_link_a_release_broke_in_an_own_lesson_shows_as_text(world):
    _, own = published(world)
    version = OwnModuleVersion.objects.get(module=own)
    version.content["lessons"][0] = "Read [the old rota](product:rota-gone) first."
    version.save()
    own.draft["lessons"][0]["markdown"] = version.content["lessons"][0]
    own.save()

    lesson = signed_in(world.carer).get(url(world, "lesson", module=own.slug, lesson="who-to-ask"))
    preview = signed_in(world.hr_admin).get(url(world, "own_module_preview", module=own.slug))

    assert lesson.status_code == 200
    assert "the old rota" in lesson.content.decode()
    assert "product:rota-gone" not in lesson.content.decode()
    assert preview.status_code == 200
    assert "leads nowhere" in preview.content.decode()
