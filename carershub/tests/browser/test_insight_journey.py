"""Insight in Chromium with axe-core: HR sees the three figures on the home page, opens every
figure with its charts and tables and downloads them; the partnership lead opens the members'
figures added up. No page shows a count from 1 to 4."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

import pytest

from carershub.tests.browser.fixtures import Tab
from carershub.tests.browser.steps import sign_in
from carershub.tests.personas import TOTP_SECRET, World
from organisations.tests.factories import (
    OrganisationFactory,
    StaffRecordFactory,
    UnitFactory,
)
from passports.models import CarerDeclaration

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _people(world: World) -> None:
    # A partnership shows figures once three members have them.
    third = OrganisationFactory.create(partnership=world.partnership, slug="third", name="Third")
    for organisation in (world.other_org, third):
        unit = UnitFactory.create(organisation=organisation, code="WX", name="Ward X")
        made = StaffRecordFactory.create_batch(30, organisation=organisation, unit=unit)
        for record in made[:8]:
            CarerDeclaration.objects.create(staff=record, include_in_counts=True)
    for code, name, n, carers, hours in (
        ("W2", "Ward 2", 40, 12, "37.5"),
        ("W3", "Ward 3 with a long name that has to wrap on a narrow screen", 10, 2, "20"),
        ("W4", "Ward 4", 25, 6, "12"),
    ):
        unit = UnitFactory.create(organisation=world.org, code=code, name=name)
        made = StaffRecordFactory.create_batch(
            n, organisation=world.org, unit=unit, hours_per_week=Decimal(hours)
        )
        for record in made[:carers]:
            CarerDeclaration.objects.create(staff=record, include_in_counts=True)


def _no_small_count(text: str) -> None:
    figures = re.findall(r"data-figure=\"[a-z_]+\">([^<]*)<", text)
    assert figures
    assert not [figure for figure in figures if re.fullmatch(r"[1-4]", figure.strip())]


def test_hr_reads_the_figures_and_the_lead_reads_the_partnership(
    world: World, open_tab: Callable[..., Tab]
) -> None:
    _people(world)
    hr = open_tab()
    page = hr.page
    sign_in(hr, email=world.hr_admin.email, totp_secret=TOTP_SECRET)
    hr.goto(f"/o/{world.org.slug}/")
    block = page.locator("#figures-heading").locator("..")
    assert "Carers who chose to be counted" in block.inner_text()
    _no_small_count(page.content())
    hr.follow(
        lambda: page.get_by_role("link", name="See all the figures, charts and exports").click()
    )
    assert page.get_by_role("heading", name="Figures", exact=True).is_visible()
    assert page.locator("[data-chart=by_unit] table").is_visible()
    assert "fewer than 5" in page.locator("[data-chart=by_unit]").inner_text()
    _no_small_count(page.content())
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as CSV").click()
    assert download.value.suggested_filename.endswith(".csv")

    lead = open_tab()
    lpage = lead.page
    sign_in(lead, email=world.lead.email, totp_secret=TOTP_SECRET)
    lead.goto(f"/p/{world.partnership.slug}/")
    lead.follow(
        lambda: lpage.get_by_role("link", name=re.compile("The partnership's figures")).click()
    )
    assert lpage.get_by_role("heading", name="The partnership's figures").is_visible()
    _no_small_count(lpage.content())
