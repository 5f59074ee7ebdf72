"""Writes to tenant data. Views, the API, commands and tasks all come through here."""

from __future__ import annotations

import logging
from dataclasses import asdict
from datetime import date, timedelta
from decimal import Decimal
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import Action, Channel
from audit.services import audit_record
from organisations import setup_import, staff_import
from organisations.leaving import end_stale_ties
from organisations.models import (
    MFA_ROLES,
    Membership,
    Organisation,
    Partnership,
    PartnershipLead,
    Role,
    StaffImport,
    StaffImportStatus,
    StaffRecord,
    StaffStatus,
    Unit,
)
from organisations.selectors import forget_roles
from organisations.setup_import import SetupPlan
from shared.heartbeat import current_worker, workers_alive_names
from shared.languages import is_language
from shared.queue import enqueue_on_commit
from shared.text import clean_filename
from shared.writes import EditConflict, RuleError, check_version, lock

logger = logging.getLogger(__name__)

STAFF_FIELDS = (
    "staff_number",
    "first_name",
    "last_name",
    "work_email",
    "unit",
    "line_manager",
    "days_per_week",
    "hours_per_week",
    "working_days",
    "works_bank_holidays",
    "start_date",
)


def _staff_conflict() -> EditConflict:
    return EditConflict(
        _(
            "Someone else changed this record while you were editing it. "
            "Your changes have not been saved: open the record again to see theirs."
        )
    )


def lock_organisation(organisation_id: int) -> None:
    """Take the organisation's row lock. Writers to an organisation's staff take it first, in
    the same order as the import, so an import and a single edit never interleave (trust rule
    8); other apps take it to serialise per-organisation changes (one active signing key)."""
    lock(Organisation, organisation_id)


def _check_manager(
    *, record: StaffRecord | None, organisation: Organisation, manager: StaffRecord | None
) -> None:
    """A line manager must be in the same organisation and must not close a loop."""
    if manager is None:
        return
    if manager.organisation_id != organisation.pk:
        raise ValidationError({"line_manager": _("Choose a line manager from this organisation.")})
    if manager.status != StaffStatus.ACTIVE:
        raise ValidationError(
            {"line_manager": _("This person has left, so cannot be a line manager.")}
        )
    if record is None or record.pk is None:
        return
    seen: set[int] = set()
    current: StaffRecord | None = manager
    while current is not None and current.pk not in seen:
        if current.pk == record.pk:
            raise ValidationError(
                {"line_manager": _("This would make line management go round in a circle.")}
            )
        seen.add(current.pk)
        current = current.line_manager
    return


def _check_unit(*, organisation: Organisation, unit: Unit | None) -> None:
    if unit is not None and unit.organisation_id != organisation.pk:
        raise ValidationError({"unit": _("Choose a unit of this organisation.")})


def _snapshot(record: StaffRecord) -> dict[str, Any]:
    """Typed values, so 5 and 5.0 days compare equal and a repeated update changes nothing."""
    values: dict[str, Any] = {}
    for name in STAFF_FIELDS:
        values[name] = getattr(record, f"{name}_id" if name in {"unit", "line_manager"} else name)
    values["status"] = record.status
    return values


def _jsonable(value: Any) -> str:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return "" if value is None else str(value)


@transaction.atomic
def staff_record_create(
    *, organisation: Organisation, data: dict[str, Any], by: User | None, channel: Channel
) -> StaffRecord:
    lock_organisation(organisation.pk)
    record = StaffRecord(organisation=organisation)
    for name in STAFF_FIELDS:
        if name in data:
            setattr(record, name, data[name])
    _check_unit(organisation=organisation, unit=record.unit)
    _check_manager(record=None, organisation=organisation, manager=record.line_manager)
    record.full_clean(exclude=["user"])
    record.save()
    audit_record(
        actor=by,
        action=Action.CREATE,
        channel=channel,
        target=record,
        organisation_id=organisation.pk,
        summary=f"Added staff record {record.staff_number}",
    )
    return record


