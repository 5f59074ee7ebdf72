"""A deployment admin sets up a partnership's organisations from a file, in Chromium: signed in
with a second factor, a bad file's error summary, the preview, the confirmation; every page
passes axe-core at WCAG 2.2 AA (docs/organisation-setup.md)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from playwright.sync_api import FilePayload

from carershub.tests.browser.fixtures import Tab
from carershub.tests.browser.steps import error_rows, preview_counts, sign_in
from carershub.tests.personas import TOTP_SECRET
from organisations.models import Organisation, Unit
from organisations.tests.factories import PartnershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EXAMPLE = (Path(settings.BASE_DIR) / "docs" / "examples" / "organisation-setup.csv").read_bytes()


def _upload(tab: Tab, content: bytes) -> None:
    page = tab.page
    page.get_by_label("Partnership").select_option(label="Northfield Care Partnership")
    upload: FilePayload = {"name": "northfield.csv", "mimeType": "text/csv", "buffer": content}
    page.get_by_label("Organisations and units file (CSV)").set_input_files(files=[upload])
    tab.follow(lambda: page.get_by_role("button", name="Check the file").click())


def test_a_deployment_admin_checks_a_file_then_sets_it_up(open_tab: Callable[..., Tab]) -> None:
    root = UserFactory.create(email="root@example.org", is_superuser=True, is_staff=True)
    TOTP.activate(root, TOTP_SECRET)
    partnership = PartnershipFactory.create(name="Northfield Care Partnership", slug="northfield")
    tab = open_tab()
    page = tab.page
    sign_in(tab, email=root.email, totp_secret=TOTP_SECRET)
    tab.goto("/setup/organisations/")
    assert page.get_by_role("heading", level=1).inner_text() == "Set up organisations from a file"

    _upload(tab, EXAMPLE.replace(b"England,NHS", b"Atlantis,NHS"))
    assert page.locator(".govuk-error-summary").is_visible()
    assert [row[:2] for row in error_rows(tab)] == [("2", "Nation")]
    assert not Organisation.objects.exists()

    _upload(tab, EXAMPLE)
    assert preview_counts(tab)["organisations_created"] == "3"
    assert preview_counts(tab)["units_created"] == "8"
    tab.follow(
        lambda: page.get_by_role("button", name="Set up these organisations and units").click()
    )
    assert page.get_by_text("3 organisations created").is_visible()
    assert Organisation.objects.filter(partnership=partnership).count() == 3
    assert Unit.objects.filter(organisation__partnership=partnership).count() == 8
    tab.assert_every_page_scanned()
