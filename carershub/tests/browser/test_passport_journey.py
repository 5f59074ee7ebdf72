"""The passport from first declaration to deletion, in Chromium with axe-core.

Identify as a carer, fill the passport, share it; the manager notes a conversation and
agrees; both sign; the carer downloads the PDF; the line manager changes and the new
one is asked for; the carer downloads their data and deletes it all.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from accounts.selectors import display_name
from audit.models import Channel
from carershub.tests.browser.fixtures import Tab
from carershub.tests.browser.steps import sign_in
from carershub.tests.personas import World
from organisations.models import StaffRecord
from organisations.services import staff_record_update
from passports.models import AgreedVersion, CarerDeclaration, Passport

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _download(tab: Tab, link_name: str, tmp_path: Path) -> bytes:
    with tab.page.expect_download() as info:
        tab.page.get_by_role("link", name=link_name).click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    return target.read_bytes()


def test_passport_from_declaration_to_deletion(
    world: World, open_tab: Callable[..., Tab], tmp_path: Path
) -> None:
    org = world.org.slug
    carer = open_tab()
    page = carer.page
    sign_in(carer, email=world.carer.email)
    carer.follow(lambda: page.get_by_role("link", name="Carers at work and your passport").click())
    carer.screenshot("carer-home")
    carer.follow(lambda: page.get_by_role("link", name="I am a carer").click())
    page.get_by_label("A parent or parent-in-law").check()
    page.get_by_label("Frailty or older age").check()
    page.get_by_label("10 to 19 hours a week").check()
    page.get_by_label("Share my passport with my line manager").check()
    carer.follow(lambda: page.get_by_role("button", name="Save").click())
    assert carer.path().startswith(f"/o/{org}/passports/")

    carer.follow(lambda: page.get_by_role("link", name="Change what I have written").click())
    page.get_by_label("About my caring role").fill("I help my father each morning before work.")
    page.get_by_label("Plan B: who can step in").fill("My brother, who lives nearby.")
    carer.follow(lambda: page.get_by_role("button", name="Save").click())
    carer.follow(lambda: page.get_by_role("link", name="Ask for something that would help").click())
    # Nothing chosen: the error summary says so and the details typed stay.
    page.get_by_label("Details").fill("Start any time between 8 and 9:30")
    carer.follow(lambda: page.get_by_role("button", name="Add").click())
    assert "There is a problem" in page.locator(".govuk-error-summary").inner_text()
    assert page.get_by_label("Details").input_value() == "Start any time between 8 and 9:30"
    page.get_by_label("Flexible start and finish times").check()
    carer.follow(lambda: page.get_by_role("button", name="Add").click())
    carer.screenshot("passport-draft")

    manager = open_tab()
    mpage = manager.page
    sign_in(manager, email=world.manager.email)
    manager.follow(lambda: mpage.get_by_role("link", name="Passports shared with you").click())
    manager.follow(lambda: mpage.get_by_role("link", name=world.carer_record.full_name).click())
    assert "I help my father each morning" in mpage.content()
    manager.follow(lambda: mpage.get_by_role("link", name="Note a conversation").click())
    mpage.get_by_label("What did you talk about and agree?").fill(
        "Talked through mornings; agreed a flexible start."
    )
    manager.follow(lambda: mpage.get_by_role("button", name="Add note").click())
    manager.follow(
        lambda: mpage.get_by_role("link", name="Change Flexible start and finish times").click()
    )
    mpage.get_by_label("Agreed").check()
    manager.follow(lambda: mpage.get_by_role("button", name="Save").click())
    manager.follow(lambda: mpage.get_by_role("button", name="Sign this draft").click())
    assert "waiting for the carer to sign" in mpage.content()

    carer.follow(lambda: page.reload())
    assert "Talked through mornings" in page.content()
    carer.follow(lambda: page.get_by_role("button", name="Sign this draft").click())
    assert "agreed version 1" in page.content()
    assert AgreedVersion.objects.filter(passport__staff=world.carer_record).count() == 1
    carer.screenshot("passport-agreed")
    carer.follow(lambda: page.get_by_role("link", name="Version 1, agreed").click())
    pdf = _download(carer, "Download as PDF", tmp_path)
    assert pdf.startswith(b"%PDF")
    page.get_by_label("Also include my Plan B").check()
    carer.follow(lambda: page.get_by_role("button", name="Get a signed copy").click())
    assert len(page.locator("[data-holder-code]").inner_text()) == 14  # shown once, to keep
    with page.expect_download() as info:
        page.get_by_role("button", name="Download signed credential").click()
    info.value.save_as(tmp_path / "passport.jwt")
    _header, payload, _signature = (tmp_path / "passport.jwt").read_text().split(".")
    subject = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert "planB" in subject["credentialSubject"]  # ticked
    assert "aboutCaringRole" not in subject["credentialSubject"]  # not ticked

    # HR moves the carer to a new line manager: the old one is cut off at once.
    staff_record_update(
        record=world.carer_record,
        data={"line_manager": StaffRecord.objects.get(user=world.new_manager)},
        by=world.hr_admin,
        channel=Channel.WEB,
    )
    passport = Passport.objects.get(staff=world.carer_record)
    # Fetched with the manager's cookies but not shown: a 404 page would log a console error.
    refused = mpage.request.get(f"{manager.base_url}/o/{org}/passports/{passport.pk}/")
    assert refused.status == 404
    carer.goto(f"/o/{org}/passports/{passport.pk}/")
    assert "Your line manager has changed" in page.content()
    carer.follow(lambda: page.get_by_role("button", name="Share with").click())

    new_manager = open_tab()
    npage = new_manager.page
    sign_in(new_manager, email=world.new_manager.email)
    new_manager.follow(lambda: npage.get_by_role("link", name="Passports shared with you").click())
    new_manager.follow(lambda: npage.get_by_role("link", name=world.carer_record.full_name).click())
    assert "agreed version 1" in npage.content()  # the agreement still stands

    carer.goto(f"/o/{org}/carer/")
    data = json.loads(
        _download(carer, "Download everything about me (JSON, for other systems)", tmp_path)
    )
    assert data["passport"]["agreed_versions"][0]["number"] == 1
    carer.follow(lambda: page.get_by_role("link", name="Who has seen my passport").click())
    assert display_name(world.new_manager) in page.content()  # named, not by email address
    carer.goto(f"/o/{org}/carer/")
    carer.follow(
        lambda: page.get_by_role("link", name="Delete my declaration and passport").click()
    )
    carer.follow(lambda: page.get_by_role("button", name="Delete everything").click())
    assert "Tick the box" in page.locator(".govuk-error-summary").inner_text()
    page.get_by_label("I understand this deletes everything for good").check()
    carer.follow(lambda: page.get_by_role("button", name="Delete everything").click())
    assert "deleted for good" in page.content()
    assert not Passport.objects.exists()
    assert not CarerDeclaration.objects.exists()