@transaction.atomic
def staff_record_update(
    *,
    record: StaffRecord,
    data: dict[str, Any],
    by: User | None,
    channel: Channel,
    expected_version: int | None = None,
) -> StaffRecord:
    """Change a staff record; refuses if it changed since ``expected_version`` was read."""
    lock_organisation(record.organisation_id)
    locked = StaffRecord.objects.select_for_update().get(pk=record.pk)
    check_version(locked.version, expected_version, _staff_conflict)
    before = _snapshot(locked)
    for name in STAFF_FIELDS:
        if name in data:
            setattr(locked, name, data[name])
    _check_unit(organisation=locked.organisation, unit=locked.unit)
    _check_manager(record=locked, organisation=locked.organisation, manager=locked.line_manager)
    locked.full_clean(exclude=["user"])
    after = _snapshot(locked)
    changes = {
        k: [_jsonable(before[k]), _jsonable(after[k])] for k in after if before[k] != after[k]
    }
    if changes:
        locked.version += 1
        locked.save()
        audit_record(
            actor=by,
            action=Action.UPDATE,
            channel=channel,
            target=locked,
            organisation_id=locked.organisation_id,
            summary=f"Changed staff record {locked.staff_number}",
            changes=changes,
        )
        if "line_manager" in changes or "status" in changes:
            end_stale_ties(organisation_id=locked.organisation_id)
    return locked


@transaction.atomic
def staff_record_mark_left(
    *, record: StaffRecord, left_on: date | None, by: User | None, channel: Channel
) -> StaffRecord:
    lock_organisation(record.organisation_id)
    locked = StaffRecord.objects.select_for_update().get(pk=record.pk)
    if locked.status == StaffStatus.LEFT:
        return locked
    locked.status = StaffStatus.LEFT
    locked.left_on = left_on or timezone.localdate()
    locked.version += 1
    locked.save(update_fields=["status", "left_on", "version", "updated_at"])
    audit_record(
        actor=by,
        action=Action.UPDATE,
        channel=channel,
        target=locked,
        organisation_id=locked.organisation_id,
        summary=f"Marked {locked.staff_number} as left",
        changes={"status": ["active", "left"], "left_on": ["", str(locked.left_on)]},
    )
    # A leaver's own passport, and any passport shared with them as a manager, closes.
    end_stale_ties(organisation_id=locked.organisation_id)
    return locked


@transaction.atomic
def staff_record_link_user(
    *, record: StaffRecord, user: User, by: User | None, channel: Channel
) -> None:
    """Link an account to a staff record: from then on the staff record says who they manage."""
    lock_organisation(record.organisation_id)
    locked = StaffRecord.objects.select_for_update().get(pk=record.pk)
    if locked.user_id is not None:
        return
    if StaffRecord.objects.filter(organisation_id=locked.organisation_id, user=user).exists():
        return
    locked.user = user
    locked.version += 1
    locked.save(update_fields=["user", "version", "updated_at"])
    audit_record(
        actor=by,
        action=Action.UPDATE,
        channel=channel,
        target=locked,
        organisation_id=locked.organisation_id,
        summary=f"Linked {user.email} to staff record {locked.staff_number}",
    )


@transaction.atomic
def unit_create(
    *,
    organisation: Organisation,
    code: str,
    name: str,
    parent: Unit | None,
    by: User | None,
    channel: Channel,
) -> Unit:
    if parent is not None and parent.organisation_id != organisation.pk:
        raise ValidationError({"parent": _("Choose a unit of this organisation.")})
    unit = Unit(organisation=organisation, code=code.strip(), name=name.strip(), parent=parent)
    unit.full_clean()
    unit.save()
    audit_record(
        actor=by,
        action=Action.CREATE,
        channel=channel,
        target=unit,
        organisation_id=organisation.pk,
        summary=f"Added unit {unit.code}",
    )
    return unit


@transaction.atomic
def organisation_bank_holidays_default_set(
    *, organisation: Organisation, staff_work_bank_holidays: bool, by: User | None, channel: Channel
) -> Organisation:
    """Say whether staff normally work bank holidays; a staff record may still say otherwise.

    Audited when it changes, since it decides which days carer's leave may fall on.
    """
    locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
    _organisation_setting_set(
        locked,
        "staff_work_bank_holidays",
        staff_work_bank_holidays,
        by=by,
        channel=channel,
        summary="Changed whether staff normally work bank holidays",
    )
    organisation.staff_work_bank_holidays = staff_work_bank_holidays
    return locked


@transaction.atomic
def organisation_default_language_set(
    *, organisation: Organisation, language: str, by: User | None, channel: Channel
) -> bool:
    """Set the language of staff who have not chosen their own, and of invitations; True if it
    changed. Audited, since it changes what everyone there reads."""
    if not is_language(language):
        raise ValueError(f"not one of the site's languages: {language!r}")
    locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
    organisation.default_language = language
    return _organisation_setting_set(
        locked,
        "default_language",
        language,
        by=by,
        channel=channel,
        summary="Changed the organisation's language",
    )


