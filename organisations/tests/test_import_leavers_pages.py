"""The import pages when marking the missing as left: counts first, then HR's explicit tick.

The preview says how many people in post the file would mark as left and how many passport
shares and deputyships that ends (counts only); confirming needs a tick stating the number,
and above the limit a second one. Nothing is written without them (docs/staff-import.md).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEvent
from carershub.tests.personas import World
from organisations.models import StaffImport, StaffImportStatus, StaffRecord, StaffStatus
from organisations.tests.factories import StaffRecordFactory
from passports.models import Passport, PassportShare

HEADER = b"Staff Number,First Name,Last Name\n"


@pytest.fixture
def staffed(world: World, settings: Any, tmp_path: Any) -> list[str]:
    """Twenty-seven more people in post (X03 to X29); X27 shares a passport with X28."""
    settings.MEDIA_ROOT = str(tmp_path)
    records = {
        f"X{n:02}": StaffRecordFactory.create(
            organisation=world.org, staff_number=f"X{n:02}", first_name="Ex", last_name=f"{n:02}"
        )
        for n in range(3, 30)
    }
    records["X27"].line_manager = records["X28"]
    records["X27"].save()
    PassportShare.objects.create(
        passport=Passport.objects.create(staff=records["X27"]), with_staff=records["X28"]
    )
    return list(
        StaffRecord.objects.filter(organisation=world.org, status=StaffStatus.ACTIVE).values_list(
            "staff_number", flat=True
        )
    )


def _file(numbers: list[str], *missing: str) -> bytes:
    rows = [f"{n},Kept,{n}\n".encode() for n in numbers if n not in missing]
    return HEADER + b"".join(rows)


def _upload(client: Any, world: World, content: bytes) -> StaffImport:
    client.force_login(world.hr_admin)
    response = client.post(
        f"/o/{world.org.slug}/staff/import/",
        {"file": SimpleUploadedFile("staff.csv", content), "mark_missing_as_left": "on"},
    )
    assert response.status_code == 302, response.content.decode()
    return StaffImport.objects.get(organisation=world.org)


def _count(page: str, name: str) -> str:
    found = re.search(rf'data-count="{name}">([^<]*)<', page)
    assert found, name
    return found.group(1).strip()


def test_the_preview_says_how_many_would_leave_and_what_ends_and_needs_a_tick(
    client: Any, world: World, staffed: list[str]
) -> None:
    job = _upload(client, world, _file(staffed, "X27", "X28", "X29"))
    base = f"/o/{world.org.slug}/staff/import/{job.pk}/"
    page = client.get(base).content.decode()
    assert _count(page, "in_post") == str(len(staffed))
    assert _count(page, "mark_left") == "3"
    # One share ends: shown as fewer than 5, so that it points at nobody (trust rule 3).
    assert _count(page, "shares_ending") == "fewer than 5"
    assert _count(page, "deputyships_ending") == "0"
    assert "Mark 3 people as left" in page
    assert 'data-warning="above-limit"' not in page

    response = client.post(f"{base}confirm/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert "Tick to confirm that 3 people should be marked as left" in page
    assert StaffImport.objects.get(pk=job.pk).status == StaffImportStatus.PREVIEWED
    assert StaffRecord.objects.get(organisation=world.org, staff_number="X29").status == "active"

    response = client.post(f"{base}confirm/", {"confirm_left": "on"}, follow=True)
    assert "3 marked as left" in response.content.decode()
    job.refresh_from_db()
    assert (job.status, job.left_confirmed, job.left_forced) == (
        StaffImportStatus.APPLIED,
        3,
        False,
    )
    assert StaffRecord.objects.get(organisation=world.org, staff_number="X29").status == "left"


def test_above_the_limit_hr_must_also_tick_that_they_mean_it(
    client: Any, world: World, staffed: list[str]
) -> None:
    kept = staffed[:3]
    job = _upload(client, world, _file(kept))
    leaving = len(staffed) - 3
    base = f"/o/{world.org.slug}/staff/import/{job.pk}/"
    page = client.get(base).content.decode()
    assert 'data-warning="above-limit"' in page
    assert f"would mark {leaving} of the {len(staffed)} people in post as left" in page
    assert "more than the usual limit of 10" in page

    page = client.post(f"{base}confirm/", {"confirm_left": "on"}).content.decode()
    assert "Tick to confirm that you mean to mark more people as left than the limit allows" in page
    assert re.search(r'<input[^>]*name="confirm_left"[^>]*checked', page)  # kept as ticked
    assert (
        not StaffRecord.objects.filter(organisation=world.org, status="left")
        .exclude(staff_number__startswith="L")
        .exists()
    )

    client.post(f"{base}confirm/", {"confirm_left": "on", "force": "on"})
    job.refresh_from_db()
    assert job.status == StaffImportStatus.APPLIED
    assert job.left_forced
    summary = AuditEvent.objects.get(object_type="organisations.organisation")
    assert summary.changes["left_forced"] is True
    assert summary.actor_id == world.hr_admin.pk


def test_a_file_whose_leavers_changed_since_the_preview_writes_nothing(
    client: Any, world: World, staffed: list[str]
) -> None:
    job = _upload(client, world, _file(staffed, "X29"))
    StaffRecordFactory.create(
        organisation=world.org, staff_number="NEW", first_name="Late", last_name="Starter"
    )
    response = client.post(
        f"/o/{world.org.slug}/staff/import/{job.pk}/confirm/", {"confirm_left": "on"}, follow=True
    )
    assert "no longer applies cleanly" in response.content.decode()
    assert StaffImport.objects.get(pk=job.pk).status == StaffImportStatus.REJECTED
    assert StaffRecord.objects.get(organisation=world.org, staff_number="X29").status == "active"


def test_a_large_file_keeps_what_hr_confirmed_for_the_task(
    client: Any,
    world: World,
    staffed: list[str],
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.STAFF_IMPORT_INLINE_ROWS = 2
    job = _upload(client, world, _file(staffed, "X29"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/o/{world.org.slug}/staff/import/{job.pk}/confirm/", {"confirm_left": "on"}
        )
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.left_confirmed) == (StaffImportStatus.APPLIED, 1)
    assert StaffRecord.objects.get(organisation=world.org, staff_number="X29").status == "left"
