"""An HR admin's first day, in Chromium: every page passes axe-core at WCAG 2.2 AA."""

from __future__ import annotations

import re
from collections.abc import Callable
from email.message import Message

import pytest

from carershub.tests.browser.fixtures import Tab
from carershub.tests.browser.steps import (
    BAD_ROW,
    NEW_STAFF,
    PASSWORD,
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

INVITATION_LINK = re.compile(r"https?://\S+/accounts/invitation/[\w-]+/")


def _invitation_link(message: Message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            text = payload.decode(part.get_content_charset() or "utf-8")
            found = INVITATION_LINK.search(text)
            if found:
                return found.group(0)
    raise AssertionError(f"No invitation link in the email: {message.as_string()}")


def test_hr_admin_signs_in_imports_staff_invites_a_colleague_and_switches_organisation(
    world: World, open_tab: Callable[..., Tab], smtp_sink: list[Message]
) -> None:
    hr_admin = world.hr_admin
    # A fixed name keeps the screenshots in docs/ stable from run to run.
    hr_admin.first_name, hr_admin.last_name = "Priya", "Shah"
    hr_admin.save(update_fields=["first_name", "last_name"])
    Membership.objects.create(user=hr_admin, organisation=world.other_org, role=Role.EMPLOYEE)
    home = f"/o/{world.org.slug}/"

    hr = open_tab()
    page = hr.page
    sign_in(hr, email=hr_admin.email, totp_secret=TOTP_SECRET, screenshot=True)
    assert hr.path() == home
    assert page.get_by_role("heading", level=1).inner_text() == "Hello, Priya"
    hr.screenshot("hr-home")

    # A file with one malformed email address: every problem listed, nothing written.
    hr.follow(lambda: page.get_by_role("link", name="Import staff").click())
    assert hr.path() == f"{home}staff/import/"
    upload_staff_file(hr, STAFF_CSV_WITH_BAD_ROW)
    assert (
        "The file has 1 problem. Nothing was imported."
        in page.locator(".govuk-error-summary").inner_text()
    )
    assert error_rows(hr) == [BAD_ROW]
    assert not StaffRecord.objects.filter(
        organisation=world.org, staff_number__in=["N100", "N101", "N102"]
    ).exists()
    hr.screenshot("import-errors")

    # The corrected file: a preview of the changes, then the import itself.
    upload_staff_file(hr, STAFF_CSV)
    assert re.fullmatch(rf"{home}staff/import/\d+/", hr.path())
    assert preview_counts(hr) == {
        "rows": "3",
        "add": "3",
        "update": "0",
        "unchanged": "0",
        "mark_left": "None (not asked for)",
    }
    hr.screenshot("import-preview")
    hr.follow(lambda: page.get_by_role("button", name="Import these changes").click())
    assert hr.path() == f"{home}staff/"
    assert (
        "Import complete: 3 added, 0 updated, 0 unchanged, 0 marked as left."
        in page.locator(".govuk-notification-banner--success").inner_text()
    )
    staff_names = page.locator("tbody tr td:first-child").all_inner_texts()
    assert set(NEW_STAFF) <= {name.strip() for name in staff_names}

    # Invite one of the new starters, linked to their staff record.
    hr.goto(home)
    hr.follow(lambda: page.get_by_role("link", name="Invite a colleague").click())
    page.get_by_label("Email address").fill("amara.okafor@example.org")
    page.get_by_label("Employee", exact=True).check()
    # A mistyped staff number: the error summary points at it and what was typed stays.
    page.get_by_label("Their staff number (optional)").fill("N1000")
    hr.follow(lambda: page.get_by_role("button", name="Send invitation").click())
    assert (
        "No member of staff has this staff number."
        in page.locator(".govuk-error-summary").inner_text()
    )
    assert page.get_by_label("Email address").input_value() == "amara.okafor@example.org"
    assert not smtp_sink
    page.get_by_label("Their staff number (optional)").fill("N100")
    hr.follow(lambda: page.get_by_role("button", name="Send invitation").click())
    assert (
        "Invitation sent to amara.okafor@example.org."
        in page.locator(".govuk-notification-banner").inner_text()
    )
    assert len(smtp_sink) == 1
    invitation = smtp_sink[0]
    assert invitation["To"] == "amara.okafor@example.org"
    assert invitation["Subject"] == "You are invited to join Home Trust on Working Carers Hub"

    # The colleague, in a browser of their own, follows the link and joins.
    colleague = open_tab()
    link = _invitation_link(invitation)
    assert link.startswith(colleague.base_url)
    colleague.goto(link.removeprefix(colleague.base_url))
    their_page = colleague.page
    their_page.get_by_label("First name").fill("Amara")
    their_page.get_by_label("Last name").fill("Okafor")
    their_page.get_by_label("Choose a password").fill(PASSWORD)
    colleague.follow(
        lambda: their_page.get_by_role("button", name="Create account and join").click()
    )
    assert colleague.path() == home
    assert (
        "Welcome. You have joined Home Trust."
        in their_page.locator(".govuk-notification-banner").inner_text()
    )
    assert their_page.get_by_role("heading", level=1).inner_text() == "Hello, Amara"
    joined = StaffRecord.objects.select_related("user").get(
        organisation=world.org, staff_number="N100"
    )
    assert joined.user is not None
    assert joined.user.email == "amara.okafor@example.org"

    # Back to HR, who also works for a second organisation: the header switcher moves them there.
    page.get_by_label("Organisation").select_option(label="Other Council")
    hr.follow(lambda: page.get_by_role("button", name="Switch").click())
    assert hr.path() == f"/o/{world.other_org.slug}/"
    assert page.locator(".govuk-caption-l").inner_text() == "Other Council"
    assert page.get_by_label("Organisation").input_value() == world.other_org.slug