def _organisation_setting_set(
    locked: Organisation,
    field: str,
    value: object,
    *,
    by: User | None,
    channel: Channel,
    summary: str,
) -> bool:
    """Save one organisation-wide setting on the locked row and audit it; nothing when it is
    already so (a form sent back unchanged writes nothing). True if it changed."""
    before = getattr(locked, field)
    if before == value:
        return False
    setattr(locked, field, value)
    locked.save(update_fields=[field])
    audit_record(
        actor=by,
        action=Action.UPDATE,
        channel=channel,
        target=locked,
        organisation_id=locked.pk,
        summary=summary,
        changes={field: [str(before), str(value)]},
    )
    return True


@transaction.atomic
def membership_grant(
    *, user: User, organisation: Organisation, role: Role, by: User | None, channel: Channel
) -> Membership:
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=organisation, role=role
    )
    if created:
        if role in MFA_ROLES:
            User.objects.filter(pk=user.pk).update(role_stamp=F("role_stamp") + 1)
        audit_record(
            actor=by,
            action=Action.CREATE,
            channel=channel,
            target=membership,
            organisation_id=organisation.pk,
            summary=f"Gave {user.email} the role {role.label}",
        )
        forget_roles(user)
    return membership


def membership_grant_by_email(
    *, email: str, organisation: Organisation, role: Role, by: User, channel: Channel
) -> Membership:
    """Give a role to someone who already belongs here; newcomers are invited instead."""
    user = (
        User.objects.filter(email__iexact=email.strip(), memberships__organisation=organisation)
        .distinct()
        .first()
    )
    if user is None:
        raise ValidationError(
            {
                "email": _(
                    "Nobody with this email address belongs to this organisation. Invite them first."
                )
            }
        )
    return membership_grant(user=user, organisation=organisation, role=role, by=by, channel=channel)


@transaction.atomic
def partnership_lead_appoint(
    *, user: User, partnership: Partnership, by: User | None, channel: Channel
) -> PartnershipLead:
    """Leads need MFA, so a signed-in user made a lead is asked for it on their next page."""
    lead, created = PartnershipLead.objects.get_or_create(user=user, partnership=partnership)
    if created:
        User.objects.filter(pk=user.pk).update(role_stamp=F("role_stamp") + 1)
        audit_record(
            actor=by,
            action=Action.CREATE,
            channel=channel,
            target=lead,
            organisation_id=None,
            summary=f"Made {user.email} a lead of {partnership.name}",
        )
        forget_roles(user)
    return lead


@transaction.atomic
def membership_revoke(*, membership: Membership, by: User | None, channel: Channel) -> None:
    organisation = membership.organisation
    # Two admins removing each other at once must not leave the organisation with none.
    lock_organisation(organisation.pk)
    remaining_admins = (
        Membership.objects.with_power()
        .filter(organisation=organisation, role=Role.ORG_ADMIN)
        .exclude(pk=membership.pk)
    )
    if membership.role == Role.ORG_ADMIN and not remaining_admins.exists():
        raise ValidationError(_("An organisation must keep at least one organisation admin."))
    audit_record(
        actor=by,
        action=Action.DELETE,
        channel=channel,
        target=membership,
        organisation_id=organisation.pk,
        summary=f"Removed the role {membership.get_role_display()} from {membership.user.email}",
    )
    membership.delete()
    forget_roles(membership.user)


#: How many of a refused file's problems are listed, on the upload page or the status page.
STAFF_IMPORT_PROBLEMS_LISTED = 200


def staff_import_checks_inline(*, size: int) -> bool:
    """A small file is checked while HR waits; a larger one by a background task.

    Decided by the upload's size in bytes, before a row is read: checking a national-size
    file takes longer than a web request may (``STAFF_IMPORT_INLINE_BYTES``).
    """
    return size <= settings.STAFF_IMPORT_INLINE_BYTES


def _staff_import_new(
    *, organisation: Organisation, upload: UploadedFile[bytes], mark_missing_as_left: bool, by: User
) -> StaffImport:
    return StaffImport(
        organisation=organisation,
        uploaded_by=by,
        file_name=clean_filename(upload.name, default="staff.csv", limit=200),
        mark_missing_as_left=mark_missing_as_left,
    )


