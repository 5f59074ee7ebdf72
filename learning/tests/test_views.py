"""The learner's pages: reading, the quiz round trip, errors that keep choices, and privacy."""

from __future__ import annotations

from dataclasses import replace

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from learning.content import modules
from learning.models import ModuleProgress, QuizAttempt
from learning.services import attempt_start, attempt_submit, lesson_mark_done
from learning.tests.test_services import right_answers, wrong_answers
from organisations.models import Membership, Role

pytestmark = pytest.mark.django_db

MODULE = modules()["carer-aware"]


def url(world, name, **kw):
    return reverse(f"learning:{name}", kwargs={"org_slug": world.org.slug, **kw})


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def quiz_data(attempt, answers):
    data = {"attempt": str(attempt.pk)}
    for question_id, chosen in answers.items():
        data[f"q_{question_id}"] = chosen
    return data


def test_mark_as_done_saves_progress_and_goes_to_the_next_lesson_then_the_quiz(world):
    client = signed_in(world.carer)
    first, *_, last = MODULE.lessons
    response = client.post(url(world, "lesson", module=MODULE.slug, lesson=first.slug))
    assert response["Location"] == url(
        world, "lesson", module=MODULE.slug, lesson=MODULE.lessons[1].slug
    )
    response = client.post(url(world, "lesson", module=MODULE.slug, lesson=last.slug))
    assert response["Location"] == url(world, "quiz", module=MODULE.slug)
    progress = ModuleProgress.objects.get(user=world.carer)
    assert progress.lessons_done == [first.slug, last.slug]
    page = client.get(url(world, "home")).content.decode()
    assert "2 of 3 lessons done" in page
    # The module page carries on where the learner stopped.
    module_page = client.get(url(world, "module", module=MODULE.slug)).content.decode()
    following = url(world, "lesson", module=MODULE.slug, lesson=MODULE.lessons[1].slug)
    assert f'href="{following}">Continue</a>' in module_page


def test_a_lesson_links_to_this_organisations_own_pages(world):
    lesson = MODULE.lessons[-1]
    page = signed_in(world.carer).get(url(world, "lesson", module=MODULE.slug, lesson=lesson.slug))
    html = page.content.decode()
    assert f'href="/o/{world.org.slug}/carer/"' in html
    assert 'href="/help/carers-leave/"' in html


def test_an_unknown_module_or_lesson_is_not_found(world):
    client = signed_in(world.carer)
    assert client.get(url(world, "module", module="nope")).status_code == 404
    assert client.get(url(world, "lesson", module=MODULE.slug, lesson="nope")).status_code == 404


def test_the_quiz_page_never_says_which_answers_are_right(world):
    client = signed_in(world.carer)
    client.post(url(world, "quiz_start", module=MODULE.slug))
    html = client.get(url(world, "quiz", module=MODULE.slug)).content.decode()
    attempt = QuizAttempt.objects.get(user=world.carer)
    for question_id in attempt.questions:
        question = MODULE.question(question_id)
        assert question is not None
        assert escape(question.prompt) in html
        for option in question.options:
            assert escape(option.feedback) not in html
    assert "correct" not in html.lower()


def test_fail_retry_and_pass(world):
    client = signed_in(world.carer)
    client.post(url(world, "quiz_start", module=MODULE.slug))
    first = QuizAttempt.objects.get(user=world.carer)
    response = client.post(
        url(world, "quiz", module=MODULE.slug), quiz_data(first, wrong_answers(first))
    )
    assert response["Location"] == url(world, "result", module=MODULE.slug)
    result = client.get(response["Location"]).content.decode()
    assert "You did not pass this time" in result
    question = MODULE.question(first.questions[0])
    assert question is not None
    for option in question.options:  # feedback on every option
        assert escape(option.feedback) in result
    client.post(url(world, "quiz_start", module=MODULE.slug))
    retry = QuizAttempt.objects.get(user=world.carer, submitted_at__isnull=True)
    assert retry.questions != first.questions
    client.post(url(world, "quiz", module=MODULE.slug), quiz_data(retry, right_answers(retry)))
    assert "You passed" in client.get(url(world, "result", module=MODULE.slug)).content.decode()
    assert "Passed" in client.get(url(world, "home")).content.decode()


def test_a_missing_answer_shows_an_error_summary_and_keeps_the_other_choices(world):
    client = signed_in(world.carer)
    attempt = attempt_start(organisation=world.org, user=world.carer, module=MODULE)
    answers = right_answers(attempt)
    missing = attempt.questions[0]
    del answers[missing]
    response = client.post(url(world, "quiz", module=MODULE.slug), quiz_data(attempt, answers))
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert f'href="#id_q_{missing}' in html
    kept = attempt.questions[1]
    assert f'name="q_{kept}" type="radio" value="{answers[kept][0]}" checked' in html or (
        f'name="q_{kept}" type="checkbox" value="{answers[kept][0]}" checked' in html
    )
    assert not QuizAttempt.objects.get(pk=attempt.pk).submitted


