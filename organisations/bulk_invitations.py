"""Inviting everyone in post in a unit, or in the whole organisation, in one action.

A trust of 31,000 staff cannot be invited one form at a time. HR chooses a unit (and so every
unit under it) or the whole organisation, sees how many will be invited, and starts a batch;
a background task (``organisations.tasks.send_invitation_batch``) then works through the staff
records in order of id, ``STEP`` at a time. Each step is one transaction: it creates that
step's invitations, queues one email for each through the outbox, audits them, and records
how far it got. So:

- **Memory is flat**: a step holds a few hundred rows, whatever the organisation's size.
- **Nobody is invited twice.** Someone with an account here (a staff record linked to it, or a
  member with their address), an address with an invitation still open, an address already
  invited earlier in the batch: all are counted and passed over. Only one batch runs at a time
  in an organisation (a database constraint), so two cannot race.
- **It is resumable.** A worker killed part-way loses at most its open step, which rolls back;
  ``invitation_batches_take_over`` queues the batch again and it goes on from the last step
  committed. HR can stop a batch and continue it later from its status page.
- **A leaver holds no power**: each step checks that whoever started (or continued) the batch
  may still invite people here, and stops it if not.
- **Bounces are handled**: an address the mail server refuses, or whose email comes back
  (``manage.py record_email_bounces``), marks its invitation as not delivered
  (``invitations.invitations_mark_bounced``); the batch's status page lists them so HR can
  correct the address, and a later batch invites the corrected one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import Action, Channel
from audit.services import audit_record, audit_record_many
from organisations.invitations import (
    INVITATION_LIFETIME,
    invitation_email_send,
    invitation_token,
)
from organisations.models import (
    Invitation,
    InvitationBatch,
    InvitationBatchStatus,
    InvitationBatchStop,
    Membership,
    Organisation,
    Role,
    StaffRecord,
    StaffStatus,
    Unit,
)
from organisations.selectors import roles_grantable_by
from organisations.services import lock_organisation
from shared.emails import recipient_languages
from shared.heartbeat import current_worker, workers_alive_names
from shared.outbox import new_message_id
from shared.queue import enqueue_on_commit

logger = logging.getLogger(__name__)

#: Staff records dealt with in one step (one transaction).
STEP = 250
#: A queued batch whose task has not started after this long is queued again (its task was
#: lost, or never queued because the queue was down); a second task for it finds nothing to do.
QUEUE_GRACE = timedelta(minutes=5)
Status = InvitationBatchStatus


# -- who is in scope ---------------------------------------------------------------------------


def unit_and_below(unit: Unit) -> list[int]:
    """The ids of ``unit`` and every unit under it, however deep (a loop in the tree, which
    the unit pages prevent, is not followed twice)."""
    children: dict[int, list[int]] = {}
    pairs = Unit.objects.filter(organisation_id=unit.organisation_id).values_list("pk", "parent_id")
    for pk, parent_id in pairs:
        if parent_id is not None:
            children.setdefault(parent_id, []).append(pk)
    found, waiting = [unit.pk], [unit.pk]
    seen = {unit.pk}
    while waiting:
        for child in children.get(waiting.pop(), []):
            if child not in seen:
                seen.add(child)
                found.append(child)
                waiting.append(child)
    return found


def staff_in_scope(*, organisation: Organisation, unit: Unit | None) -> QuerySet[StaffRecord]:
    """Everyone in post in the organisation, or in ``unit`` and the units under it."""
    staff = StaffRecord.objects.filter(organisation=organisation, status=StaffStatus.ACTIVE)
    if unit is not None:
        staff = staff.filter(unit_id__in=unit_and_below(unit))
    return staff


def _open_invitations(organisation: Organisation) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        organisation=organisation, accepted_at__isnull=True, expires_at__gt=timezone.now()
    )


@dataclass(frozen=True)
class BatchPreview:
    """What starting a batch would do, counted before HR confirms it."""

    in_post: int
    joined: int
    invited: int
    no_email: int

    @property
    def to_invite(self) -> int:
        """About how many would be invited: people sharing an address, or with an account
        here under their address but not linked to their record, are found as it runs."""
        return max(0, self.in_post - self.joined - self.invited - self.no_email)


def invitation_batch_preview(*, organisation: Organisation, unit: Unit | None) -> BatchPreview:
    """Counts for the confirmation page, in one query whatever the organisation's size."""
    open_invitation = _open_invitations(organisation).filter(email=Lower(OuterRef("work_email")))
    no_email = Q(user__isnull=True, work_email="")
    counts = staff_in_scope(organisation=organisation, unit=unit).aggregate(
        in_post=Count("pk"),
        joined=Count("pk", filter=Q(user__isnull=False)),
        no_email=Count("pk", filter=no_email),
        invited=Count("pk", filter=Q(Exists(open_invitation), user__isnull=True) & ~no_email),
    )
    return BatchPreview(**counts)


