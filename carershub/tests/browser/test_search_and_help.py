"""Search from the header and help from anywhere: HR finds a member of staff and opens their
record; a line manager finds their own team member; a visitor reads help without signing in.
Every page on the way passes axe-core and reflows at 320 px."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from carershub.tests.browser.fixtures import Tab
from carershub.tests.browser.steps import sign_in
from carershub.tests.personas import TOTP_SECRET, World
from organisations.models import StaffRecord

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _search(tab: Tab, words: str) -> None:
    page = tab.page
    nav = page.get_by_role("navigation", name="Menu")
    tab.follow(lambda: nav.get_by_role("link", name="Search").click())
    page.get_by_label("Search for a person or for help").fill(words)
    tab.follow(lambda: page.get_by_role("button", name="Search").click())


def test_hr_finds_a_member_of_staff_and_opens_their_record(
    world: World, open_tab: Callable[..., Tab]
) -> None:
    StaffRecord.objects.filter(pk=world.carer_record.pk).update(
        first_name="Ada", last_name="Lovelace"
    )
    tab = open_tab()
    sign_in(tab, email=world.hr_admin.email, totp_secret=TOTP_SECRET)
    tab.goto(f"/o/{world.org.slug}/")
    _search(tab, "lovelace")
    people = tab.page.get_by_role("list", name="People found")
    tab.follow(lambda: people.get_by_role("link", name="Ada Lovelace").click())
    assert tab.path() == f"/o/{world.org.slug}/staff/{world.carer_record.pk}/"
    # Too long a search is an error that keeps what was typed.
    _search(tab, "x" * 101)
    assert tab.page.locator(".govuk-error-summary").is_visible()
    assert tab.page.get_by_label("Search for a person or for help").input_value() == "x" * 101
    tab.assert_every_page_scanned()


def test_a_line_manager_finds_their_team_member_and_help(
    world: World, open_tab: Callable[..., Tab]
) -> None:
    StaffRecord.objects.filter(pk=world.carer_record.pk).update(
        first_name="Ada", last_name="Lovelace"
    )
    tab = open_tab()
    sign_in(tab, email=world.manager.email)
    tab.goto(f"/o/{world.org.slug}/")
    _search(tab, "ada")
    people = tab.page.get_by_role("list", name="People found")
    assert people.inner_text().startswith("Ada Lovelace")
    tab.follow(lambda: people.get_by_role("link", name="Ada Lovelace").click())
    assert tab.path() == f"/o/{world.org.slug}/team/"
    _search(tab, "postpone")
    tab.follow(
        lambda: tab.page.get_by_role("link", name="Deciding a carer's leave request").click()
    )
    assert tab.path() == "/help/carers-leave-deciding/"
    tab.assert_every_page_scanned()


def test_a_visitor_reads_help_from_the_footer_without_signing_in(
    open_tab: Callable[..., Tab],
) -> None:
    tab = open_tab()
    tab.goto("/")
    footer = tab.page.locator("footer")
    tab.follow(lambda: footer.get_by_role("link", name="Help").click())
    assert tab.path() == "/help/"
    tab.follow(lambda: tab.page.get_by_role("link", name="Asking for carer's leave").click())
    assert tab.page.get_by_role("heading", name="What the law says").is_visible()
    tab.screenshot("help-page")
    tab.follow(lambda: tab.page.get_by_role("link", name="Glossary").first.click())
    assert tab.path() == "/help/glossary/"
    tab.assert_every_page_scanned()