def _staff_import_check(
    *, job: StaffImport, upload: IO[bytes], list_problems: bool
) -> staff_import.ImportPlan:
    """Check a file for its preview and record the outcome on ``job``, unsaved.

    The one check for both ways of uploading. Problems are listed on the job only when
    asked: a file checked while HR waits has shown them on the page, and they quote it.
    """
    plan = staff_import.plan_import(
        organisation=job.organisation, upload=upload, mark_missing_as_left=job.mark_missing_as_left
    )
    job.counts = plan.counts()
    job.preview = plan.preview() if plan.ok else {}
    job.status = StaffImportStatus.PREVIEWED if plan.ok else StaffImportStatus.REJECTED
    listed = plan.errors[:STAFF_IMPORT_PROBLEMS_LISTED] if list_problems else []
    job.problems = (
        {}
        if plan.ok
        else {"count": plan.error_count, "listed": [asdict(error) for error in listed]}
    )
    return plan


def _staff_import_save_with_file(job: StaffImport) -> None:
    try:
        job.save()
    except Exception:
        # Never leave a file of personal data behind without a row that housekeeping can find.
        if job.file:
            job.file.delete(save=False)
        raise


def staff_import_stage(
    *, organisation: Organisation, upload: UploadedFile[bytes], mark_missing_as_left: bool, by: User
) -> tuple[StaffImport, staff_import.ImportPlan]:
    """Check an uploaded file now and keep it for confirmation if it is clean."""
    job = _staff_import_new(
        organisation=organisation, upload=upload, mark_missing_as_left=mark_missing_as_left, by=by
    )
    plan = _staff_import_check(job=job, upload=upload, list_problems=False)
    if plan.ok:
        upload.seek(0)
        job.file.save("staff.csv", upload, save=False)
    _staff_import_save_with_file(job)
    return job, plan


def staff_import_check_later(
    *, organisation: Organisation, upload: UploadedFile[bytes], mark_missing_as_left: bool, by: User
) -> StaffImport:
    """Keep a large file for a background task to check (``tasks.check_staff_import``)."""
    from organisations.tasks import check_staff_import

    job = _staff_import_new(
        organisation=organisation, upload=upload, mark_missing_as_left=mark_missing_as_left, by=by
    )
    job.status = StaffImportStatus.CHECKING
    upload.seek(0)
    job.file.save("staff.csv", upload, save=False)
    with transaction.atomic():
        _staff_import_save_with_file(job)
        # Only once the job is saved as being checked can a worker find it.
        job_id = job.pk
        # A queue that is down leaves it "being checked" until housekeeping gives up on it.
        enqueue_on_commit(check_staff_import, job_id=job_id)
    return job


def staff_import_run_check(*, job_id: int) -> dict[str, int]:
    """The background task's work: check a stored file for its preview; nothing is written.

    The job stays locked while it is checked, so a second run of the task waits and then
    finds it checked, and a run for a job that housekeeping has failed meanwhile does
    nothing. A refused file is deleted at once, as on the upload page. If the check fails
    for a reason that is not in the file, the job is marked as failed and its file deleted.
    """
    # Committed on its own, so that if this worker dies mid-check another can take it over.
    StaffImport.objects.filter(pk=job_id, status=StaffImportStatus.CHECKING).update(
        worker=current_worker() or ""
    )
    try:
        with transaction.atomic():
            job = (
                StaffImport.objects.select_for_update(of=("self",))
                .select_related("organisation")
                .filter(pk=job_id)
                .first()
            )
            if job is None or job.status != StaffImportStatus.CHECKING:
                return {}  # already checked, or given up on by housekeeping
            with job.file.open("rb") as handle:
                plan = _staff_import_check(job=job, upload=handle, list_problems=True)
            if not plan.ok:
                _file_dropped_on_commit(job)  # a file with problems is not kept
            job.save(update_fields=["counts", "preview", "problems", "status", "file"])
    except Exception:
        _staff_import_failed(job_id, worker=current_worker() or "")
        raise
    return plan.counts()


def staff_import_applies_inline(job: StaffImport) -> bool:
    """Small files are imported while HR waits; larger ones by a background task.

    Applying checks the file again and writes it in one transaction; above
    ``STAFF_IMPORT_INLINE_ROWS`` rows that takes longer than a page should.
    """
    return int(job.counts.get("rows", 0)) <= settings.STAFF_IMPORT_INLINE_ROWS


