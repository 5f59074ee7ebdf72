"""The main journeys work with JavaScript off: plain forms and links."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from carershub.tests.browser.fixtures import Tab
from carershub.tests.browser.steps import (
    BAD_ROW,
    NEW_STAFF,
    STAFF_CSV,
    STAFF_CSV_WITH_BAD_ROW,
    error_rows,
    preview_counts,
    sign_in,
    upload_staff_file,
)
from carershub.tests.personas import TOTP_SECRET, World
from organisations.models import Membership, Role, StaffRecord

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_hr_admin_signs_in_and_imports_staff_without_javascript(
    world: World, open_tab: Callable[..., Tab]
) -> None:
    Membership.objects.create(user=world.hr_admin, organisation=world.other_org, role=Role.EMPLOYEE)
    home = f"/o/{world.org.slug}/"
    hr = open_tab(javascript=False)
    page = hr.page
    assert page.evaluate("document.body.classList.contains('js-enabled')") is False

    sign_in(hr, email=world.hr_admin.email, totp_secret=TOTP_SECRET)
    assert hr.path() == home

    hr.follow(lambda: page.get_by_role("link", name="Import staff").click())
    upload_staff_file(hr, STAFF_CSV_WITH_BAD_ROW)
    assert error_rows(hr) == [BAD_ROW]
    assert not StaffRecord.objects.filter(organisation=world.org, staff_number="N100").exists()

    upload_staff_file(hr, STAFF_CSV)
    assert re.fullmatch(rf"{home}staff/import/\d+/", hr.path())
    assert preview_counts(hr)["add"] == "3"
    hr.follow(lambda: page.get_by_role("button", name="Import these changes").click())
    assert hr.path() == f"{home}staff/"
    assert "Import complete: 3 added" in page.locator(".govuk-notification-banner").inner_text()
    staff_names = {
        name.strip() for name in page.locator("tbody tr td:first-child").all_inner_texts()
    }
    assert set(NEW_STAFF) <= staff_names

    # The organisation switcher is a plain form too.
    page.get_by_label("Organisation").select_option(label="Other Council")
    hr.follow(lambda: page.get_by_role("button", name="Switch").click())
    assert hr.path() == f"/o/{world.other_org.slug}/"
