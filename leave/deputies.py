"""Deputies: someone who decides a manager's team's requests while the manager is away.

Every decision a deputy makes records whom they acted for.
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import Action, Channel
from audit.services import audit_record
from leave.models import Deputy
from leave.services import LeaveRuleError
from organisations.models import StaffRecord, StaffStatus


def acting_for(*, user: User, manager: StaffRecord | None, on: date) -> bool:
    """Whether ``user`` is an active deputy for ``manager`` on ``on``."""
    if manager is None:
        return False
    return (
        Deputy.objects.in_force(on)
        .filter(manager=manager, deputy__user=user, deputy__status=StaffStatus.ACTIVE)
        .exists()
    )


def managers_deputised(*, deputy: StaffRecord, on: date) -> list[int]:
    """Staff ids of the managers ``deputy`` stands in for on ``on``."""
    return list(
        Deputy.objects.in_force(on).filter(deputy=deputy).values_list("manager_id", flat=True)
    )


@transaction.atomic
def deputy_appoint(
    *,
    manager: StaffRecord,
    deputy_number: str,
    from_date: date,
    to_date: date,
    by: User,
    today: date,
) -> Deputy:
    if manager.user_id != by.pk or manager.status != StaffStatus.ACTIVE:
        raise PermissionDenied("Managers in post appoint their own deputies")
    deputy = StaffRecord.objects.filter(
        organisation_id=manager.organisation_id, staff_number=deputy_number.strip()
    ).first()
    if deputy is None or deputy.status != StaffStatus.ACTIVE or deputy.user_id is None:
        raise LeaveRuleError(
            "deputy_unknown",
            _("Choose a colleague in post here who has an account."),
            field="staff_number",
        )
    if deputy.pk == manager.pk:
        raise LeaveRuleError("deputy_self", _("You cannot be your own deputy."))
    if to_date < from_date or to_date < today:
        raise LeaveRuleError(
            "deputy_dates",
            _("The end date must be on or after the start date, and not in the past."),
        )
    appointment = Deputy.objects.create(
        manager=manager, deputy=deputy, from_date=from_date, to_date=to_date, created_by=by
    )
    audit_record(
        actor=by,
        action=Action.CREATE,
        channel=Channel.WEB,
        target=appointment,
        organisation_id=manager.organisation_id,
        summary=f"{deputy.full_name} deputises for {manager.full_name} {from_date} to {to_date}",
    )
    return appointment


@transaction.atomic
def deputy_end(*, appointment: Deputy, by: User, now: datetime) -> Deputy:
    """End an appointment early, at once: only the manager who made it may (audited)."""
    locked = (
        Deputy.objects.select_for_update()
        .select_related("manager", "deputy")
        .get(pk=appointment.pk)
    )
    if locked.created_by_id != by.pk or locked.manager.user_id != by.pk:
        raise PermissionDenied("Only the manager who named a deputy ends the appointment")
    if locked.ended_at is not None or locked.to_date < timezone.localdate(now):
        raise LeaveRuleError("deputy_already_ended", _("This appointment has already ended."))
    locked.ended_at = now
    locked.save(update_fields=["ended_at"])
    audit_record(
        actor=by,
        action=Action.UPDATE,
        channel=Channel.WEB,
        target=locked,
        organisation_id=locked.manager.organisation_id,
        summary=f"Ended early: {locked.deputy.full_name} deputising for {locked.manager.full_name}",
    )
    return locked
