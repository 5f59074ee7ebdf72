"""Action plans in Chromium with axe-core.

(a) A line manager writes a personal plan with a goal, two criterion rows and a first
step, without JavaScript, and downloads it. (b) HR opens the organisation's strategy
plan, reports progress with a RAG status, and downloads the PDF.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from django.urls import resolve
from pypdf import PdfReader

from carershub.tests.browser.fixtures import Tab
from carershub.tests.browser.steps import sign_in
from carershub.tests.browser.test_every_page import _links
from carershub.tests.personas import TOTP_SECRET, World
from plans.criteria import criterion_titles
from plans.models import PersonalPlan, ProgressEntry
from plans.tests.helpers import personal_plan, strategy_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _download(tab: Tab, link_name: str, tmp_path: Path) -> bytes:
    with tab.page.expect_download() as info:
        tab.page.get_by_role("link", name=link_name).click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    return target.read_bytes()


def _pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)
    return " ".join(text.split())  # table cells wrap their lines


def _criterion(tab: Tab, row: int, ref: str, title: str) -> None:
    """Pick the criterion from the shipped frameworks' list."""
    assert criterion_titles()[ref] == title
    tab.page.locator(f"#id_rows-{row}-criterion").select_option(ref)


def test_a_manager_writes_a_personal_plan_without_javascript_and_downloads_it(
    world: World, open_tab: Callable[..., Tab], tmp_path: Path
) -> None:
    tab = open_tab(javascript=False)
    page = tab.page
    sign_in(tab, email=world.manager.email)
    tab.follow(lambda: page.get_by_role("link", name="Action plans").click())
    tab.follow(lambda: page.get_by_role("button", name="Start a personal plan").click())

    # No name yet: the error summary says so and what was typed stays.
    page.get_by_label("My long-term goal").fill("A team where carers feel able to say so.")
    page.locator("#id_rows-0-action").fill("Find out how staff can tell us they are carers.")
    tab.follow(lambda: page.get_by_role("button", name="Save plan").click())
    assert "Enter a name for the plan." in page.locator(".govuk-error-summary").inner_text()
    assert page.get_by_label("My long-term goal").input_value().startswith("A team where")
    assert not PersonalPlan.objects.exists()

    page.get_by_label("Name of the plan").fill("Carer Positive in my team")
    _criterion(tab, 0, "carer-positive:identification", "Identification of carers")
    page.locator("#id_rows-0-help_from").fill("HR")
    page.locator("#id_rows-0-due_on").fill("2026-06-09")
    # A second blank row is offered already; "Add another row" gives a third, keeping all.
    tab.follow(lambda: page.get_by_role("button", name="Add another row").click())
    assert page.locator("#id_rows-2-action").count() == 1
    assert page.locator("#id_rows-0-help_from").input_value() == "HR"
    _criterion(tab, 1, "carer-positive:peer-support", "Peer support")
    page.locator("#id_rows-1-action").fill("Ask the champion when the network meets.")
    page.locator("#id_rows-1-due_note").fill("At the next team meeting")
    page.get_by_label("The first step I am going to take will be to…").fill(
        "Phone HR this afternoon about our carers policy."
    )
    page.get_by_label("When I will take the first step (optional)").fill("2026-06-02")
    tab.follow(lambda: page.get_by_role("button", name="Save plan").click())

    plan = PersonalPlan.objects.get()
    assert tab.path() == f"/o/{world.org.slug}/plans/personal/{plan.pk}/"
    assert [row.action for row in plan.rows.all()] == [
        "Find out how staff can tell us they are carers.",
        "Ask the champion when the network meets.",
    ]
    assert plan.first_step_on == date(2026, 6, 2)
    assert "Only you can see this plan" in page.content()
    tab.screenshot("plans-personal")

    text = _pdf_text(_download(tab, "Download as PDF", tmp_path))
    for expected in (
        "My action plan",
        "A team where carers feel able to say so.",
        "Identification of carers",
        "Peer support",
        "At the next team meeting",
        "Phone HR this afternoon",
    ):
        assert expected in text, expected
    csv_file = _download(tab, "Download as CSV", tmp_path).decode()
    assert "The first step I am going to take" in csv_file


