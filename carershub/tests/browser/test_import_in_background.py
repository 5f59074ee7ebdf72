"""A large staff file, imported by a background task and followed on its status page.

Without JavaScript, and every page checked with axe-core.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from carershub.tests.browser.fixtures import Tab
from carershub.tests.browser.steps import NEW_STAFF, STAFF_CSV, sign_in, upload_staff_file
from carershub.tests.personas import TOTP_SECRET, World
from organisations.models import StaffImport, StaffImportStatus, StaffRecord
from organisations.services import staff_import_run_queued

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_hr_admin_follows_a_large_import_on_its_status_page(
    world: World, open_tab: Callable[..., Tab], settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    settings.STAFF_IMPORT_INLINE_ROWS = 2  # the three-row file counts as large
    # Queued tasks wait, as they would for a task worker, until the test runs them.
    settings.TASKS = {
        "default": {
            "BACKEND": "django.tasks.backends.dummy.DummyBackend",
            "QUEUES": settings.TASK_QUEUES,
        }
    }
    hr = open_tab(javascript=False)
    page = hr.page
    sign_in(hr, email=world.hr_admin.email, totp_secret=TOTP_SECRET)
    hr.goto(f"/o/{world.org.slug}/staff/import/")
    upload_staff_file(hr, STAFF_CSV)
    assert "imported in the background" in page.locator(".govuk-inset-text").inner_text()

    hr.follow(lambda: page.get_by_role("button", name="Import these changes").click())
    job = StaffImport.objects.get(organisation=world.org)
    assert hr.path() == f"/o/{world.org.slug}/staff/import/{job.pk}/status/"
    assert page.get_by_role("heading", level=1).inner_text() == "Your file is being imported"
    assert page.locator("[data-status]").inner_text() == "Waiting to start"
    assert job.status == StaffImportStatus.QUEUED
    assert not StaffRecord.objects.filter(organisation=world.org, staff_number="N100").exists()

    staff_import_run_queued(job_id=job.pk)  # what the task worker does
    hr.follow(lambda: page.get_by_role("link", name="Check again").click())
    assert page.get_by_role("heading", level=1).inner_text() == "Import complete"
    assert "3 added, 0 updated" in page.locator(".govuk-panel").inner_text()
    hr.follow(lambda: page.get_by_role("link", name="Go to the staff records").click())
    names = {name.strip() for name in page.locator("tbody tr td:first-child").all_inner_texts()}
    assert set(NEW_STAFF) <= names

    # The recent imports on the upload page link to the import's status page.
    hr.goto(f"/o/{world.org.slug}/staff/import/")
    hr.follow(lambda: page.get_by_role("link", name="staff.csv").click())
    assert page.get_by_role("heading", level=1).inner_text() == "Import complete"