def staff_import_confirm(
    *, job: StaffImport, by: User, left_confirmed: int | None = None, left_forced: bool = False
) -> staff_import.ImportPlan:
    """Apply a previewed file now; it is checked again because records may have moved on.

    ``left_confirmed`` is the number of people HR agreed to mark as left on the preview, and
    ``left_forced`` that they agreed to more than the limit: a different number now, or
    more than the limit without it, writes nothing (``staff_import.apply_import``).
    """
    with transaction.atomic():
        # A double submit waits here and then finds the job already applied.
        job = (
            StaffImport.objects.select_for_update(of=("self",))
            .select_related("organisation")
            .get(pk=job.pk)
        )
        if job.status != StaffImportStatus.PREVIEWED:
            raise ValidationError(_("This import has already been dealt with."))
        job.confirmed_by = by
        job.left_confirmed, job.left_forced = left_confirmed, left_forced
        return _staff_import_apply(job=job, by=by)


def staff_import_queue(
    *, job: StaffImport, by: User, left_confirmed: int | None = None, left_forced: bool = False
) -> StaffImport:
    """Confirm a previewed file for the background task to apply (see ``tasks.py``).

    What HR confirmed about marking people as left is kept with it, as for
    ``staff_import_confirm``.
    """
    from organisations.tasks import apply_staff_import

    with transaction.atomic():
        job = StaffImport.objects.select_for_update().get(pk=job.pk)
        if job.status != StaffImportStatus.PREVIEWED:
            raise ValidationError(_("This import has already been dealt with."))
        job.status = StaffImportStatus.QUEUED
        job.confirmed_by = by
        job.left_confirmed, job.left_forced = left_confirmed, left_forced
        job.save(update_fields=["status", "confirmed_by", "left_confirmed", "left_forced"])
        # Only once the job is saved as queued can a worker find it.
        job_id = job.pk
        enqueue_on_commit(apply_staff_import, job_id=job_id)
    return job


def staff_import_run_queued(*, job_id: int) -> dict[str, int]:
    """The background task's work: apply a queued file, all or nothing.

    The job is marked as running in a transaction of its own, so the status page can say
    so while the import's own transaction is still open. If the import fails for a reason
    that is not in the file (the database went away, say), nothing is written and the job
    is marked as failed, with its file deleted: HR can upload it again.
    """
    with transaction.atomic():
        job = StaffImport.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status != StaffImportStatus.QUEUED:
            return {}  # already dealt with, or discarded by housekeeping
        job.status = StaffImportStatus.RUNNING
        job.started_at = timezone.now()
        job.worker = worker = current_worker() or ""
        job.save(update_fields=["status", "started_at", "worker"])
    try:
        with transaction.atomic():
            job = (
                StaffImport.objects.select_for_update(of=("self",))
                .select_related("organisation", "confirmed_by")
                .filter(pk=job_id, status=StaffImportStatus.RUNNING, worker=worker)
                .first()
            )
            if job is None:
                # Taken over while this run stalled between its two transactions (the
                # network gone for longer than the heartbeat timeout): the other run has it.
                return {}
            plan = _staff_import_apply(job=job, by=job.confirmed_by)
    except Exception:
        _staff_import_failed(job_id, worker=worker)
        raise
    return plan.counts()


def staff_imports_take_over() -> int:
    """Queue again every import being checked or applied by a worker that has died; return
    how many.

    Checking writes nothing, and applying writes everything in one transaction, so a worker
    killed part-way (SIGKILL, a lost machine, a second SIGTERM) leaves no half of an import:
    running the task again from the start is safe. A worker is dead when its heartbeat row is
    gone or stale. On PostgreSQL, a job whose row is still locked is being worked on by a live
    transaction, whatever the heartbeat says (the database may have been away long enough
    to make every heartbeat late), so it is skipped: the database itself ends the lock of a
    process that died. There, an import marked as running whose row has stayed unlocked for
    ``WORKER_HEARTBEAT_TIMEOUT`` is taken over even if its worker still beats.
    """
    from organisations.tasks import apply_staff_import, check_staff_import

    busy = StaffImport.objects.filter(
        status__in=[StaffImportStatus.CHECKING, StaffImportStatus.RUNNING]
    ).exclude(worker="")
    workers = set(busy.values_list("worker", flat=True))
    if not workers:
        return 0
    alive = workers_alive_names()
    if not alive:
        # Every heartbeat is stale: the database was away and the beats have not caught up
        # yet (this check runs on a worker, so one is alive). Look again next time.
        return 0
    dead = workers - alive
    orphaned = Q(worker__in=dead)
    if connection.features.has_select_for_update_skip_locked:
        # An import's own transaction holds its row from a moment after it is marked as
        # running until it ends, so a row unlocked for that long has lost its transaction,
        # whatever process held it: RQ runs each task in a child process, which can die
        # while its worker beats on.
        long_ago = timezone.now() - timedelta(seconds=settings.WORKER_HEARTBEAT_TIMEOUT)
        orphaned |= Q(status=StaffImportStatus.RUNNING, started_at__lt=long_ago)
    taken = 0
    for job_id in busy.filter(orphaned).values_list("pk", flat=True):
        with transaction.atomic():
            job = (
                StaffImport.objects.select_for_update(skip_locked=True)
                .filter(orphaned, pk=job_id)
                .filter(status__in=[StaffImportStatus.CHECKING, StaffImportStatus.RUNNING])
                .exclude(worker="")
                .first()
            )
            if job is None:
                continue
            retry = check_staff_import
            if job.status == StaffImportStatus.RUNNING:
                job.status = StaffImportStatus.QUEUED  # as HR left it when they confirmed
                retry = apply_staff_import
            logger.warning(
                "Staff import %s queued again: its worker %s stopped", job.pk, job.worker
            )
            job.worker = ""
            job.save(update_fields=["status", "worker"])
            enqueue_on_commit(retry, job_id=job.pk)
            taken += 1
    return taken


