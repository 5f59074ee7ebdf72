"""Carer Aware in Chromium with axe-core, on a phone-sized screen: read the lessons, fail the
quiz, read the feedback, try again with other questions, and pass."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import ViewportSize

from carershub.tests.browser.fixtures import Tab
from carershub.tests.browser.steps import sign_in
from carershub.tests.personas import World
from learning.content import modules
from learning.models import QuizAttempt

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE: ViewportSize = {"width": 375, "height": 740}
MODULE = modules()["carer-aware"]


def _answer(tab: Tab, attempt: QuizAttempt, *, right: bool) -> None:
    """Tick each question's right options, or one wrong option, as a learner would."""
    for question_id in attempt.questions:
        question = MODULE.question(question_id)
        assert question is not None
        wanted = [
            i
            for i, option in enumerate(question.options)
            if (option.correct if right else not option.correct)
        ]
        for index in wanted if right else wanted[:1]:
            tab.page.locator(f"label[for='id_q_{question_id}_{index}']").click()


def test_a_carer_takes_carer_aware_on_a_phone_fails_retries_and_passes(
    world: World, open_tab: Callable[..., Tab]
) -> None:
    tab = open_tab()
    page = tab.page
    page.set_viewport_size(PHONE)
    sign_in(tab, email=world.carer.email)
    tab.follow(lambda: page.get_by_role("link", name="Learning", exact=True).click())
    tab.follow(lambda: page.get_by_role("link", name="Carer Aware").click())
    tab.follow(lambda: page.get_by_role("link", name=MODULE.lessons[0].title).click())
    for lesson in MODULE.lessons[:-1]:
        assert page.get_by_role("heading", level=1).inner_text() == lesson.title
        tab.follow(lambda: page.get_by_role("button", name="Mark as done and continue").click())
    tab.follow(lambda: page.get_by_role("button", name="Mark as done and go to the quiz").click())
    tab.follow(lambda: page.get_by_role("button", name="Start the quiz").click())

    # Submitting with nothing ticked: the error summary lists every question.
    tab.follow(lambda: page.get_by_role("button", name="Submit answers").click())
    assert page.locator(".govuk-error-summary li").count() == MODULE.questions_per_attempt

    first = QuizAttempt.objects.get(user=world.carer)
    _answer(tab, first, right=False)
    tab.follow(lambda: page.get_by_role("button", name="Submit answers").click())
    assert "You did not pass this time" in page.content()
    assert page.locator(".app-quiz-review").count() == MODULE.questions_per_attempt

    tab.follow(lambda: page.get_by_role("button", name="Try the quiz again").click())
    retry = QuizAttempt.objects.get(user=world.carer, submitted_at__isnull=True)
    assert not set(retry.questions) & set(first.questions)
    _answer(tab, retry, right=True)
    tab.follow(lambda: page.get_by_role("button", name="Submit answers").click())
    assert page.get_by_role("heading", name="You passed").is_visible()

    tab.follow(lambda: page.get_by_role("link", name="Back to all learning").click())
    assert "Passed" in page.locator(".govuk-task-list").inner_text()


def test_a_line_manager_writes_a_reflection_fixes_a_too_long_step_and_plans_it(
    world: World, open_tab: Callable[..., Tab]
) -> None:
    tab = open_tab()
    page = tab.page
    page.set_viewport_size(PHONE)
    sign_in(tab, email=world.manager.email)
    tab.follow(lambda: page.get_by_role("link", name="Learning", exact=True).click())
    tab.follow(lambda: page.get_by_role("link", name="Your reflection log").click())
    tab.follow(lambda: page.get_by_role("link", name="Treat them as equal partners").click())
    assert page.get_by_role(
        "heading", name="Questions to think about as a line manager"
    ).is_visible()

    page.get_by_label("My notes").fill("Qwimble notes on agreeing changes")
    page.get_by_label("The first step I will take").fill("x" * 1001)
    tab.follow(lambda: page.get_by_role("button", name="Save my reflection").click())
    assert "must be 1000 characters or fewer" in page.locator(".govuk-error-summary").inner_text()
    assert page.get_by_label("My notes").input_value() == "Qwimble notes on agreeing changes"

    page.get_by_label("The first step I will take").fill("Ask Qwimble how the rota suits them")
    tab.follow(lambda: page.get_by_role("button", name="Save my reflection").click())
    assert "Your reflection is saved." in page.content()
    tab.follow(lambda: page.get_by_role("button", name="Add this step to my personal plan").click())
    assert "added this step" in page.content()
    tab.follow(lambda: page.get_by_role("link", name="Open the plan").click())
    assert "Ask Qwimble how the rota suits them" in page.content()
