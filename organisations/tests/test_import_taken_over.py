"""A staff import whose worker died is queued again, and only then.

The worker checking or applying a file records its heartbeat name on the import. When that
worker's heartbeat is gone or stale, ``staff_imports_take_over`` (run by the scheduler's
``recover_lost_work`` job) puts the import back as HR left it and queues its task again; the
test task backend runs the task as soon as it is queued, as a live worker would. The
multi-node test (``carershub/tests/multinode``) kills a real worker part-way instead.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from carershub.tests.personas import World
from organisations import staff_import
from organisations.models import StaffImport, StaffImportStatus, StaffRecord
from organisations.services import (
    staff_import_check_later,
    staff_import_queue,
    staff_import_run_queued,
    staff_import_stage,
    staff_imports_take_over,
)
from shared import heartbeat
from shared.models import WorkerHeartbeat

FILE = b"Staff Number,First Name,Last Name\nQ1,Quinn,One\nQ2,Quinn,Two\nQ3,Quinn,Three\n"


@pytest.fixture
def large(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    settings.STAFF_IMPORT_INLINE_ROWS = 2
    settings.STAFF_IMPORT_INLINE_BYTES = 10


@pytest.fixture(autouse=True)
def checking_worker(db: None) -> None:
    """The worker that runs the recovery check beats: with every heartbeat stale (the
    database just came back), the check waits for the beats to catch up instead."""
    _beat("web-1:1:runs-the-check", seconds_ago=1)


def test_nothing_is_taken_over_while_every_heartbeat_is_stale(
    world: World, large: None, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    job = _running(world, worker="web-9:130:dead", capture=django_capture_on_commit_callbacks)
    _beat("web-9:130:dead", seconds_ago=settings.WORKER_HEARTBEAT_TIMEOUT + 1)
    WorkerHeartbeat.objects.filter(name="web-1:1:runs-the-check").update(
        seen_at=timezone.now() - timedelta(seconds=settings.WORKER_HEARTBEAT_TIMEOUT + 1)
    )
    assert staff_imports_take_over() == 0
    job.refresh_from_db()
    assert job.status == StaffImportStatus.RUNNING


def _running(world: World, *, worker: str, capture: Any) -> StaffImport:
    """A confirmed import that a worker had marked as running when it stopped."""
    job, plan = staff_import_stage(
        organisation=world.org,
        upload=SimpleUploadedFile("staff.csv", FILE),
        mark_missing_as_left=False,
        by=world.hr_admin,
    )
    assert plan.ok, plan.errors
    with capture(execute=False):
        staff_import_queue(job=job, by=world.hr_admin)
    StaffImport.objects.filter(pk=job.pk).update(
        status=StaffImportStatus.RUNNING, started_at=timezone.now(), worker=worker
    )
    return job


def _beat(name: str, *, seconds_ago: float) -> None:
    seen = timezone.now() - timedelta(seconds=seconds_ago)
    WorkerHeartbeat.objects.create(name=name, started_at=seen, seen_at=seen)


def test_an_import_whose_worker_stopped_beating_is_applied_again(
    world: World, large: None, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    job = _running(world, worker="web-9:123:dead", capture=django_capture_on_commit_callbacks)
    _beat("web-9:123:dead", seconds_ago=settings.WORKER_HEARTBEAT_TIMEOUT + 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert staff_imports_take_over() == 1
    job.refresh_from_db()
    assert job.status == StaffImportStatus.APPLIED
    assert job.worker == ""
    assert job.confirmed_by == world.hr_admin
    numbers = StaffRecord.objects.filter(organisation=world.org, staff_number__startswith="Q")
    assert sorted(numbers.values_list("staff_number", flat=True)) == ["Q1", "Q2", "Q3"]
    # A second look finds nothing more to do.
    assert staff_imports_take_over() == 0


def test_a_worker_that_stopped_and_removed_its_heartbeat_counts_as_stopped(
    world: World, large: None, django_capture_on_commit_callbacks: Any
) -> None:
    # A second SIGTERM ends the task part-way; the worker then removes its heartbeat row.
    job = _running(world, worker="web-9:124:gone", capture=django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert staff_imports_take_over() == 1
    job.refresh_from_db()
    assert job.status == StaffImportStatus.QUEUED
    assert len(queued) == 1


def test_an_import_whose_worker_still_beats_is_left_alone(
    world: World, large: None, django_capture_on_commit_callbacks: Any
) -> None:
    job = _running(world, worker="web-9:125:alive", capture=django_capture_on_commit_callbacks)
    _beat("web-9:125:alive", seconds_ago=1)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert staff_imports_take_over() == 0
    job.refresh_from_db()
    assert job.status == StaffImportStatus.RUNNING
    assert job.worker == "web-9:125:alive"
    assert queued == []


def test_an_import_with_no_worker_named_is_left_to_housekeeping(
    world: World, large: None, django_capture_on_commit_callbacks: Any
) -> None:
    # Marked running by a worker from before workers were named: nobody can tell if it lives.
    job = _running(world, worker="", capture=django_capture_on_commit_callbacks)
    assert staff_imports_take_over() == 0
    job.refresh_from_db()
    assert job.status == StaffImportStatus.RUNNING


def test_a_file_being_checked_by_a_dead_worker_is_checked_again(
    world: World, large: None, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        job = staff_import_check_later(
            organisation=world.org,
            upload=SimpleUploadedFile("staff.csv", FILE),
            mark_missing_as_left=False,
            by=world.hr_admin,
        )
    StaffImport.objects.filter(pk=job.pk).update(worker="web-9:126:dead")
    _beat("web-9:126:dead", seconds_ago=settings.WORKER_HEARTBEAT_TIMEOUT + 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert staff_imports_take_over() == 1
    job.refresh_from_db()
    assert job.status == StaffImportStatus.PREVIEWED
    assert job.counts["rows"] == 3


def test_the_worker_running_an_import_is_recorded_on_it(
    world: World, large: None, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    job = _running(world, worker="", capture=django_capture_on_commit_callbacks)
    StaffImport.objects.filter(pk=job.pk).update(status=StaffImportStatus.QUEUED)
    monkeypatch.setattr(heartbeat, "_this_worker", "web-9:127:this")
    apply = staff_import.apply_import
    seen: list[str] = []

    def watching(**kwargs: Any) -> Any:
        seen.append(StaffImport.objects.get(pk=job.pk).worker)
        return apply(**kwargs)

    monkeypatch.setattr(staff_import, "apply_import", watching)
    staff_import_run_queued(job_id=job.pk)
    assert seen == ["web-9:127:this"]
    job.refresh_from_db()
    assert job.status == StaffImportStatus.APPLIED


@pytest.mark.parametrize(("seconds_ago", "taken"), [(61, 1), (1, 0)])
def test_on_postgresql_an_unlocked_import_running_too_long_is_taken_over_even_if_its_worker_beats(
    world: World,
    large: None,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
    seconds_ago: int,
    taken: int,
) -> None:
    """RQ runs each task in a child process: the child can die while its worker beats on.
    Nothing holds the import's row then, which on PostgreSQL is proof enough after a while."""
    if not connection.features.has_select_for_update_skip_locked:
        pytest.skip("SQLite has no row locks to tell a live import from a dead one")
    settings.WORKER_HEARTBEAT_TIMEOUT = 60
    job = _running(world, worker="web-9:128:beats", capture=django_capture_on_commit_callbacks)
    _beat("web-9:128:beats", seconds_ago=1)
    StaffImport.objects.filter(pk=job.pk).update(
        started_at=timezone.now() - timedelta(seconds=seconds_ago)
    )
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert staff_imports_take_over() == taken
    job.refresh_from_db()
    assert job.status == (StaffImportStatus.QUEUED if taken else StaffImportStatus.RUNNING)
    assert len(queued) == taken


def test_an_import_rolled_back_keeps_its_file_for_the_next_run(
    world: World, large: None, django_capture_on_commit_callbacks: Any
) -> None:
    """The file goes only once the import commits: a worker that dies at the commit leaves a
    job that can be run again, its file still there."""
    from django.db import transaction

    from organisations.services import _staff_import_apply

    job = _running(world, worker="web-9:129:dies", capture=django_capture_on_commit_callbacks)
    stored = job.file.name
    assert stored

    def applied_then_lost() -> None:
        with transaction.atomic():
            _staff_import_apply(job=job, by=world.hr_admin)
            raise RuntimeError("the connection was lost at the commit")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        applied_then_lost()
    assert job.file.storage.exists(stored)
    job.refresh_from_db()
    assert job.file.name == stored
    assert not StaffRecord.objects.filter(organisation=world.org, staff_number="Q1").exists()