def _file_dropped_on_commit(job: StaffImport) -> None:
    """Clear ``job``'s file now and delete it from the store once the transaction commits.

    Deleting it straight away would leave, if the transaction then failed (the database
    went away at the commit), a job that still names a file that is gone: the import could
    not be run again.
    """
    if not job.file:
        return
    name, storage = str(job.file.name), job.file.storage
    job.file = None  # saved as "", as FieldFile.delete leaves it

    def delete() -> None:
        try:
            storage.delete(name)
        except Exception:
            # The import stands, committed; only the file is left. Logged by name (a random
            # one) so that an operator can remove it.
            logger.exception("Staff file %s not deleted from the store", name)

    transaction.on_commit(delete)


def _staff_import_failed(job_id: int, *, worker: str | None = None) -> None:
    """Mark an import failed and delete its file. Given the ``worker`` that ran it, only if
    that run still holds it (being checked or applied under its name): a run that was taken
    over, or an import that did finish, is left as it is."""
    held = StaffImport.objects.filter(pk=job_id)
    if worker is not None:
        held = held.filter(
            status__in=[StaffImportStatus.CHECKING, StaffImportStatus.RUNNING], worker=worker
        )
    job = held.first()
    if job is None:
        return
    job.status = StaffImportStatus.FAILED
    job.preview = {}
    job.finished_at = timezone.now()
    if job.file:
        job.file.delete(save=False)
    job.save(update_fields=["status", "preview", "finished_at", "file"])


def _staff_import_apply(*, job: StaffImport, by: User | None) -> staff_import.ImportPlan:
    with job.file.open("rb") as handle:
        plan = staff_import.apply_import(
            organisation=job.organisation,
            upload=handle,
            by=by,
            channel=Channel.IMPORT,
            mark_missing_as_left=job.mark_missing_as_left,
            left_confirmed=job.left_confirmed,
            left_forced=job.left_forced,
            file_name=job.file_name,
        )
    job.counts = plan.counts()
    job.preview = {}  # names in the preview are personal data; they are not kept
    _file_dropped_on_commit(job)
    job.status = StaffImportStatus.APPLIED if plan.ok else StaffImportStatus.REJECTED
    job.finished_at = timezone.now()
    job.save(
        update_fields=[
            "counts",
            "preview",
            "status",
            "finished_at",
            "confirmed_by",
            "left_confirmed",
            "left_forced",
            "file",
        ]
    )
    return plan


def staff_import_discard(*, job: StaffImport) -> None:
    if job.status == StaffImportStatus.PREVIEWED:
        job.status = StaffImportStatus.DISCARDED
        job.finished_at = timezone.now()
    job.preview = {}
    if job.file:
        job.file.delete(save=False)
    job.save()


def staff_imports_purge_stale(*, older_than: timedelta = timedelta(days=1)) -> int:
    """Remove files of previews nobody confirmed, so personal data does not linger.

    An import still being checked, queued or running a day later has lost its worker (its
    transaction was rolled back with it): it is marked as failed and its file removed too.
    """
    cutoff = timezone.now() - older_than
    stale = StaffImport.objects.filter(status=StaffImportStatus.PREVIEWED, created_at__lt=cutoff)
    count = 0
    for job in stale:
        staff_import_discard(job=job)
        count += 1
    # The problems of a refused file quote it: their list goes too, and their number stays.
    listed = StaffImport.objects.filter(
        status=StaffImportStatus.REJECTED, created_at__lt=cutoff, problems__listed__0__isnull=False
    )
    for job in listed:
        job.problems = {**job.problems, "listed": []}
        job.save(update_fields=["problems"])
    stuck = StaffImport.objects.filter(
        status__in=[
            StaffImportStatus.CHECKING,
            StaffImportStatus.QUEUED,
            StaffImportStatus.RUNNING,
        ],
        created_at__lt=cutoff,
    )
    for job_id in stuck.values_list("pk", flat=True):
        _staff_import_failed(job_id)
        count += 1
    return count


