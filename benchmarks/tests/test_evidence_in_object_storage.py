"""Benchmark evidence kept in object storage: uploaded, downloaded, copied, removed.

Each test runs on an S3 bucket and an Azure Blob container, on real servers in their own
processes (``carershub/tests/object_stores.py``); each checks the store itself, and the
fixture fails any test that leaves a file on local disk.
"""

from __future__ import annotations

import hashlib
import tracemalloc
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from benchmarks.models import EvidenceFile
from benchmarks.services import (
    STORAGE_PREFIX,
    assessment_delete,
    assessment_sign_off,
    evidence_remove,
)
from benchmarks.tests import files
from benchmarks.tests.helpers import started, uploaded
from shared.storage import CHUNK_BYTES

pytestmark = pytest.mark.django_db
MIB = 1024 * 1024


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def download_url(world, item: EvidenceFile) -> str:
    return reverse(
        "benchmarks:evidence_download", args=[world.org.slug, item.assessment_id, item.pk]
    )


def minutes(size: int) -> bytes:
    """Plain text of ``size`` bytes, different on every line, so a misplaced chunk shows."""
    lines = b"".join(f"Minute {n:07d}: carers' network met.\n".encode() for n in range(size // 30))
    return (lines + b"x" * size)[:size]


def test_an_uploaded_file_goes_to_the_store_under_its_random_name(world, store):
    pdf = files.pdf()
    assessment = started(world)
    response = client_for(world.hr_admin).post(
        reverse("benchmarks:evidence_upload", args=[world.org.slug, assessment.pk, "policy"]),
        {"file": SimpleUploadedFile("Carers policy.pdf", pdf, "application/pdf")},
    )
    assert response.status_code == 302
    item = EvidenceFile.objects.get()
    assert item.stored_name.startswith(STORAGE_PREFIX)
    assert store.keys() == [item.stored_name]
    assert store.body(item.stored_name) == pdf


def test_a_download_streams_the_stored_bytes_unchanged(world, store):
    content = minutes(3 * CHUNK_BYTES + 123)  # several chunks and a part of one
    assessment = started(world)
    item = uploaded(world, assessment, name="Minutes.txt", content=content)
    response: Any = client_for(world.champion).get(download_url(world, item))
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="Minutes.txt"'
    assert response["Content-Length"] == str(len(content))
    assert response["X-Content-Type-Options"] == "nosniff"
    pieces = list(response.streaming_content)
    assert len(pieces) > 1
    assert max(len(piece) for piece in pieces) <= CHUNK_BYTES
    assert b"".join(pieces) == content


def test_a_large_download_holds_a_chunk_in_memory_not_the_file(world, store, settings):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 20 * MIB
    content = minutes(12 * MIB)
    assessment = started(world)
    item = uploaded(world, assessment, name="Minutes.txt", content=content)
    expected = hashlib.sha256(content).hexdigest()
    del content
    client = client_for(world.hr_admin)
    warm_up: Any = client.get(download_url(world, item))  # connections and models set up
    for _ in warm_up.streaming_content:
        pass
    digest = hashlib.sha256()
    tracemalloc.start()
    try:
        response: Any = client.get(download_url(world, item))
        for piece in response.streaming_content:  # closed at the end, as a server would
            digest.update(piece)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert digest.hexdigest() == expected
    assert peak < 4 * MIB, f"{peak:,} bytes held to send a 12 MiB file"


def test_a_file_missing_from_the_store_is_not_found(world, store):
    assessment = started(world)
    item = uploaded(world, assessment)
    store.delete(item.stored_name)
    assert client_for(world.hr_admin).get(download_url(world, item)).status_code == 404


def test_a_new_version_copies_each_file_to_a_new_object(world, store):
    content = minutes(2 * CHUNK_BYTES + 7)
    first = started(world)
    original = uploaded(world, first, name="Minutes.txt", content=content)
    assessment_sign_off(assessment=first, by=world.hr_admin, today=timezone.localdate())
    second = started(world, based_on=first)
    copy = EvidenceFile.objects.get(assessment=second)
    assert copy.stored_name != original.stored_name
    assert store.keys() == sorted([original.stored_name, copy.stored_name])
    assert store.body(copy.stored_name) == content


def test_removing_a_file_or_a_draft_deletes_the_objects(
    world, store, django_capture_on_commit_callbacks
):
    assessment = started(world)
    kept = uploaded(world, assessment, name="Kept.pdf")
    removed = uploaded(world, assessment, name="Removed.pdf")
    with django_capture_on_commit_callbacks(execute=True):
        evidence_remove(item=removed, by=world.hr_admin)
    assert store.keys() == [kept.stored_name]
    with django_capture_on_commit_callbacks(execute=True):
        assessment_delete(assessment=assessment, by=world.hr_admin)
    assert store.keys() == []
