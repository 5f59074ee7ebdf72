"""A staff file kept in object storage between upload, preview and import.

Each test runs on an S3 bucket and an Azure Blob container, on real servers in their own
processes (``carershub/tests/object_stores.py``). The file is read back from the store as a
stream, by the page or by a background task, on whichever engine the database uses (the
chunked one on SQLite, COPY on PostgreSQL); each test checks what the store holds, and the
fixture fails any test that leaves a file on local disk.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from carershub.tests.personas import World
from organisations.models import StaffImport, StaffImportStatus, StaffRecord
from shared.storage import CHUNK_BYTES

pytestmark = pytest.mark.django_db
HEADER = b"Staff Number,First Name,Last Name,Email\n"
BAD = HEADER + b"Q1,Quinn,One,q1@example.org\nQ2,,Two,q2@example.org\n"


def staff_file(rows: int) -> bytes:
    """``rows`` new people; a few chunks long, so rows run across the chunks' edges."""
    return HEADER + b"".join(
        f"Q{n:05d},Quinn,Number {n:05d},quinn.number.{n:05d}@home-trust.example.org\n".encode()
        for n in range(1, rows + 1)
    )


def upload(client: Any, world: World, content: bytes) -> Any:
    client.force_login(world.hr_admin)
    return client.post(
        f"/o/{world.org.slug}/staff/import/",
        {"file": SimpleUploadedFile("staff.csv", content)},
    )


def imported(world: World) -> int:
    return StaffRecord.objects.filter(organisation=world.org, staff_number__startswith="Q").count()


def test_a_file_checked_while_hr_waits_is_kept_in_the_store_and_imported_from_it(
    client: Any, world: World, store: Any, django_capture_on_commit_callbacks: Any
) -> None:
    content = staff_file(2000)
    assert len(content) > 2 * CHUNK_BYTES
    response = upload(client, world, content)
    job = StaffImport.objects.get(organisation=world.org)
    assert response.status_code == 302, response.content.decode()
    assert job.status == StaffImportStatus.PREVIEWED
    assert store.keys() == [job.file.name]
    assert store.body(job.file.name) == content

    base = f"/o/{world.org.slug}/staff/import/{job.pk}/"
    assert "Number 00001" in client.get(base).content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # the file goes once it commits
        response = client.post(f"{base}confirm/")
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == StaffImportStatus.APPLIED, job.problems
    assert not job.file
    assert job.counts["add"] == 2000
    assert imported(world) == 2000
    assert store.keys() == []  # the file of personal data is gone once imported


def test_a_large_file_is_checked_and_imported_by_tasks_that_read_the_store(
    client: Any, world: World, store: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.STAFF_IMPORT_INLINE_BYTES = 10
    settings.STAFF_IMPORT_INLINE_ROWS = 2
    content = staff_file(2000)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, world, content)
    job = StaffImport.objects.get(organisation=world.org)
    assert job.status == StaffImportStatus.PREVIEWED, job.problems
    assert job.counts["add"] == 2000
    assert store.keys() == [job.file.name]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/o/{world.org.slug}/staff/import/{job.pk}/confirm/")
    assert response["Location"].endswith("/status/")
    job.refresh_from_db()
    assert job.status == StaffImportStatus.APPLIED
    assert imported(world) == 2000
    assert store.keys() == []


def test_a_file_the_background_check_refuses_is_deleted_from_the_store(
    client: Any, world: World, store: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.STAFF_IMPORT_INLINE_BYTES = 10
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, world, BAD)
    job = StaffImport.objects.get(organisation=world.org)
    assert job.status == StaffImportStatus.REJECTED
    assert job.problems["count"] == 1
    assert store.keys() == []
    assert imported(world) == 0


def test_a_discarded_preview_is_deleted_from_the_store(
    client: Any, world: World, store: Any
) -> None:
    upload(client, world, staff_file(3))
    job = StaffImport.objects.get(organisation=world.org)
    assert store.keys() == [job.file.name]
    client.post(f"/o/{world.org.slug}/staff/import/{job.pk}/discard/")
    job.refresh_from_db()
    assert job.status == StaffImportStatus.DISCARDED
    assert store.keys() == []
    assert imported(world) == 0
