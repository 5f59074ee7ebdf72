"""Learning through the API with a personal token: progress, attempts scored on the server
without the right answers sent first, the same refusals as the pages, and the learner's
badges."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from api.services import api_token_create
from audit.models import AuditEvent, Channel
from learning.content import modules
from learning.models import Badge, QuizAttempt
from learning.tests.test_services import right_answers, wrong_answers

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore:EdDSA is deprecated:joserfc.errors.SecurityWarning"),
]

MODULE = modules()["carer-aware"]
BASE = "/api/v1/learning"


def token_client(user, organisation, *, personal: bool = True) -> Client:
    _token, secret = api_token_create(
        user=user, organisation=organisation, name="Test", channel=Channel.WEB, personal=personal
    )
    return Client(headers={"Authorization": f"Bearer {secret}"})


def start(client) -> dict[str, Any]:
    response = client.post(f"{BASE}/modules/{MODULE.slug}/attempts")
    assert response.status_code == 201, response.content
    return response.json()


def answer(client, attempt_id, answers):
    return client.post(
        f"{BASE}/modules/{MODULE.slug}/attempts/{attempt_id}/answers",
        {"answers": answers},
        content_type="application/json",
    )


def test_modules_list_the_learners_own_progress(world):
    client = token_client(world.carer, world.org)

    listed = client.get(f"{BASE}/modules").json()
    detail = client.get(f"{BASE}/modules/{MODULE.slug}").json()

    assert MODULE.slug in [m["slug"] for m in listed]
    assert detail["lessons_done"] == 0
    assert not detail["passed"]
    assert [lesson["slug"] for lesson in detail["lessons"]] == [ls.slug for ls in MODULE.lessons]


def test_an_attempt_never_sends_which_options_are_right(world):
    body = start(token_client(world.carer, world.org))

    assert len(body["questions"]) == MODULE.questions_per_attempt
    text = str(body)
    assert "correct" not in text
    assert "feedback" not in text


def test_answers_are_scored_on_the_server_and_a_pass_earns_a_badge(world):
    client = token_client(world.carer, world.org)
    attempt = QuizAttempt.objects.get(pk=start(client)["id"])

    response = answer(client, attempt.pk, right_answers(attempt))

    body = response.json()
    assert response.status_code == 200, body
    assert body["passed"]
    assert body["score"] == body["asked"] == MODULE.questions_per_attempt
    assert all("feedback" in o for q in body["review"] for o in q["options"])
    badge = Badge.objects.get(user=world.carer)
    assert body["badge"] == str(badge.public_id)
    assert AuditEvent.objects.filter(object_type="learning.quizattempt").get().channel == (
        Channel.API
    )

    badges = client.get(f"{BASE}/badges").json()
    assert [b["id"] for b in badges] == [str(badge.public_id)]
    assert badges[0]["valid"]
    assert badges[0]["credential"] == badge.token


def test_a_resubmitted_attempt_is_refused_and_changes_nothing(world):
    client = token_client(world.carer, world.org)
    attempt = QuizAttempt.objects.get(pk=start(client)["id"])
    answer(client, attempt.pk, wrong_answers(attempt))

    again = answer(client, attempt.pk, right_answers(attempt))

    assert again.status_code == 409
    assert again.json()["code"] == "already_submitted"
    attempt.refresh_from_db()
    assert attempt.passed is False
    assert not Badge.objects.exists()


def test_answers_to_questions_not_asked_are_refused_with_nothing_saved(world):
    client = token_client(world.carer, world.org)
    attempt = QuizAttempt.objects.get(pk=start(client)["id"])
    answers = {**right_answers(attempt), "not-a-question": ["a"]}

    response = answer(client, attempt.pk, answers)

    assert response.status_code == 409
    assert response.json()["code"] == "not_asked"
    attempt.refresh_from_db()
    assert attempt.submitted_at is None


def test_someone_elses_attempt_is_not_found(world):
    attempt = QuizAttempt.objects.get(pk=start(token_client(world.carer, world.org))["id"])

    response = answer(token_client(world.manager, world.org), attempt.pk, right_answers(attempt))

    assert response.status_code == 404
    attempt.refresh_from_db()
    assert attempt.submitted_at is None


def test_an_organisation_token_never_reads_anyones_learning(world):
    client = token_client(world.hr_admin, world.org, personal=False)

    response = client.get(f"{BASE}/modules")

    assert response.status_code == 403
    assert response.json()["code"] == "personal_token_required"


def test_a_leaver_keeps_their_badges_but_learns_no_more(world):
    client = token_client(world.carer, world.org)
    attempt = QuizAttempt.objects.get(pk=start(client)["id"])
    answer(client, attempt.pk, right_answers(attempt))
    world.carer_record.status = "left"
    world.carer_record.left_on = timezone.localdate()
    world.carer_record.save()

    assert client.get(f"{BASE}/modules").status_code == 403
    badges = client.get(f"{BASE}/badges")
    assert badges.status_code == 200
    assert len(badges.json()) == 1


def test_hr_reads_the_completion_figures_with_small_numbers_hidden(world):
    from learning.tests.learners import pass_, people

    pass_(people(world.org, 6), MODULE.slug)
    people(world.org, 6)
    client = token_client(world.hr_admin, world.org, personal=False)

    response = client.get(f"{BASE}/figures")

    assert response.status_code == 200
    aware = next(m for m in response.json() if m["module"] == MODULE.slug)
    everyone = next(g for g in aware["groups"] if g["group"] == "everyone")
    # The world's carer, manager and new manager are in post too, and have not passed.
    assert (everyone["passed"], everyone["not_passed"], everyone["total"]) == (6, 9, 15)
    assert all(
        value is None or value == 0 or value >= 5
        for m in response.json()
        for row in [*m["groups"], *m["units"]]
        for value in (row["passed"], row["not_passed"], row["total"])
    )
    assert "@" not in response.content.decode()


def test_the_figures_are_hrs_only(world):
    client = token_client(world.carer, world.org, personal=False)

    assert client.get(f"{BASE}/figures").status_code == 403