def test_hr_reports_progress_with_a_rag_status_and_downloads_the_pdf(
    world: World, open_tab: Callable[..., Tab], tmp_path: Path
) -> None:
    plan, action = strategy_plan(world)
    tab = open_tab()
    page = tab.page
    sign_in(tab, email=world.hr_admin.email, totp_secret=TOTP_SECRET)
    tab.follow(lambda: page.get_by_role("link", name="Action plans").click())
    tab.follow(lambda: page.get_by_role("link", name=plan.title).click())
    assert "Nothing reported" in page.content()
    tab.follow(lambda: page.get_by_role("link", name="Add progress to action point 2.1.1").click())

    # Without a status the form comes back with the text kept.
    page.get_by_label("What has happened").fill("Posters are up on half the wards.")
    tab.follow(lambda: page.get_by_role("button", name="Add progress").click())
    assert "Choose red, amber or green." in page.locator(".govuk-error-summary").inner_text()
    assert page.get_by_label("What has happened").input_value().startswith("Posters are up")
    page.get_by_label("Amber: at risk").check()
    page.get_by_label("2026/27").check()
    tab.follow(lambda: page.get_by_role("button", name="Add progress").click())

    assert tab.path() == f"/o/{world.org.slug}/plans/org/{plan.pk}/"
    card = page.locator(".govuk-summary-card", has_text="2.1.1")
    assert "Amber" in card.inner_text()
    assert "Posters are up on half the wards." in card.inner_text()
    entry = ProgressEntry.objects.get()
    assert (entry.action_id, entry.rag, entry.by) == (action.pk, "amber", world.hr_admin)
    tab.screenshot("plans-strategy")

    text = _pdf_text(_download(tab, "Download as PDF", tmp_path))
    for expected in ("Carers' strategy action plan", "2.1.1", "Amber", "Posters are up"):
        assert expected in text, expected


def _crawl_plans(tab: Tab, start: str) -> set[str]:
    """Every page linked from ``start`` under the plans area, one per URL pattern."""
    queue, routes = [start], set()
    while queue:
        path = queue.pop(0)
        route = resolve(path).route
        if route in routes:
            continue
        routes.add(route)
        response = tab.goto(path)
        assert response is not None
        assert response.ok, f"{path} answered {response.status}"
        queue.extend(link for link in _links(tab) if link.startswith(start))
    return routes


def test_every_plans_page_passes_axe(world: World, open_tab: Callable[..., Tab]) -> None:
    strategy_plan(world)
    personal_plan(world, owner="hr_admin")
    tab = open_tab()
    sign_in(tab, email=world.hr_admin.email, totp_secret=TOTP_SECRET)
    routes = _crawl_plans(tab, f"/o/{world.org.slug}/plans/")
    prefix = "o/<slug:org_slug>/plans/"
    assert {
        prefix + path
        for path in (
            "",
            "calendar/",
            "personal/new/",
            "personal/<int:pk>/",
            "personal/<int:pk>/edit/",
            "personal/<int:pk>/share/",
            "personal/<int:pk>/delete/",
            "org/",
            "org/new/",
            "org/<int:pk>/",
            "org/<int:pk>/edit/",
            "org/<int:pk>/priorities/new/",
            "org/<int:pk>/priorities/<int:priority_pk>/edit/",
            "org/<int:pk>/actions/new/",
            "org/<int:pk>/actions/<int:action_pk>/",
            "org/<int:pk>/actions/<int:action_pk>/edit/",
            "org/<int:pk>/actions/<int:action_pk>/progress/",
        )
    } <= routes