# -- starting, stopping and continuing ---------------------------------------------------------


def may_invite_everyone(*, user: User, organisation: Organisation) -> bool:
    """Bulk invitations make people employees: whoever may grant that role may send them."""
    return user.is_active and Role.EMPLOYEE in roles_grantable_by(
        user=user, organisation=organisation
    )


def batch_in_progress(*, organisation: Organisation) -> InvitationBatch | None:
    return InvitationBatch.objects.filter(
        organisation=organisation, status__in=[Status.QUEUED, Status.RUNNING]
    ).first()


def invitation_batch_start(
    *, organisation: Organisation, unit: Unit | None, by: User
) -> InvitationBatch:
    """Queue a batch inviting everyone in post in ``unit`` (and below) or the organisation."""
    from organisations.tasks import send_invitation_batch

    if not may_invite_everyone(user=by, organisation=organisation):
        raise PermissionDenied("Only someone who may invite employees can invite everyone")
    if unit is not None and unit.organisation_id != organisation.pk:
        raise PermissionDenied("The unit belongs to another organisation")
    label = unit.name if unit is not None else organisation.name
    try:
        with transaction.atomic():
            batch = InvitationBatch.objects.create(
                organisation=organisation,
                unit=unit,
                whole_organisation=unit is None,
                scope_label=label,
                requested_by=by,
                total=staff_in_scope(organisation=organisation, unit=unit).count(),
            )
            audit_record(
                actor=by,
                action=Action.CREATE,
                channel=Channel.WEB,
                target=batch,
                organisation_id=organisation.pk,
                summary=f"Started inviting everyone in post in {label}",
            )
            enqueue_on_commit(send_invitation_batch, batch_id=batch.pk)
    except IntegrityError:
        raise ValidationError(
            _(
                "Invitations are already being sent here. Wait for them to finish, or stop "
                "them, before starting more."
            )
        ) from None
    return batch


@transaction.atomic
def invitation_batch_stop(*, batch: InvitationBatch, by: User) -> bool:
    """Stop a batch between two steps; what was sent stays sent. False if it had ended."""
    locked = InvitationBatch.objects.select_for_update().get(pk=batch.pk)
    if not locked.in_progress:
        return False
    locked.status = Status.STOPPED
    locked.stopped_reason = InvitationBatchStop.BY_HR
    locked.worker = ""
    locked.save(update_fields=["status", "stopped_reason", "worker"])
    audit_record(
        actor=by,
        action=Action.UPDATE,
        channel=Channel.WEB,
        target=locked,
        organisation_id=locked.organisation_id,
        summary=f"Stopped the invitations to {locked.scope_label} after {locked.invited}",
    )
    return True


def invitation_batch_continue(*, batch: InvitationBatch, by: User) -> bool:
    """Go on with a stopped batch from where it stopped, on ``by``'s authority from now on.
    False if it was not stopped."""
    from organisations.tasks import send_invitation_batch

    if not may_invite_everyone(user=by, organisation=batch.organisation):
        raise PermissionDenied("Only someone who may invite employees can continue a batch")
    try:
        with transaction.atomic():
            locked = InvitationBatch.objects.select_for_update().get(pk=batch.pk)
            if locked.status != Status.STOPPED:
                return False
            locked.status = Status.QUEUED
            locked.stopped_reason = ""
            locked.requested_by = by
            locked.stepped_at = timezone.now()
            locked.save(update_fields=["status", "stopped_reason", "requested_by", "stepped_at"])
            audit_record(
                actor=by,
                action=Action.UPDATE,
                channel=Channel.WEB,
                target=locked,
                organisation_id=locked.organisation_id,
                summary=f"Continued the invitations to {locked.scope_label}",
            )
            enqueue_on_commit(send_invitation_batch, batch_id=locked.pk)
    except IntegrityError:
        raise ValidationError(
            _("Other invitations are being sent here. Continue these once they have finished.")
        ) from None
    return True


# -- the background work -----------------------------------------------------------------------


