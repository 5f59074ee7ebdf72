from __future__ import annotations

from datetime import timedelta

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from carershub.tasks import daily_housekeeping
from organisations.invitations import invitation_send
from organisations.models import Invitation, Role, StaffImportStatus
from organisations.services import staff_import_stage
from shared.models import FormSubmission


def test_daily_housekeeping_removes_unconfirmed_staff_files_and_old_invitations(
    world, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    upload = SimpleUploadedFile("staff.csv", b"Staff Number,First Name,Last Name\n1,A,B\n")
    job, _plan = staff_import_stage(
        organisation=world.org, upload=upload, mark_missing_as_left=False, by=world.hr_admin
    )
    stored = tmp_path / job.file.name
    assert stored.exists()
    invitation_send(
        organisation=world.org,
        email="late@example.org",
        role=Role.EMPLOYEE,
        staff_record=None,
        by=world.hr_admin,
    )

    with time_machine.travel(timezone.now() + timedelta(days=2)):
        daily_housekeeping.call()
    job.refresh_from_db()
    assert job.status == StaffImportStatus.DISCARDED
    assert not stored.exists()
    assert (
        Invitation.objects.count() == 1
    )  # expired invitations are kept 30 days for the audit trail

    with time_machine.travel(timezone.now() + timedelta(days=45)):
        result = daily_housekeeping.call()
    assert Invitation.objects.count() == 0
    assert result == {
        "staff_files": 0,
        "invitations": 1,
        "emails": 1,  # the invitation's, sent at once by the test's task backend
        "form_tokens": 0,
        "worker_heartbeats": 0,
    }


def test_daily_housekeeping_forgets_form_tokens_used_more_than_a_day_ago(world):
    """A used one-time token only has to outlive a repeat of its form (shared/once.py)."""
    FormSubmission.objects.create(user=world.carer, token="a" * 22, path="/", location="/")

    with time_machine.travel(timezone.now() + timedelta(hours=23)):
        assert daily_housekeeping.call()["form_tokens"] == 0
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        assert daily_housekeeping.call()["form_tokens"] == 1
    assert not FormSubmission.objects.exists()


def test_confirmed_import_files_are_deleted_at_once(
    world, settings, tmp_path, django_capture_on_commit_callbacks
):
    """At once, that is as soon as the import commits (not before: see organisations'
    ``_file_dropped_on_commit``)."""
    from organisations.services import staff_import_confirm

    settings.MEDIA_ROOT = str(tmp_path)
    upload = SimpleUploadedFile("staff.csv", b"Staff Number,First Name,Last Name\nN1,A,B\n")
    job, _plan = staff_import_stage(
        organisation=world.org, upload=upload, mark_missing_as_left=False, by=world.hr_admin
    )
    stored = tmp_path / job.file.name
    with django_capture_on_commit_callbacks(execute=True):
        staff_import_confirm(job=job, by=world.hr_admin)
        assert stored.exists()  # kept until the import commits
    assert not stored.exists()
    job.refresh_from_db()
    assert job.status == StaffImportStatus.APPLIED


def test_a_task_left_running_by_a_dead_worker_is_marked_failed_then_pruned(db, settings):
    from django_tasks_db.models import DBTaskResult

    from carershub.tasks import recover_lost_work
    from shared.emails import send_rendered_email

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}
    }
    # A task from before the outbox, carrying an email's text, whose worker was killed.
    queued = send_rendered_email.enqueue(
        subject="s", text="personal", html="", to=["a@example.org"]
    )
    DBTaskResult.objects.filter(id=queued.id).update(status="RUNNING", started_at=timezone.now())

    with time_machine.travel(timezone.now() + timedelta(minutes=50)):
        recover_lost_work.call()
    assert DBTaskResult.objects.get(id=queued.id).status == "RUNNING"  # it might still be going
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        recover_lost_work.call()
    stuck = DBTaskResult.objects.get(id=queued.id)
    assert (stuck.status, stuck.exception_class_path) == ("FAILED", "shared.queue.WorkerStopped")

    with time_machine.travel(timezone.now() + timedelta(days=15)):
        daily_housekeeping.call()
    assert not DBTaskResult.objects.filter(id=queued.id).exists()