def test_posting_the_same_answers_again_changes_nothing(world):
    client = signed_in(world.carer)
    attempt = attempt_start(organisation=world.org, user=world.carer, module=MODULE)
    client.post(url(world, "quiz", module=MODULE.slug), quiz_data(attempt, wrong_answers(attempt)))
    before = QuizAttempt.objects.get(pk=attempt.pk)
    response = client.post(
        url(world, "quiz", module=MODULE.slug), quiz_data(attempt, right_answers(attempt))
    )
    assert response["Location"] == url(world, "result", module=MODULE.slug)
    after = QuizAttempt.objects.get(pk=attempt.pk)
    assert (after.passed, after.score, after.submitted_at) == (
        before.passed,
        before.score,
        before.submitted_at,
    )


def test_someone_elses_attempt_is_not_found_and_their_result_never_shown(world):
    theirs = attempt_start(organisation=world.org, user=world.manager, module=MODULE)
    attempt_submit(attempt=theirs, module=MODULE, answers=right_answers(theirs), by=world.manager)
    other = attempt_start(organisation=world.org, user=world.manager, module=MODULE)
    client = signed_in(world.carer)
    response = client.post(
        url(world, "quiz", module=MODULE.slug), quiz_data(other, right_answers(other))
    )
    assert response.status_code == 404
    assert not QuizAttempt.objects.get(pk=other.pk).submitted
    result = client.get(url(world, "result", module=MODULE.slug)).content.decode()
    assert "You have not submitted this quiz yet" in result


def test_someone_who_has_left_is_refused(world):
    client = signed_in(world.leaver)
    assert client.get(url(world, "home")).status_code == 403
    assert client.post(url(world, "quiz_start", module=MODULE.slug)).status_code == 403
    assert not QuizAttempt.objects.filter(user=world.leaver).exists()


def test_the_home_card_shows_the_viewers_own_progress(world):
    lesson_mark_done(
        organisation=world.org, user=world.carer, module=MODULE, lesson_slug="who-carers-are"
    )
    html = signed_in(world.carer).get(reverse("organisations:home", args=[world.org.slug]))
    text = html.content.decode()
    assert url(world, "home") in text
    assert "You have passed 0 of the 1 module recommended for you." in text
    assert "1 in progress." in text


def _queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def _more_learners(world, count: int, start: int) -> None:
    for n in range(start, start + count):
        user = type(world.carer).objects.create_user(email=f"learner{n}@example.org")
        Membership.objects.create(user=user, organisation=world.org, role=Role.EMPLOYEE)
        attempt = attempt_start(organisation=world.org, user=user, module=MODULE)
        attempt_submit(attempt=attempt, module=MODULE, answers=wrong_answers(attempt), by=user)
        attempt_start(organisation=world.org, user=user, module=MODULE)


def test_the_learners_pages_cost_the_same_queries_however_many_learn(world):
    client = signed_in(world.carer)
    attempt = attempt_start(organisation=world.org, user=world.carer, module=MODULE)
    attempt_submit(attempt=attempt, module=MODULE, answers=wrong_answers(attempt), by=world.carer)
    attempt_start(organisation=world.org, user=world.carer, module=MODULE)
    pages = [
        url(world, "home"),
        url(world, "module", module=MODULE.slug),
        url(world, "lesson", module=MODULE.slug, lesson="who-carers-are"),
        url(world, "quiz", module=MODULE.slug),
        url(world, "result", module=MODULE.slug),
    ]
    _more_learners(world, 1, 0)
    for page in pages:  # the first request also loads the session and the user's roles
        _queries(client, page)
    few = [_queries(client, page) for page in pages]
    _more_learners(world, 5, 1)
    assert [_queries(client, page) for page in pages] == few


def test_a_module_updated_mid_quiz_says_so_keeps_the_answers_and_offers_a_new_start(
    world, monkeypatch
):
    client = signed_in(world.carer)
    attempt = attempt_start(organisation=world.org, user=world.carer, module=MODULE)
    newer = replace(MODULE, version=MODULE.version + 1)
    monkeypatch.setattr("learning.catalogue.module", lambda slug: newer)
    answers = right_answers(attempt)
    response = client.post(url(world, "quiz", module=MODULE.slug), quiz_data(attempt, answers))
    html = response.content.decode()
    assert response.status_code == 200
    assert "This module has been updated since you started the quiz" in html
    assert "Start the quiz again" in html
    first = attempt.questions[0]
    assert f'value="{answers[first][0]}" checked' in html
    assert not QuizAttempt.objects.get(pk=attempt.pk).submitted
    client.post(url(world, "quiz_start", module=MODULE.slug))
    fresh = QuizAttempt.objects.get(user=world.carer)
    assert fresh.module_version == newer.version


@pytest.mark.parametrize("posted", ["", "x", "9" * 40])
def test_a_quiz_posted_without_a_real_attempt_goes_back_to_the_quiz(world, posted):
    response = signed_in(world.carer).post(
        url(world, "quiz", module=MODULE.slug), {"attempt": posted}
    )
    assert response.status_code == 302
    assert response["Location"] == url(world, "quiz", module=MODULE.slug)