def invitation_batch_run(*, batch_id: int, step: int = STEP) -> dict[str, int]:
    """The task's work: claim the batch, then take steps until it ends or is stopped."""
    worker = current_worker() or ""
    with transaction.atomic():
        batch = InvitationBatch.objects.select_for_update().filter(pk=batch_id).first()
        if batch is None or batch.status != Status.QUEUED:
            return {}  # finished, stopped, or another task has it
        now = timezone.now()
        batch.status = Status.RUNNING
        batch.worker = worker
        batch.started_at = batch.started_at or now
        batch.stepped_at = now
        batch.save(update_fields=["status", "worker", "started_at", "stepped_at"])
    try:
        while _step(batch_id=batch_id, worker=worker, size=step):
            pass
    except Exception:
        _stop_after_error(batch_id=batch_id, worker=worker)
        raise
    batch = InvitationBatch.objects.get(pk=batch_id)
    return {"invited": batch.invited, "examined": batch.examined}


def _stop_after_error(*, batch_id: int, worker: str) -> None:
    """An error in a step (rolled back) stops the batch where it was, for HR to continue.
    If the database itself is away this fails too, and the batch stays running: taken over
    once it is back."""
    try:
        with transaction.atomic():
            batch = (
                InvitationBatch.objects.select_for_update()
                .filter(pk=batch_id, status=Status.RUNNING, worker=worker)
                .first()
            )
            if batch is not None:
                _end(batch, Status.STOPPED, reason=InvitationBatchStop.ERROR)
    except Exception:
        logger.exception("Invitation batch %s could not be marked as stopped", batch_id)


def _step(*, batch_id: int, worker: str, size: int) -> bool:
    """Invite the next ``size`` people in scope, all or nothing; False once nothing is left."""
    with transaction.atomic():
        batch = (
            InvitationBatch.objects.select_for_update(of=("self",))
            .select_related("organisation", "unit", "requested_by")
            .filter(pk=batch_id, status=Status.RUNNING, worker=worker)
            .first()
        )
        if batch is None:
            return False  # stopped by HR, or taken over by another worker
        organisation, by = batch.organisation, batch.requested_by
        # As every single invitation does: an address invited one way is seen by the other.
        lock_organisation(organisation.pk)
        now = timezone.now()
        if by is None or not may_invite_everyone(user=by, organisation=organisation):
            _end(batch, Status.STOPPED, reason=InvitationBatchStop.POWER_LOST)
            return False
        unit = batch.unit
        if unit is None and not batch.whole_organisation:
            # Its unit was deleted: never widen a unit's batch to everyone.
            _end(batch, Status.STOPPED, reason=InvitationBatchStop.UNIT_DELETED)
            return False
        rows = list(
            staff_in_scope(organisation=organisation, unit=unit)
            .filter(pk__gt=batch.cursor)
            .order_by("pk")
            .values_list("pk", "work_email", "user_id")[:size]
        )
        if not rows:
            _end(batch, Status.FINISHED)
            return False
        addresses = {email.strip().lower() for _pk, email, _user in rows if email.strip()}
        taken, earlier_in_batch = _addresses_invited(
            organisation=organisation, batch=batch, addresses=addresses
        )
        members = {
            email.lower()
            for email in Membership.objects.filter(
                organisation=organisation, user__email__in=addresses
            ).values_list("user__email", flat=True)
        }
        expires_at = now + INVITATION_LIFETIME
        invitations: list[Invitation] = []
        tokens: list[str] = []
        for pk, raw_email, user_id in rows:
            email = raw_email.strip().lower()
            batch.examined += 1
            if user_id is not None or email in members:
                batch.already_joined += 1
            elif not email:
                batch.no_email += 1
            elif email in taken:
                # Invited before this batch, or by an earlier row of it.
                if email in earlier_in_batch:
                    batch.shared_email += 1
                else:
                    batch.already_invited += 1
            else:
                token, token_hash = invitation_token()
                tokens.append(token)
                invitations.append(
                    Invitation(
                        organisation=organisation,
                        email=email,
                        role=Role.EMPLOYEE,
                        staff_record_id=pk,
                        token_hash=token_hash,
                        invited_by=by,
                        expires_at=expires_at,
                        batch=batch,
                        message_id=new_message_id(),
                    )
                )
                taken.add(email)
                earlier_in_batch.add(email)
        Invitation.objects.bulk_create(invitations)
        languages = recipient_languages([invitation.email for invitation in invitations])
        for invitation, token in zip(invitations, tokens, strict=True):
            invitation_email_send(
                invitation=invitation, token=token, reads=languages.get(invitation.email, "")
            )
        audit_record_many(
            actor=by,
            action=Action.CREATE,
            channel=Channel.SYSTEM,
            object_type="accounts.invitation",
            entries=[
                (
                    str(invitation.pk),
                    f"Invited {invitation.email} as {Role.EMPLOYEE.label}",
                    {"batch": batch.pk},
                )
                for invitation in invitations
            ],
            organisation_id=organisation.pk,
        )
        batch.invited += len(invitations)
        batch.cursor = rows[-1][0]
        batch.stepped_at = now
        batch.save()
    return True


