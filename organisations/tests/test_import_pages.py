"""The import pages: small files while HR waits, large ones by a background task."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from audit.models import AuditEvent, Channel
from carershub.tests.personas import World
from carershub.tests.queued import queued_tasks
from organisations import staff_import
from organisations.models import StaffImport, StaffImportStatus, StaffRecord
from organisations.services import (
    staff_import_queue,
    staff_import_run_queued,
    staff_import_stage,
    staff_imports_purge_stale,
)

FILE = b"Staff Number,First Name,Last Name\nQ1,Quinn,One\nQ2,Quinn,Two\nQ3,Quinn,Three\n"


@pytest.fixture
def large(settings: Any, tmp_path: Any) -> None:
    """Any file of more than two rows counts as large here."""
    settings.MEDIA_ROOT = str(tmp_path)
    settings.STAFF_IMPORT_INLINE_ROWS = 2


def _staged(world: World, content: bytes = FILE) -> StaffImport:
    job, plan = staff_import_stage(
        organisation=world.org,
        upload=SimpleUploadedFile("staff.csv", content),
        mark_missing_as_left=False,
        by=world.hr_admin,
    )
    assert plan.ok, plan.errors
    return job


def test_a_large_file_is_queued_and_the_status_page_follows_it(
    client: Any, world: World, large: None, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(world.hr_admin)
    job = _staged(world)
    base = f"/o/{world.org.slug}/staff/import/{job.pk}/"
    assert "imported in the background" in client.get(base).content.decode()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(f"{base}confirm/")
    assert response.status_code == 302
    assert response["Location"] == f"{base}status/"
    job.refresh_from_db()
    assert job.status == StaffImportStatus.QUEUED
    assert job.confirmed_by == world.hr_admin
    assert not StaffRecord.objects.filter(staff_number="Q1").exists()
    page = client.get(f"{base}status/").content.decode()
    assert "Your file is being imported" in page
    assert "Waiting to start" in page
    assert f'href="{base}status/"' in page  # a plain link to look again: no script needed
    assert "http-equiv" not in page

    # The worker picks it up (the test backend runs a task as soon as it is queued).
    assert len(queued_tasks(callbacks)) == 1
    queued_tasks(callbacks)[0]()
    job.refresh_from_db()
    assert job.status == StaffImportStatus.APPLIED
    assert job.started_at is not None
    assert job.finished_at is not None
    assert not job.file
    assert StaffRecord.objects.filter(organisation=world.org, staff_number="Q3").exists()
    event = AuditEvent.objects.get(
        object_type="organisations.staffrecord", summary="Added Q1 by import"
    )
    assert (event.actor_id, event.channel) == (world.hr_admin.pk, Channel.IMPORT)
    page = client.get(f"{base}status/").content.decode()
    assert "Import complete: 3 added, 0 updated, 0 unchanged, 0 marked as left." in page


def test_a_queued_import_cannot_be_confirmed_again(
    client: Any, world: World, large: None, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(world.hr_admin)
    job = _staged(world)
    with django_capture_on_commit_callbacks(execute=False):
        client.post(f"/o/{world.org.slug}/staff/import/{job.pk}/confirm/")
        response = client.post(f"/o/{world.org.slug}/staff/import/{job.pk}/confirm/", follow=True)
    assert "This import has already been dealt with." in response.content.decode()
    assert StaffImport.objects.get(pk=job.pk).status == StaffImportStatus.QUEUED


def test_records_changed_while_queued_mean_nothing_is_imported(
    client: Any, world: World, large: None, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(world.hr_admin)
    content = b"Staff Number,First Name,Last Name,Line Manager Staff Number\nQ1,Quinn,One,M001\nQ2,Quinn,Two,Q1\nQ3,Quinn,Three,Q1\n"
    job = _staged(world, content)
    with django_capture_on_commit_callbacks(execute=True):
        StaffRecord.objects.filter(organisation=world.org, staff_number="M001").update(
            status="left"
        )
        client.post(f"/o/{world.org.slug}/staff/import/{job.pk}/confirm/")
    job.refresh_from_db()
    assert job.status == StaffImportStatus.REJECTED
    assert not StaffRecord.objects.filter(staff_number="Q1").exists()
    page = client.get(f"/o/{world.org.slug}/staff/import/{job.pk}/status/").content.decode()
    assert "no longer applies cleanly" in page


def test_an_import_that_fails_is_marked_failed_its_file_deleted_and_nothing_written(
    world: World, large: None, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    job = _staged(world)
    stored = job.file.path

    def broken(**kwargs: Any) -> Any:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(staff_import, "apply_import", broken)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        staff_import_queue(job=job, by=world.hr_admin)
    queued_tasks(callbacks)[0]()  # the task backend records the task as failed
    job.refresh_from_db()
    assert job.status == StaffImportStatus.FAILED
    assert not job.file
    assert not Path(stored).exists()
    assert not StaffRecord.objects.filter(staff_number="Q1").exists()


def test_the_task_leaves_a_job_that_is_no_longer_queued_alone(world: World, large: None) -> None:
    job = _staged(world)
    assert staff_import_run_queued(job_id=job.pk) == {}
    job.refresh_from_db()
    assert job.status == StaffImportStatus.PREVIEWED


def test_housekeeping_fails_an_import_whose_worker_never_finished(
    world: World, large: None, django_capture_on_commit_callbacks: Any
) -> None:
    job = _staged(world)
    with django_capture_on_commit_callbacks(execute=False):
        staff_import_queue(job=job, by=world.hr_admin)
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        assert staff_imports_purge_stale() == 1
    job.refresh_from_db()
    assert job.status == StaffImportStatus.FAILED
    assert not job.file


def test_a_small_file_is_still_imported_while_hr_waits(
    client: Any, world: World, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    client.force_login(world.hr_admin)
    job = _staged(world)
    response = client.post(f"/o/{world.org.slug}/staff/import/{job.pk}/confirm/", follow=True)
    assert "Import complete: 3 added" in response.content.decode()
    assert StaffImport.objects.get(pk=job.pk).status == StaffImportStatus.APPLIED


def test_the_status_page_of_a_checked_file_points_to_its_preview(
    client: Any, world: World, large: None
) -> None:
    client.force_login(world.hr_admin)
    job = _staged(world)
    page = client.get(f"/o/{world.org.slug}/staff/import/{job.pk}/status/").content.decode()
    assert f'href="/o/{world.org.slug}/staff/import/{job.pk}/"' in page


def test_the_status_page_only_answers_get(client: Any, world: World, large: None) -> None:
    client.force_login(world.hr_admin)
    job = _staged(world)
    response = client.post(f"/o/{world.org.slug}/staff/import/{job.pk}/status/")
    assert response.status_code == 405


def test_the_upload_page_counts_every_problem_and_lists_the_first_two_hundred(
    client: Any, world: World, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    client.force_login(world.hr_admin)
    rows = "".join(f"Z{n},,Nameless\n" for n in range(1500))
    upload = SimpleUploadedFile(
        "staff.csv", ("Staff Number,First Name,Last Name\n" + rows).encode()
    )
    response = client.post(f"/o/{world.org.slug}/staff/import/", {"file": upload})
    html = response.content.decode()
    assert "The file has 1500 problems. Nothing was imported." in html
    assert "And 1300 more problems." in html
    assert html.count("is missing") == 200