def _setup_refused() -> RuleError:
    return RuleError(
        "setup_not_allowed",
        _(
            "Only a deployment admin can set up or rename organisations. An organisation's HR "
            "can add units to their own organisation only."
        ),
    )


def _setup_check_allowed(
    *, plan: SetupPlan, by: User | None, organisations: dict[str, Organisation]
) -> None:
    """Who may apply a plan (docs/organisation-setup.md). The command line (``by`` is None) is
    run by whoever runs the deployment. A deployment admin may apply any plan. Otherwise only a
    plan that adds or changes units in existing organisations, each of which ``by`` may change
    the units of (``organisations.change_units``, as on the units page), with no organisation
    created or renamed."""
    if by is None or (by.is_active and by.is_superuser):
        return
    if any(step.action != setup_import.UNCHANGED for step in plan.organisations):
        raise _setup_refused()
    if not all(by.has_perm("organisations.change_units", o) for o in organisations.values()):
        raise _setup_refused()


def _setup_stale() -> RuleError:
    return RuleError(
        "setup_plan_stale",
        _(
            "The organisations or units changed after the file was checked, so nothing has been "
            "set up. Upload the file again to check it against what is there now."
        ),
    )


def _setup_organisations_as_checked(
    plan: SetupPlan, partnership: Partnership
) -> dict[str, Organisation]:
    """The plan's existing organisations, locked, and none of its new short names taken since;
    a difference from the checked plan refuses it all (``setup_plan_stale``)."""
    new = [step.slug for step in plan.organisations if step.existing_id is None]
    if Organisation.objects.filter(slug__in=new).exists():
        raise _setup_stale()
    ids = [step.existing_id for step in plan.organisations if step.existing_id is not None]
    found = {
        o.pk: o for o in Organisation.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    }
    existing: dict[str, Organisation] = {}
    for step in plan.organisations:
        if step.existing_id is None:
            continue
        organisation = found.get(step.existing_id)
        if (
            organisation is None
            or organisation.slug != step.slug
            or organisation.partnership_id != partnership.pk
            or organisation.name != step.old_name
        ):
            raise _setup_stale()
        existing[step.slug] = organisation
    return existing


def _setup_units_as_checked(
    plan: SetupPlan, existing: dict[str, Organisation]
) -> dict[tuple[str, str], Unit]:
    """The existing organisations' units by (short name, code), each as the plan found it."""
    units = {
        (unit.organisation.slug, unit.code): unit
        for unit in Unit.objects.select_for_update(of=("self",))
        .filter(organisation__in=list(existing.values()))
        .select_related("organisation", "parent")
        .order_by("pk")
    }
    for step in plan.units:
        unit = units.get((step.organisation, step.code))
        if step.existing_id is None:
            if unit is not None:
                raise _setup_stale()
            continue
        if (
            unit is None
            or unit.pk != step.existing_id
            or unit.name != step.old_name
            or (unit.parent.code if unit.parent else "") != step.old_parent
        ):
            raise _setup_stale()
    return units


def _setup_tree_still_holds(plan: SetupPlan, units: dict[tuple[str, str], Unit]) -> None:
    """Refuse (stale) if a parent the plan names has gone, or if the plan's moves, put together
    with the tree as it is now (locked), would make units go round in a circle: the file was
    checked against the tree as it was, and the Units pages may have changed it since."""
    parents: dict[tuple[str, str], tuple[str, str] | None] = {
        key: ((key[0], unit.parent.code) if unit.parent_id and unit.parent else None)
        for key, unit in units.items()
    }
    for step in plan.units:
        if step.action == setup_import.UNCHANGED:
            continue
        parent = (step.organisation, step.parent) if step.parent else None
        if parent is not None and parent not in units:
            raise _setup_stale()
        parents[step.organisation, step.code] = parent
    for step in plan.units:
        seen: set[tuple[str, str]] = set()
        walking: tuple[str, str] | None = (step.organisation, step.code)
        while walking is not None:
            if walking in seen:
                raise _setup_stale()
            seen.add(walking)
            walking = parents.get(walking)