def _addresses_invited(
    *, organisation: Organisation, batch: InvitationBatch, addresses: set[str]
) -> tuple[set[str], set[str]]:
    """Which of ``addresses`` hold an open invitation that still works, and which of those
    this batch sent. An invitation whose sender may no longer grant its role cannot be
    accepted (``invitation_accept``), so it holds nobody back: they are invited again."""
    rows = list(
        _open_invitations(organisation)
        .filter(email__in=addresses)
        .values_list("email", "batch_id", "invited_by_id", "role")
    )
    senders = {
        user.pk: user
        for user in User.objects.filter(pk__in={row[2] for row in rows if row[2] is not None})
    }
    taken: set[str] = set()
    earlier_in_batch: set[str] = set()
    for email, batch_id, sender_id, role in rows:
        sender = senders.get(sender_id) if sender_id is not None else None
        if sender is None or Role(role) not in roles_grantable_by(
            user=sender, organisation=organisation
        ):
            continue
        taken.add(email)
        if batch_id == batch.pk:
            earlier_in_batch.add(email)
    return taken, earlier_in_batch


def _end(batch: InvitationBatch, status: str, *, reason: InvitationBatchStop | None = None) -> None:
    batch.status = status
    batch.stopped_reason = reason or ""
    batch.finished_at = timezone.now() if status == Status.FINISHED else None
    batch.worker = ""
    batch.save(update_fields=["status", "stopped_reason", "finished_at", "worker"])
    summary = (
        f"Finished inviting everyone in post in {batch.scope_label}: {batch.invited} invited"
        if status == Status.FINISHED
        else f"The invitations to {batch.scope_label} stopped ({reason})"
    )
    audit_record(
        actor=batch.requested_by,
        action=Action.UPDATE,
        channel=Channel.SYSTEM,
        target=batch,
        organisation_id=batch.organisation_id,
        summary=summary,
        changes={
            "invited": batch.invited,
            "already_joined": batch.already_joined,
            "already_invited": batch.already_invited,
            "no_email": batch.no_email,
            "shared_email": batch.shared_email,
        },
    )


def invitation_batches_take_over() -> int:
    """Queue again each batch whose worker stopped mid-way, or whose task was lost; return
    how many. Every step commits on its own, so the batch goes on from its last step."""
    from organisations.tasks import send_invitation_batch

    now = timezone.now()
    stale = now - timedelta(seconds=settings.WORKER_HEARTBEAT_TIMEOUT)
    running = InvitationBatch.objects.filter(status=Status.RUNNING)
    workers = set(running.values_list("worker", flat=True))
    lost = Q(status=Status.QUEUED) & (
        Q(stepped_at__lt=now - QUEUE_GRACE)
        | Q(stepped_at__isnull=True, created_at__lt=now - QUEUE_GRACE)
    )
    if workers:
        alive = workers_alive_names()
        if alive:  # every heartbeat stale: the database was away; look again next time
            # A batch run by a command (no worker name) is judged by its steps alone.
            lost |= Q(status=Status.RUNNING) & (
                Q(worker__in=workers - alive - {""}) | Q(stepped_at__lt=stale)
            )
    taken = 0
    skip_locked = connection.features.has_select_for_update_skip_locked
    for batch_id in InvitationBatch.objects.filter(lost).values_list("pk", flat=True):
        with transaction.atomic():
            batch = (
                InvitationBatch.objects.select_for_update(skip_locked=skip_locked)
                .filter(lost, pk=batch_id)
                .first()
            )
            if batch is None:
                continue  # a step holds it: it is alive
            logger.warning("Invitation batch %s queued again: its task stopped", batch.pk)
            batch.status = Status.QUEUED
            batch.worker = ""
            batch.stepped_at = now
            batch.save(update_fields=["status", "worker", "stepped_at"])
            enqueue_on_commit(send_invitation_batch, batch_id=batch.pk)
            taken += 1
    return taken


def bounced_invitations(*, batch: InvitationBatch) -> QuerySet[Invitation]:
    """The batch's invitations whose email never arrived, for HR to correct the address."""
    return (
        Invitation.objects.filter(batch=batch, bounced_at__isnull=False, accepted_at__isnull=True)
        .select_related("staff_record")
        .order_by("email")
    )
