"""Large staff files are checked by a background task, small ones while HR waits.

Checking a national-size file takes longer than a web request may, so above
``STAFF_IMPORT_INLINE_BYTES`` the upload is stored and checked by ``check_staff_import``,
and HR follows it on the import's status page (docs/staff-import.md, "Large files").
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from audit.models import AuditEvent
from carershub.tests.personas import World
from carershub.tests.queued import queued_tasks
from organisations import staff_import
from organisations.models import StaffImport, StaffImportStatus, StaffRecord
from organisations.services import (
    staff_import_check_later,
    staff_import_checks_inline,
    staff_import_run_check,
    staff_imports_purge_stale,
)

FILE = b"Staff Number,First Name,Last Name\nQ1,Quinn,One\nQ2,Quinn,Two\nQ3,Quinn,Three\n"
#: Line 3 has no first name; line 4 repeats line 2's staff number.
BAD_FILE = b"Staff Number,First Name,Last Name\nQ1,Quinn,One\nQ2,,Two\nQ1,Quinn,Again\n"


@pytest.fixture
def media(settings: Any, tmp_path: Any) -> Path:
    settings.MEDIA_ROOT = str(tmp_path)
    return Path(tmp_path)


@pytest.fixture
def large(media: Path) -> Any:
    """Any file of more than 10 bytes counts as large here."""
    with override_settings(STAFF_IMPORT_INLINE_BYTES=10):
        yield


def _upload(client: Any, world: World, content: bytes = FILE, **data: Any) -> Any:
    client.force_login(world.hr_admin)
    return client.post(
        f"/o/{world.org.slug}/staff/import/",
        {"file": SimpleUploadedFile("staff.csv", content), **data},
    )


def _stored(media: Path, job: StaffImport) -> Path:
    assert job.file.name is not None, "the job keeps its file"
    return media / job.file.name


def test_the_size_in_bytes_decides_where_a_file_is_checked() -> None:
    with override_settings(STAFF_IMPORT_INLINE_BYTES=100):
        assert staff_import_checks_inline(size=100)
        assert not staff_import_checks_inline(size=101)


def test_a_small_file_is_still_checked_while_hr_waits(
    client: Any, world: World, media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = _upload(client, world)
    assert queued_tasks(callbacks) == []  # no task queued
    job = StaffImport.objects.get(organisation=world.org)
    assert response.status_code == 302
    assert response["Location"] == f"/o/{world.org.slug}/staff/import/{job.pk}/"
    assert job.status == StaffImportStatus.PREVIEWED
    assert job.counts["add"] == 3


def test_a_small_file_with_problems_is_still_reported_on_the_upload_page(
    client: Any, world: World, media: Path
) -> None:
    response = _upload(client, world, BAD_FILE, mark_missing_as_left="on")
    html = response.content.decode()
    assert response.status_code == 200
    assert "The file has 2 problems. Nothing was imported." in html
    assert "Each problem, by line of the file" in html
    assert "already appears on line 2" in html
    # What was typed is kept: the box is still ticked.
    box = re.search(r'<input[^>]*name="mark_missing_as_left"[^>]*>', html)
    assert box is not None
    assert "checked" in box.group()
    job = StaffImport.objects.get(organisation=world.org)
    assert job.status == StaffImportStatus.REJECTED
    assert not job.file
    assert list(media.rglob("*.csv")) == []
    # The page showed the problems: the job keeps their number only, not what they quote.
    assert job.problems == {"count": 2, "listed": []}
    page = client.get(f"/o/{world.org.slug}/staff/import/{job.pk}/status/").content.decode()
    assert "The file has 2 problems. Nothing was imported." in page
    assert "its problems are no longer listed" in page
    assert "already appears" not in page
    assert "no longer applies cleanly" not in page


def test_a_large_file_is_checked_by_a_task_and_the_status_page_links_to_its_preview(
    client: Any, world: World, large: None, media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = _upload(client, world)
    job = StaffImport.objects.get(organisation=world.org)
    base = f"/o/{world.org.slug}/staff/import/{job.pk}/"
    assert response.status_code == 302
    assert response["Location"] == f"{base}status/"
    assert job.status == StaffImportStatus.CHECKING
    assert job.counts == {}
    assert _stored(media, job).read_bytes() == FILE

    page = client.get(f"{base}status/").content.decode()
    assert "Checking your file…" in page
    assert 'data-status="checking"' in page
    assert f'href="{base}status/"' in page  # a plain link to look again: no script needed
    assert f'href="{base}"' not in page  # no preview yet
    assert client.get(base)["Location"] == f"{base}status/"
    refused = client.post(f"{base}confirm/", follow=True).content.decode()
    assert "This import has already been dealt with." in refused

    # The worker picks it up (the test backend runs a task as soon as it is queued).
    assert len(queued_tasks(callbacks)) == 1
    queued_tasks(callbacks)[0]()
    job.refresh_from_db()
    assert job.status == StaffImportStatus.PREVIEWED
    assert job.counts == {
        "rows": 3,
        "add": 3,
        "update": 0,
        "unchanged": 0,
        "mark_left": 0,
        "errors": 0,
    }
    assert [row["staff_number"] for row in job.preview["add"]] == ["Q1", "Q2", "Q3"]
    assert job.problems == {}
    assert _stored(media, job).exists()  # kept for the confirmation
    page = client.get(f"{base}status/").content.decode()
    assert "Waiting for you to confirm" in page
    assert f'href="{base}"' in page
    assert 'data-count="add">3<' in client.get(base).content.decode()

    # Nothing was written by the check; confirming then imports the (three-row) file now.
    assert not StaffRecord.objects.filter(organisation=world.org, staff_number="Q1").exists()
    done = client.post(f"{base}confirm/", follow=True).content.decode()
    assert "Import complete: 3 added" in done


def test_checking_is_audited_the_same_way_on_both_paths(
    client: Any, world: World, media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    """Checking writes no record, so neither path writes an audit entry; applying does."""
    before = AuditEvent.objects.count()
    _upload(client, world)
    inline = AuditEvent.objects.count() - before
    with (
        override_settings(STAFF_IMPORT_INLINE_BYTES=10),
        django_capture_on_commit_callbacks(execute=True),
    ):
        _upload(client, world)
    assert StaffImport.objects.filter(status=StaffImportStatus.PREVIEWED).count() == 2
    assert AuditEvent.objects.count() - before == inline == 0


def test_a_large_file_with_problems_lists_them_on_the_status_page_and_is_deleted(
    client: Any, world: World, large: None, media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, world, BAD_FILE)
    job = StaffImport.objects.get(organisation=world.org)
    assert job.status == StaffImportStatus.REJECTED
    assert not job.file
    assert list(media.rglob("*.csv")) == []
    assert job.problems["count"] == 2
    assert [(p["line"], p["column"]) for p in job.problems["listed"]] == [
        (3, "First Name"),
        (4, "Staff Number"),
    ]
    page = client.get(f"/o/{world.org.slug}/staff/import/{job.pk}/status/").content.decode()
    assert "<title>Error:" in page
    assert "The file has 2 problems. Nothing was imported." in page
    assert 'href="#import-errors"' in page
    assert "Each problem, by line of the file" in page
    assert "is missing" in page
    assert "“Q1” already appears on line 2" in page
    assert "no longer applies cleanly" not in page
    assert f'href="/o/{world.org.slug}/staff/import/"' in page


def test_the_status_page_lists_the_first_two_hundred_problems_of_a_large_file(
    client: Any, world: World, large: None, django_capture_on_commit_callbacks: Any
) -> None:
    rows = "".join(f"Z{n},,Nameless\n" for n in range(250))
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, world, ("Staff Number,First Name,Last Name\n" + rows).encode())
    job = StaffImport.objects.get(organisation=world.org)
    assert job.problems["count"] == 250
    assert len(job.problems["listed"]) == 200
    page = client.get(f"/o/{world.org.slug}/staff/import/{job.pk}/status/").content.decode()
    assert "The file has 250 problems. Nothing was imported." in page
    assert page.count("is missing") == 200
    assert "And 50 more problems." in page


def test_a_second_run_of_the_check_does_nothing(
    client: Any, world: World, large: None, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, world)
    job = StaffImport.objects.get(organisation=world.org)
    assert job.status == StaffImportStatus.PREVIEWED
    stored = (job.file.name, job.counts, job.preview)
    assert staff_import_run_check(job_id=job.pk) == {}
    job.refresh_from_db()
    assert (job.status, job.file.name, job.counts, job.preview) == (
        StaffImportStatus.PREVIEWED,
        *stored,
    )


def test_the_check_leaves_a_job_given_up_on_meanwhile_alone(
    world: World, large: None, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = staff_import_check_later(
            organisation=world.org,
            upload=SimpleUploadedFile("staff.csv", FILE),
            mark_missing_as_left=False,
            by=world.hr_admin,
        )
    # Its worker never came: a day later housekeeping fails it and deletes the file.
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        assert staff_imports_purge_stale() == 1
    job.refresh_from_db()
    assert job.status == StaffImportStatus.FAILED
    assert not job.file
    queued_tasks(callbacks)[0]()  # the task turns up late
    job.refresh_from_db()
    assert job.status == StaffImportStatus.FAILED
    assert job.counts == {}


def test_a_check_that_fails_for_another_reason_fails_the_job_and_deletes_the_file(
    client: Any,
    world: World,
    large: None,
    media: Path,
    monkeypatch: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    def broken(**kwargs: Any) -> Any:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(staff_import, "plan_import", broken)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _upload(client, world)
    job = StaffImport.objects.get(organisation=world.org)
    assert _stored(media, job).exists()
    queued_tasks(callbacks)[0]()  # the task backend records the task as failed
    job.refresh_from_db()
    assert job.status == StaffImportStatus.FAILED
    assert not job.file
    assert list(media.rglob("*.csv")) == []
    page = client.get(f"/o/{world.org.slug}/staff/import/{job.pk}/status/").content.decode()
    assert "Nothing was imported and the file has been deleted." in page


def test_housekeeping_removes_the_list_of_problems_after_a_day_and_keeps_their_number(
    client: Any, world: World, large: None, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, world, BAD_FILE)
    job = StaffImport.objects.get(organisation=world.org)
    staff_imports_purge_stale()
    job.refresh_from_db()
    assert len(job.problems["listed"]) == 2  # not yet a day old
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        staff_imports_purge_stale()
    job.refresh_from_db()
    assert job.problems == {"count": 2, "listed": []}
    page = client.get(f"/o/{world.org.slug}/staff/import/{job.pk}/status/").content.decode()
    assert "The file has 2 problems. Nothing was imported." in page
    assert "already appears" not in page


def test_another_organisations_hr_cannot_see_a_file_being_checked(
    client: Any, world: World, large: None, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        _upload(client, world)
    job = StaffImport.objects.get(organisation=world.org)
    client.force_login(world.outsider)
    slug = world.other_org.slug
    assert client.get(f"/o/{slug}/staff/import/{job.pk}/status/").status_code == 404
    assert client.get(f"/o/{slug}/staff/import/{job.pk}/").status_code == 404