def organisation_setup_apply(
    *, plan: SetupPlan, by: User | None, channel: Channel
) -> dict[str, int]:
    """Apply a checked plan, all or nothing; the counts of what it did.

    The plan is applied exactly as it was checked: if an organisation or unit it names has
    changed since, or a short name or code it would create has been taken, nothing is written
    (``setup_plan_stale``), so a confirmation can never do something other than what its
    preview showed, and confirming the same plan twice creates nothing the second time.
    Audited: one entry for each organisation created, renamed or given units, and one summary.
    """
    try:
        return _organisation_setup_write(plan=plan, by=by, channel=channel)
    except IntegrityError as error:
        # A short name or code taken at the same moment by another write: the plan no longer
        # holds, and the transaction has already been rolled back.
        raise _setup_stale() from error


@transaction.atomic
def _organisation_setup_write(
    *, plan: SetupPlan, by: User | None, channel: Channel
) -> dict[str, int]:
    partnership = Partnership.objects.select_for_update().filter(pk=plan.partnership_id).first()
    if partnership is None:
        raise _setup_stale()
    existing = _setup_organisations_as_checked(plan, partnership)
    _setup_check_allowed(plan=plan, by=by, organisations=existing)
    units = _setup_units_as_checked(plan, existing)
    if not plan.changes_anything:
        return plan.counts()  # the same file again: nothing to write, not even the audit
    organisations = dict(existing)
    for step in plan.organisations:
        if step.action == setup_import.CREATE:
            organisation = Organisation(
                partnership=partnership,
                slug=step.slug,
                name=step.name,
                nation=step.nation,
                sector=step.sector,
                size_band=step.size_band,
            )
            organisation.full_clean()
            organisation.save()
            organisations[step.slug] = organisation
        elif step.action == setup_import.RENAME:
            organisation = existing[step.slug]
            organisation.name = step.name
            organisation.save(update_fields=["name"])
    # Units without their parents first, then each unit's parent once every unit exists.
    for unit_step in plan.units:
        if unit_step.action == setup_import.CREATE:
            unit = Unit(
                organisation=organisations[unit_step.organisation],
                code=unit_step.code,
                name=unit_step.name,
            )
            unit.save()
            units[unit_step.organisation, unit_step.code] = unit
    _setup_tree_still_holds(plan, units)
    touched: dict[str, dict[str, int]] = {}
    for unit_step in plan.units:
        if unit_step.action == setup_import.UNCHANGED:
            continue
        unit = units[unit_step.organisation, unit_step.code]
        unit.name = unit_step.name
        unit.parent = units[unit_step.organisation, unit_step.parent] if unit_step.parent else None
        unit.save(update_fields=["name", "parent"])
        tally = touched.setdefault(unit_step.organisation, {"created": 0, "changed": 0})
        tally["created" if unit_step.action == setup_import.CREATE else "changed"] += 1
    for step in plan.organisations:
        organisation = organisations[step.slug]
        tally = touched.get(step.slug, {"created": 0, "changed": 0})
        if step.action == setup_import.UNCHANGED and not any(tally.values()):
            continue
        summary = {
            setup_import.CREATE: "Set up from a file in {partnership}",
            setup_import.RENAME: "Renamed from a file, from “{old}”",
            setup_import.UNCHANGED: "Units set up from a file",
        }[step.action].format(partnership=partnership.name, old=step.old_name)
        audit_record(
            actor=by,
            action=Action.CREATE if step.action == setup_import.CREATE else Action.UPDATE,
            channel=channel,
            target=organisation,
            organisation_id=organisation.pk,
            summary=f"{summary}: {tally['created']} units added, {tally['changed']} changed",
            changes={
                "units_created": tally["created"],
                "units_changed": tally["changed"],
                **(
                    {"name": [step.old_name, step.name]}
                    if step.action == setup_import.RENAME
                    else {}
                ),
            },
        )
    counts = plan.counts()
    audit_record(
        actor=by,
        action=Action.UPDATE,
        channel=channel,
        target=partnership,
        organisation_id=None,
        summary=(
            f"Organisations set up from {plan.file_name or 'a file'}: "
            f"{counts['organisations_created']} created, {counts['organisations_renamed']} "
            f"renamed, {counts['units_created']} units added, {counts['units_changed']} changed"
        ),
        changes={"file_name": plan.file_name, **counts},
    )
    return counts
